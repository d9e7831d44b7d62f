import { Synthesis } from '../../../constructs';
import { AbsenceReason, finalDrainBatchAsOf, planTarget, Protection } from '../../../stacks/pulumi';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { withClusterTargets } from './helpers/fixtures';

/** The plan of a stack, decided from a synthesis before any Pulumi resource exists: pure, tested directly. */

const DRAINING_FINAL_BATCH = new Date('2026-11-18T00:00:00+08:00');
const guardedOf = (
  plan: ReturnType<typeof planTarget>,
  cluster: string,
) => plan.objects.filter((o) => o.cluster === cluster && o.rules.guard !== undefined);

describe('planTarget', () => {
  test('management: every object of every existing cluster, guarded ones protected and retained', () => {
    const plan = planTarget(referenceSynthesis(REFERENCE_TIMES.peak), { target: 'management' });
    expect(plan).toMatchObject({ kind: 'management', exists: true, kubeconfigExports: [] });
    expect(Object.keys(plan.clusters)).toHaveLength(8);
    for (const o of plan.objects) expect([o.key, o.protect, o.retainOnDelete]).toEqual([
      o.key,
      o.rules.guard !== undefined,
      o.rules.guard !== undefined,
    ]);
    expect(plan.objects.every((o) => o.cluster !== undefined)).toBe(true);
  });

  test('releaseProtection lifts the guard of the listed clusters only, and says so', () => {
    const plan = planTarget(referenceSynthesis(REFERENCE_TIMES.peak), { target: 'management', releaseProtection: ['trade-sz1'] });
    expect(guardedOf(plan, 'trade-sz1').every((o) => !o.protect && !o.retainOnDelete)).toBe(true);
    expect(guardedOf(plan, 'trade-sz1').length).toBeGreaterThan(0);
    expect(guardedOf(plan, 'trade-hz1').every((o) => o.protect && o.retainOnDelete)).toBe(true);
    expect(plan.clusters['trade-sz1']).toMatchObject({ protection: Protection.RELEASED, releaseReason: 'listed in cluster-estate:releaseProtection' });
    expect(plan.notices.filter((n) => n.level === 'warn').map((n) => n.message)).toEqual([expect.stringMatching(/^trade-sz1 \(daily\): protection released — listed in cluster-estate:releaseProtection/)]);
  });

  test('the final drain batch releases the peak clusters; the batch before it does not', () => {
    const final = planTarget(referenceSynthesis(DRAINING_FINAL_BATCH), { target: 'management' });
    const first = planTarget(referenceSynthesis(REFERENCE_TIMES.drainingFirstBatch), { target: 'management' });
    for (const c of ['peak-bj1', 'peak-nx1']) {
      expect(final.clusters[c].protection).toBe(Protection.RELEASED);
      expect(guardedOf(final, c).some((o) => o.protect)).toBe(false);
      expect(first.clusters[c].protection).toBe(Protection.PROTECTED);
      expect(guardedOf(first, c).every((o) => o.protect)).toBe(true);
    }
    expect(final.clusters['trade-hz1'].protection).toBe(Protection.PROTECTED);
  });

  test('absent clusters are either not created yet or retired, by the calendar', () => {
    const before = planTarget(referenceSynthesis(REFERENCE_TIMES.dormantBefore), { target: 'management' });
    const after = planTarget(referenceSynthesis(REFERENCE_TIMES.dormantAfter), { target: 'management' });
    expect(before.absentClusters.map((a) => [a.name, a.reason])).toEqual([['peak-bj1', AbsenceReason.NOT_YET_CREATED], ['peak-nx1', AbsenceReason.NOT_YET_CREATED]]);
    expect(after.absentClusters.map((a) => [a.name, a.reason])).toEqual([['peak-bj1', AbsenceReason.RETIRED], ['peak-nx1', AbsenceReason.RETIRED]]);
  });

  test('kubeconfig exports name the Cluster API Secret in the cluster\'s namespace; absent clusters are skipped', () => {
    const plan = planTarget(referenceSynthesis(REFERENCE_TIMES.dormantBefore), { target: 'management', exportKubeconfigs: ['trade-hz1', 'peak-bj1'] });
    expect(plan.kubeconfigExports).toEqual([{ cluster: 'trade-hz1', namespace: 'trade-hz1', secretName: 'trade-hz1-kubeconfig' }]);
    expect(plan.notices.map((n) => n.message)).toContain('not exported, the clusters do not exist at as-of: peak-bj1');
  });

  test('a cluster target: its own objects and report, and the endpoint its kubeconfig must reach', () => {
    const plan = planTarget(withClusterTargets(referenceSynthesis(REFERENCE_TIMES.peak), ['trade-hz1']), { target: 'trade-hz1' });
    expect(plan).toMatchObject({ kind: 'cluster', exists: true, expectedEndpoint: 'https://trade-hz1-api.k8s.estate.internal:6443' });
    expect(Object.keys(plan.clusters)).toEqual(['trade-hz1']);
    expect(plan.objects.every((o) => o.cluster === 'trade-hz1')).toBe(true);
  });

  test('two versions of one object would be two resources fighting over it: refused', () => {
    const s = withClusterTargets(referenceSynthesis(REFERENCE_TIMES.peak), ['trade-hz1']);
    const target = s.targets.find((t) => t.name === 'trade-hz1')!;
    const ns = target.objects.find((o) => o.kind === 'Namespace')!;
    const broken: Synthesis = { ...s, targets: [...s.targets.filter((t) => t !== target), { name: 'trade-hz1', objects: [...target.objects, { ...ns, apiVersion: 'v2' }] }] };
    expect(() => planTarget(broken, { target: 'trade-hz1' })).toThrow(/are the same Kubernetes object \/Namespace\/\/trade/);
  });
});

describe('finalDrainBatchAsOf', () => {
  test('an instant just inside the final drain batch, as an as-of value', () => {
    const p = referenceSynthesis(REFERENCE_TIMES.peak).plan.promotions[0];
    // Drain 2026-11-12T02:00 → 11-19T00:00 (+08:00) in 4 batches: the last starts at 11-17T06:30 (+08:00).
    expect(finalDrainBatchAsOf(p)).toBe('2026-11-16T22:31:00.000Z');
    const atIt = planTarget(referenceSynthesis(new Date(finalDrainBatchAsOf(p)!)), { target: 'management' });
    expect(atIt.clusters['peak-bj1'].protection).toBe(Protection.RELEASED);
  });
});
