/**
 * Stage "pulumi-real": what a user waits for. The real `pulumi` CLI, language host and Kubernetes provider plugin
 * (bash test/engines/provide.sh builds them) run `pulumi preview` and then `pulumi up` on a fresh stack, for
 *   management: the management stack of the reference estate at the Double 11 peak (376 Cluster API objects);
 *   cluster:    cluster stack trade-hz1 with 1,000 generated apps (4,020 objects; the pulumi-cluster-stack input),
 * once through the program (ours: estateStack, EstateTarget, typed resources with options and dependencies) and once
 * as the same objects registered bare (same classes and names, one provider, no component, no options): see
 * pulumi-real-program.ts. The provider runs in render-to-directory mode (no API server): the engine, the plugin
 * protocol, the state file and the provider's own work are real; the API server's share is not measured.
 *
 * Measured per command: wall time and the peak resident memory of the whole process tree (pulumi-real-run.ts).
 * With PULUMI_SKIP_CHECKPOINTS=true: the file backend otherwise rewrites the whole state after every step, which
 * makes a first up of thousands of resources quadratic (see the README).
 * Judged: ours/bare wall time at most 1.2 for preview and for up, per stack. Absolute times are printed (stderr) and
 * reported (phasesMs: preview, up). Both sides must render the same number of files.
 *
 *   npm run bench -- --stage pulumi-real
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { round } from '../harness/measure';
import { BenchError, Check, PipelineStats, SizeResult, Stage, StageContext, StageResult } from '../harness/types';
import type { RunReport, RunRequest } from './pulumi-real-run';

const NAME = 'pulumi-real';
const DESCRIPTION = 'real pulumi preview + up (render-to-directory provider): management stack (reference) and a 1,000-app cluster stack, vs the same objects as bare resources; size = objects';
export const PULUMI_REAL_RATIO_MAX = 1.2;
const APPS = 1000;
const ROOT = path.resolve(__dirname, '../../../../..');
const PROGRAM = path.join(__dirname, 'pulumi-real-program.js');
const RUNNER = path.join(__dirname, 'pulumi-real-run.js');
/** Runs per mode and stack; ours and bare alternate. */
const RUNS: Record<Kind, number> = { management: 2, cluster: 1 };

type Kind = 'management' | 'cluster';
type Mode = 'ours' | 'bare';

interface Binaries {
  readonly pulumi: string;
  readonly host: string;
  readonly provider: string;
  readonly providerVersion: string;
}

function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** The binaries test/engines/provide.sh recorded (an environment variable of the same name wins). */
function binaries(): Binaries {
  const cache = process.env.ENGINES_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cluster-estate', 'engines');
  const provided = readEnvFile(path.join(cache, 'engines.env'));
  const versions = readEnvFile(path.join(ROOT, 'test/engines/versions.env'));
  const get = (key: string): string => {
    const p = process.env[key] ?? provided[key];
    if (!p || !fs.existsSync(p)) {
      const why = Object.entries(provided).filter(([k]) => k.startsWith('MISSING_PULUMI')).map(([k, v]) => `${k}: ${v}`).join('; ');
      throw new BenchError(`${NAME}: ${key} is not provided${why ? ` (${why})` : ''}; run bash test/engines/provide.sh pulumi`);
    }
    return p;
  };
  return { pulumi: get('PULUMI_BIN'), host: get('PULUMI_LANGUAGE_NODEJS_BIN'), provider: get('PULUMI_RESOURCE_KUBERNETES_BIN'), providerVersion: versions.PULUMI_KUBERNETES_VERSION };
}

class Workspace {
  public readonly project: string;
  private readonly env: Record<string, string>;

  constructor(public readonly dir: string, private readonly bins: Binaries) {
    this.project = path.join(dir, 'project');
    fs.mkdirSync(this.project, { recursive: true });
    fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
    fs.writeFileSync(path.join(this.project, 'Pulumi.yaml'), [
      'name: cluster-estate',
      'runtime:',
      '  name: nodejs',
      '  options:',
      '    typescript: false',
      `main: ${path.relative(this.project, PROGRAM)}`,
      '',
    ].join('\n'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(this.project, 'node_modules'));
    const plugin = path.join(dir, 'home', 'plugins', `resource-kubernetes-v${bins.providerVersion}`);
    fs.mkdirSync(plugin, { recursive: true });
    fs.symlinkSync(bins.provider, path.join(plugin, 'pulumi-resource-kubernetes'));
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('PULUMI_')) base[k] = v;
    this.env = {
      ...base,
      PATH: `${path.dirname(bins.pulumi)}${path.delimiter}${path.dirname(bins.host)}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      PULUMI_HOME: path.join(dir, 'home'),
      PULUMI_BACKEND_URL: `file://${path.join(dir, 'state')}`,
      PULUMI_CONFIG_PASSPHRASE: 'bench',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      // The file backend rewrites the whole state file after every step: a 4,020-resource first up spent most of its
      // time there (1,037 resources in 7 minutes, slowing as the file grew). Only the final state is saved, so the
      // stage measures the engine, the program and the provider.
      PULUMI_SKIP_CHECKPOINTS: 'true',
      NO_COLOR: '1',
    };
  }

  public run(args: string[], stack?: string): RunReport {
    const request: RunRequest = {
      command: this.bins.pulumi,
      args: [...args, ...(stack ? ['--stack', stack] : []), '--non-interactive', '--color', 'never'],
      cwd: this.project,
      env: this.env,
    };
    const child = spawnSync(process.execPath, [RUNNER, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const line = child.stdout?.trim().split('\n').pop();
    if (child.status !== 0 || !line) throw new BenchError(`${NAME}: could not run pulumi ${args.join(' ')}: ${child.stderr}`);
    const report = JSON.parse(line) as RunReport;
    if (report.code !== 0) throw new BenchError(`${NAME}: pulumi ${args.join(' ')} exited ${report.code}:\n${report.tail}`);
    return report;
  }
}

function countFiles(dir: string): number {
  let n = 0;
  for (const sub of ['0-crd', '1-manifest']) if (fs.existsSync(path.join(dir, sub))) n += fs.readdirSync(path.join(dir, sub)).length;
  return n;
}

interface Measured { preview: RunReport; up: RunReport; files: number }

function measure(ws: Workspace, kind: Kind, mode: Mode, run: number): Measured {
  const stack = `${kind}-${mode}-${run}`;
  const render = path.join(ws.dir, 'rendered', stack);
  ws.run(['stack', 'init', stack]);
  for (const [k, v] of [['bench:mode', mode], ['bench:target', kind], ['bench:apps', String(APPS)], ['bench:render', render]]) ws.run(['config', 'set', k, v], stack);
  const preview = ws.run(['preview'], stack);
  const up = ws.run(['up', '--yes', '--skip-preview'], stack);
  return { preview, up, files: countFiles(render) };
}

function stats(runs: Measured[]): PipelineStats {
  const med = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const totals = runs.map((r) => (r.preview.seconds + r.up.seconds) * 1000);
  return {
    medianMs: round(med(totals), 0),
    runsMs: totals.map((t) => round(t, 0)),
    medianCpuMs: 0,
    phasesMs: { preview: round(med(runs.map((r) => r.preview.seconds * 1000)), 0), up: round(med(runs.map((r) => r.up.seconds * 1000)), 0) },
    peakHeapMB: 0,
    peakHeapGrowthMB: 0,
    peakRssMB: round(Math.max(...runs.flatMap((r) => [r.preview.peakMiB, r.up.peakMiB])), 0),
    objects: runs[0].files,
    files: runs[0].files,
  };
}

export const pulumiReal: Stage = {
  name: NAME,
  description: DESCRIPTION,
  run(context: StageContext): StageResult {
    if (!fs.existsSync(PROGRAM)) throw new BenchError(`${NAME}: ${PROGRAM} is missing; run the bench from the build (npm run bench)`);
    const bins = binaries();
    const ws = new Workspace(path.join(context.tmpDir, NAME), bins);
    const sizes: SizeResult[] = [];
    const checks: Check[] = [];
    for (const kind of ['management', 'cluster'] as const) {
      const ours: Measured[] = [];
      const bare: Measured[] = [];
      for (let i = 0; i < RUNS[kind]; i++) {
        const a = measure(ws, kind, 'ours', i);
        const b = measure(ws, kind, 'bare', i);
        if (a.files !== b.files || a.files === 0) throw new BenchError(`${NAME}: ours rendered ${a.files} objects and bare ${b.files}; the comparison would not be honest`);
        ours.push(a);
        bare.push(b);
        context.log(`${NAME}: ${kind} stack (${a.files} objects), run ${i + 1}/${RUNS[kind]}: ours preview ${a.preview.seconds.toFixed(1)} s, up ${a.up.seconds.toFixed(1)} s, peak ${a.up.peakMiB.toFixed(0)} MiB; bare preview ${b.preview.seconds.toFixed(1)} s, up ${b.up.seconds.toFixed(1)} s, peak ${b.up.peakMiB.toFixed(0)} MiB`);
      }
      const o = stats(ours);
      const b = stats(bare);
      sizes.push({ size: o.objects, runs: RUNS[kind], ours: o, baseline: b, ratio: round(o.medianMs / b.medianMs, 2), cpuRatio: 0, identical: true });
      for (const command of ['preview', 'up'] as const) {
        const ratio = round(o.phasesMs[command] / b.phasesMs[command], 2);
        checks.push({ name: `${kind} stack (${o.objects} objects): pulumi ${command} ${(o.phasesMs[command] / 1000).toFixed(1)} s vs bare ${(b.phasesMs[command] / 1000).toFixed(1)} s`, value: ratio, limit: PULUMI_REAL_RATIO_MAX, pass: ratio <= PULUMI_REAL_RATIO_MAX });
      }
    }
    return {
      name: NAME,
      description: DESCRIPTION,
      pipelines: {
        ours: 'the stack program (estateStack + EstateTarget) under the real pulumi CLI and provider',
        baseline: 'the same objects as bare typed resources with one provider, same CLI and provider',
      },
      sizes,
      growth: [],
      checks,
      pass: checks.every((c) => c.pass),
    };
  },
};
