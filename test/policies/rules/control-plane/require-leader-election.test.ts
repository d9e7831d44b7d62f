import { requireLeaderElection } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const kcpWith = (component: 'controllerManager' | 'scheduler', name: string, value: string | undefined) => {
  const kcp = pick(clusterManagementObjects('trade-sz1'), 'KubeadmControlPlane', 'trade-sz1-control-plane') as any;
  const args = kcp.spec.kubeadmConfigSpec.clusterConfiguration[component].extraArgs as { name: string; value: string }[];
  const index = args.findIndex((a) => a.name === name);
  if (value === undefined) args.splice(index, 1);
  else args[index].value = value;
  return kcp;
};

describe('require-leader-election', () => {
  test('the synthesized controller manager and scheduler are compliant', () => {
    expect(judge(requireLeaderElection, kcpWith('scheduler', 'profiling', 'false'))).toEqual({ kind: 'compliant' });
  });

  test('leader election off on a multi-replica control plane is a violation', () => {
    expect(messages(judge(requireLeaderElection, kcpWith('scheduler', 'leader-elect', 'false')))).toEqual(['kube-scheduler runs with leader-elect=false on 5 replicas: every replica acts at once']);
  });

  test('leader election off on a single replica is fine', () => {
    const kcp = kcpWith('scheduler', 'leader-elect', 'false');
    kcp.spec.replicas = 1;
    expect(judge(requireLeaderElection, kcp)).toEqual({ kind: 'compliant' });
  });

  test('timings out of order are a violation', () => {
    expect(messages(judge(requireLeaderElection, kcpWith('controllerManager', 'leader-elect-renew-deadline', '20s')))).toEqual(['kube-controller-manager leader election needs 0 < retry period (2s) < renew deadline (20s) < lease duration (15s)']);
  });

  test('a timing that is not a duration is a violation', () => {
    expect(messages(judge(requireLeaderElection, kcpWith('controllerManager', 'leader-elect-lease-duration', 'fifteen')))).toEqual(['kube-controller-manager has a leader election duration that is not a duration such as 15s']);
  });

  test('leaving the flags to the defaults is compliant', () => {
    expect(judge(requireLeaderElection, kcpWith('controllerManager', 'leader-elect', undefined))).toEqual({ kind: 'compliant' });
  });
});
