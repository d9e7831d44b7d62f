import { Synthesis, synthesize } from '../../constructs';
import { referenceEstate } from '../../stacks/estates';

/** Times around the reference estate's Double 11 promotion (Asia/Shanghai, UTC+8). */
export const REFERENCE_TIMES = {
  dormantBefore: new Date('2026-09-01T00:00:00+08:00'),
  preparingFirstBatch: new Date('2026-10-21T00:00:00+08:00'),
  preparingLastBatch: new Date('2026-11-09T00:00:00+08:00'),
  peak: new Date('2026-11-11T00:00:00+08:00'),
  drainingFirstBatch: new Date('2026-11-12T12:00:00+08:00'),
  dormantAfter: new Date('2026-11-22T00:00:00+08:00'),
} as const;

const cache = new Map<number, Synthesis>();

/** The reference estate synthesized at `asOf`, cached per time: synthesis is pure, tests only read it. */
export function referenceSynthesis(asOf: Date = REFERENCE_TIMES.peak): Synthesis {
  let s = cache.get(asOf.getTime());
  if (!s) cache.set(asOf.getTime(), (s = synthesize(referenceEstate(), { asOf })));
  return s;
}
