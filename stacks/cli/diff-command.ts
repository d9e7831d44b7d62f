import * as path from 'path';
import { Option } from 'commander';
import { DEFAULT_ESTATE, EstateInputError } from '../estates';
import {
  DEFAULT_MAX_CHARS, DiffReport, diffSnapshots, loadSnapshotDir, PolicyFindings, readFindingsFile, renderMarkdown,
  renderText, Snapshot, SynthesisChecker, synthesizeRevisions, TransitionReport,
} from '../diff';
import { CliIo, CommandRegistration, ExitCode } from './io';
import { reportError } from './report-error';
import { parseAsOfOption } from './synth-command';

/** Options of `estate diff`, as commander parses them. */
export interface DiffCommandOptions {
  readonly base?: string;
  readonly baseDir?: string;
  readonly headDir?: string;
  readonly estate?: string;
  readonly asOf?: string;
  readonly format?: 'markdown' | 'json' | 'text';
  readonly maxChars?: string;
  readonly baseFindings?: string;
  readonly headFindings?: string;
  /** `--no-policies` sets false: skip each revision's `estate check`. @default true */
  readonly policies?: boolean;
}

/** What the command can be given besides its options (tests, and the policy runner once it exists). */
export interface DiffDependencies {
  /** Runs the policies on one synthesis folder; when given, both sides are checked with it. @default - none */
  readonly checker?: SynthesisChecker;
  /** The time used when --as-of is absent. @default - now */
  readonly now?: () => Date;
}

/** `estate diff`: compares two syntheses and prints a PR comment (markdown), text or JSON. */
export const registerDiffCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('diff')
    .description('compare the estate at a git revision with the working tree (or two synthesis folders): a PR comment, verdict first')
    .option('--base <ref>', 'git revision to compare the working tree with (branch, tag, commit, HEAD~1)')
    .option('--base-dir <dir>', 'a synthesis folder written by `estate synth` (<out>/<estate>), instead of --base')
    .option('--head-dir <dir>', 'the synthesis folder to compare it with (with --base-dir)')
    .option('--estate <name|path>', 'built-in estate name or module path', DEFAULT_ESTATE)
    .option('--as-of <iso-8601>', 'time at which promotion phases are judged, the same for both sides (with --base; default: now)')
    .addOption(new Option('--format <format>', 'report format').choices(['markdown', 'json', 'text']).default('markdown'))
    .option('--max-chars <n>', 'largest markdown report, in characters', String(DEFAULT_MAX_CHARS))
    .option('--base-findings <file>', 'policy findings of the base (the JSON of `estate check --format json`)')
    .option('--head-findings <file>', 'policy findings of the head')
    .option('--no-policies', "with --base: do not run each revision's own `estate check` for the policy section")
    .action((options: DiffCommandOptions) => setExitCode(diffCommand(options, io)));
};

function parseMaxChars(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_CHARS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2_000 || n > 65_536) throw new EstateInputError(`--max-chars "${text}" is not a whole number from 2,000 to 65,536`, 'GitHub comments hold at most 65,536 characters; the default is 60,000');
  return n;
}

/** Builds the report the options ask for. Throws EstateInputError for bad input. */
export function buildDiffReport(options: DiffCommandOptions, cwd: string, deps: DiffDependencies = {}): DiffReport {
  const dirs = options.baseDir !== undefined || options.headDir !== undefined;
  if (options.base !== undefined && dirs) throw new EstateInputError('--base and --base-dir/--head-dir cannot be used together', 'give either --base REF, or both --base-dir DIR and --head-dir DIR');
  if (options.base === undefined && !dirs) throw new EstateInputError('nothing to compare', 'give --base REF (a git revision), or --base-dir DIR and --head-dir DIR');
  if (dirs && (options.baseDir === undefined || options.headDir === undefined)) throw new EstateInputError('--base-dir and --head-dir go together', 'give both folders');
  if (dirs && options.asOf !== undefined) throw new EstateInputError('--as-of applies to --base only', 'synthesis folders carry their own as-of time: synthesize them with `estate synth --as-of`');
  if ((options.baseFindings === undefined) !== (options.headFindings === undefined)) throw new EstateInputError('--base-findings and --head-findings go together', 'give the findings of both sides, or neither');

  let findings: { base: PolicyFindings; head: PolicyFindings } | undefined;
  if (options.baseFindings !== undefined && options.headFindings !== undefined) {
    findings = { base: readFindingsFile(path.resolve(cwd, options.baseFindings)), head: readFindingsFile(path.resolve(cwd, options.headFindings)) };
  }

  let base: Snapshot;
  let head: Snapshot;
  let baseLabel: string;
  let headLabel: string;
  let notes: string[] = [];
  let baseUnchecked = false;
  let planTransitions: TransitionReport | undefined;
  if (options.base !== undefined) {
    const asOf = (parseAsOfOption(options.asOf) ?? (deps.now ? deps.now() : new Date())).toISOString();
    const pair = synthesizeRevisions({
      cwd, ref: options.base, estate: options.estate ?? DEFAULT_ESTATE, asOf,
      policies: options.policies !== false && !findings,
      ...(deps.checker && !findings ? { checker: deps.checker } : {}),
    });
    ({ base, head, baseLabel, headLabel, notes, planTransitions } = pair);
    if (!findings && pair.baseFindings && pair.headFindings) {
      findings = { base: pair.baseFindings, head: pair.headFindings };
      baseUnchecked = pair.baseUnchecked === true;
    }
  } else {
    const baseDir = path.resolve(cwd, options.baseDir!);
    const headDir = path.resolve(cwd, options.headDir!);
    base = loadSnapshotDir(baseDir, options.estate);
    head = loadSnapshotDir(headDir, options.estate);
    baseLabel = path.relative(cwd, baseDir) || '.';
    headLabel = path.relative(cwd, headDir) || '.';
    if (base.estate !== head.estate) notes.push(`the folders hold different estates (${base.estate}, ${head.estate})`);
    if (!findings && deps.checker) findings = { base: deps.checker(baseDir), head: deps.checker(headDir) };
  }
  return diffSnapshots(base, head, {
    baseLabel,
    headLabel,
    notes,
    ...(findings ? { baseFindings: findings.base, headFindings: findings.head, baseUnchecked } : {}),
    ...(planTransitions ? { planTransitions } : {}),
  });
}

/** Runs `estate diff` and returns its exit code: 0 reported (whatever changes), 2 bad input, 1 internal error. */
export function diffCommand(options: DiffCommandOptions, io: CliIo, deps: DiffDependencies = {}): number {
  const format = options.format ?? 'markdown';
  try {
    const maxChars = parseMaxChars(options.maxChars);
    const report = buildDiffReport(options, io.cwd, deps);
    const hint = options.base !== undefined
      ? `run \`estate diff --base ${options.base} --format text\` (or \`--format json\`) for the full report`
      : 'run `estate diff` with `--format text` or `--format json` for the full report';
    io.out(format === 'json' ? JSON.stringify({ ok: true, ...report }, null, 2) : format === 'text' ? renderText(report) : renderMarkdown(report, { maxChars, fullReportHint: hint }));
    return ExitCode.OK;
  } catch (e) {
    return reportError(e, format === 'json', io);
  }
}
