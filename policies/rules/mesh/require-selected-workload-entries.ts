import { field, mapSelectorMatches, namespaceOf, stringMap } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

/** A VM in the mesh (WorkloadEntry, or the WorkloadGroup that makes them) is selected by a Service or ServiceEntry. */
export const requireSelectedWorkloadEntries = defineRule({
  id: 'require-selected-workload-entries',
  area: 'mesh',
  description: 'Every WorkloadEntry (and WorkloadGroup template) has labels that a Service or ServiceEntry of its namespace selects, and names its service account.',
  rationale: 'A WorkloadEntry that no Service selector or ServiceEntry workloadSelector matches receives no traffic: a migration looks done while callers still reach only the pods (Kiali KIA1201). Without a service account the VM runs as "default", so AuthorizationPolicies by service account reject it.',
  remediation: 'Give the entry the labels of the app\'s Service selector (or add a ServiceEntry with a workloadSelector on its labels), and set serviceAccount to the app\'s service account.',
  severity: 'medium',
  enforcement: 'advisory',
  kinds: ['WorkloadEntry', 'WorkloadGroup'],
  relational: true,
  reads: ['Service', 'ServiceEntry'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const group = object.kind === 'WorkloadGroup';
    const labels = stringMap(field(object, group ? 'spec.metadata.labels' : 'spec.labels'));
    const account = field(object, group ? 'spec.template.serviceAccount' : 'spec.serviceAccount');
    const ns = namespaceOf(object);
    const messages: string[] = [];
    const selected = target.inNamespace('Service', ns).some((s) => field(s, 'spec.type') !== 'ExternalName' && mapSelectorMatches(stringMap(field(s, 'spec.selector')), labels))
      || target.inNamespace('ServiceEntry', ns).some((se) => mapSelectorMatches(stringMap(field(se, 'spec.workloadSelector.labels')), labels));
    if (!selected) {
      const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'none';
      messages.push(`no Service or ServiceEntry in namespace ${ns ?? '(none)'} selects its labels (${text}): it receives no traffic`);
    }
    if (typeof account !== 'string' || account === '') messages.push(`${group ? 'template.serviceAccount' : 'serviceAccount'} is not set: the VM runs as the namespace's "default" identity`);
    return violations(messages);
  },
});
