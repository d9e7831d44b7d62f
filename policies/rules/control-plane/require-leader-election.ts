import { argMap } from '../../engine/capi';
import { asInteger, field, parseDurationSeconds } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

const COMPONENTS = [
  ['controllerManager', 'kube-controller-manager'],
  ['scheduler', 'kube-scheduler'],
] as const;

/** The controller manager and scheduler elect a leader, with timings in the order Kubernetes requires. */
export const requireLeaderElection = defineRule({
  id: 'require-leader-election',
  area: 'control-plane',
  description: 'With several control-plane replicas, the controller manager and the scheduler elect a leader, with lease timings in order.',
  rationale: 'With more than one control-plane replica, kube-controller-manager and kube-scheduler keep leader election on, with 0 < retry period < renew deadline < lease duration. Without leader election every replica runs its controllers at once: two schedulers bind the same pods, two controller managers fight over the same ReplicaSets. Timings out of order make leaders lose their lease while healthy, or never give it up.',
  remediation: 'Keep controlPlane.leaderElection at its defaults (15 s lease, 10 s renew deadline, 2 s retry) or keep that order; in hand-written YAML never set leader-elect=false on a multi-replica control plane.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane'],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object }) {
    const replicas = asInteger(field(object, 'spec.replicas')) ?? 1;
    const messages: string[] = [];
    for (const [key, component] of COMPONENTS) {
      const args = argMap(field(object, `spec.kubeadmConfigSpec.clusterConfiguration.${key}.extraArgs`));
      const elect = args.get('leader-elect');
      if (elect !== undefined && elect !== 'true') {
        if (replicas > 1) messages.push(`${component} runs with leader-elect=${elect} on ${replicas} replicas: every replica acts at once`);
        continue;
      }
      const timing = (flag: string, fallback: number): number | undefined => {
        const text = args.get(flag);
        return text === undefined ? fallback : parseDurationSeconds(text);
      };
      const lease = timing('leader-elect-lease-duration', 15);
      const renew = timing('leader-elect-renew-deadline', 10);
      const retry = timing('leader-elect-retry-period', 2);
      if (lease === undefined || renew === undefined || retry === undefined) {
        messages.push(`${component} has a leader election duration that is not a duration such as 15s`);
      } else if (!(retry > 0 && retry < renew && renew < lease)) {
        messages.push(`${component} leader election needs 0 < retry period (${retry}s) < renew deadline (${renew}s) < lease duration (${lease}s)`);
      }
    }
    return violations(messages);
  },
});
