import { keepEtcdQuorumOnZoneLoss } from '../../../../policies/rules';
import { clusterManagementObjects, pick, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = clusterManagementObjects('trade-hz1');
  const member = (i: number) => pick(objects, 'Machine', `trade-hz1-etcd-${i}`) as any;
  return { objects, kcp: pick(objects, 'KubeadmControlPlane', 'trade-hz1-control-plane'), member };
};

describe('keep-etcd-quorum-on-zone-loss', () => {
  test('5 members spread 2+2+1 over three zones are compliant', () => {
    const { objects, kcp } = setup();
    expect(judge(keepEtcdQuorumOnZoneLoss, kcp, { target: objects })).toEqual({ kind: 'compliant' });
  });

  test('3 of 5 members in one zone lose quorum with that zone', () => {
    const { objects, kcp, member } = setup();
    member(1).spec.failureDomain = 'hz1-a'; // hz1-a now holds members 0, 1 and 3
    expect(messages(judge(keepEtcdQuorumOnZoneLoss, kcp, { target: objects }))).toEqual([
      'losing zone hz1-a leaves fewer than 3 of 5 members (hz1-a: 3, hz1-b: 1, hz1-c: 1): the cluster would lose quorum',
    ]);
  });

  test('with the estate, the message says when the IDC itself is too small', () => {
    const { objects, kcp, member } = setup();
    for (const i of [0, 1, 2]) member(i).spec.failureDomain = 'hz1-a';
    const context = { ...referenceContext(), clusters: new Map([['trade-hz1', { ...referenceContext().clusters.get('trade-hz1')!, idcZones: ['hz1-a', 'hz1-b'] }]]) };
    expect(messages(judge(keepEtcdQuorumOnZoneLoss, kcp, { target: objects, context }))[0]).toMatch(/only 2 zone\(s\), so no placement there can survive a zone loss$/);
  });

  test('a member without a failure domain is a violation', () => {
    const { objects, kcp, member } = setup();
    delete member(4).spec.failureDomain;
    expect(messages(judge(keepEtcdQuorumOnZoneLoss, kcp, { target: objects }))[0]).toMatch(/trade-hz1-etcd-4 have no spec.failureDomain/);
  });

  test('a control plane without its member Machines in the target is not applicable', () => {
    const { kcp } = setup();
    expect(judge(keepEtcdQuorumOnZoneLoss, kcp).kind).toBe('not-applicable');
  });
});
