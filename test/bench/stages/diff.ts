/**
 * Stage "diff": `estate diff --base-dir/--head-dir` on two syntheses of the generated estate of N clusters, judged
 * against one synthesis of that estate: the diff must take at most half its time (ratio <= 0.5).
 *
 *  ours:     read both synthesis folders (loadSnapshotDir) -> diffSnapshots -> renderMarkdown (the PR comment)
 *  baseline: one synthesis of the head estate, as the estate-synthesis stage measures it
 *            (constructs + synthesize + synthesisFiles + writeFiles)
 *
 * Judged from 100 clusters up (JUDGED_FROM_CLUSTERS); smaller sizes are measured and shown.
 *
 * The two sides differ in every cluster (`changedEstateSpec`): one more ingress machine per zone, and a new OS image
 * on the bare-metal machines (which replaces their machine templates and provider machines), so every file differs
 * and the diff parses and compares everything: the worst case for it. The largest estate the generator makes is
 * 1,024 clusters (management target only; no application generator exists yet).
 *
 * Honesty check ("identical" in the report): the diff's set of changed objects must equal the set a naive
 * comparison finds (every object of both syntheses, matched by identity, compared as JSON), or the stage fails.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { KubeObject, objectId, synthesisFiles, synthesize, writeFiles, writeSynthesis } from '../../../constructs/internal';
import { diffSnapshots, loadSnapshotDir, renderMarkdown } from '../../../stacks/diff';
import { WriterYamlReader } from '../../../stacks/diff/yaml-reader';
import { buildEstate, EstateSpec, estateSpec } from '../generate-estate';
import { collectGarbage, median, round, RunMeasurement, RunRecorder, toMB } from '../harness/measure';
import { plannedRuns } from '../harness/comparison';
import { BenchError, Check, Growth, PipelineStats, SizeResult, Stage, StageContext, StageResult } from '../harness/types';

const NAME = 'diff';
const DESCRIPTION = 'estate diff of two syntheses of the generated estate (every cluster changed), against one synthesis';
/** The diff may take at most this fraction of one synthesis. */
export const DIFF_RATIO_MAX = 0.5;
/**
 * The ratio is judged from this size up. Below it both sides take a few tens of milliseconds, where per-run fixed
 * costs (a full GC before each run leaves the young generation small, and YAML parsing of the changed documents
 * pays for it) dominate and the ratio says little about the estates the diff is for; it is still measured and shown.
 */
export const JUDGED_FROM_CLUSTERS = 100;

/** Fresh processes per pipeline and size (each pays a process start, so a few give the median). */
const FRESH_PROCESS_RUNS = 3;

/** What the stage asks a fresh process (diff-fresh-process.ts) to run. */
export interface FreshProcessRequest {
  readonly pipeline: 'ours' | 'baseline';
  readonly size: number;
  readonly baseDir: string;
  readonly headDir: string;
  /** Where the baseline writes its synthesis. */
  readonly outDir: string;
}

/** One run of a pipeline in a new process: once, with the compiler cold, as a user's `estate diff` or `estate synth`. */
function freshProcessRun(request: FreshProcessRequest): RunMeasurement {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'diff-fresh-process.js'), JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
  if (child.status !== 0) {
    throw new BenchError(`${NAME}: a fresh-process run of ${request.pipeline} at ${request.size} clusters failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RunMeasurement;
}

/** The head side: every cluster changed (one more ingress machine per zone; a new bare-metal OS image). */
export function changedEstateSpec(spec: EstateSpec): EstateSpec {
  return {
    ...spec,
    metal3: { ...spec.metal3, imageUrl: `${spec.metal3.imageUrl}?v=2` },
    clusters: spec.clusters.map((c) => ({
      ...c,
      pools: c.pools.map((p) => (p.name === 'ingress' && p.replicasPerZone !== undefined ? { ...p, replicasPerZone: p.replicasPerZone + 1 } : p)),
    })),
  };
}

/** The changed objects a naive comparison finds: identities created, deleted or with different JSON. */
function naiveChanged(base: readonly KubeObject[], head: readonly KubeObject[]): Set<string> {
  const b = new Map(base.map((o) => [objectId(o), JSON.stringify(o)]));
  const h = new Map(head.map((o) => [objectId(o), JSON.stringify(o)]));
  const changed = new Set<string>();
  for (const [id, json] of b) if (h.get(id) !== json) changed.add(id);
  for (const id of h.keys()) if (!b.has(id)) changed.add(id);
  return changed;
}

/** Both sides of a size written to disk, with what a naive comparison finds changed. */
export interface Prepared {
  readonly headSpec: EstateSpec;
  readonly baseDir: string;
  readonly headDir: string;
  readonly expected: Set<string>;
  readonly objects: number;
}

export function prepare(size: number, tmpDir: string): Prepared {
  const spec = estateSpec(size);
  const headSpec = changedEstateSpec(spec);
  const base = synthesize(buildEstate(spec), { asOf: spec.asOf });
  const head = synthesize(buildEstate(headSpec), { asOf: headSpec.asOf });
  const baseDir = writeSynthesis(base, path.join(tmpDir, `${NAME}-${size}-base`));
  const headDir = writeSynthesis(head, path.join(tmpDir, `${NAME}-${size}-head`));
  const expected = naiveChanged(base.targets.flatMap((t) => t.objects), head.targets.flatMap((t) => t.objects));
  return { headSpec, baseDir, headDir, expected, objects: head.targets.reduce((n, t) => n + t.objects.length, 0) };
}

/** The measured pipeline ("ours"): both folders read, diffed and rendered as the PR comment. */
export function diffPipeline(p: Prepared, r: RunRecorder): { changed: Set<string>; chars: number; objects: number } {
  const base = r.phase('load', () => loadSnapshotDir(p.baseDir));
  const head = r.phase('load', () => loadSnapshotDir(p.headDir));
  const report = r.phase('diff', () => diffSnapshots(base, head));
  const md = r.phase('render', () => renderMarkdown(report));
  const changed = new Set(report.changes.map((c) => `${c.ref.apiVersion}/${c.ref.kind}/${c.ref.namespace ?? ''}/${c.ref.name}`));
  return { changed, chars: md.length, objects: p.objects };
}

function diffRun(p: Prepared): { m: RunMeasurement; changed: Set<string>; chars: number } {
  // Each run reads as a new process's reader would: nothing remembered from the run before.
  WriterYamlReader.shared.forget();
  collectGarbage();
  const r = new RunRecorder();
  const out = diffPipeline(p, r);
  return { m: r.finish(), changed: out.changed, chars: out.chars };
}

/** The baseline: one synthesis of the head estate, written to `outDir`. */
export function synthesisPipeline(p: Prepared, r: RunRecorder, outDir: string): void {
  const estate = r.phase('construct', () => buildEstate(p.headSpec));
  const synthesis = r.phase('synthesize', () => synthesize(estate, { asOf: p.headSpec.asOf }));
  const files = r.phase('files', () => synthesisFiles(synthesis));
  r.phase('write', () => writeFiles(outDir, files));
}

function synthesisRun(p: Prepared, outDir: string): RunMeasurement {
  collectGarbage();
  const r = new RunRecorder();
  synthesisPipeline(p, r, outDir);
  return r.finish();
}

function stats(runs: RunMeasurement[], objects: number, files: number): PipelineStats {
  const phaseNames = Object.keys(runs[0].phasesMs);
  return {
    medianMs: round(median(runs.map((r) => r.ms)), 1),
    runsMs: runs.map((r) => round(r.ms, 1)),
    medianCpuMs: round(median(runs.map((r) => r.cpuMs)), 1),
    phasesMs: Object.fromEntries(phaseNames.map((n) => [n, round(median(runs.map((r) => r.phasesMs[n] ?? 0)), 1)])),
    peakHeapMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes))),
    peakHeapGrowthMB: toMB(Math.max(...runs.map((r) => r.peakHeapBytes - r.heapBeforeBytes))),
    peakRssMB: toMB(Math.max(...runs.map((r) => r.peakRssBytes))),
    objects,
    files,
  };
}

export const diffStage: Stage = {
  name: NAME,
  description: DESCRIPTION,
  run(context: StageContext): StageResult {
    const { log } = context;
    const sizes: SizeResult[] = [];
    const notes: string[] = [];
    {
      // Warm-up on the smallest size (JIT, module caches), as the other stages do.
      const p = prepare(context.sizes[0], context.tmpDir);
      const d = diffRun(p);
      const s = synthesisRun(p, path.join(context.tmpDir, `${NAME}-warm-up`, 'bench'));
      log(`${NAME}: warm-up at ${context.sizes[0]} clusters done (diff ${d.m.ms.toFixed(0)} ms, one synthesis ${s.ms.toFixed(0)} ms)`);
    }
    for (const size of context.sizes) {
      const p = prepare(size, context.tmpDir);
      const ours: RunMeasurement[] = [];
      const baseline: RunMeasurement[] = [];
      let runs = Infinity;
      let chars = 0;
      for (let i = 0; i < runs; i++) {
        const d = diffRun(p);
        const s = synthesisRun(p, path.join(context.tmpDir, `${NAME}-${size}-synth-${i}`, 'bench'));
        if (i === 0) {
          const missing = [...p.expected].filter((id) => !d.changed.has(id));
          const extra = [...d.changed].filter((id) => !p.expected.has(id));
          if (missing.length + extra.length > 0) {
            throw new BenchError(`${NAME}: at ${size} clusters the diff reports ${d.changed.size} changed objects where a naive comparison finds ${p.expected.size} ` +
              `(missing ${missing.slice(0, 3).join(', ')}; extra ${extra.slice(0, 3).join(', ')}): no numbers are reported`);
          }
          runs = plannedRuns(size, d.m.ms + s.ms);
          chars = d.chars;
        }
        ours.push(d.m);
        baseline.push(s);
        log(`${NAME}: ${size} clusters, run ${i + 1}/${runs}: diff ${d.m.ms.toFixed(0)} ms, one synthesis ${s.ms.toFixed(0)} ms`);
      }
      log(`${NAME}: ${size} clusters: ${p.expected.size} changed objects of ${p.objects}; comment ${chars} characters`);
      const fresh = { ours: [] as number[], baseline: [] as number[] };
      for (let i = 0; i < FRESH_PROCESS_RUNS; i++) {
        for (const pipeline of ['ours', 'baseline'] as const) {
          const outDir = path.join(context.tmpDir, `${NAME}-${size}-fresh-${i}`, 'bench');
          fresh[pipeline].push(freshProcessRun({ pipeline, size, baseDir: p.baseDir, headDir: p.headDir, outDir }).ms);
        }
      }
      const freshOurs = median(fresh.ours);
      const freshBaseline = median(fresh.baseline);
      notes.push(`${size} clusters in fresh processes (one run each, compiler cold; ${FRESH_PROCESS_RUNS} per side): diff ${freshOurs.toFixed(1)} ms, ` +
        `one synthesis ${freshBaseline.toFixed(1)} ms, ratio ${(freshOurs / freshBaseline).toFixed(2)} (shown, not judged)`);
      const o = stats(ours, p.objects, 2);
      const b = stats(baseline, p.objects, 0);
      sizes.push({
        size,
        runs: ours.length,
        ours: o,
        baseline: b,
        ratio: round(o.medianMs / b.medianMs, 2),
        cpuRatio: round(o.medianCpuMs / b.medianCpuMs, 2),
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
    const judged = sizes.filter((s) => s.size >= JUDGED_FROM_CLUSTERS);
    if (judged.length === 0) log(`${NAME}: no size of ${JUDGED_FROM_CLUSTERS} clusters or more: the ratio is measured, not judged`);
    const checks: Check[] = judged.map((s) => ({ name: `diff / one synthesis at ${s.size} clusters`, value: s.ratio, limit: DIFF_RATIO_MAX, pass: s.ratio <= DIFF_RATIO_MAX }));
    for (const g of growth.filter((x) => x.checked)) {
      checks.push({ name: `growth ${g.from} -> ${g.to} clusters`, value: g.ours, limit: context.targets.growthMax, pass: g.ours <= context.targets.growthMax });
    }
    return {
      name: NAME,
      description: DESCRIPTION,
      pipelines: { ours: 'loadSnapshotDir x2 + diffSnapshots + renderMarkdown', baseline: 'one synthesis: constructs + synthesize + synthesisFiles + writeFiles' },
      sizes,
      growth,
      checks,
      pass: checks.every((c) => c.pass),
      notes,
    };
  },
};
