/** The report as plain text (terminals and CI logs): the same sections as the comment, every field change, no colors. */
import { operationalImpactSection, refusedSection } from './render-day2';
import { accessSection } from './access';
import { routingSection } from './routing';
import { isZeroCapacity } from './capacity';
import { ChangeAction, DiffReport, refText, TopologyNode } from './model';
import { capacityCell, fieldChangeLines, num, plural, promotionLine, verdict } from './render-common';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function renderText(report: DiffReport): string {
  const lines: string[] = [];
  lines.push(`estate diff ${report.estate}: ${report.base.label} → ${report.head.label}`);
  lines.push(verdict(report));
  lines.push('');
  const refused = refusedSection(report, (t) => t);
  if (refused.length > 0) lines.push(...refused.map((l) => l.replace(/^### /, '').replace(/\*\*/g, '')));
  const changed = report.stacks.filter((s) => s.create + s.update + s.replace + s.delete > 0);
  if (changed.length > 0) {
    lines.push(...table(['stack', 'create', 'update', 'replace', 'delete', 'unchanged'], changed.map((s) => [s.target, num(s.create), num(s.update), num(s.replace), num(s.delete), num(s.unchanged)])));
  }
  const unchanged = report.stacks.length - changed.length;
  if (unchanged > 0) lines.push(`${plural(unchanged, 'stack')} unchanged`);

  const destructive = report.changes.filter((c) => c.destructive);
  const routingDestructive = report.routing?.changes.filter((c) => c.destructive) ?? [];
  if (destructive.length + routingDestructive.length > 0) {
    lines.push('', `destructive changes (${num(destructive.length + routingDestructive.length)}):`);
    for (const r of routingDestructive) lines.push(`  routing ${r.text} in ${r.targets.join(', ')}: ${r.destructive}`);
    for (const c of destructive) lines.push(`  ${c.action} ${refText(c.ref)} in ${c.target}: ${c.destructive}`);
  }
  const access = accessSection(report, (t) => t);
  if (access.length > 0) lines.push('', ...access.map((l) => l.replace(/^### /, '').replace(/\*\*/g, '')));
  const routing = routingSection(report, (t) => t);
  if (routing.length > 0) lines.push('', ...routing.map((l) => l.replace(/^### /, '').replace(/\*\*/g, '')));
  const impact = operationalImpactSection(report, (t) => t);
  if (impact.length > 0) lines.push('', ...impact.map((l) => l.replace(/^### /, '').replace(/\*\*/g, '')));
  const replaced = report.changes.filter((c) => c.action === ChangeAction.REPLACE);
  if (replaced.length > 0) {
    lines.push('', `replacements (${num(replaced.length)}):`);
    for (const c of replaced) lines.push(`  ${refText(c.ref)} in ${c.target}: ${(c.replaceReasons ?? []).join('; ')}`);
  }

  lines.push('', 'capacity and promotion:');
  for (const p of report.promotions) lines.push(`  ${promotionLine(p)}`);
  if (report.base.asOf || report.head.asOf) lines.push(`  as of ${report.base.asOf === report.head.asOf ? report.head.asOf : `${report.base.asOf ?? '?'} → ${report.head.asOf ?? '?'}`}`);
  const cap = report.capacity;
  if (!cap) lines.push('  capacity unknown (no estate.json summary)');
  else {
    if (cap.clustersAdded.length > 0) lines.push(`  clusters added: ${cap.clustersAdded.join(', ')}`);
    if (cap.clustersRemoved.length > 0) lines.push(`  clusters removed: ${cap.clustersRemoved.join(', ')}`);
    if (isZeroCapacity(cap.total.delta)) lines.push('  capacity unchanged');
    else {
      const rows = [...cap.byGroup.map((r) => ['group', r] as const), ...cap.byRegion.map((r) => ['region', r] as const), ['', cap.total] as const]
        .filter(([, r]) => !isZeroCapacity(r.delta))
        .map(([what, r]) => [`${what ? `${what} ` : ''}${r.name}`, capacityCell(r, 'machines', 'maxMachines'), capacityCell(r, 'vcpu', 'maxVcpu'), capacityCell(r, 'memoryGiB', 'maxMemoryGiB')]);
      lines.push(...table(['', 'machines', 'vCPU', 'memory GiB'], rows).map((l) => `  ${l}`));
    }
  }

  lines.push('', 'policies:');
  const p = report.policies;
  if (!p) lines.push('  not checked (no findings given for both sides)');
  else {
    const suppressed = p.suppressedAfter > 0 ? `, ${plural(p.suppressedAfter, 'suppressed finding')} (not counted)` : '';
    lines.push(`  after the change: ${plural(p.mandatoryAfter, 'mandatory finding')}, ${plural(p.advisoryAfter, 'advisory finding')}${suppressed}`);
    for (const [title, list] of [['introduced', p.introduced], ['resolved', p.resolved], ['newly suppressed', p.newlySuppressed]] as const) {
      for (const f of list) {
        const o = f.object;
        const reason = f.suppressed ? ` (suppressed: ${f.suppressed.reason})` : '';
        lines.push(`  ${title}: ${f.policy} (${f.enforcement}) ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} in ${f.target}: ${f.message}${reason}`);
      }
    }
  }

  if (report.topology.length > 0) {
    lines.push('', 'affected topology:');
    const walk = (node: TopologyNode, depth: number) => {
      const status = node.status === 'context' ? '' : ` (${node.status}${node.note ? `; ${node.note}` : ''})`;
      lines.push(`${'  '.repeat(depth + 1)}${node.kind} ${node.name}${status}`);
      for (const child of node.children) walk(child, depth + 1);
    };
    for (const r of report.topology) walk(r, 0);
  }

  if (report.changes.length > 0) {
    lines.push('', 'changes:');
    for (const c of report.changes) {
      lines.push(`  ${c.action} ${refText(c.ref)} in ${c.target}${c.fields.length > 0 ? ` (${plural(c.fields.length, 'field')})` : ''}${c.destructive ? ' [destructive]' : ''}`);
      if (c.apiVersionChange) lines.push(`    apiVersion ${c.apiVersionChange.from} → ${c.apiVersionChange.to}`);
      for (const f of c.fields) for (const l of fieldChangeLines(f)) lines.push(`    ${l}`);
    }
  }
  for (const n of report.notes) lines.push('', `note: ${n}`);
  return lines.join('\n');
}

/** The report as JSON (stable: the report's own key order, which the differ builds deterministically). */
export function renderJson(report: DiffReport): string {
  return JSON.stringify(report, null, 2);
}

