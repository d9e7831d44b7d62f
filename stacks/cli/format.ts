import { Capacity, formatProblem, Problem, SynthesisSummary } from '../../constructs';

function number(n: number): string {
  return n.toLocaleString('en-US');
}

/** One capacity as a table cell: `12 nodes · 384 vCPU · 1,536 GiB`, with the autoscaler ceiling when it differs. */
export function formatCapacity(c: Capacity): string {
  const range = (min: number, max: number) => (min === max ? number(min) : `${number(min)}-${number(max)}`);
  return `${range(c.machines, c.maxMachines)} machines · ${range(c.vcpu, c.maxVcpu)} vCPU · ${range(c.memoryGiB, c.maxMemoryGiB)} GiB`;
}

/** The text form of `estate synth`'s summary. */
export function formatSummary(summary: SynthesisSummary, outDir?: string): string {
  const lines: string[] = [];
  lines.push(`estate ${summary.estate} as of ${summary.asOf}${outDir ? ` → ${outDir}` : ''}`);
  for (const p of summary.promotions) {
    const batch = p.phase === 'preparing' || p.phase === 'draining' ? ` (batch ${p.batch + 1}, ${Math.round(p.scale * 100)}% of peak size)` : '';
    lines.push(`promotion ${p.name}: ${p.phase}${batch} · window ${p.prepareFrom} → ${p.drainUntil} ${p.timeZone}`);
  }
  lines.push('');
  lines.push('targets:');
  for (const t of summary.targets) {
    lines.push(`  ${t.name}: ${number(t.objects)} objects`);
    for (const [kind, count] of Object.entries(t.byKind)) lines.push(`    ${kind.padEnd(24)} ${number(count)}`);
  }
  lines.push('');
  lines.push('capacity by group:');
  for (const [group, c] of Object.entries(summary.capacityByGroup)) lines.push(`  ${group.padEnd(20)} ${formatCapacity(c)}`);
  lines.push('capacity by region:');
  for (const [region, c] of Object.entries(summary.capacityByRegion)) lines.push(`  ${region.padEnd(20)} ${formatCapacity(c)}`);
  lines.push(`  ${'total'.padEnd(20)} ${formatCapacity(summary.total)}`);
  if (summary.absentClusters.length > 0) {
    lines.push('');
    lines.push(`absent (dormant peak groups): ${summary.absentClusters.map((c) => `${c.name} (${c.group})`).join(', ')}`);
  }
  if (summary.warnings.length > 0) {
    lines.push('');
    lines.push('warnings:');
    for (const w of summary.warnings) lines.push(`  - ${formatProblem(w)}`);
  }
  return lines.join('\n');
}

/** The text form of a failed validation: every problem, one per line. */
export function formatProblems(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  return [`the estate is invalid: ${errors.length} error(s), ${problems.length - errors.length} warning(s)`, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}
