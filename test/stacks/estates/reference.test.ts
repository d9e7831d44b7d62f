import { ClusterGroupKind, IdcKind, phaseAt, PromotionPhase, validateEstate } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';

const estate = referenceEstate();

describe('the reference estate', () => {
  test('is valid, without even a warning', () => {
    expect(validateEstate(estate)).toEqual([]);
  });

  test('has five resource units across three regions, some cloud and some self-built', () => {
    expect(estate.regions.map((r) => r.name)).toEqual(['cn-east', 'cn-north', 'cn-south']);
    expect(estate.idcs).toHaveLength(5);
    const kinds = estate.idcs.map((i) => i.kind);
    expect(kinds.filter((k) => k === IdcKind.CLOUD).length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((k) => k === IdcKind.SELF_BUILT).length).toBeGreaterThanOrEqual(1);
    for (const idc of estate.idcs) expect(idc.zones.length).toBeGreaterThanOrEqual(3);
  });

  test('one self-built IDC runs two clusters', () => {
    const perIdc = new Map<string, string[]>();
    for (const c of estate.clusters.filter((c) => c.group.kind === ClusterGroupKind.DAILY)) perIdc.set(
      c.idc.name,
      [...(perIdc.get(c.idc.name) ?? []), c.name],
    );
    const selfBuilt = (idc: string) => estate.idcs.find((i) => i.name === idc)!.kind === IdcKind.SELF_BUILT;
    const shared = [...perIdc].filter(([idc, clusters]) => clusters.length >= 2 && selfBuilt(idc));
    expect(shared).toEqual([['hz1', ['trade-hz1', 'trade-hz2']]]);
  });

  test('a dedicated cluster serves the charging-pile gateway with a gateway pool', () => {
    const charging = estate.clusters.find((c) => c.name === 'charging-sh1')!;
    expect(charging.purpose).toMatch(/charging-pile gateway/);
    expect(charging.nodePools.map((p) => p.role)).toContain('gateway');
  });

  test('a daily group and a peak group for a shopping festival around 11 November', () => {
    const groups = estate.clusters.map((c) => c.group);
    expect(new Set(groups.map((g) => g.kind))).toEqual(new Set([ClusterGroupKind.DAILY, ClusterGroupKind.PEAK]));
    const promotion = groups.find((g) => g.kind === ClusterGroupKind.PEAK)!.promotion!;
    expect(phaseAt(promotion.calendar, new Date('2026-11-11T12:00:00+08:00')).phase).toBe(PromotionPhase.PEAK);
    expect(phaseAt(promotion.calendar, new Date('2026-07-01T00:00:00+08:00')).phase).toBe(PromotionPhase.DORMANT);
  });

  test('5 etcd members for large clusters, 3 for small', () => {
    const members = Object.fromEntries(estate.clusters.map((c) => [c.name, c.etcd.memberCount]));
    expect(members).toEqual({ 'trade-hz1': 5, 'trade-hz2': 5, 'trade-sz1': 5, 'trade-bj1': 5, 'charging-sh1': 3, 'ops-nx1': 3, 'peak-bj1': 5, 'peak-nx1': 5 });
  });

  test('node pools per tier, each with an instance spec', () => {
    const roles = new Set(estate.clusters.flatMap((c) => c.nodePools.map((p) => p.role)));
    expect([...roles].sort()).toEqual(['gateway', 'general', 'ingress', 'middleware']);
    for (const pool of estate.clusters.flatMap((c) => c.nodePools)) {
      expect(pool.instance.vcpu).toBeGreaterThan(0);
      expect(pool.instance.memoryGiB).toBeGreaterThan(0);
    }
  });
});
