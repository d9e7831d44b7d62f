import { StageResult, Targets } from './types';

/** The whole bench run, as reported with `--json`. */
export interface BenchReport {
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly exposeGc: boolean;
  };
  readonly sizes: readonly number[];
  readonly stages: readonly StageResult[];
  readonly targets: Targets;
  readonly pass: boolean;
}

/** JSON with keys sorted at every level, so two runs diff cleanly whatever order the code built the objects in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(source).sort().map((k) => [k, sortKeys(source[k])]));
}

/** A readable report: per stage, a table of sizes, growth, phases and the targets judged. */
export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const env = report.environment;
  lines.push(`cluster-estate bench — node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} CPU(s) (${env.cpuModel})${env.exposeGc ? '' : ', WITHOUT --expose-gc'}`);
  for (const stage of report.stages) {
    lines.push('');
    lines.push(`Stage ${stage.name}: ${stage.description}`);
    lines.push(`  ours:     ${stage.pipelines.ours}`);
    lines.push(`  baseline: ${stage.pipelines.baseline}`);
    lines.push('');
    lines.push(...table(
      ['clusters', 'objects', 'files', 'ours ms', 'baseline ms', 'ours/baseline', 'cpu ratio', 'peak heap MB (ours)', 'peak heap MB (baseline)', 'runs', 'identical'],
      stage.sizes.map((s) => [
        String(s.size), String(s.ours.objects), String(s.ours.files), s.ours.medianMs.toFixed(1), s.baseline.medianMs.toFixed(1),
        s.ratio.toFixed(2), s.cpuRatio.toFixed(2), s.ours.peakHeapMB.toFixed(1), s.baseline.peakHeapMB.toFixed(1), String(s.runs), s.identical ? 'yes' : 'NO',
      ]),
    ).map((l) => `  ${l}`));
    lines.push('  (ms: median wall time, construction to files on disk; cpu ratio: the same ratio in process CPU time, for reference;');
    lines.push('   peak heap: largest heapUsed seen at a phase boundary; objects and files: ours, whose files include the summary)');
    if (stage.growth.length > 0) {
      lines.push('');
      lines.push('  growth of time (tenfold clusters: linear is 10):');
      for (const g of stage.growth) {
        lines.push(`    ${g.from} -> ${g.to}: ours x${g.ours.toFixed(2)}, baseline x${g.baseline.toFixed(2)}${g.checked ? ` (checked, max ${report.targets.growthMax})` : ''}`);
      }
    }
    lines.push('');
    lines.push('  median time per phase (ms):');
    for (const s of stage.sizes) {
      const phases = (p: Record<string, number>) => Object.entries(p).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
      lines.push(`    ${String(s.size).padStart(5)} ours:     ${phases(s.ours.phasesMs)}`);
      lines.push(`    ${' '.repeat(5)} baseline: ${phases(s.baseline.phasesMs)}`);
    }
    if (stage.notes?.length) {
      lines.push('');
      for (const note of stage.notes) lines.push(`  ${note}`);
    }
    lines.push('');
    lines.push('  targets:');
    for (const c of stage.checks) lines.push(`    ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value.toFixed(2)} (max ${c.limit})`);
    if (!stage.checks.some((c) => c.name.startsWith('growth'))) lines.push('    (growth not judged: needs a size and ten times it, from 100 clusters up, e.g. --sizes 100,1000)');
  }
  lines.push('');
  lines.push(report.pass ? 'All targets met.' : 'TARGETS MISSED (see FAIL above).');
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
