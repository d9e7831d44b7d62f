/** Capacity and promotion phases before and after, from the two sides' `estate.json` summaries. */
import { CapacityDelta, CapacityFigures, CapacityRow, PromotionPhaseChange } from './model';
import { EstateSummaryLike } from './snapshot';

export const ZERO_CAPACITY: CapacityFigures = { machines: 0, maxMachines: 0, vcpu: 0, maxVcpu: 0, memoryGiB: 0, maxMemoryGiB: 0 };

const FIELDS = ['machines', 'maxMachines', 'vcpu', 'maxVcpu', 'memoryGiB', 'maxMemoryGiB'] as const;

function figures(c: Partial<CapacityFigures> | undefined): CapacityFigures {
  const out: Record<string, number> = {};
  for (const f of FIELDS) out[f] = typeof c?.[f] === 'number' ? (c[f] as number) : 0;
  return out as unknown as CapacityFigures;
}

function minus(a: CapacityFigures, b: CapacityFigures): CapacityFigures {
  const out: Record<string, number> = {};
  for (const f of FIELDS) out[f] = a[f] - b[f];
  return out as unknown as CapacityFigures;
}

/** True when every figure of the delta is zero. */
export function isZeroCapacity(c: CapacityFigures): boolean {
  return FIELDS.every((f) => c[f] === 0);
}

function row(name: string, before: Partial<CapacityFigures> | undefined, after: Partial<CapacityFigures> | undefined): CapacityRow {
  const b = figures(before);
  const a = figures(after);
  return { name, before: b, after: a, delta: minus(a, b) };
}

function rows(
  before: Readonly<Record<string, CapacityFigures>> | undefined,
  after: Readonly<Record<string, CapacityFigures>> | undefined,
): CapacityRow[] {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return names.map((n) => row(n, before?.[n], after?.[n]));
}

/** The capacity delta, or undefined when neither side has a summary to read it from. */
export function capacityDelta(base: EstateSummaryLike | undefined, head: EstateSummaryLike | undefined): CapacityDelta | undefined {
  if (!base && !head) return undefined;
  const clustersBefore = new Set((base?.clusters ?? []).map((c) => c.cluster));
  const clustersAfter = new Set((head?.clusters ?? []).map((c) => c.cluster));
  return {
    byGroup: rows(base?.capacityByGroup, head?.capacityByGroup),
    byRegion: rows(base?.capacityByRegion, head?.capacityByRegion),
    total: row('total', base?.total, head?.total),
    clustersAdded: [...clustersAfter].filter((c) => !clustersBefore.has(c)).sort(),
    clustersRemoved: [...clustersBefore].filter((c) => !clustersAfter.has(c)).sort(),
  };
}

/** Every promotion of either side, with its phase before and after. */
export function promotionPhases(base: EstateSummaryLike | undefined, head: EstateSummaryLike | undefined): PromotionPhaseChange[] {
  const before = new Map((base?.promotions ?? []).map((p) => [p.name, p]));
  const after = new Map((head?.promotions ?? []).map((p) => [p.name, p]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const at = (p: { phase: string; batch?: number; scale?: number } | undefined) =>
    p ? { phase: p.phase, ...(p.batch !== undefined ? { batch: p.batch } : {}), ...(p.scale !== undefined ? { scale: p.scale } : {}) } : undefined;
  return names.map((name) => {
    const b = before.get(name);
    const a = after.get(name);
    const displayName = a?.displayName ?? b?.displayName;
    const beforeAt = at(b);
    const afterAt = at(a);
    return { name, ...(displayName ? { displayName } : {}), ...(beforeAt ? { before: beforeAt } : {}), ...(afterAt ? { after: afterAt } : {}) };
  });
}
