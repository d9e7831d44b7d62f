import { Option } from 'commander';
import { EtcdProcedure, EtcdStepRunner, planEtcdProcedure, synthesize } from '../../constructs/internal';
import { DEFAULT_ESTATE, EstateInputError, loadEstate } from '../estates';
import { runningOfSynthesis } from './day2-plan';
import { CliIo, CommandRegistration, ExitCode } from './io';
import { reportError } from './report-error';
import { loadRunningBase } from './running-base';
import { parseAsOfOption } from './synth-command';

/** Options of `estate etcd plan`. */
export interface EtcdPlanOptions {
  readonly baseDir: string;
  readonly estate?: string;
  readonly asOf?: string;
  readonly cluster?: string;
  readonly replace?: readonly string[];
  readonly format?: 'text' | 'json';
}

/**
 * `estate etcd plan`: the etcd membership steps from what runs (`--base-dir`) to the estate, one member per step,
 * with who runs each step and the `etcdctl` line of each operator step. `--replace` adds the replacement of a member
 * whose machine was repaired (nothing in the estate changes for it).
 */
export const registerEtcdCommand: CommandRegistration = (program, io, setExitCode) => {
  const etcd = program.command('etcd').description('day-2 operations on the clusters\' dedicated etcd');
  etcd
    .command('plan')
    .description('the membership steps from what runs (--base-dir) to the estate, with runbook lines for the operator steps')
    .requiredOption('--base-dir <dir>', 'what runs: a folder `estate synth` wrote (or the last applied synthesis)')
    .option('--estate <name|path>', 'built-in estate name or module path', DEFAULT_ESTATE)
    .option('--as-of <iso-8601>', 'time at which promotion phases are judged (default: now)')
    .option('--cluster <name>', 'only this cluster')
    .option('--replace <member...>', 'also replace these members (a repaired machine): remove, then add again')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((options: EtcdPlanOptions) => setExitCode(etcdPlanCommand(options, io)));
};

/** The procedures `estate etcd plan` prints. Throws EstateInputError for bad input. */
export function etcdPlan(options: EtcdPlanOptions, cwd: string): EtcdProcedure[] {
  const base = loadRunningBase(options.baseDir, cwd);
  const estate = loadEstate(options.estate ?? DEFAULT_ESTATE, cwd);
  const replace = options.replace ?? [];
  const synthesis = synthesize(estate, { asOf: parseAsOfOption(options.asOf) ?? new Date(), base: base.running, replaceEtcdMembers: replace });
  const head = runningOfSynthesis(synthesis);
  const names = head.clusters.map((c) => c.name);
  if (options.cluster !== undefined && !names.includes(options.cluster)) {
    throw new EstateInputError(`no cluster "${options.cluster}" runs in the estate at that time`, `use one of: ${names.join(', ')}`);
  }
  const procedures: EtcdProcedure[] = [];
  for (const h of head.clusters) {
    if (options.cluster !== undefined && h.name !== options.cluster) continue;
    const b = base.running.clusters.find((c) => c.name === h.name);
    if (!b) continue;
    const unknown = replace.filter((m) => m.startsWith(`${h.name}-etcd-`) && !b.etcd.members.some((r) => r.name === m));
    if (unknown.length > 0) throw new EstateInputError(`--replace names ${unknown.join(', ')}, which do not run`, `running members: ${b.etcd.members.map((m) => m.name).join(', ')}`);
    const procedure = planEtcdProcedure(h.name, h.path, b.etcd, h.etcd.members, { replace });
    if (procedure.steps.length > 0) procedures.push(procedure);
  }
  const planned = new Set(head.clusters.flatMap((c) => c.etcd.members.map((m) => m.name)));
  const stray = replace.filter((m) => !planned.has(m));
  if (stray.length > 0) throw new EstateInputError(`--replace names ${stray.join(', ')}, which are not members of a running cluster`, 'name members as <cluster>-etcd-<index>');
  return procedures;
}

function formatProcedures(procedures: readonly EtcdProcedure[]): string {
  if (procedures.length === 0) return 'No etcd membership change.\n';
  const lines: string[] = [];
  for (const p of procedures) {
    lines.push(`etcd of ${p.cluster} (${p.path}): ${p.from} -> ${p.to} members, ${p.steps.length} steps`);
    for (const s of p.steps) {
      lines.push(`  ${s.number}. [${s.runner === EtcdStepRunner.OPERATOR ? 'operator' : 'pulumi up'}] ${s.summary}`);
      if (s.runbook) lines.push(`     ${s.runbook}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function etcdPlanCommand(options: EtcdPlanOptions, io: CliIo): number {
  const json = options.format === 'json';
  try {
    const procedures = etcdPlan(options, io.cwd);
    io.out(json ? JSON.stringify({ ok: true, procedures }, null, 2) : formatProcedures(procedures));
    return ExitCode.OK;
  } catch (e) {
    return reportError(e, json, io);
  }
}
