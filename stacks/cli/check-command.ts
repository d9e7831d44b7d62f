import * as fs from 'fs';
import * as path from 'path';
import { Option } from 'commander';
import { formatProblem, MANAGEMENT_TARGET, readRunningEstate, synthesize } from '../../constructs/internal';
import { fileObjects, synthesizeRevisions, targetOf, TransitionReport } from '../diff';
import {
  checkDocument, CheckInputDescription, CheckResult, CheckTarget, estateContext, formatCheckText, ManifestInputError,
  ManifestObject, PolicyConfig, PolicyConfigError, readManifestFile, RULES, runChecks, validatePolicyConfig,
} from '../../policies/offline';
import { DEFAULT_ESTATE, EstateInputError, loadEstate } from '../estates';
import { day2Plan } from './day2-plan';
import { loadRunningBase, RunningBase } from './running-base';
import { CliIo, CommandRegistration, ExitCode } from './io';
import { reportError } from './report-error';
import { parseAsOfOption } from './synth-command';

/** The options of `estate check`; `files` are the positional arguments. */
export interface CheckCommandOptions {
  readonly files: readonly string[];
  readonly estate?: string;
  readonly asOf?: string;
  readonly format: 'text' | 'json';
  readonly policyConfig?: string;
  /** A git revision taken as what runs: transitions from it are judged. */
  readonly base?: string;
  /** A folder `estate synth` wrote, taken as what runs. */
  readonly baseDir?: string;
}

/** The target YAML files are checked as: all files together, so a PDB in one file covers a Deployment in another. */
export const FILES_TARGET = 'files';

/**
 * `estate check`: runs every policy over a synthesized estate (`--estate`, at `--as-of`) or over Kubernetes YAML
 * files (where the rules that need the estate are not applicable). Exit 0 without unsuppressed mandatory
 * violations, 1 with them, 2 on bad input.
 */
export const registerCheckCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('check')
    .description('check an estate, or Kubernetes YAML files, against the policies (the same rules as the Pulumi policy pack)')
    .argument('[files...]', 'multi-document Kubernetes YAML files to check instead of an estate')
    .option('--estate <name|path>', `built-in estate name or module path (default: ${DEFAULT_ESTATE} when no file is given)`)
    .option('--as-of <iso-8601>', 'time at which promotion phases are judged (default: now)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--policy-config <file>', 'JSON policy configuration (enforcement levels, thresholds), as for pulumi --policy-pack-config')
    .option('--base <ref>', 'git revision taken as what runs: refuse transitions a live estate cannot take (exit 1)')
    .option('--base-dir <dir>', 'a folder written by `estate synth`, taken as what runs (instead of --base)')
    .action((files: string[], options: Omit<CheckCommandOptions, 'files'>) => setExitCode(checkCommand({ ...options, files }, io)));
};

/** Runs `estate check` and returns its exit code; never throws. */
export function checkCommand(options: CheckCommandOptions, io: CliIo): number {
  const json = options.format === 'json';
  try {
    if (options.files.length > 0 && options.estate !== undefined) {
      throw new EstateInputError('give either --estate or YAML files, not both', 'run estate check --estate NAME, or estate check FILE...');
    }
    if (options.files.length > 0 && options.asOf !== undefined) {
      throw new EstateInputError('--as-of applies to an estate, not to YAML files', 'drop --as-of, or check an estate with --estate');
    }
    if (options.files.length > 0 && (options.base !== undefined || options.baseDir !== undefined)) {
      throw new EstateInputError('--base and --base-dir judge an estate, not YAML files', 'drop them, or check an estate with --estate');
    }
    if (options.base !== undefined && options.baseDir !== undefined) throw new EstateInputError('--base and --base-dir cannot be used together', 'give either a git revision or a synthesis folder');
    const config = options.policyConfig === undefined ? undefined : readPolicyConfig(
      path.resolve(io.cwd, options.policyConfig),
      options.policyConfig,
    );
    const { result, input, transitions } = options.files.length > 0 ? checkFiles(
      options.files,
      io.cwd,
      config,
    ) : checkEstate(options, io.cwd, config);
    if (json) io.out(JSON.stringify({ ...checkDocument(result, input), ...(transitions ? { transitions } : {}) }, null, 2));
    else io.out(formatCheckText(result, input, RULES) + (transitions ? formatTransitions(transitions) : ''));
    return result.summary.pass && (transitions?.refused.length ?? 0) === 0 ? ExitCode.OK : ExitCode.FAILURE;
  } catch (e) {
    if (e instanceof ManifestInputError || e instanceof PolicyConfigError) {
      const fix = e instanceof ManifestInputError ? 'fix the file so that every document is a Kubernetes object' : 'fix the policy configuration (policy ids and keys: estate check --format json lists the policies that ran)';
      if (json) {
        const where = e instanceof ManifestInputError ? { path: e.file, ...(e.line !== undefined ? { line: e.line } : {}) } : { path: options.policyConfig ?? '' };
        io.out(JSON.stringify({ ok: false, problems: [{ ...where, rule: 'input', severity: 'error', message: e.message, fix }] }, null, 2));
      } else {
        io.err(`estate: ${e.message}`);
      }
      return ExitCode.BAD_INPUT;
    }
    return reportError(e, json, io);
  }
}

interface CheckOutcome {
  readonly result: CheckResult;
  readonly input: CheckInputDescription;
  readonly transitions?: TransitionReport;
}

function checkEstate(options: CheckCommandOptions, cwd: string, config: PolicyConfig | undefined): CheckOutcome {
  const asOf = parseAsOfOption(options.asOf) ?? new Date();
  const estateName = options.estate ?? DEFAULT_ESTATE;
  const base = options.baseDir !== undefined
    ? loadRunningBase(options.baseDir, cwd)
    : options.base !== undefined ? runningBaseOfRevision(options.base, estateName, asOf, cwd) : undefined;
  const estate = loadEstate(estateName, cwd);
  const synthesis = synthesize(estate, { asOf, ...(base ? { base: base.running } : {}) });
  const context = estateContext(synthesis, estate);
  const result = runChecks(synthesis.targets, { rules: RULES, config, context });
  const plan = base ? day2Plan(base, synthesis) : undefined;
  return {
    result,
    input: { estate: synthesis.plan.estate, asOf: synthesis.plan.asOf },
    ...(plan ? { transitions: { refused: plan.refused, warnings: plan.warnings } } : {})
  };
}

/** The base revision's own synthesis (in a temporary worktree, by its own code), read as what runs. */
function runningBaseOfRevision(ref: string, estate: string, asOf: Date, cwd: string): RunningBase {
  const pair = synthesizeRevisions({ cwd, ref, estate, asOf: asOf.toISOString(), policies: false });
  const objects = pair.base.files.filter((f) => targetOf(f) === MANAGEMENT_TARGET).flatMap((f) => [...fileObjects(f)]);
  return { dir: pair.baseLabel, snapshot: pair.base, running: readRunningEstate(pair.base.estate || pair.head.estate, objects) };
}

function formatTransitions(t: TransitionReport): string {
  const lines: string[] = [];
  lines.push('', t.refused.length > 0 ? `refused transitions (${t.refused.length}):` : 'transitions: none refused');
  for (const p of t.refused) lines.push(`  ${formatProblem(p)}`);
  if (t.warnings.length > 0) lines.push(`risky transitions (${t.warnings.length}):`, ...t.warnings.map((p) => `  ${formatProblem(p)}`));
  return `${lines.join('\n')}\n`;
}

function checkFiles(files: readonly string[], cwd: string, config: PolicyConfig | undefined): CheckOutcome {
  const read: ManifestObject[] = files.flatMap((file) => readManifestFile(path.resolve(cwd, file), file));
  const target: CheckTarget = {
    name: FILES_TARGET,
    objects: read.map((m) => m.object),
    sources: read.map((m) => m.source),
    findingTarget: (i) => read[i].source.file,
  };
  return { result: runChecks([target], { rules: RULES, config }), input: { files: [...files] } };
}

function readPolicyConfig(file: string, shown: string): PolicyConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new PolicyConfigError(`${shown}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(`${shown}: not JSON (${(e as Error).message})`);
  }
  try {
    return validatePolicyConfig(parsed, RULES);
  } catch (e) {
    throw new PolicyConfigError(`${shown}: ${(e as Error).message}`);
  }
}
