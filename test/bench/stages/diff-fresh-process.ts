/**
 * One run of the diff stage's pipelines in a process of its own, as `estate diff` and `estate synth` run for a user:
 * once, with V8's compiler cold (nothing optimized yet) and a young heap.
 *
 *   node --expose-gc lib/bench/test/bench/stages/diff-fresh-process.js '{"pipeline":"ours","size":100,...}'
 *
 * Loading the modules is not timed (both pipelines load the same ones); the pipeline is, as in the stage. Prints one
 * JSON line: the run's measurement.
 */
import { estateSpec } from '../generate-estate';
import { RunMeasurement, RunRecorder } from '../harness/measure';
import { changedEstateSpec, diffPipeline, FreshProcessRequest, Prepared, synthesisPipeline } from './diff';

function run(request: FreshProcessRequest): RunMeasurement {
  const prepared: Prepared = {
    headSpec: changedEstateSpec(estateSpec(request.size)),
    baseDir: request.baseDir,
    headDir: request.headDir,
    expected: new Set(),
    objects: 0,
  };
  const recorder = new RunRecorder();
  if (request.pipeline === 'ours') diffPipeline(prepared, recorder);
  else synthesisPipeline(prepared, recorder, request.outDir);
  return recorder.finish();
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(run(JSON.parse(process.argv[2]) as FreshProcessRequest))}\n`);
}
