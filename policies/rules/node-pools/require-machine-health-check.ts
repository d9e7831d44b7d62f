import { clusterNameOf, controlPlaneMachineLabels, healthCheckConditions, healthCheckRemediationLimit, machineDeploymentMachineLabels } from '../../engine/capi';
import { asString, field, nameOf, namespaceOf, selectorMatches } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

export interface RequireMachineHealthCheckConfig {
  readonly requireRemediationLimit: boolean;
}

/** Every pool (and the control plane) is watched by a MachineHealthCheck that repairs broken machines, within a limit. */
export const requireMachineHealthCheck = defineRule<RequireMachineHealthCheckConfig>({
  id: 'require-machine-health-check',
  area: 'node-pools',
  description: 'Every node pool and control plane is covered by a MachineHealthCheck that names unhealthy conditions and limits remediation.',
  rationale: 'Every MachineDeployment (node pool in a zone) and every KubeadmControlPlane is selected by a MachineHealthCheck of the same cluster that names unhealthy node conditions and limits how many machines it remediates at once. A node that dies or never joins keeps its capacity out of the pool until someone notices; a health check replaces it in minutes. Without a remediation limit, a network partition that makes every node look unhealthy would have every machine of the pool replaced at once.',
  remediation: 'Keep nodeAutoRepair on (the default) and a healthCheck with maxUnhealthy on each pool; in hand-written YAML add a MachineHealthCheck whose selector matches the pool\'s Machine labels, with checks.unhealthyNodeConditions and remediation.triggerIf.unhealthyLessThanOrEqualTo.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: ['MachineDeployment', 'KubeadmControlPlane'],
  relational: true,
  reads: ['MachineHealthCheck'],
  estateContext: 'none',
  config: {
    requireRemediationLimit: { type: 'boolean', description: 'Require a limit on machines remediated at once (triggerIf / maxUnhealthy).', default: true },
  },
  check({ object, target, config }) {
    const cluster = clusterNameOf(object);
    const labels = object.kind === 'KubeadmControlPlane' ? controlPlaneMachineLabels(object) : machineDeploymentMachineLabels(object);
    const checks = target.inNamespace('MachineHealthCheck', namespaceOf(object)).filter((mhc) =>
      asString(field(mhc, 'spec.clusterName')) === cluster && selectorMatches(field(mhc, 'spec.selector'), labels));
    const what = object.kind === 'KubeadmControlPlane' ? 'control-plane machines' : 'machines of this pool';
    if (checks.length === 0) return violations([`no MachineHealthCheck of cluster ${cluster ?? '(unknown)'} selects the ${what}: broken machines are never replaced`]);
    const messages: string[] = [];
    for (const mhc of checks) {
      if (healthCheckConditions(mhc).length === 0) messages.push(`MachineHealthCheck ${nameOf(mhc)} names no unhealthy node conditions`);
      if (config.requireRemediationLimit && healthCheckRemediationLimit(mhc) === undefined) messages.push(`MachineHealthCheck ${nameOf(mhc)} sets no remediation limit: a partition could have every machine replaced at once`);
    }
    return violations(messages);
  },
});
