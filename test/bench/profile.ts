/**
 * Profiling helper for the bench's stages (not part of `npm run bench`):
 *
 *   npm run build --silent && node --cpu-prof --cpu-prof-dir=/tmp/estate-prof lib/bench/test/bench/profile.js \
 *     --stage estate-synthesis|apps|diff --size 100 --runs 5 --pipeline ours|baseline
 *   node lib/bench/test/bench/tools/cpuprofile-summary.js /tmp/estate-prof/<file>.cpuprofile
 *
 * Runs one pipeline repeatedly (after one warm-up run) at one size and prints each phase's median time, so a CPU
 * profile of the process shows where a pipeline's time goes. For "apps", the baseline is (b): plain objects. For
 * "diff", both syntheses are written (untimed) to a temporary folder first, as the bench's diff stage does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriterYamlReader } from '../../stacks/diff/yaml-reader';
import { estateSpec } from './generate-estate';
import { Pipeline } from './harness/comparison';
import { collectGarbage, median, RunRecorder } from './harness/measure';
import { appsInput, oursPipeline as appsOurs, plainPipeline as appsPlain } from './stages/apps';
import { diffPipeline, prepare as prepareDiff, synthesisPipeline } from './stages/diff';
import { baselinePipeline, oursPipeline } from './stages/estate-synthesis';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface Profiled<I> { prepare(size: number): I; ours: Pipeline<I>; baseline: Pipeline<I> }
/** Forgets a stage's input type: each pipeline only ever gets what its own `prepare` made. */
const erase = <I>(p: Profiled<I>): Profiled<unknown> => p as unknown as Profiled<unknown>;
const PROFILED: Record<string, Profiled<unknown>> = {
  'estate-synthesis': erase({ prepare: estateSpec, ours: oursPipeline, baseline: baselinePipeline }),
  apps: erase({ prepare: appsInput, ours: appsOurs, baseline: appsPlain }),
  diff: erase({
    prepare: (n: number) => prepareDiff(n, path.join(tmp, 'sides')),
    ours: (p, r) => {
      WriterYamlReader.shared.forget();
      return { objects: diffPipeline(p, r).objects, files: 2 };
    },
    baseline: (p, r, dir) => {
      synthesisPipeline(p, r, dir);
      return { objects: p.objects, files: 0 };
    },
  }),
};

const stage = arg('stage', 'estate-synthesis');
const size = Number(arg('size', '100'));
const runs = Number(arg('runs', '5'));
const which = arg('pipeline', 'ours');
const profiled = PROFILED[stage];
if (!profiled) {
  process.stderr.write(`unknown --stage ${stage}; one of ${Object.keys(PROFILED).join(', ')}\n`);
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-profile-'));
let input: unknown;
const pipeline = which === 'baseline' ? profiled.baseline : profiled.ours;
const phases: Record<string, number[]> = {};
try {
  input = profiled.prepare(size);
  for (let i = 0; i <= runs; i++) {
    collectGarbage();
    const recorder = new RunRecorder();
    const dir = path.join(tmp, String(i));
    pipeline(input, recorder, dir);
    const m = recorder.finish();
    fs.rmSync(dir, { recursive: true, force: true });
    if (i === 0) continue; // warm-up
    for (const [k, v] of Object.entries(m.phasesMs)) (phases[k] ??= []).push(v);
    (phases.total ??= []).push(m.ms);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`${stage} ${which} at ${size} clusters, median of ${runs} run(s):\n`);
for (const [k, v] of Object.entries(phases)) process.stdout.write(`  ${k.padEnd(12)} ${median(v).toFixed(1)} ms\n`);
