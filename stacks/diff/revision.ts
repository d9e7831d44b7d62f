/**
 * Synthesizes the estate at a git revision and at the working tree, each with its own code: the model may change
 * between revisions, so the base must be synthesized by the base's constructs, not by ours.
 *
 * How: the base revision is checked out into a temporary, detached `git worktree`; the working tree's
 * `node_modules` is linked into it (no install), and the revision's own CLI runs there:
 * `node --import tsx <checkout>/stacks/cli/main.ts synth --estate E --as-of T --format json --out <tmp>`. The working
 * tree is synthesized the same way, so both sides go through the same path (files on disk, then parsed). The
 * worktree is removed afterwards, whatever happens.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILT_IN_ESTATES, EstateInputError } from '../estates';
import { PolicyFindings, TransitionReport } from './model';
import { parseFindings, SynthesisChecker } from './policies';
import { emptySnapshot, loadSnapshotDir, Snapshot } from './snapshot';

/** The CLI entry point of a checkout of this project, relative to its root. */
export const CLI_ENTRY = 'stacks/cli/main.ts';
/**
 * The day-2 plan `estate synth --base-dir` writes next to the head's manifests (stacks/cli/day2-plan.ts, which takes
 * the name from here): its transitions are judged with the head's plan, which the manifests alone do not carry.
 */
export const DAY2_PLAN_FILE = 'day2.json';

const CHILD_TIMEOUT_MS = 20 * 60 * 1000;
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

function git(cwd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

function gitOk(cwd: string, args: string[]): string {
  const r = git(cwd, args);
  if (r.error) throw new EstateInputError(`git ${args[0]} failed: ${r.error.message}`, 'install git and run estate diff --base inside a git checkout');
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  return r.stdout.trim();
}

/** The root of the git checkout that holds `cwd`. */
export function gitRoot(cwd: string): string {
  const r = git(cwd, ['rev-parse', '--show-toplevel']);
  if (r.error) throw new EstateInputError(`git is not available: ${r.error.message}`, 'install git, or compare two synthesis folders with --base-dir and --head-dir');
  if (r.status !== 0) throw new EstateInputError(`${cwd} is not inside a git checkout`, 'run estate diff --base from the repository, or compare two synthesis folders with --base-dir and --head-dir');
  return fs.realpathSync(r.stdout.trim());
}

/** The commit a revision names. */
export function resolveRevision(root: string, ref: string): string {
  if (ref.startsWith('-')) throw new EstateInputError(`--base "${ref}" is not a revision`, 'give a branch, tag or commit, for example origin/main or HEAD~1');
  const r = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.status !== 0 || !r.stdout.trim()) {
    throw new EstateInputError(`unknown revision "${ref}"`, 'fetch it first (in GitHub Actions: actions/checkout with fetch-depth: 0, or git fetch origin <branch>), or check the name');
  }
  return r.stdout.trim();
}

/** The first commit that has the estate CLI, for the message about older revisions. */
function firstCliCommit(root: string): string | undefined {
  const r = git(root, ['log', '--diff-filter=A', '--format=%h', '--', CLI_ENTRY]);
  const lines = r.status === 0 ? r.stdout.trim().split('\n').filter(Boolean) : [];
  return lines[lines.length - 1];
}

/** The estate argument as each side sees it, and a note when the sides cannot load it the same way. */
interface EstateArgument {
  readonly head: string;
  /** Undefined when the estate module does not exist at the base revision. */
  readonly base?: string;
  readonly note?: string;
}

function looksLikePath(estate: string): boolean {
  return !(estate in BUILT_IN_ESTATES) && /[\\/]|\.(ts|js|cjs|mjs)$/.test(estate);
}

function estateArgument(estate: string, cwd: string, root: string, checkout: string): EstateArgument {
  if (!looksLikePath(estate)) return { head: estate, base: estate };
  const absolute = path.resolve(cwd, estate);
  const relative = path.relative(root, fs.existsSync(absolute) ? fs.realpathSync(absolute) : absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return { head: absolute, base: absolute, note: `the estate module ${absolute} is outside the repository: both sides load that same file (each with its revision's constructs)` };
  }
  const atBase = path.join(checkout, relative);
  return fs.existsSync(atBase) ? { head: absolute, base: atBase } : { head: absolute, note: `${relative} does not exist at the base revision: every object counts as created` };
}

interface SynthOutcome {
  readonly snapshot?: Snapshot;
  /** The folder the synthesis was written to (`<out>/<estate>`). */
  readonly dir?: string;
  /** Set when the checkout's CLI reported that the estate does not exist there. */
  readonly missingEstate?: string;
}

/** Runs a checkout's own `estate synth` and loads what it wrote. */
export function synthesizeCheckout(checkout: string, label: string, estate: string, asOf: string, outDir: string, baseDir?: string): SynthOutcome {
  const entry = path.join(checkout, CLI_ENTRY);
  // With the base's folder, the head renders etcd joiners against the running members (`estate synth --base-dir`).
  const base = baseDir ? ['--base-dir', baseDir] : [];
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, 'synth', '--estate', estate, '--as-of', asOf, '--format', 'json', '--out', outDir, ...base], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT_BYTES,
    timeout: CHILD_TIMEOUT_MS,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (r.error) throw new Error(`could not run the estate CLI of ${label}: ${r.error.message}`);
  let doc: {
    ok?: boolean;
    outDir?: string;
    summary?: { estate?: string };
    problems?: { rule?: string; message?: string; fix?: string; path?: string }[];
  } | undefined;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    doc = undefined;
  }
  if (!doc) {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-6).join('\n');
    throw new EstateInputError(`the estate CLI of ${label} did not synthesize (exit ${r.status ?? r.signal}): ${tail}`, `check that \`node --import tsx ${CLI_ENTRY} synth --format json\` runs at that revision`);
  }
  if (doc.ok !== true) {
    const problems = doc.problems ?? [];
    const missing = problems.find((p) => p.rule === 'input' && /unknown estate|does not exist/.test(p.message ?? ''));
    if (missing) return { missingEstate: missing.message };
    const shown = problems.slice(0, 5).map((p) => `${p.path ? `${p.path}: ` : ''}${p.message ?? p.rule}`).join('; ');
    throw new EstateInputError(`the estate does not synthesize at ${label}: ${shown}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, `fix the estate at ${label}, or compare other revisions`);
  }
  const dir = path.resolve(checkout, doc.outDir ?? path.join(outDir, doc.summary?.estate ?? ''));
  return { snapshot: loadSnapshotDir(dir), dir };
}

/**
 * Runs a checkout's own `estate check --format json` (its own policies, with the estate's context) and returns its
 * findings, or why there are none: a revision without the command, or a check that did not run.
 */
export function checkCheckout(checkout: string, label: string, estate: string, asOf: string): { findings?: PolicyFindings; note?: string } {
  const entry = path.join(checkout, CLI_ENTRY);
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, 'check', '--estate', estate, '--as-of', asOf, '--format', 'json'], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT_BYTES,
    timeout: CHILD_TIMEOUT_MS,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (r.error) return { note: `policies not checked at ${label}: ${r.error.message}` };
  if (/unknown command 'check'/.test(r.stderr ?? '')) return { note: `policies not checked at ${label}: it has no \`estate check\`` };
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' / ');
    return { note: `policies not checked at ${label}: estate check exited ${r.status ?? r.signal}${tail ? ` (${tail})` : ''}` };
  }
  const d = doc as { ok?: boolean; findings?: unknown; problems?: { message?: string }[] };
  if (!Array.isArray(d.findings)) return { note: `policies not checked at ${label}: ${d.problems?.[0]?.message ?? 'estate check gave no findings list'}` };
  try {
    return { findings: parseFindings(doc, `the findings of ${label}`) };
  } catch (e) {
    return { note: `policies not checked at ${label}: ${(e as Error).message}` };
  }
}

/** What `synthesizeRevisions` returns. */
export interface RevisionPair {
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly baseLabel: string;
  readonly headLabel: string;
  readonly notes: string[];
  /** Findings of both sides, when the policies could be checked. */
  readonly baseFindings?: PolicyFindings;
  readonly headFindings?: PolicyFindings;
  /** True when only the head could be checked (the base has no `estate check`): every finding counts as introduced. */
  readonly baseUnchecked?: boolean;
  /** The transitions the head's synthesis judged against the base with its plan (its `day2.json`), when it wrote one. */
  readonly planTransitions?: TransitionReport;
}

export interface RevisionPairOptions {
  /** Where the command runs (inside the checkout). */
  readonly cwd: string;
  /** The base revision: a branch, tag, commit or expression such as HEAD~1. */
  readonly ref: string;
  /** Built-in estate name or module path (relative to `cwd`). */
  readonly estate: string;
  /** ISO-8601 as-of time, the same for both sides. */
  readonly asOf: string;
  /** Runs the policies on each side's synthesis folder, instead of each revision's own `estate check`. @default - none */
  readonly checker?: SynthesisChecker;
  /** Run each revision's own `estate check` for the policy section. @default true */
  readonly policies?: boolean;
}

/**
 * Synthesizes the estate at `ref` (in a temporary worktree) and at the working tree. Throws EstateInputError for
 * what the user can fix (no checkout, unknown revision, a revision older than the CLI, an estate that does not
 * synthesize).
 */
export function synthesizeRevisions(options: RevisionPairOptions): RevisionPair {
  const root = gitRoot(options.cwd);
  const sha = resolveRevision(root, options.ref);
  const short = sha.slice(0, 7);
  const baseLabel = `${options.ref}${options.ref.startsWith(short) ? '' : ` (${short})`}`;
  const headSha = git(root, ['rev-parse', '--short=7', 'HEAD']).stdout.trim();
  const dirty = git(root, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  const headLabel = `working tree${headSha ? ` (HEAD ${headSha}${dirty ? ', with uncommitted changes' : ''})` : ''}`;
  if (!fs.existsSync(path.join(root, CLI_ENTRY))) {
    throw new EstateInputError(`${root} has no ${CLI_ENTRY}: estate diff --base runs each revision's own estate CLI`, 'synthesize both sides with `estate synth --out DIR` and compare them with --base-dir and --head-dir');
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-diff-'));
  const worktree = path.join(tmp, 'base');
  const notes: string[] = [];
  let added = false;
  try {
    gitOk(root, ['worktree', 'add', '--detach', '--quiet', worktree, sha]);
    added = true;
    if (!fs.existsSync(path.join(worktree, CLI_ENTRY))) {
      const first = firstCliCommit(root);
      throw new EstateInputError(
        `revision ${baseLabel} predates the estate CLI (it has no ${CLI_ENTRY}), so it cannot synthesize itself`,
        `choose a base at or after ${first ? `commit ${first}, ` : ''}the first with the CLI, or synthesize that revision by hand and use --base-dir`,
      );
    }
    const modules = path.join(root, 'node_modules');
    if (fs.existsSync(modules) && !fs.existsSync(path.join(worktree, 'node_modules'))) fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'dir');
    const lockAtBase = readIfExists(path.join(worktree, 'package-lock.json'));
    const lockAtHead = readIfExists(path.join(root, 'package-lock.json'));
    if (lockAtBase !== undefined && lockAtHead !== undefined && lockAtBase !== lockAtHead) {
      notes.push(`the base ran with the working tree's installed dependencies; its package-lock.json differs, so a dependency change shows as part of this diff`);
    }

    const argument = estateArgument(options.estate, options.cwd, root, worktree);
    if (argument.note) notes.push(argument.note);
    // The base first: it is what runs, and the head is rendered against it.
    let base: Snapshot | undefined;
    let baseDir: string | undefined;
    if (argument.base !== undefined) {
      const outcome = synthesizeCheckout(worktree, baseLabel, argument.base, options.asOf, path.join(tmp, 'base-out'));
      if (outcome.snapshot) {
        base = outcome.snapshot;
        baseDir = outcome.dir;
      } else {
        notes.push(`the estate does not exist at ${baseLabel} (${outcome.missingEstate}): every object counts as created`);
      }
    }
    const head = synthesizeCheckout(root, 'the working tree', argument.head, options.asOf, path.join(tmp, 'head-out'), baseDir);
    if (!head.snapshot) throw new EstateInputError(`the working tree has no estate "${options.estate}": ${head.missingEstate}`, 'check --estate');
    base ??= emptySnapshot(head.snapshot.estate);
    let checked: { baseFindings?: PolicyFindings; headFindings?: PolicyFindings; baseUnchecked?: boolean } = {};
    if (options.checker && head.dir) {
      checked = { headFindings: options.checker(head.dir), baseFindings: baseDir ? options.checker(baseDir) : { findings: [] } };
    } else if (options.policies !== false) {
      const headCheck = checkCheckout(root, 'the working tree', argument.head, options.asOf);
      const baseCheck = argument.base !== undefined && baseDir ? checkCheckout(
        worktree,
        baseLabel,
        argument.base,
        options.asOf,
      ) : { findings: { findings: [] } };
      for (const n of [headCheck.note, baseCheck.note]) if (n) notes.push(n);
      if (headCheck.findings) {
        checked = baseCheck.findings
          ? { headFindings: headCheck.findings, baseFindings: baseCheck.findings }
          : { headFindings: headCheck.findings, baseFindings: { findings: [] }, baseUnchecked: true };
      }
    }
    const planTransitions = baseDir && head.dir ? readPlanTransitions(path.join(head.dir, DAY2_PLAN_FILE)) : undefined;
    return { base, head: head.snapshot, baseLabel, headLabel, notes, ...checked, ...(planTransitions ? { planTransitions } : {}) };
  } finally {
    if (added) {
      // Unlink the dependencies first: removing the worktree must never reach through the link.
      const link = path.join(worktree, 'node_modules');
      if (fs.existsSync(link) && fs.lstatSync(link).isSymbolicLink()) fs.unlinkSync(link);
      const removed = git(root, ['worktree', 'remove', '--force', worktree]);
      if (removed.status !== 0) {
        fs.rmSync(worktree, { recursive: true, force: true });
        git(root, ['worktree', 'prune']);
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The refused and risky transitions of a day-2 plan file, or undefined when there is none (a revision whose CLI does
 * not write one) or it is not one.
 */
export function readPlanTransitions(file: string): TransitionReport | undefined {
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  try {
    const doc = JSON.parse(text) as { refused?: unknown; warnings?: unknown };
    return Array.isArray(doc.refused) && Array.isArray(doc.warnings) ? { refused: doc.refused, warnings: doc.warnings } : undefined;
  } catch {
    return undefined;
  }
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
