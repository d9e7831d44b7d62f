import { asArray, asObject, containersOf, describeContainer, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** No container runs privileged or with every capability. */
export const forbidPrivilegedContainers = defineRule({
  id: 'forbid-privileged-containers',
  area: 'security',
  description: 'No container, init container or sidecar runs privileged, adds SYS_ADMIN or ALL capabilities, or uses an Unconfined-procMount.',
  rationale: 'A privileged container is root on the node: it sees every device, can load kernel modules and read every other pod\'s memory and secrets. One compromised privileged sidecar is a compromised node, and from the node every Secret its pods mount.',
  remediation: 'Remove securityContext.privileged (and SYS_ADMIN/ALL capabilities); node-level agents that truly need it belong in the platform\'s own namespaces, suppressed with a reason.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const messages: string[] = [];
    for (const ref of containersOf(template.spec)) {
      const sc = asObject(ref.container.securityContext);
      if (!sc) continue;
      if (sc.privileged === true) messages.push(`${describeContainer(ref)} runs privileged: it is root on the node`);
      const add = asObject(sc.capabilities)?.add;
      const added = add === undefined ? [] : asArray(add).map(String).filter((c) => c === 'SYS_ADMIN' || c === 'ALL' || c === 'CAP_SYS_ADMIN');
      if (added.length > 0) messages.push(`${describeContainer(ref)} adds ${added.join(', ')}: nearly privileged`);
      if (sc.procMount === 'Unmasked') messages.push(`${describeContainer(ref)} uses an unmasked /proc`);
    }
    return violations(messages);
  },
});
