/**
 * The day-2 plan of a synthesis made against a running base: refused and risky transitions, and the operational
 * impact (rollouts, etcd membership steps with their runbook lines, upgrades by wave). `estate synth --base-dir`
 * writes it next to the manifests as `day2.json` (for automation) and `runbook.md` (for the operator).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  EtcdStepRunner, MANAGEMENT_TARGET, OperationalImpact, operationalImpact, Problem, ProblemSeverity, readRunningEstate,
  RunningEstate, Synthesis, validateTransition,
} from '../../constructs/internal';
import { DAY2_PLAN_FILE } from '../diff';
import { RunningBase } from './running-base';

/** File names of the plan, inside `<out>/<estate>/`. */
export const RUNBOOK_FILE = 'runbook.md';

/** What `day2.json` holds. */
export interface Day2Plan {
  /** The folder judged as running. */
  readonly base: string;
  readonly refused: readonly Problem[];
  readonly warnings: readonly Problem[];
  readonly operationalImpact: OperationalImpact;
}

/** The running estate of a synthesis: what it will be once applied. */
export function runningOfSynthesis(synthesis: Synthesis): RunningEstate {
  const management = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)?.objects ?? [];
  return readRunningEstate(synthesis.plan.estate, management);
}

/** Judges the synthesis against the base. */
export function day2Plan(base: RunningBase, synthesis: Synthesis, replaceEtcdMembers: readonly string[] = []): Day2Plan {
  const head = runningOfSynthesis(synthesis);
  const problems = validateTransition(base.running, head, { plan: synthesis.plan });
  return {
    base: base.dir,
    refused: problems.filter((p) => p.severity === ProblemSeverity.ERROR),
    warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING),
    operationalImpact: operationalImpact(base.running, head, { replaceEtcdMembers }),
  };
}

/** The operator's runbook: every etcd procedure, step by step, with the command of each operator step. */
export function renderRunbook(plan: Day2Plan): string {
  const lines = ['# Day-2 runbook', '', `Judged against \`${plan.base}\`.`, ''];
  if (plan.refused.length > 0) {
    lines.push('## Refused transitions: fix these first', '');
    for (const p of plan.refused) lines.push(`- \`${p.rule}\` at \`${p.path}\`: ${p.message}. Fix: ${p.fix}`);
    lines.push('');
  }
  const procedures = plan.operationalImpact.etcdProcedures;
  if (procedures.length === 0) lines.push('No etcd membership change.', '');
  for (const p of procedures) {
    lines.push(`## etcd of ${p.cluster}: ${p.from} -> ${p.to} members`, '');
    lines.push('One step at a time. Controller steps are applied by `pulumi up` (one per run); operator steps run on a control-plane machine, before the next `pulumi up`.');
    lines.push('etcd refuses `member add` and `member remove` with "etcdserver: unhealthy cluster" until every voting member has been connected for 5 seconds (strict-reconfig-check): right after a promotion, wait and run the command again; nothing was changed.', '');
    for (const s of p.steps) {
      lines.push(`${s.number}. **${s.runner === EtcdStepRunner.OPERATOR ? 'operator' : 'pulumi up'}**: ${s.summary}.`);
      if (s.runbook) lines.push('', '   ```sh', `   ${s.runbook}`, '   ```', '');
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Writes `day2.json` and `runbook.md` into the synthesis folder. */
export function writeDay2Plan(base: RunningBase, synthesis: Synthesis, dir: string, replaceEtcdMembers: readonly string[] = []): Day2Plan {
  const plan = day2Plan(base, synthesis, replaceEtcdMembers);
  fs.writeFileSync(path.join(dir, DAY2_PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, RUNBOOK_FILE), renderRunbook(plan));
  return plan;
}
