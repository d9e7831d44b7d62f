import { forbidOverlappingCidrs } from '../../../../policies/rules';
import { managementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = managementObjects();
  const network = (cluster: string) => (pick(objects, 'Cluster', cluster) as any).spec.clusterNetwork;
  return { objects, network, cluster: (name: string) => pick(objects, 'Cluster', name) };
};

describe('forbid-overlapping-cidrs', () => {
  test('the reference estate\'s eight clusters are disjoint', () => {
    const { objects } = setup();
    for (const c of objects.filter((o) => o.kind === 'Cluster')) expect(judge(forbidOverlappingCidrs, c, { target: objects })).toEqual({ kind: 'compliant' });
  });

  test('a pod network overlapping another cluster\'s is reported on both clusters', () => {
    const { objects, network, cluster } = setup();
    network('trade-hz2').pods.cidrBlocks = ['10.16.0.0/16'];
    expect(messages(judge(forbidOverlappingCidrs, cluster('trade-hz2'), { target: objects }))).toEqual(['pod network 10.16.0.0/16 overlaps pod network 10.16.0.0/14 of cluster trade-hz1']);
    expect(messages(judge(forbidOverlappingCidrs, cluster('trade-hz1'), { target: objects }))).toEqual(['pod network 10.16.0.0/14 overlaps pod network 10.16.0.0/16 of cluster trade-hz2']);
  });

  test('a cluster\'s own service network inside its pod network is a violation', () => {
    const { objects, network, cluster } = setup();
    network('ops-nx1').services.cidrBlocks = ['10.37.0.0/20'];
    expect(messages(judge(forbidOverlappingCidrs, cluster('ops-nx1'), { target: objects }))).toEqual(['pod network 10.36.0.0/14 overlaps service network 10.37.0.0/20']);
  });

  test('an etcd member inside another cluster\'s service network is a violation', () => {
    const { objects, network, cluster } = setup();
    network('charging-sh1').services.cidrBlocks = ['10.250.0.0/24'];
    expect(messages(judge(forbidOverlappingCidrs, cluster('charging-sh1'), { target: objects }))).toContain('service network 10.250.0.0/24 overlaps etcd member 10.250.0.10 of cluster trade-hz1');
  });

  test('a block that is not a CIDR is a violation', () => {
    const { objects, network, cluster } = setup();
    network('trade-sz1').pods.cidrBlocks = ['10.24.0.1/14'];
    expect(messages(judge(forbidOverlappingCidrs, cluster('trade-sz1'), { target: objects }))[0]).toMatch(/^pod network "10.24.0.1\/14": .*host bits set/);
  });

  test('a Cluster of another API group is not applicable', () => {
    const other = { apiVersion: 'example.com/v1', kind: 'Cluster', metadata: { name: 'x' } };
    expect(judge(forbidOverlappingCidrs, other).kind).toBe('not-applicable');
  });
});
