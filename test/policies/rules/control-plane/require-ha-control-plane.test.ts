import { requireHaControlPlane } from '../../../../policies/rules';
import { clusterManagementObjects, pick, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const kcpOf = (cluster = 'charging-sh1') => pick(clusterManagementObjects(cluster), 'KubeadmControlPlane', `${cluster}-control-plane`) as any;

describe('require-ha-control-plane', () => {
  test('3 and 5 replicas over three zones are compliant, with and without the estate', () => {
    for (const cluster of ['charging-sh1', 'trade-hz1']) {
      expect(judge(requireHaControlPlane, kcpOf(cluster))).toEqual({ kind: 'compliant' });
      expect(judge(requireHaControlPlane, kcpOf(cluster), { context: referenceContext() })).toEqual({ kind: 'compliant' });
    }
  });

  test('fewer than 3 replicas is a violation, and so is an unset count', () => {
    const kcp = kcpOf();
    kcp.spec.replicas = 1;
    expect(messages(judge(requireHaControlPlane, kcp))).toEqual(['1 API server replica(s), under the 3 an HA control plane needs']);
    delete kcp.spec.replicas;
    expect(messages(judge(requireHaControlPlane, kcp))[0]).toMatch(/spec.replicas is not set/);
  });

  test('replicas stated in one zone are a violation', () => {
    const kcp = kcpOf();
    kcp.metadata.annotations['cluster-estate.io/zones'] = 'sh1-a,sh1-a,sh1-a';
    expect(messages(judge(requireHaControlPlane, kcp))).toEqual(['the replicas spread over 1 zone(s) (sh1-a): at least 3 needed']);
  });

  test('with the estate, the planned zones are judged against the IDC\'s', () => {
    const base = referenceContext();
    const facts = base.clusters.get('charging-sh1')!;
    const context = { ...base, clusters: new Map([['charging-sh1', { ...facts, plan: { ...facts.plan, controlPlane: { ...facts.plan.controlPlane, zones: ['sh1-a', 'sh1-b'] } } }]]) };
    expect(messages(judge(requireHaControlPlane, kcpOf(), { context }))).toEqual(['the replicas spread over 2 zone(s) (sh1-a, sh1-b) while the IDC offers 3: at least 3 needed']);
  });

  test('minReplicas is configurable', () => {
    expect(messages(judge(requireHaControlPlane, kcpOf(), { config: { minReplicas: 5 } }))).toEqual(['3 API server replica(s), under the 5 an HA control plane needs']);
  });
});
