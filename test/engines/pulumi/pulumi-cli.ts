/**
 * The real Pulumi CLI for the engine suites and the pulumi-real bench stage: a throwaway workspace (a file backend in
 * a temporary folder, a passphrase, its own PULUMI_HOME holding the Kubernetes provider plugin) around this
 * repository's program, and `pulumi` commands run by pid through a ProcessTracker.
 *
 * The workspace's project folder holds a copy of the repository's Pulumi.yaml with only `main` (pointing back at
 * stacks/index.ts) and `stackConfigDir` (the folder itself) rewritten, and a node_modules link to the repository's:
 * the runtime options the suites prove are the ones users run, while `pulumi stack init` and `pulumi config set`
 * write their stack files into the workspace, never into stacks/config/.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ProcessTracker } from '../../helpers/processes';
import { pinnedVersions } from '../engines-env';

export const ROOT = path.resolve(__dirname, '../../..');

/** The engines.env keys of the Pulumi binaries. */
export const PULUMI_KEYS = ['PULUMI_BIN', 'PULUMI_LANGUAGE_NODEJS_BIN', 'PULUMI_RESOURCE_KUBERNETES_BIN'] as const;
export type PulumiBinaries = Readonly<Record<(typeof PULUMI_KEYS)[number], string>>;

/** The passphrase of every workspace's secrets. */
export const PASSPHRASE = 'cluster-estate engine suite';

/** The stack name on a file backend, as the stack files' `managementStack` expects it. */
export function qualifiedStack(stack: string): string {
  return `organization/cluster-estate/${stack}`;
}

export interface PulumiResult {
  readonly code: number | null;
  readonly stdout: string;
  /** stdout and stderr interleaved. */
  readonly output: string;
  readonly seconds: number;
  /** Peak resident memory of the pulumi process tree (CLI, language host, node, plugins), MiB. */
  readonly peakMiB: number;
}

export interface RunOptions {
  readonly stack?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 600 s */
  readonly timeoutMs?: number;
  /** Resolve instead of throwing when the command exits non-zero. */
  readonly allowFailure?: boolean;
  /** Sample the process tree's memory every 100 ms. @default false */
  readonly measureMemory?: boolean;
}

/** Resident memory (KiB) of a process and all its descendants, from /proc. */
function treeRssKiB(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      rss.set(pid, Number(fields[21]) * 4);
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export class PulumiWorkspace {
  public readonly projectDir: string;
  public readonly stateDir: string;
  public readonly home: string;

  private constructor(public readonly dir: string, public readonly bins: PulumiBinaries, private readonly tracker: ProcessTracker) {
    this.projectDir = path.join(dir, 'project');
    this.stateDir = path.join(dir, 'state');
    this.home = path.join(dir, 'pulumi-home');
  }

  /** A new workspace in a temporary folder. */
  public static create(bins: PulumiBinaries, tracker: ProcessTracker, prefix = 'estate-pulumi-'): PulumiWorkspace {
    const ws = new PulumiWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), bins, tracker);
    fs.mkdirSync(ws.projectDir, { recursive: true });
    fs.mkdirSync(ws.stateDir, { recursive: true });
    const project = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as Record<string, unknown>;
    project.main = path.relative(ws.projectDir, path.join(ROOT, project.main as string));
    delete project.stackConfigDir;
    fs.writeFileSync(path.join(ws.projectDir, 'Pulumi.yaml'), yaml.dump(project));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(ws.projectDir, 'node_modules'));
    const version = pinnedVersions().PULUMI_KUBERNETES_VERSION;
    const plugin = path.join(ws.home, 'plugins', `resource-kubernetes-v${version}`);
    fs.mkdirSync(plugin, { recursive: true });
    fs.symlinkSync(bins.PULUMI_RESOURCE_KUBERNETES_BIN, path.join(plugin, 'pulumi-resource-kubernetes'));
    return ws;
  }

  /** The environment of every command: the file backend, the passphrase, no plugin downloads, no update check. */
  public env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const bin = path.dirname(this.bins.PULUMI_BIN);
    const host = path.dirname(this.bins.PULUMI_LANGUAGE_NODEJS_BIN);
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PULUMI_') && k !== 'KUBECONFIG') base[k] = v;
    return {
      ...base,
      PATH: [...new Set([bin, host, path.dirname(process.execPath)])].join(path.delimiter) + path.delimiter + (process.env.PATH ?? ''),
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
      // The file backend otherwise rewrites the whole state after every step: 376 steps of the management stack then
      // cost minutes, not seconds, on the shared machine. The suites read the state only between commands, which is
      // saved at the end of each, failed ones included.
      PULUMI_SKIP_CHECKPOINTS: 'true',
      NO_COLOR: '1',
      ...extra,
    };
  }

  /** Runs `pulumi <args>` in the project folder; throws (with the output) on a non-zero exit unless allowed. */
  public async run(args: readonly string[], options: RunOptions = {}): Promise<PulumiResult> {
    const flags = [...(options.stack ? ['--stack', qualifiedStack(options.stack)] : []), '--non-interactive', '--color', 'never'];
    // Flags go before a `--` (after it, everything is a value: `config set key -- -value`).
    const dashes = args.indexOf('--');
    const full = dashes < 0 ? [...args, ...flags] : [...args.slice(0, dashes), ...flags, ...args.slice(dashes)];
    const started = process.hrtime.bigint();
    const proc = this.tracker.spawn(`pulumi ${args[0]}`, this.bins.PULUMI_BIN, full, { cwd: this.projectDir, env: this.env(options.env) });
    let stdout = '';
    proc.child.stdout?.on('data', (d: string) => (stdout += d));
    let peakKiB = 0;
    const sampler = options.measureMemory
      ? setInterval(() => {
        peakKiB = Math.max(peakKiB, treeRssKiB(proc.pid));
      }, 100)
      : undefined;
    const timeoutMs = options.timeoutMs ?? 600_000;
    const exited = await proc.waitForExit(timeoutMs);
    if (sampler) clearInterval(sampler);
    if (!exited) {
      await proc.stop();
      throw new Error(`pulumi ${full.join(' ')} did not finish in ${timeoutMs / 1000} s; output:\n${proc.tail(60)}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const result: PulumiResult = { code: proc.exit?.code ?? null, stdout, output: proc.output, seconds, peakMiB: peakKiB / 1024 };
    if (result.code !== 0 && !options.allowFailure) {
      const out = proc.output;
      const diagnostics = out.includes('Diagnostics:') ? out.slice(out.indexOf('Diagnostics:'), out.indexOf('Outputs:') > out.indexOf('Diagnostics:') ? out.indexOf('Outputs:') : undefined) : '';
      const problems = (diagnostics || out.split('\n').filter((l) => /error|fail|refus|protected/i.test(l)).join('\n')).split('\n').slice(0, 60).join('\n');
      const saved = path.join(os.tmpdir(), `pulumi-${args[0]}-failed-${proc.pid}.log`);
      fs.writeFileSync(saved, out);
      throw new Error(`pulumi ${full.join(' ')} exited ${result.code} (whole output: ${saved}); problems:\n${problems}\n--- last lines:\n${proc.tail(30)}`);
    }
    return result;
  }

  /** Copies a stack file of the repository (stacks/config/Pulumi.<stack>.yaml) into the workspace, as users have it. */
  public useStackFile(stack: string, from = stack): void {
    fs.copyFileSync(path.join(ROOT, 'stacks', 'config', `Pulumi.${from}.yaml`), path.join(this.projectDir, `Pulumi.${stack}.yaml`));
  }

  public async stackInit(stack: string): Promise<void> {
    await this.run(['stack', 'init', qualifiedStack(stack)]);
  }

  public async configSet(stack: string, key: string, value: string, secret = false): Promise<void> {
    await this.run(['config', 'set', ...(secret ? ['--secret'] : []), key, '--', value], { stack });
  }

  public async configSetPath(stack: string, key: string, value: string): Promise<void> {
    await this.run(['config', 'set', '--path', key, '--', value], { stack });
  }

  public async configRm(stack: string, key: string): Promise<void> {
    await this.run(['config', 'rm', key], { stack });
  }

  /** The stack's outputs (`pulumi stack output --json`, secrets shown when asked). */
  public async outputs(stack: string, showSecrets = false): Promise<Record<string, unknown>> {
    const r = await this.run(['stack', 'output', '--json', ...(showSecrets ? ['--show-secrets'] : [])], { stack });
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** The stack's checkpoint (`pulumi stack export`). */
  public async exportState(stack: string): Promise<{ deployment: { resources?: StateResource[] } }> {
    const r = await this.run(['stack', 'export'], { stack });
    return JSON.parse(r.stdout) as { deployment: { resources?: StateResource[] } };
  }

  /** Removes the workspace folder. */
  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

/** Builds the compiled pack (lib/policies) the policy pack needs, once per process. */
let built = false;
export function buildOnce(): void {
  if (built) return;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  built = true;
}

/** The change counts of a `pulumi preview/up --json`-less run, from its summary lines ("+ 3 to create"). */
export function summaryCounts(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const re = /^\s*([+~\-]|\+-|-\+)?\s*(\d+) (to create|to update|to delete|to replace|created|updated|deleted|replaced|unchanged)\b/gm;
  for (const m of output.matchAll(re)) counts[m[3]] = Number(m[2]);
  return counts;
}

/** The step list of `pulumi preview --json`: URN → op (create, update, replace, delete, same, ...). */
export function previewSteps(json: string): { urn: string; op: string; type: string }[] {
  const doc = JSON.parse(json) as { steps?: { urn: string; op: string; newState?: { type: string }; oldState?: { type: string } }[] };
  return (doc.steps ?? []).map((s) => ({ urn: s.urn, op: s.op, type: s.newState?.type ?? s.oldState?.type ?? '' }));
}
