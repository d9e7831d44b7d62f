import { AppTemplate, splitReplicas, synthesize } from '../../../constructs/internal';
import { ofKind, theObject } from '../../helpers/objects';
import { fixtureEstate, Json, shopProps, targetObjects, TIMES } from './app-fixtures';

describe('replica split by IDC weight', () => {
  const clusters = [{ name: 'a1', idc: 'a' }, { name: 'a2', idc: 'a' }, { name: 'b1', idc: 'b' }, { name: 'c1', idc: 'c' }];

  test('by weight over IDCs, then evenly over each IDC\'s clusters; the total is kept', () => {
    expect(Object.fromEntries(splitReplicas(36, clusters, { a: 2, b: 1, c: 1 }))).toEqual({ a1: 9, a2: 9, b1: 9, c1: 9 });
    expect(Object.fromEntries(splitReplicas(10, clusters))).toEqual({ a1: 2, a2: 2, b1: 3, c1: 3 });
    expect(Object.fromEntries(splitReplicas(7, clusters, { a: 3, b: 1, c: 0 }))).toEqual({ a1: 3, a2: 2, b1: 2, c1: 0 });
  });

  test('largest remainder, ties to the IDC that sorts first; deterministic whatever the input order', () => {
    for (let total = 0; total < 50; total++) {
      const split = splitReplicas(total, clusters, { a: 1.5, b: 1, c: 0.5 });
      expect([...split.values()].reduce((x, y) => x + y, 0)).toBe(total);
      expect(Object.fromEntries(splitReplicas(total, [...clusters].reverse(), { a: 1.5, b: 1, c: 0.5 }))).toEqual(Object.fromEntries(split));
    }
    expect(Object.fromEntries(splitReplicas(1, [{ name: 'x', idc: 'b' }, { name: 'y', idc: 'a' }]))).toEqual({ x: 0, y: 1 });
  });
});

describe('where an app runs', () => {
  test('placement selectors narrow one another; an app appears only in the targets of its clusters', () => {
    const f = fixtureEstate();
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { groups: [f.daily], replicasPerCluster: 2 } }));
    new AppTemplate(f.estate, 'api', shopProps(f, { placement: { groups: [f.daily], clusters: [f.newK8s, f.peak1], replicasPerCluster: 2 } }));
    const s = synthesize(f.estate, { asOf: TIMES.normal });
    expect(s.targets.map((t) => t.name)).toEqual(['management', 'new-k8s', 'old-k8s']);
    expect(ofKind(targetObjects(s, 'new-k8s'), 'Service').map((o) => o.metadata.name)).toEqual(['api', 'shop']);
    expect(ofKind(targetObjects(s, 'old-k8s'), 'Service').map((o) => o.metadata.name)).toEqual(['shop']);
  });

  test('an app on the peak group exists only while the promotion prepares, peaks and drains, scaled with the group', () => {
    const f = fixtureEstate();
    new AppTemplate(f.estate, 'engine', shopProps(f, { placement: { groups: [f.peak], replicasPerCluster: 8 } }));
    const min = (asOf: Date) => {
      const s = synthesize(f.estate, { asOf });
      const t = s.targets.find((x) => x.name === 'peak-1');
      return t ? (theObject(t.objects, 'HorizontalPodAutoscaler', 'engine') as Json).spec.minReplicas : undefined;
    };
    expect(min(TIMES.normal)).toBeUndefined();
    expect(min(TIMES.preparingFirstBatch)).toBe(2);
    expect(min(TIMES.peak)).toBe(8);
    expect(min(TIMES.draining)).toBeLessThan(8);
    expect(min(new Date('2026-12-01T00:00:00+08:00'))).toBeUndefined();
  });

  test('a peak profile raises a daily app\'s minimum while preparing and at the peak', () => {
    const f = fixtureEstate();
    new AppTemplate(f.estate, 'shop', shopProps(f, { peak: { promotion: f.promotion, factor: 2 } }));
    const hpa = (asOf: Date) => (theObject(targetObjects(synthesize(f.estate, { asOf }), 'new-k8s'), 'HorizontalPodAutoscaler', 'shop') as Json).spec;
    expect(hpa(TIMES.normal)).toMatchObject({ minReplicas: 6, maxReplicas: 18 });
    expect(hpa(TIMES.preparingFirstBatch)).toMatchObject({ minReplicas: 8, maxReplicas: 23 });
    expect(hpa(TIMES.peak)).toMatchObject({ minReplicas: 12, maxReplicas: 36 });
    expect(hpa(TIMES.draining)).toMatchObject({ minReplicas: 6, maxReplicas: 18 });
  });

  test('a total split by IDC weight', () => {
    const f = fixtureEstate();
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { groups: [f.daily], totalReplicas: 9 } }));
    const s = synthesize(f.estate, { asOf: TIMES.normal });
    const min = (c: string) => (theObject(targetObjects(s, c), 'HorizontalPodAutoscaler', 'shop') as Json).spec.minReplicas;
    expect([min('new-k8s'), min('old-k8s')]).toEqual([5, 4]);
  });
});
