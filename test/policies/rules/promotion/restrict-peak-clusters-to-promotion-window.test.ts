import { restrictPeakClustersToPromotionWindow } from '../../../../policies/rules';
import { clusterManagementObjects, pick, REFERENCE_TIMES, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const peakCluster = (asOf: Date = REFERENCE_TIMES.peak) => pick(clusterManagementObjects('peak-bj1', asOf), 'Cluster', 'peak-bj1') as any;

describe('restrict-peak-clusters-to-promotion-window', () => {
  test.each(['preparingFirstBatch', 'peak', 'drainingFirstBatch'] as const)('a peak cluster synthesized while %s is compliant, with the estate too', (time) => {
    const asOf = REFERENCE_TIMES[time];
    expect(judge(restrictPeakClustersToPromotionWindow, peakCluster(asOf))).toEqual({ kind: 'compliant' });
    expect(judge(restrictPeakClustersToPromotionWindow, peakCluster(asOf), { context: referenceContext(asOf) })).toEqual({ kind: 'compliant' });
  });

  test('a daily cluster is not applicable', () => {
    expect(judge(restrictPeakClustersToPromotionWindow, pick(clusterManagementObjects('trade-bj1'), 'Cluster', 'trade-bj1')).kind).toBe('not-applicable');
  });

  test('a peak cluster applied in a dormant phase is a violation', () => {
    const cluster = peakCluster();
    cluster.metadata.annotations['cluster-estate.io/promotion-phase'] = 'dormant';
    expect(messages(judge(restrictPeakClustersToPromotionWindow, cluster))).toEqual(['the peak-group cluster is applied in phase "dormant": it may exist only while its promotion is preparing, peak, draining']);
  });

  test('a peak cluster that names no promotion is a violation', () => {
    const cluster = peakCluster();
    delete cluster.metadata.annotations['cluster-estate.io/promotion'];
    expect(messages(judge(restrictPeakClustersToPromotionWindow, cluster))[0]).toMatch(/names no promotion/);
  });

  test('with the estate, a peak cluster synthesized at the peak but applied after the drain is a violation', () => {
    const found = messages(judge(restrictPeakClustersToPromotionWindow, peakCluster(), { context: referenceContext(REFERENCE_TIMES.dormantAfter) }));
    expect(found).toEqual([
      'promotion double-11 is dormant at 2026-11-21T16:00:00.000Z (window 2026-10-20T00:00 to 2026-11-19T00:00 Asia/Shanghai)',
      'the estate does not plan cluster peak-bj1 at 2026-11-21T16:00:00.000Z',
    ]);
  });

  test('with the estate, a stale phase annotation is a violation', () => {
    const found = messages(judge(
      restrictPeakClustersToPromotionWindow,
      peakCluster(REFERENCE_TIMES.preparingLastBatch),
      { context: referenceContext(REFERENCE_TIMES.drainingFirstBatch) },
    ));
    expect(found).toEqual(['the Cluster says phase "preparing" but promotion double-11 is draining at 2026-11-12T04:00:00.000Z']);
  });
});
