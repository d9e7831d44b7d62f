import * as path from 'path';
import { Option } from 'commander';
import { parseAsOf, summarize, synthesize, writeSynthesis } from '../../constructs';
import { DEFAULT_ESTATE, EstateInputError, loadEstate } from '../estates';
import { formatSummary } from './format';
import { writeDay2Plan } from './day2-plan';
import { loadRunningBase } from './running-base';
import { CliIo, CommandRegistration, ExitCode } from './io';
import { reportError } from './report-error';

interface SynthOptions {
  estate: string;
  out: string;
  asOf?: string;
  format: 'text' | 'json';
  baseDir?: string;
  replaceEtcdMember?: string[];
}

/** `estate synth`: validate, synthesize and write an estate, and print its summary. */
export const registerSynthCommand: CommandRegistration = (program, io, setExitCode) => {
  program
    .command('synth')
    .description('synthesize an estate into Kubernetes and Cluster API objects, one folder per target')
    .option('--estate <name|path>', 'built-in estate name or module path', DEFAULT_ESTATE)
    .option('--out <dir>', 'output folder; files go to <dir>/<estate>/<target>/', 'dist')
    .option('--as-of <iso-8601>', 'time at which promotion phases are judged (default: now)')
    .option('--base-dir <dir>', 'what runs (a folder `estate synth` wrote): running etcd members keep their bootstrap, joiners join them, and the steps go to <out>/<estate>/day2.json')
    .option('--replace-etcd-member <member...>', 'with --base-dir: render these running members to join again (a repaired machine)')
    .addOption(new Option('--format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .action((options: SynthOptions) => setExitCode(synthCommand(options, io)));
};

/** Parses `--as-of`; undefined when absent. Throws EstateInputError when it is not an ISO-8601 time with an offset. */
export function parseAsOfOption(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const asOf = parseAsOf(text);
  if (!asOf) throw new EstateInputError(`--as-of "${text}" is not an ISO-8601 time with an offset`, 'write it like 2026-11-11T00:00:00+08:00 or 2026-11-10T16:00:00Z');
  return asOf;
}

function synthCommand(options: SynthOptions, io: CliIo): number {
  const json = options.format === 'json';
  try {
    const asOf = parseAsOfOption(options.asOf);
    const estate = loadEstate(options.estate, io.cwd);
    const base = options.baseDir !== undefined ? loadRunningBase(options.baseDir, io.cwd) : undefined;
    if (options.replaceEtcdMember && !base) throw new EstateInputError('--replace-etcd-member needs --base-dir', 'give the folder of what runs, whose members are replaced');
    const synthesis = synthesize(estate, { asOf, ...(base ? { base: base.running, replaceEtcdMembers: options.replaceEtcdMember ?? [] } : {}) });
    const dir = writeSynthesis(synthesis, path.resolve(io.cwd, options.out));
    if (base) writeDay2Plan(base, synthesis, dir, options.replaceEtcdMember ?? []);
    const summary = summarize(synthesis);
    io.out(json ? JSON.stringify({ ok: true, outDir: path.relative(io.cwd, dir) || '.', summary }, null, 2) : formatSummary(summary, path.relative(io.cwd, dir)));
    return ExitCode.OK;
  } catch (e) {
    return reportError(e, json, io);
  }
}

