/**
 * Runs "ours" against a baseline at growing sizes, the shape every stage of this bench shares: warm-up, interleaved
 * repeated runs with a full GC before each, a byte-for-byte check that both pipelines wrote the same files, medians,
 * ratios, growth and the targets judged.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareFolders } from './files';
import { collectGarbage, median, round, RunMeasurement, RunRecorder, toMB } from './measure';
import { BenchError, Check, Growth, PipelineStats, SizeResult, StageContext, StageResult } from './types';

/** What a pipeline reports about its own run. */
export interface PipelineOutput {
  readonly objects: number;
  readonly files: number;
}

/** A pipeline: everything it does inside `recorder.phase(...)` is measured; it writes its files into `outDir` (a fresh folder, the `<out>/<estate>` of a real run). */
export type Pipeline<I> = (input: I, recorder: RunRecorder, outDir: string) => PipelineOutput;

export interface ComparisonDefinition<I> {
  readonly name: string;
  readonly description: string;
  readonly pipelines: { readonly ours: string; readonly baseline: string };
  /** Builds the (untimed) input of both pipelines for a size. */
  prepare(size: number): I;
  readonly ours: Pipeline<I>;
  readonly baseline: Pipeline<I>;
  /** Files only ours writes, left out of the byte-for-byte comparison. */
  readonly oursOnlyFiles: readonly string[];
}

/** Runs of both pipelines at the smallest size before anything is measured. */
export const WARM_UP_RUNS = 3;

/**
 * Budget: small sizes are cheap and noisy (a run of 100 ms moves by 20% when the other core is busy or V8 is still
 * optimizing), so they get more runs: seven up to 10 clusters, five up to 100; at larger sizes five while a run of
 * both pipelines takes at most 10 s (the write phase alone moves by 10-15% from run to run on a shared disk, and a
 * median of three still followed it), three up to 15 s, two up to 40 s, else one, so the whole bench stays within
 * about four minutes on a small machine.
 */
export function plannedRuns(size: number, firstPairMs: number): number {
  if (size <= 10) return 7;
  if (size <= 100) return 5;
  return firstPairMs <= 10_000 ? 5 : firstPairMs <= 15_000 ? 3 : firstPairMs <= 40_000 ? 2 : 1;
}

export function runComparison<I>(def: ComparisonDefinition<I>, context: StageContext): StageResult {
  const { log, tmpDir } = context;
  let counter = 0;
  const freshDir = (pipeline: string, size: number): string => path.join(tmpDir, `${def.name}-${pipeline}-${size}-${++counter}`);

  const once = (pipeline: 'ours' | 'baseline', input: I, size: number): { m: RunMeasurement; out: PipelineOutput; dir: string } => {
    const dir = freshDir(pipeline, size);
    collectGarbage();
    const recorder = new RunRecorder();
    const out = (pipeline === 'ours' ? def.ours : def.baseline)(input, recorder, dir);
    const m = recorder.finish();
    return { m, out, dir };
  };

  const verify = (oursDir: string, baselineDir: string, size: number): void => {
    const problems = compareFolders(oursDir, baselineDir, { a: 'ours', b: 'baseline' }, def.oursOnlyFiles);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).map((p) => `  - ${p}`).join('\n');
      throw new BenchError(
        `${def.name}: at ${size} clusters the baseline's files are not byte-identical to ours (${problems.length} difference(s)); ` +
        `the comparison would not be honest, so no numbers are reported.\n${shown}${problems.length > 5 ? `\n  ... and ${problems.length - 5} more` : ''}`,
      );
    }
  };

  const clean = (...dirs: string[]): void => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  };

  // Warm-up on the smallest size: module-level caches and JIT (V8 needs a few runs of a code path before it settles
  // on optimized code, and a single run left the first measured size 20-40% off), and a first check that the
  // outputs agree.
  const warmSize = context.sizes[0];
  {
    const input = def.prepare(warmSize);
    for (let i = 0; i < WARM_UP_RUNS; i++) {
      const a = once('ours', input, warmSize);
      const b = once('baseline', input, warmSize);
      if (i === 0) verify(a.dir, b.dir, warmSize);
      clean(a.dir, b.dir);
      if (i === WARM_UP_RUNS - 1) log(`${def.name}: warm-up at ${warmSize} clusters done (${WARM_UP_RUNS} runs; last: ours ${a.m.ms.toFixed(0)} ms, baseline ${b.m.ms.toFixed(0)} ms), outputs identical`);
    }
  }

  const sizes: SizeResult[] = [];
  for (const size of context.sizes) {
    const input = def.prepare(size);
    const ours: RunMeasurement[] = [];
    const baseline: RunMeasurement[] = [];
    let oursOut: PipelineOutput | undefined;
    let baselineOut: PipelineOutput | undefined;
    let runs = Infinity;
    for (let i = 0; i < runs; i++) {
      // Interleaved and alternating which goes first, so drift (thermal, page cache, the disk still discarding the
      // previous run's files) weighs on both pipelines alike.
      const oursFirst = i % 2 === 0;
      const first = once(oursFirst ? 'ours' : 'baseline', input, size);
      const second = once(oursFirst ? 'baseline' : 'ours', input, size);
      const a = oursFirst ? first : second;
      const b = oursFirst ? second : first;
      if (i === 0) {
        verify(a.dir, b.dir, size);
        runs = plannedRuns(size, a.m.ms + b.m.ms);
      }
      clean(a.dir, b.dir);
      ours.push(a.m);
      baseline.push(b.m);
      oursOut = a.out;
      baselineOut = b.out;
      log(`${def.name}: ${size} clusters, run ${i + 1}/${runs}: ours ${a.m.ms.toFixed(0)} ms, baseline ${b.m.ms.toFixed(0)} ms`);
    }
    const oursStats = stats(ours, oursOut!);
    const baselineStats = stats(baseline, baselineOut!);
    sizes.push({
      size,
      runs: ours.length,
      ours: oursStats,
      baseline: baselineStats,
      ratio: round(oursStats.medianMs / baselineStats.medianMs, 2),
      cpuRatio: round(oursStats.medianCpuMs / baselineStats.medianCpuMs, 2),
      identical: true,
    });
  }

  const growth: Growth[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const a = sizes[i - 1];
    const b = sizes[i];
    growth.push({
      from: a.size,
      to: b.size,
      ours: round(b.ours.medianMs / a.ours.medianMs, 2),
      baseline: round(b.baseline.medianMs / a.baseline.medianMs, 2),
      checked: b.size === a.size * 10 && a.size >= 100,
    });
  }

  const checks: Check[] = [];
  for (const s of sizes) {
    checks.push({ name: `ratio at ${s.size} clusters`, value: s.ratio, limit: context.targets.ratioMax, pass: s.ratio <= context.targets.ratioMax });
  }
  for (const g of growth.filter((x) => x.checked)) {
    checks.push({ name: `growth ${g.from} -> ${g.to} clusters`, value: g.ours, limit: context.targets.growthMax, pass: g.ours <= context.targets.growthMax });
  }

  return {
    name: def.name,
    description: def.description,
    pipelines: def.pipelines,
    sizes,
    growth,
    checks,
    pass: checks.every((c) => c.pass),
  };
}

function stats(runs: RunMeasurement[], out: PipelineOutput): PipelineStats {
  const phaseNames = Object.keys(runs[0].phasesMs);
  return {
    medianMs: round(median(runs.map((r) => r.ms)), 1),
    runsMs: runs.map((r) => round(r.ms, 1)),
    medianCpuMs: round(median(runs.map((r) => r.cpuMs)), 1),
    phasesMs: Object.fromEntries(phaseNames.map((p) => [p, round(median(runs.map((r) => r.phasesMs[p] ?? 0)), 1)])),
    peakHeapMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes))),
    peakHeapGrowthMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes - r.heapBeforeBytes))),
    peakRssMB: toMB(Math.max(...runs.map((r) => r.peakRssBytes))),
    objects: out.objects,
    files: out.files,
  };
}
