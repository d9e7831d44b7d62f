import { spreadOverZonesAndHosts } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { broken, compliantDeployment, podSpecOf } from '../../fixtures/workloads';

describe('spread-over-zones-and-hosts', () => {
  test('the compliant Deployment (zone spread, preferred host anti-affinity) is compliant', () => {
    expect(judge(spreadOverZonesAndHosts, compliantDeployment())).toEqual({ kind: 'compliant' });
  });

  test('no zone spread is a violation', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).topologySpreadConstraints);
    expect(messages(judge(spreadOverZonesAndHosts, d))).toEqual(['no topology spread constraint on topology.kubernetes.io/zone: all replicas may land in one zone']);
  });

  test('a zone spread whose selector misses the pod\'s labels is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (podSpecOf(x).topologySpreadConstraints[0].labelSelector.matchLabels['cluster-estate.io/app'] = 'cart'));
    expect(messages(judge(spreadOverZonesAndHosts, d))).toEqual(['the topology.kubernetes.io/zone spread constraint\'s labelSelector does not match the pod\'s labels: it spreads nothing']);
  });

  test('a zone skew above 1 is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (podSpecOf(x).topologySpreadConstraints[0].maxSkew = 3));
    expect(messages(judge(spreadOverZonesAndHosts, d))).toEqual(['the zone spread allows a skew of 3; at most 1']);
  });

  test('no host anti-affinity is a violation, unless a hostname spread constraint replaces it', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).affinity.podAntiAffinity);
    expect(messages(judge(spreadOverZonesAndHosts, d))).toEqual(['no pod anti-affinity or spread constraint on kubernetes.io/hostname: replicas may share a host']);
    const spread = broken(d, (x) => podSpecOf(x).topologySpreadConstraints.push({ ...podSpecOf(x).topologySpreadConstraints[0], topologyKey: 'kubernetes.io/hostname' }));
    expect(judge(spreadOverZonesAndHosts, spread)).toEqual({ kind: 'compliant' });
  });

  test('a host anti-affinity whose selector misses the pod\'s labels is a violation', () => {
    const d = broken(compliantDeployment(), (x) => (podSpecOf(x).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector = { matchLabels: { app: 'checkout' } }));
    expect(messages(judge(spreadOverZonesAndHosts, d))).toEqual(['the kubernetes.io/hostname anti-affinity\'s labelSelector does not match the pod\'s labels: it keeps nothing apart']);
  });

  test('host spreading can be turned off; a Deployment scaled to zero is not applicable', () => {
    const d = broken(compliantDeployment(), (x) => delete podSpecOf(x).affinity.podAntiAffinity);
    expect(judge(spreadOverZonesAndHosts, d, { config: { requireHostAntiAffinity: false } })).toEqual({ kind: 'compliant' });
    expect(judge(spreadOverZonesAndHosts, broken(d, (x) => (x.spec.replicas = 0))).kind).toBe('not-applicable');
  });
});
