import { asArray, field, isObject, mapSelectorMatches, namespaceOf, podTemplatesIn, stringMap, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** A Service's selector selects pods of a workload in its namespace, and its named target ports exist on them. */
export const requireServiceSelectsPods = defineRule({
  id: 'require-service-selects-pods',
  area: 'services',
  description: 'A Service with a selector selects the pod template of at least one workload in its namespace, and each named targetPort is a container port name of those pods.',
  rationale: 'A Service that selects nothing has no endpoints: clients get connection refused, and nothing fails at deploy time. It happens when a label is renamed on one side only, or a quarantine label is put into the Service\'s selector but not the pods\'.',
  remediation: 'Make the Service selector a subset of the workload\'s pod labels (the app templates share one label set), and name targetPorts as the containers name their ports.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: ['Service'],
  relational: true,
  reads: [...WORKLOAD_KINDS],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    if (field(object, 'spec.type') === 'ExternalName') return notApplicable('an ExternalName Service selects no pods');
    const selector = stringMap(field(object, 'spec.selector'));
    if (Object.keys(selector).length === 0) return notApplicable('no selector (endpoints are managed by hand)');
    const selected = podTemplatesIn(target, namespaceOf(object)).filter((p) => mapSelectorMatches(selector, p.labels));
    if (selected.length === 0) {
      const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
      return violations([`its selector ${text} matches the pods of no workload in namespace ${namespaceOf(object) ?? '(none)'}: the Service has no endpoints`]);
    }
    const messages: string[] = [];
    // The selected pods' port names, read only when a port targets a name.
    let portNames: Set<string> | undefined;
    for (const port of asArray(field(object, 'spec.ports'))) {
      const targetPort = field(port, 'targetPort');
      if (typeof targetPort !== 'string' || /^\d+$/.test(targetPort)) continue;
      portNames ??= new Set(selected.flatMap((p) => [...asArray(p.template.spec.containers), ...asArray(p.template.spec.initContainers)].flatMap((c) => asArray(field(c, 'ports')))).filter(isObject).map((p) => p.name).filter((n): n is string => typeof n === 'string'));
      if (!portNames.has(targetPort)) messages.push(`targetPort "${targetPort}" is not a container port name of the selected pods`);
    }
    return violations(messages);
  },
});
