import * as fs from 'fs';
import * as path from 'path';
import { Option } from 'commander';
import { synthesize } from '../../constructs';
import {
  checkDocument, CheckInputDescription, CheckResult, CheckTarget, estateContext, formatCheckText, ManifestInputError,
  ManifestObject, PolicyConfig, PolicyConfigError, readManifestFile, RULES, runChecks, validatePolicyConfig,
} from '../../policies/api';
import { DEFAULT_ESTATE, EstateInputError, loadEstate } from '../estates';
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
    const config = options.policyConfig === undefined ? undefined : readPolicyConfig(path.resolve(io.cwd, options.policyConfig), options.policyConfig);
    const { result, input } = options.files.length > 0 ? checkFiles(options.files, io.cwd, config) : checkEstate(options, io.cwd, config);
    io.out(json ? JSON.stringify(checkDocument(result, input), null, 2) : formatCheckText(result, input, RULES));
    return result.summary.pass ? ExitCode.OK : ExitCode.FAILURE;
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

function checkEstate(options: CheckCommandOptions, cwd: string, config: PolicyConfig | undefined): { result: CheckResult; input: CheckInputDescription } {
  const asOf = parseAsOfOption(options.asOf) ?? new Date();
  const estate = loadEstate(options.estate ?? DEFAULT_ESTATE, cwd);
  const synthesis = synthesize(estate, { asOf });
  const context = estateContext(synthesis, estate);
  const result = runChecks(synthesis.targets, { rules: RULES, config, context });
  return { result, input: { estate: synthesis.plan.estate, asOf: synthesis.plan.asOf } };
}

function checkFiles(files: readonly string[], cwd: string, config: PolicyConfig | undefined): { result: CheckResult; input: CheckInputDescription } {
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
