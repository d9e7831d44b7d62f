import { requireDedicatedEtcdMachines } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = clusterManagementObjects('charging-sh1');
  return { objects, kcp: pick(objects, 'KubeadmControlPlane', 'charging-sh1-control-plane') as any, member: pick(objects, 'Machine', 'charging-sh1-etcd-0') as any };
};

describe('require-dedicated-etcd-machines', () => {
  test('the synthesized control plane and every etcd member Machine are compliant', () => {
    const { objects } = setup();
    for (const o of objects.filter((x) => x.kind === 'KubeadmControlPlane' || x.kind === 'Machine')) {
      expect(judge(requireDedicatedEtcdMachines, o, { target: objects })).toEqual({ kind: 'compliant' });
    }
  });

  test('a stacked etcd is a violation', () => {
    const { objects, kcp } = setup();
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.etcd = { local: {} };
    expect(messages(judge(requireDedicatedEtcdMachines, kcp, { target: objects }))[0]).toMatch(/stacked etcd/);
  });

  test('an endpoint that no member serves is a violation', () => {
    const { objects, kcp } = setup();
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints[1] = 'https://10.99.0.1:2379';
    expect(messages(judge(requireDedicatedEtcdMachines, kcp, { target: objects }))).toEqual(['etcd endpoint https://10.99.0.1:2379 is not served by any etcd member Machine of cluster charging-sh1']);
  });

  test.each([
    ['a control-plane label', (m: any) => (m.metadata.labels['cluster.x-k8s.io/control-plane'] = ''), /control-plane machine/],
    ['a MachineDeployment label', (m: any) => (m.metadata.labels['cluster.x-k8s.io/deployment-name'] = 'charging-sh1-general-sh1-a'), /MachineDeployment of workers/],
    ['an owning MachineSet', (m: any) => (m.metadata.ownerReferences = [{ kind: 'MachineSet', name: 'ms-1' }]), /owned by MachineSet ms-1/],
    ['a kubeadm bootstrap', (m: any) => (m.spec.bootstrap = { configRef: { kind: 'KubeadmConfig', name: 'x' } }), /join the cluster as a node/],
    ['no bootstrap at all', (m: any) => (m.spec.bootstrap = {}), /nothing installs etcd/],
  ])('a member Machine with %s is a violation', (_what, change, message) => {
    const { objects, member } = setup();
    change(member);
    expect(messages(judge(requireDedicatedEtcdMachines, member, { target: objects })).join('\n')).toMatch(message);
  });

  test('two members sharing a bootstrap Secret (one identity, one address) are a violation', () => {
    const { objects, member } = setup();
    member.spec.bootstrap.dataSecretName = 'charging-sh1-etcd-1-bootstrap';
    const found = messages(judge(requireDedicatedEtcdMachines, member, { target: objects }));
    expect(found).toContain('the bootstrap Secret charging-sh1-etcd-1-bootstrap is shared with charging-sh1-etcd-1: two members would start with the same identity');
    expect(found.join('\n')).toMatch(/as member charging-sh1-etcd-1 does: two members on one machine/);
  });

  test('a Machine that is not an etcd member is not applicable', () => {
    const { objects, member } = setup();
    member.metadata.labels['cluster-estate.io/machine-role'] = 'worker';
    expect(judge(requireDedicatedEtcdMachines, member, { target: objects }).kind).toBe('not-applicable');
  });
});
