import { asObject, containersOf, describeContainer, podTemplateOf, quantityOf, WORKLOAD_KINDS } from '../../engine/kube';
import { COMPLIANT, defineRule, notApplicable, violations } from '../../engine/types';

/** Adds `name` to `missing` when the value is not a quantity, or is absent and required. */
function addMissing(missing: string[], name: string, raw: unknown, value: number | undefined, required: boolean): void {
  if (raw !== undefined && value === undefined) missing.push(`${name} (${JSON.stringify(raw)} is not a quantity)`);
  else if (required && value === undefined) missing.push(name);
}

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
  check({ object, target, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    let messages: string[] | undefined;
    const refs = containersOf(template.spec);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i];
      const resources = asObject(ref.container.resources);
      const requests = asObject(resources?.requests);
      const limits = asObject(resources?.limits);
      const requestCpu = quantityOf(target, requests?.cpu);
      const requestMemory = quantityOf(target, requests?.memory);
      const limitCpu = quantityOf(target, limits?.cpu);
      const limitMemory = quantityOf(target, limits?.memory);
      if (requestCpu === undefined || requestMemory === undefined || limitCpu === undefined || limitMemory === undefined) {
        // In the order requests.cpu, requests.memory, limits.cpu, limits.memory.
        const missing: string[] = [];
        addMissing(missing, 'requests.cpu', requests?.cpu, requestCpu, true);
        addMissing(missing, 'requests.memory', requests?.memory, requestMemory, true);
        addMissing(missing, 'limits.cpu', limits?.cpu, limitCpu, config.requireCpuLimit);
        addMissing(missing, 'limits.memory', limits?.memory, limitMemory, config.requireMemoryLimit);
        if (missing.length > 0) (messages ??= []).push(`${describeContainer(ref)} has no ${missing.join(', ')}`);
      }
      if (requestCpu !== undefined && limitCpu !== undefined && requestCpu > limitCpu) (messages ??= []).push(`${describeContainer(ref)} requests more cpu than its limit`);
      if (requestMemory !== undefined && limitMemory !== undefined && requestMemory > limitMemory) (messages ??= []).push(`${describeContainer(ref)} requests more memory than its limit`);
    }
    return messages ? violations(messages) : COMPLIANT;
  },
});
