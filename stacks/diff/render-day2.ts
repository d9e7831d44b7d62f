/**
 * The day-2 sections of a report, as lines: `Refused transitions` (placed first: nothing else matters until they are
 * fixed) and `Operational impact` (after destructive changes: what happens to running machines, in order).
 * Shared by the markdown comment and the text report; `code` formats an inline value for each.
 */
import { EtcdProcedure, EtcdStepRunner, formatProblem, Problem } from '../../constructs/internal';
import { DiffReport } from './model';
import { num, plural } from './render-common';
import type { Code } from './render-lists';

function problemLine(p: Problem, code: Code): string {
  return `- ${code(p.rule)} at ${code(p.path)}: ${p.message}${p.value !== undefined ? ` (got ${code(p.value)})` : ''}. **Fix:** ${p.fix}`;
}

/** `### Refused transitions`, and risky transitions under it; nothing when there are none. */
export function refusedSection(report: DiffReport, code: Code, cap = 40): string[] {
  const t = report.transitions;
  if (!t || (t.refused.length === 0 && t.warnings.length === 0)) return [];
  const lines: string[] = [];
  if (t.refused.length > 0) {
    lines.push(`### Refused transitions (${num(t.refused.length)})`, '', 'The base runs: these changes cannot be applied to it as they are. `estate check --base` exits 1 on them.', '');
    for (const p of t.refused.slice(0, cap)) lines.push(problemLine(p, code));
    if (t.refused.length > cap) lines.push(`- … and ${num(t.refused.length - cap)} more`);
    lines.push('');
  }
  if (t.warnings.length > 0) {
    lines.push(`**Risky transitions (${num(t.warnings.length)})**`, '');
    for (const p of t.warnings.slice(0, cap)) lines.push(problemLine(p, code));
    lines.push('');
  }
  return lines;
}

function procedureLines(p: EtcdProcedure, code: Code, stepCap: number): string[] {
  const lines = [`- ${code(p.cluster)}: ${p.from} → ${p.to} members${p.replaced.length > 0 ? `, replacing ${p.replaced.map(code).join(', ')}` : ''}, ${plural(p.steps.length, 'step')}, one member at a time:`];
  for (const s of p.steps.slice(0, stepCap)) {
    const who = s.runner === EtcdStepRunner.OPERATOR ? 'operator' : 'controllers (`pulumi up`)';
    lines.push(`  ${s.number}. ${s.summary} — ${who}${s.etcdctl ? `: ${code(`etcdctl ${s.etcdctl.verb} ${s.member}${s.etcdctl.peerUrl ? ` --learner --peer-urls=${s.etcdctl.peerUrl}` : ''}`)}` : ''}`);
  }
  if (p.steps.length > stepCap) lines.push(`  … and ${plural(p.steps.length - stepCap, 'more step')}`);
  return lines;
}

/** `### Operational impact`: machines that roll, etcd membership steps, upgrades by wave. */
export function operationalImpactSection(report: DiffReport, code: Code, cap = 40): string[] {
  const impact = report.operationalImpact;
  if (!impact) return [];
  const lines = ['### Operational impact', ''];
  if (impact.machineRollouts.length === 0) {
    lines.push('No machines replaced.', '');
  } else {
    lines.push(`**${plural(impact.machinesReplaced, 'machine')} replaced**, control planes first, then pools (Cluster API rolls them; surge / unavailable at a time):`, '');
    lines.push('| cluster | rolls | machines | why | surge / unavailable |', '|---|---|--:|---|---|');
    for (const r of impact.machineRollouts.slice(0, cap)) {
      const what = r.part === 'control-plane' ? 'control plane' : `pool ${r.pool} · ${r.zone}`;
      lines.push(`| ${r.cluster} | ${what} | ${num(r.machines)} | ${r.reasons.join('; ')} | ${r.maxSurge} / ${r.maxUnavailable} |`);
    }
    if (impact.machineRollouts.length > cap) lines.push(`| … ${plural(impact.machineRollouts.length - cap, 'more rollout')} | | | | |`);
    lines.push('');
  }
  if (impact.etcdProcedures.length > 0) {
    lines.push('**etcd membership steps**, in order (`estate etcd plan` prints each runbook line; each `pulumi up` applies the next controller step):', '');
    for (const p of impact.etcdProcedures.slice(0, cap)) lines.push(...procedureLines(p, code, 16));
    lines.push('');
  }
  if (impact.versionUpgrades.length > 0) {
    lines.push('**Kubernetes upgrades by wave:**', '');
    const waves = [...new Set(impact.versionUpgrades.map((u) => u.wave))];
    for (const w of waves) {
      const ups = impact.versionUpgrades.filter((u) => u.wave === w);
      const clusters = [...new Set(ups.map((u) => u.cluster))];
      lines.push(`- wave ${w}: ${clusters.map((c) => {
        const cp = ups.find((u) => u.cluster === c && u.part === 'control-plane');
        const pools = ups.filter((u) => u.cluster === c && u.part === 'pool').length;
        return `${code(c)} (${cp ? `control plane ${cp.from} → ${cp.to}` : 'control plane unchanged'}${pools > 0 ? `, ${plural(pools, 'pool deployment')}` : ''})`;
      }).join(', ')}`);
    }
    lines.push('');
  }
  return lines;
}

/** Plain-text problems, one per line, for the text report. */
export function problemTextLines(problems: readonly Problem[]): string[] {
  return problems.map((p) => `  ${formatProblem(p)}`);
}
