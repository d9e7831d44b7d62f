import { containersOf, describeContainer, o, parseQuantity, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequireResourcesConfig {
  readonly requireCpuLimit: boolean;
  readonly requireMemoryLimit: boolean;
}

/** Every container, init containers and sidecars included, requests CPU and memory and is limited. */
export const requireResources = defineRule<RequireResourcesConfig>({
  id: 'require-resources',
  area: 'workloads',
  description: 'Every container of a pod, init containers and sidecars included, requests CPU and memory and has CPU and memory limits no lower than its requests.',
  rationale: 'The scheduler places pods by their requests: a container without them is packed onto full nodes and starves its neighbours; without a memory limit one leak takes the node\'s memory and the kubelet evicts whatever it picks. Sidecars are containers too: a log shipper without limits is the classic node killer.',
  remediation: 'Set resources.requests and resources.limits on every container (the app templates require them for sidecars as well).',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'none',
  config: {
    requireCpuLimit: { type: 'boolean', description: 'Require a CPU limit (turn off to allow unthrottled, burstable CPU).', default: true },
    requireMemoryLimit: { type: 'boolean', description: 'Require a memory limit.', default: true },
  },
  check({ object, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const messages: string[] = [];
    for (const ref of containersOf(template.spec)) {
      const missing: string[] = [];
      const values: Record<string, number | undefined> = {};
      const resources = o(ref.container.resources);
      for (const kind of ['requests', 'limits'] as const) {
        const given = o(resources?.[kind]);
        for (const resource of ['cpu', 'memory'] as const) {
          const raw = given?.[resource];
          const value = parseQuantity(raw);
          values[`${kind}.${resource}`] = value;
          const required = kind === 'requests' || (resource === 'cpu' ? config.requireCpuLimit : config.requireMemoryLimit);
          if (raw !== undefined && value === undefined) missing.push(`${kind}.${resource} (${JSON.stringify(raw)} is not a quantity)`);
          else if (required && value === undefined) missing.push(`${kind}.${resource}`);
        }
      }
      if (missing.length > 0) messages.push(`${describeContainer(ref)} has no ${missing.join(', ')}`);
      for (const resource of ['cpu', 'memory'] as const) {
        const request = values[`requests.${resource}`];
        const limit = values[`limits.${resource}`];
        if (request !== undefined && limit !== undefined && request > limit) messages.push(`${describeContainer(ref)} requests more ${resource} than its limit`);
      }
    }
    return violations(messages);
  },
});
