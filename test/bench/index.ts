/**
 * The cluster-estate bench: `npm run bench [-- --json] [-- --sizes 10,100,1000] [-- --stage estate-synthesis]`.
 *
 * Runs every stage (test/bench/stages) at each size, prints a table (or, with --json, one JSON document on stdout with
 * keys in a stable order; progress goes to stderr), and exits
 *   0  every target met,
 *   1  a target missed,
 *   2  the bench could not measure honestly (outputs differ, bad arguments, a crash).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_GENERATED_CLUSTERS } from './generate-estate';
import { BenchReport, formatReport, stableJson } from './harness/report';
import { BenchError, DEFAULT_TARGETS, StageResult } from './harness/types';
import { REAL_ENGINE_STAGES, STAGES } from './stages';

const DEFAULT_SIZES = [10, 100, 1000];

interface Options {
  readonly json: boolean;
  readonly sizes: number[];
  readonly stages: string[];
}

const USAGE = `usage: npm run bench -- [--json] [--sizes 10,100,1000] [--stage ${STAGES.map((s) => s.name).join('|')}]`;

function parseArgs(argv: string[]): Options {
  let json = false;
  let sizes = DEFAULT_SIZES;
  // The default run leaves out the stages that need the real engines: they take minutes and a build of their own.
  let stages = STAGES.filter((s) => !REAL_ENGINE_STAGES.includes(s)).map((s) => s.name);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new BenchError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--json':
        json = true;
        break;
      case '--sizes': {
        const text = value();
        sizes = text.split(',').map((s) => Number(s.trim()));
        if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_GENERATED_CLUSTERS)) {
          throw new BenchError(`--sizes takes whole numbers of clusters from 1 to ${MAX_GENERATED_CLUSTERS}, comma-separated (got "${text}")`);
        }
        sizes = [...new Set(sizes)].sort((a, b) => a - b);
        break;
      }
      case '--stage':
      case '--stages': {
        stages = value().split(',').map((s) => s.trim());
        const unknown = stages.filter((s) => !STAGES.some((st) => st.name === s));
        if (unknown.length > 0) throw new BenchError(`unknown stage(s) ${unknown.join(', ')}\n${USAGE}`);
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new BenchError(`unknown argument "${argv[i]}"\n${USAGE}`);
    }
  }
  return { json, sizes, stages };
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const log = (message: string): void => {
    process.stderr.write(`[bench] ${message}\n`);
  };
  const exposeGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (!exposeGc) log('global.gc is not available (run with node --expose-gc): runs are not separated by a full GC');

  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-bench-'));
  const results: StageResult[] = [];
  const started = Date.now();
  try {
    for (const stage of STAGES.filter((s) => options.stages.includes(s.name))) {
      log(`stage ${stage.name}, sizes ${options.sizes.join(', ')}`);
      results.push(stage.run({ sizes: options.sizes, tmpDir, targets: DEFAULT_TARGETS, log }));
    }
  } catch (e) {
    process.stderr.write(`\nbench: ${e instanceof BenchError ? e.message : (e as Error).stack ?? String(e)}\n`);
    return 2;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const cpus = os.cpus();
  const report: BenchReport = {
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      exposeGc,
    },
    sizes: options.sizes,
    stages: results,
    targets: DEFAULT_TARGETS,
    pass: results.every((r) => r.pass),
  };
  process.stdout.write(`${options.json ? stableJson(report) : formatReport(report)}\n`);
  return report.pass ? 0 : 1;
}

process.exitCode = main();
