import { Capacity, ClusterWorkloads, formatProblem, Problem, SynthesisSummary } from '../../constructs';

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
  if (summary.workloads.length > 0) {
    lines.push('');
    lines.push(...formatWorkloads(summary.workloads, summary.maxCommitPercent));
  }
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

/**
 * The capacity report: per cluster and node pool, what the apps' pods request with their autoscalers at the minimum
 * and at the maximum, against the pool's allocatable capacity at its minimum and maximum size.
 */
export function formatWorkloads(workloads: readonly ClusterWorkloads[], maxCommitPercent: number): string[] {
  const range = (min: number, max: number, f: (n: number) => string) => (min === max ? f(min) : `${f(min)}-${f(max)}`);
  const vcpu = (m: number) => (Math.round(m / 100) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
  const gib = (m: number) => (Math.round((m / 1024) * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });
  const lines = [`app capacity (requests at autoscaler min-max of allocatable at pool min-max; limit ${maxCommitPercent}% of the pool at its largest):`];
  for (const w of workloads) {
    lines.push(`  ${w.cluster}${w.phase ? ` (${w.phase})` : ''}: ${w.apps.join(', ')}`);
    for (const p of w.pools) {
      lines.push(`    ${p.pool.padEnd(12)} ${range(p.pods.min, p.pods.max, number)} pods · ` +
        `${range(p.requests.min.cpuMillis, p.requests.max.cpuMillis, vcpu)} of ${range(p.allocatable.min.cpuMillis, p.allocatable.max.cpuMillis, vcpu)} vCPU · ` +
        `${range(p.requests.min.memoryMiB, p.requests.max.memoryMiB, gib)} of ${range(p.allocatable.min.memoryMiB, p.allocatable.max.memoryMiB, gib)} GiB · ` +
        `committed ${p.committedPercent}% (at max ${p.maxCommittedPercent}%)`);
    }
  }
  return lines;
}

/** The text form of a failed validation: every problem, one per line. */
export function formatProblems(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  return [`the estate is invalid: ${errors.length} error(s), ${problems.length - errors.length} warning(s)`, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}
