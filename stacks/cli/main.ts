#!/usr/bin/env node
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { EstateDefinitionError, EstateValidationError, parseAsOf, summarize, synthesize, writeSynthesis } from '../../constructs';
import { DEFAULT_ESTATE, EstateInputError, loadEstate } from '../estates';
import { formatProblems, formatSummary } from './format';

/** Exit codes of the `estate` command. */
export enum ExitCode {
  OK = 0,
  /** Unexpected failure inside the tool. */
  FAILURE = 1,
  /** Bad input: invalid estate, unknown estate, malformed option. */
  BAD_INPUT = 2,
}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  cwd: process.cwd(),
};

interface SynthOptions {
  estate: string;
  out: string;
  asOf?: string;
  format: 'text' | 'json';
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let code: number = ExitCode.OK;
  const program = new Command('estate')
    .description('Describe a Kubernetes estate with typed constructs; synthesize, check and diff it.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError(false);

  program
    .command('synth')
    .description('synthesize an estate into Kubernetes and Cluster API objects, one folder per target')
    .option('--estate <name|path>', 'built-in estate name or module path', DEFAULT_ESTATE)
    .option('--out <dir>', 'output folder; files go to <dir>/<estate>/<target>/', 'dist')
    .option('--as-of <iso-8601>', 'time at which promotion phases are judged (default: now)')
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .action((options: SynthOptions) => {
      code = synthCommand(options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    }
    io.err(`estate: internal error: ${(e as Error).stack ?? e}`);
    return ExitCode.FAILURE;
  }
  return code;
}

function synthCommand(options: SynthOptions, io: CliIo): number {
  const json = options.format === 'json';
  try {
    let asOf: Date | undefined;
    if (options.asOf !== undefined) {
      asOf = parseAsOf(options.asOf);
      if (!asOf) throw new EstateInputError(`--as-of "${options.asOf}" is not an ISO-8601 time with an offset`, 'write it like 2026-11-11T00:00:00+08:00 or 2026-11-10T16:00:00Z');
    }
    const estate = loadEstate(options.estate, io.cwd);
    const synthesis = synthesize(estate, { asOf });
    const dir = writeSynthesis(synthesis, path.resolve(io.cwd, options.out));
    const summary = summarize(synthesis);
    io.out(json ? JSON.stringify({ ok: true, outDir: path.relative(io.cwd, dir) || '.', summary }, null, 2) : formatSummary(summary, path.relative(io.cwd, dir)));
    return ExitCode.OK;
  } catch (e) {
    return reportError(e, json, io);
  }
}

function reportError(e: unknown, json: boolean, io: CliIo): number {
  if (e instanceof EstateValidationError) {
    if (json) io.out(JSON.stringify({ ok: false, problems: e.problems }, null, 2));
    else io.err(formatProblems(e.problems));
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof EstateInputError || e instanceof EstateDefinitionError) {
    const problem = e instanceof EstateDefinitionError
      ? { path: e.path, rule: e.rule, severity: 'error', message: e.message, fix: e.fix }
      : { path: '', rule: 'input', severity: 'error', message: e.message, fix: e.fix };
    if (json) io.out(JSON.stringify({ ok: false, problems: [problem] }, null, 2));
    else io.err(`estate: ${e.message}`);
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof Error && /^refusing to replace/.test(e.message)) {
    io.err(`estate: ${e.message}`);
    return ExitCode.BAD_INPUT;
  }
  io.err(`estate: internal error, please report it: ${(e as Error)?.stack ?? String(e)}`);
  return ExitCode.FAILURE;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
