import { requireOddEtcdMembers } from '../../../../policies/rules';
import { clusterManagementObjects, editEtcdConfig, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = (cluster = 'trade-hz1') => {
  const objects = clusterManagementObjects(cluster);
  return { objects, kcp: pick(objects, 'KubeadmControlPlane', `${cluster}-control-plane`) as any };
};

describe('require-odd-etcd-members', () => {
  test.each(['trade-hz1', 'charging-sh1'])('the synthesized %s (5 and 3 members) is compliant', (cluster) => {
    const { objects, kcp } = setup(cluster);
    expect(judge(requireOddEtcdMembers, kcp, { target: objects })).toEqual({ kind: 'compliant' });
  });

  test('an even endpoint list is a violation, and so is the disagreement with the Machines and initial-cluster', () => {
    const { objects, kcp } = setup();
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints.pop();
    const found = messages(judge(requireOddEtcdMembers, kcp, { target: objects }));
    expect(found[0]).toMatch(/lists 4 endpoint\(s\): a dedicated etcd runs an odd number of members from 3 to 7/);
    expect(found).toContain('5 etcd member Machine(s) exist for cluster trade-hz1 but the control plane lists 4 endpoint(s)');
    expect(found.filter((m) => /initial-cluster of 5 member\(s\), not 4/.test(m))).toHaveLength(5);
  });

  test('a missing member Machine is a violation', () => {
    const { objects, kcp } = setup();
    const without = objects.filter((o) => !(o.kind === 'Machine' && o.metadata.name === 'trade-hz1-etcd-4'));
    expect(messages(judge(requireOddEtcdMembers, kcp, { target: without }))).toEqual(['4 etcd member Machine(s) exist for cluster trade-hz1 but the control plane lists 5 endpoint(s)']);
  });

  test('one member bootstrapped with a shorter initial-cluster is a violation', () => {
    const { objects, kcp } = setup();
    editEtcdConfig(pick(objects, 'Secret', 'trade-hz1-etcd-2-bootstrap'), (c) => (c['initial-cluster'] = c['initial-cluster'].split(',').slice(0, 4).join(',')));
    expect(messages(judge(requireOddEtcdMembers, kcp, { target: objects }))).toEqual(['member trade-hz1-etcd-2 starts with an initial-cluster of 4 member(s), not 5']);
  });

  test('a control plane with a stacked etcd is not applicable (require-dedicated-etcd-machines reports it)', () => {
    const { objects, kcp } = setup();
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.etcd = { local: { dataDir: '/var/lib/etcd' } };
    expect(judge(requireOddEtcdMembers, kcp, { target: objects }).kind).toBe('not-applicable');
  });

  test('maxMembers is configurable', () => {
    const { objects, kcp } = setup();
    expect(messages(judge(requireOddEtcdMembers, kcp, { target: objects, config: { maxMembers: 3 } }))[0]).toMatch(/from 3 to 3/);
  });
});
