import { field, isObject, namespaceOf, WORKLOAD_KINDS } from '../../engine/kube';
import { COMPLIANT, defineRule, violations } from '../../engine/types';

/** A quota that bounds both CPU and memory requests (`requests.cpu` or `cpu`, and the same for memory). */
function boundsCpuAndMemory(quota: unknown): boolean {
  const hard = field(quota, 'spec.hard');
  if (!isObject(hard)) return false;
  return (hard['requests.cpu'] !== undefined || hard.cpu !== undefined) && (hard['requests.memory'] !== undefined || hard.memory !== undefined);
}

/** Every namespace with workloads has a ResourceQuota on CPU and memory. */
export const requireResourceQuota = defineRule({
  id: 'require-resource-quota',
  area: 'tenancy',
  description: 'Every namespace with workloads has a ResourceQuota whose hard limits bound requested CPU and memory.',
  rationale: 'Without a quota, one team\'s runaway autoscaler or peak profile takes the capacity another team was promised: the scheduler serves whoever asks first, and the other team\'s pods stay pending at the worst moment.',
  remediation: 'Declare the namespace\'s owner with a Team (the estate renders `tenant-quota` sized from its apps at the autoscalers\' maximum plus headroom), or add a ResourceQuota with requests.cpu and requests.memory.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: true,
  reads: ['ResourceQuota'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const namespace = namespaceOf(object);
    const quotas = target.inNamespace('ResourceQuota', namespace);
    if (quotas.some(boundsCpuAndMemory)) return COMPLIANT;
    return violations([quotas.length === 0
      ? `namespace ${namespace ?? 'default'} has no ResourceQuota: its workloads may take any share of the cluster`
      : `the ResourceQuota of namespace ${namespace ?? 'default'} (${quotas.map((q) => q.metadata?.name).join(', ')}) bounds neither requests.cpu nor requests.memory, or only one of them`]);
  },
});
