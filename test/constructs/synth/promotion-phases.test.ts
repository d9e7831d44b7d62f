import { MANAGEMENT_TARGET, summarize } from '../../../constructs';
import { field, ofKind, theObject } from '../../helpers/objects';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

const PEAK_CLUSTERS = ['peak-bj1', 'peak-nx1'];
const DAILY_CLUSTERS = ['charging-sh1', 'ops-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1'];

function at(asOf: Date) {
  const synthesis = referenceSynthesis(asOf);
  const objects = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
  return { synthesis, objects, clusters: ofKind(objects, 'Cluster').map((c) => c.metadata.name).sort() };
}

describe('the peak group follows the Double 11 calendar', () => {
  test('dormant before preparation: peak clusters are absent, daily clusters untouched', () => {
    const { synthesis, clusters, objects } = at(REFERENCE_TIMES.dormantBefore);
    expect(synthesis.plan.promotions[0].phase).toBe('dormant');
    expect(clusters).toEqual(DAILY_CLUSTERS);
    expect(synthesis.plan.absentClusters.map((c) => c.name)).toEqual(PEAK_CLUSTERS);
    expect(objects.some((o) => o.metadata.namespace === 'peak-bj1')).toBe(false);
  });

  test('preparing, first batch: peak clusters exist at a quarter of peak size', () => {
    const { synthesis, clusters, objects } = at(REFERENCE_TIMES.preparingFirstBatch);
    expect(synthesis.plan.promotions[0]).toMatchObject({ phase: 'preparing', batch: 0, scale: 0.25 });
    expect(clusters).toEqual([...DAILY_CLUSTERS, ...PEAK_CLUSTERS].sort());
    // ingress: 3 per zone at peak → ceil(0.75) = 1; general autoscaled min 10 → 3, max stays 30 so the autoscaler can grow.
    expect(field(theObject(objects, 'MachineDeployment', 'peak-bj1-ingress-cn-north-1a'), 'spec.replicas')).toBe(1);
    expect(theObject(objects, 'MachineDeployment', 'peak-bj1-general-cn-north-1a').metadata.annotations).toMatchObject({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '3',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '30',
    });
    expect(theObject(objects, 'Cluster', 'peak-bj1').metadata.annotations).toMatchObject({ 'cluster-estate.io/promotion': 'double-11', 'cluster-estate.io/promotion-phase': 'preparing' });
    // Control plane and etcd are never scaled: they exist at full size from the first day.
    expect(field(theObject(objects, 'KubeadmControlPlane', 'peak-bj1-control-plane'), 'spec.replicas')).toBe(5);
    expect(ofKind(objects, 'Machine', 'peak-bj1')).toHaveLength(5);
  });

  test('preparing grows batch by batch up to peak size', () => {
    const replicas = (asOf: Date) => field<number>(theObject(at(asOf).objects, 'MachineDeployment', 'peak-nx1-ingress-cn-northwest-1b'), 'spec.replicas');
    expect(replicas(REFERENCE_TIMES.preparingFirstBatch)).toBeLessThan(replicas(REFERENCE_TIMES.preparingLastBatch));
    expect(replicas(REFERENCE_TIMES.preparingLastBatch)).toBe(3);
    expect(replicas(REFERENCE_TIMES.peak)).toBe(3);
  });

  test('at peak: full size, and the summary adds the peak group capacity', () => {
    const { synthesis, objects } = at(REFERENCE_TIMES.peak);
    expect(synthesis.plan.promotions[0].phase).toBe('peak');
    expect(theObject(objects, 'Cluster', 'peak-nx1').metadata.annotations?.['cluster-estate.io/promotion-phase']).toBe('peak');
    const peakSummary = summarize(synthesis);
    const dormantSummary = summarize(referenceSynthesis(REFERENCE_TIMES.dormantBefore));
    expect(peakSummary.capacityByGroup['double-11-peak'].machines).toBeGreaterThan(0);
    expect(dormantSummary.capacityByGroup['double-11-peak']).toBeUndefined();
    expect(peakSummary.capacityByGroup.daily).toEqual(dormantSummary.capacityByGroup.daily);
  });

  test('draining: pools shrink in batches, never below one machine per zone', () => {
    const { synthesis, objects } = at(REFERENCE_TIMES.drainingFirstBatch);
    expect(synthesis.plan.promotions[0]).toMatchObject({ phase: 'draining', batch: 0, scale: 0.75 });
    expect(field(theObject(objects, 'MachineDeployment', 'peak-bj1-ingress-cn-north-1a'), 'spec.replicas')).toBe(3); // ceil(3 × 0.75)
    expect(field(theObject(objects, 'MachineDeployment', 'peak-bj1-middleware-cn-north-1a'), 'spec.replicas')).toBe(2); // ceil(2 × 0.75)
    expect(theObject(objects, 'MachineDeployment', 'peak-bj1-general-cn-north-1a').metadata.annotations).toMatchObject({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '8',
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '23',
    });
  });

  test('after drain-until the peak group is gone again', () => {
    const { synthesis, clusters } = at(REFERENCE_TIMES.dormantAfter);
    expect(synthesis.plan.promotions[0].phase).toBe('dormant');
    expect(clusters).toEqual(DAILY_CLUSTERS);
  });

  test('phase and as-of appear in the summary', () => {
    const summary = summarize(referenceSynthesis(REFERENCE_TIMES.peak));
    expect(summary.asOf).toBe('2026-11-10T16:00:00.000Z');
    expect(summary.promotions).toEqual([expect.objectContaining({ name: 'double-11', phase: 'peak', timeZone: 'Asia/Shanghai' })]);
    expect(summary.clusters.find((c) => c.cluster === 'peak-bj1')?.phase).toBe('peak');
  });
});
