/**
 * The PR comment: verdict first, then per stack a table of create/update/replace/delete, destructive changes,
 * replacements, capacity and promotion phase, policy findings, the affected topology (Mermaid), and the per-object
 * field changes in collapsed <details>. Bounded: the summary is bounded by construction (every list in it is
 * capped), and details are added in order of importance until the budget is spent; the cut says so.
 * Plain markdown and HTML, no ANSI codes, no secret values (the report holds none).
 */
import { reportCounts } from './diff';
import { isZeroCapacity } from './capacity';
import { ChangeAction, DiffReport, ObjectChange, PolicyFinding, refText, TopologyNode } from './model';
import { operationalImpactSection, refusedSection } from './render-day2';
import { accessSection } from './access';
import { routingSection } from './routing';
import { ACTION_WORD, capacityCell, fieldChangeLines, num, plural, promotionLine, verdict } from './render-common';
import { stacksText } from './render-lists';

/** GitHub rejects comments over 65,536 characters; the default leaves room for the workflow's own lines. */
export const DEFAULT_MAX_CHARS = 60_000;

/** The hidden marker by which the workflow finds its own comment to update it. */
export function commentMarker(estate: string): string {
  return `<!-- cluster-estate:estate-diff estate=${estate} -->`;
}

export interface MarkdownOptions {
  /** @default 60,000 */
  readonly maxChars?: number;
  /** How to get the full report, said where details are cut. @default - `estate diff --format text` */
  readonly fullReportHint?: string;
}

/** Caps on the lists of the summary; halved until the summary fits the budget. */
interface Caps {
  readonly stacks: number;
  readonly destructive: number;
  readonly replaced: number;
  readonly findings: number;
  readonly topologyNodes: number;
  readonly capacityRows: number;
}

const DEFAULT_CAPS: Caps = { stacks: 40, destructive: 40, replaced: 25, findings: 25, topologyNodes: 120, capacityRows: 30 };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function fence(lines: readonly string[], lang: string): string {
  const body = lines.join('\n');
  let longest = 2;
  for (const m of body.match(/`+/g) ?? []) longest = Math.max(longest, m.length);
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${body}\n${f}`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function stackTable(report: DiffReport, caps: Caps): string[] {
  const changed = report.stacks.filter((s) => s.create + s.update + s.replace + s.delete > 0);
  const unchanged = report.stacks.length - changed.length;
  if (changed.length === 0) return [`No stack changes (${plural(report.stacks.length, 'stack')} compared).`];
  const lines = ['| stack | create | update | replace | delete | unchanged |', '|---|--:|--:|--:|--:|--:|'];
  const shown = changed.slice(0, caps.stacks);
  for (const s of shown) lines.push(`| ${cell(s.target)} | ${num(s.create)} | ${num(s.update)} | ${s.replace > 0 ? `**${num(s.replace)}**` : '0'} | ${s.delete > 0 ? `**${num(s.delete)}**` : '0'} | ${num(s.unchanged)} |`);
  const rest = changed.slice(caps.stacks);
  if (rest.length > 0) {
    const sum = (k: 'create' | 'update' | 'replace' | 'delete' | 'unchanged') => num(rest.reduce((n, s) => n + s[k], 0));
    lines.push(`| … ${plural(rest.length, 'more stack')} | ${sum('create')} | ${sum('update')} | ${sum('replace')} | ${sum('delete')} | ${sum('unchanged')} |`);
  }
  if (unchanged > 0) lines.push('', `${plural(unchanged, 'other stack')} unchanged.`);
  return lines;
}

function changeLine(c: ObjectChange, reason: string | undefined): string {
  return `- **${c.action}** ${code(refText(c.ref))} in ${code(c.target)}${reason ? ` — ${reason}` : ''}`;
}

function destructiveSection(report: DiffReport, caps: Caps): string[] {
  const destructive = report.changes.filter((c) => c.destructive);
  const routing = report.routing?.changes.filter((c) => c.destructive) ?? [];
  if (destructive.length + routing.length === 0) return [];
  // One line per stack, action and reason: a cluster's five etcd members are one line, not five.
  const groups = new Map<string, ObjectChange[]>();
  for (const c of destructive) {
    const key = `${c.target}\u0000${c.action}\u0000${c.destructive}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(c);
  }
  const lines = [`### Destructive changes (${num(destructive.length + routing.length)})`, ''];
  for (const r of routing.slice(0, caps.destructive)) lines.push(`- **routing** ${r.text} in ${stacksText(r.targets, code)} — ${r.destructive}`);
  if (routing.length > caps.destructive) lines.push(`- … and ${num(routing.length - caps.destructive)} more routing changes (see Routing changes)`);
  const entries = [...groups.values()];
  for (const g of entries.slice(0, caps.destructive)) {
    const c = g[0];
    const refs = g.slice(0, 8).map((x) => code(refText(x.ref))).join(', ') + (g.length > 8 ? ` and ${num(g.length - 8)} more` : '');
    lines.push(`- **${c.action}** ${refs} in ${code(c.target)} — ${c.destructive}`);
  }
  if (entries.length > caps.destructive) {
    const rest = entries.slice(caps.destructive).reduce((n, g) => n + g.length, 0);
    lines.push(`- … and ${plural(rest, 'more destructive change')} (see the details below, or the JSON report)`);
  }
  return [...lines, ''];
}

function replacedSection(report: DiffReport, caps: Caps): string[] {
  const replaced = report.changes.filter((c) => c.action === ChangeAction.REPLACE && !c.destructive);
  if (replaced.length === 0) return [];
  const lines = [`### Replacements (${num(replaced.length)})`, '', 'Deleted and created again, because an immutable field changes:', ''];
  for (const c of replaced.slice(0, caps.replaced)) lines.push(changeLine(c, (c.replaceReasons ?? []).join('; ')));
  if (replaced.length > caps.replaced) lines.push(`- … and ${plural(replaced.length - caps.replaced, 'more replacement')}`);
  return [...lines, ''];
}

function capacitySection(report: DiffReport, caps: Caps): string[] {
  const lines = ['### Capacity and promotion', ''];
  for (const p of report.promotions) lines.push(`- ${promotionLine(p)}`);
  if (report.base.asOf || report.head.asOf) {
    lines.push(`- as of ${report.base.asOf === report.head.asOf ? code(report.head.asOf ?? '') : `${code(report.base.asOf ?? '?')} → ${code(report.head.asOf ?? '?')}`}`);
  }
  const cap = report.capacity;
  if (!cap) return [...lines, '- capacity unknown (no estate.json summary)', ''];
  if (cap.clustersAdded.length > 0) lines.push(`- clusters added: ${cap.clustersAdded.map(code).join(', ')}`);
  if (cap.clustersRemoved.length > 0) lines.push(`- clusters removed: ${cap.clustersRemoved.map(code).join(', ')}`);
  if (isZeroCapacity(cap.total.delta)) return [...lines, '- capacity unchanged', ''];
  const table = (title: string, rows: typeof cap.byGroup) => {
    const changed = rows.filter((r) => !isZeroCapacity(r.delta));
    const out = ['', `| ${title} | machines | vCPU | memory GiB |`, '|---|--:|--:|--:|'];
    for (const r of changed.slice(0, caps.capacityRows)) {
      out.push(`| ${cell(r.name)} | ${capacityCell(r, 'machines', 'maxMachines')} | ${capacityCell(r, 'vcpu', 'maxVcpu')} | ${capacityCell(r, 'memoryGiB', 'maxMemoryGiB')} |`);
    }
    if (changed.length > caps.capacityRows) out.push(`| … ${plural(changed.length - caps.capacityRows, `more ${title}`)} | | | |`);
    return out;
  };
  lines.push(...table('group', cap.byGroup), ...table('region', cap.byRegion));
  lines.push(`| **total** | ${capacityCell(cap.total, 'machines', 'maxMachines')} | ${capacityCell(cap.total, 'vcpu', 'maxVcpu')} | ${capacityCell(cap.total, 'memoryGiB', 'maxMemoryGiB')} |`);
  lines.push('', '<sub>Autoscaled pools count at their lower bound; "max" is the autoscaler ceiling.</sub>', '');
  return lines;
}

function findingLine(f: PolicyFinding): string {
  const o = f.object;
  const line = `- ${code(f.policy)} (${f.enforcement}, ${f.severity}) on ${code(`${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`)} in ${code(f.target)}: ${cell(f.message)}`;
  return f.suppressed ? `${line} — suppressed: ${cell(f.suppressed.reason)}` : line;
}

function policySection(report: DiffReport, caps: Caps): string[] {
  const p = report.policies;
  if (!p) return ['### Policies', '', 'Not checked: no findings were given for both sides.', ''];
  const suppressed = p.suppressedAfter > 0 ? ` (${num(p.suppressedAfter)} suppressed, each with its reason, not counted)` : '';
  const lines = ['### Policies', '', `After the change: ${plural(p.mandatoryAfter, 'mandatory finding')}, ${plural(p.advisoryAfter, 'advisory finding')}${suppressed}.`, ''];
  if (p.baseUnchecked) lines.push('The base could not be checked (it has no `estate check`): every finding is listed as introduced.', '');
  const list = (title: string, findings: readonly PolicyFinding[]) => {
    if (findings.length === 0) return;
    lines.push(`**${title} (${num(findings.length)})**`, '');
    for (const f of findings.slice(0, caps.findings)) lines.push(findingLine(f));
    if (findings.length > caps.findings) lines.push(`- … and ${num(findings.length - caps.findings)} more`);
    lines.push('');
  };
  list('Introduced', p.introduced);
  list('Resolved', p.resolved);
  list('Newly suppressed', p.newlySuppressed);
  if (p.introduced.length === 0 && p.resolved.length === 0 && p.newlySuppressed.length === 0) lines.push('No finding introduced, resolved or suppressed.', '');
  return lines;
}

function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

function topologySection(report: DiffReport, caps: Caps): string[] {
  if (report.topology.length === 0) return [];
  const lines = ['flowchart LR'];
  const classes: Record<string, string[]> = { created: [], deleted: [], changed: [] };
  let n = 0;
  let truncated = 0;
  const walk = (node: TopologyNode, parent: string | undefined) => {
    if (n >= caps.topologyNodes) {
      truncated++;
      return;
    }
    const id = `n${n++}`;
    const word = node.status === 'context' ? '' : ` · ${node.status}`;
    const label = node.kind === 'region' ? `region ${node.name}` : node.kind === 'idc' ? `IDC ${node.name}` : `${node.name}${word}${node.note ? `<br/>${node.note}` : ''}`;
    lines.push(`  ${id}[${mermaidLabel(label)}]`);
    if (parent) lines.push(`  ${parent} --> ${id}`);
    if (node.status !== 'context') classes[node.status].push(id);
    for (const child of node.children) walk(child, id);
  };
  for (const region of report.topology) walk(region, undefined);
  lines.push('  classDef created fill:#dafbe1,stroke:#1a7f37,color:#000');
  lines.push('  classDef deleted fill:#ffebe9,stroke:#cf222e,color:#000');
  lines.push('  classDef changed fill:#fff8c5,stroke:#9a6700,color:#000');
  for (const [cls, ids] of Object.entries(classes)) if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${cls}`);
  const out = ['### Affected topology', '', fence(lines, 'mermaid'), ''];
  if (truncated > 0) out.splice(2, 0, `<sub>${plural(truncated, 'more node')} not drawn.</sub>`, '');
  return out;
}

/** The summary: everything but the per-object details. */
function renderSummary(report: DiffReport, caps: Caps): string {
  const lines: string[] = [];
  lines.push(commentMarker(report.estate));
  lines.push(`## Estate diff · ${code(report.estate)}`);
  lines.push('');
  lines.push(`**${verdict(report)}**`);
  lines.push('');
  lines.push(`<sub>${html(report.base.label)} → ${html(report.head.label)}</sub>`);
  lines.push('');
  lines.push(...refusedSection(report, code, caps.destructive));
  lines.push(...stackTable(report, caps), '');
  lines.push(...destructiveSection(report, caps));
  lines.push(...accessSection(report, code, caps.destructive));
  lines.push(...routingSection(report, code, caps.destructive));
  lines.push(...operationalImpactSection(report, code, caps.destructive));
  lines.push(...replacedSection(report, caps));
  lines.push(...capacitySection(report, caps));
  lines.push(...policySection(report, caps));
  lines.push(...topologySection(report, caps));
  return lines.join('\n');
}

const MAX_LIST_LINES = 100;
const MAX_FIELDS_PER_OBJECT = 80;

/** The <details> block of one updated or replaced object, or of several with the same change. */
function changeBlock(c: ObjectChange, list: readonly ObjectChange[]): string {
  const fields = c.fields.slice(0, MAX_FIELDS_PER_OBJECT);
  const diffLines = fields.flatMap(fieldChangeLines);
  if (c.fields.length > MAX_FIELDS_PER_OBJECT) diffLines.push(`# … and ${plural(c.fields.length - MAX_FIELDS_PER_OBJECT, 'more field')}`);
  const what = list.length === 1 ? `<code>${html(refText(c.ref))}</code>` : `${num(list.length)} × ${html(c.ref.kind)} (same change)`;
  const header = `${c.destructive ? '⚠ ' : ''}${c.action} · ${what} · ${html(c.target)} · ${plural(c.fields.length, 'field')}`;
  const extra: string[] = [];
  if (list.length > 1) {
    for (const o of list.slice(0, MAX_LIST_LINES)) extra.push(code(refText(o.ref)));
    if (list.length > MAX_LIST_LINES) extra.push(`… and ${num(list.length - MAX_LIST_LINES)} more`);
  }
  if (c.apiVersionChange) extra.push(`apiVersion ${code(c.apiVersionChange.from)} → ${code(c.apiVersionChange.to)}`);
  for (const r of c.replaceReasons ?? []) extra.push(`replaced: ${r}`);
  if (c.destructive) extra.push(`destructive: ${c.destructive}`);
  const text = [`<details><summary>${header}</summary>`, '', ...extra.map((e) => `- ${e}`), ...(extra.length > 0 ? [''] : []), fence(diffLines, 'diff'), '', '</details>', ''].join('\n');
  return text;
}

/**
 * One <details> block per updated or replaced object; created and deleted objects listed per stack and namespace.
 * Each block's text is made when asked for: a large change fills the comment with its first blocks, and the rest are
 * only counted.
 */
function detailBlocks(report: DiffReport): { text: () => string; objects: number }[] {
  const blocks: { text: () => string; objects: number; rank: number }[] = [];
  // Objects of one stack and kind with exactly the same field changes (a pool scaled in every zone) share a block.
  const same = new Map<string, ObjectChange[]>();
  for (const c of report.changes) {
    if (c.action !== ChangeAction.UPDATE && c.action !== ChangeAction.REPLACE) continue;
    const key = JSON.stringify([c.target, c.ref.kind, c.action, c.destructive ?? '', c.replaceReasons ?? [], c.apiVersionChange ?? null, c.fields]);
    let list = same.get(key);
    if (!list) same.set(key, (list = []));
    list.push(c);
  }
  for (const list of same.values()) {
    const c = list[0];
    blocks.push({ text: () => changeBlock(c, list), objects: list.length, rank: c.destructive ? 0 : c.action === ChangeAction.REPLACE ? 1 : 2 });
  }
  const groups = new Map<string, ObjectChange[]>();
  for (const c of report.changes) {
    if (c.action !== ChangeAction.CREATE && c.action !== ChangeAction.DELETE) continue;
    const key = `${c.action}\u0000${c.target}\u0000${c.cluster ?? c.ref.namespace ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(c);
  }
  for (const [key, list] of groups) {
    const [action, target, namespace] = key.split('\u0000') as [ChangeAction, string, string];
    const destructive = list.filter((c) => c.destructive).length;
    const header = `${destructive > 0 ? '⚠ ' : ''}${action} · ${plural(list.length, 'object')} ${ACTION_WORD[action]} in ${html(target)}${namespace ? ` / ${html(namespace)}` : ' (cluster-scoped)'}${destructive > 0 ? ` · ${num(destructive)} destructive` : ''}`;
    const kinds = new Map<string, number>();
    for (const c of list) kinds.set(c.ref.kind, (kinds.get(c.ref.kind) ?? 0) + 1);
    const byKind = [...kinds.entries()].map(([k, n]) => `${num(n)} ${k}`).join(', ');
    const items = list.slice(0, MAX_LIST_LINES).map((c) => `- ${code(refText(c.ref))}${c.destructive ? ` — ${c.destructive}` : ''}`);
    if (list.length > MAX_LIST_LINES) items.push(`- … and ${num(list.length - MAX_LIST_LINES)} more`);
    const text = () => [`<details><summary>${header}</summary>`, '', `${byKind}.`, '', ...items, '', '</details>', ''].join('\n');
    blocks.push({ text, objects: list.length, rank: destructive > 0 ? 0 : action === ChangeAction.DELETE ? 3 : 4 });
  }
  return blocks.map((b, i) => ({ ...b, i })).sort((a, b) => a.rank - b.rank || a.i - b.i).map(({ text, objects }) => ({ text, objects }));
}

/** Renders the report as a PR comment of at most `maxChars` characters. */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const hint = options.fullReportHint ?? 'run `estate diff` with `--format text` or `--format json` for the full report';
  const notes = report.notes.length > 0 ? ['', ...report.notes.map((n) => `<sub>Note: ${html(n)}</sub>`)] : [];
  const footer = ['', '<sub>Generated by <code>estate diff</code>: objects matched by stack and apiVersion/kind/namespace/name, named lists by key. Secret values are never shown.</sub>', ...notes].join('\n');

  let caps = DEFAULT_CAPS;
  let summary = renderSummary(report, caps);
  const cutReserve = 600;
  while (summary.length + footer.length + cutReserve > maxChars && caps.stacks > 1) {
    caps = Object.fromEntries(Object.entries(caps).map(([k, v]) => [k, Math.max(1, Math.floor(v / 2))])) as unknown as Caps;
    summary = renderSummary(report, caps);
  }

  const c = reportCounts(report);
  const changed = c.create + c.update + c.replace + c.delete;
  if (changed === 0) return `${summary}\n${footer}\n`;

  const blocks = detailBlocks(report);
  const head = `${summary}\n### Changes\n\n`;
  let body = '';
  let shownObjects = 0;
  let shownBlocks = 0;
  for (const b of blocks) {
    const text = b.text();
    if (head.length + body.length + text.length + footer.length + cutReserve > maxChars) break;
    body += `${text}\n`;
    shownObjects += b.objects;
    shownBlocks++;
  }
  let cut = '';
  if (shownBlocks < blocks.length) {
    const hiddenObjects = changed - shownObjects;
    cut = `> **Details cut:** ${plural(hiddenObjects, 'changed object')} ${hiddenObjects === 1 ? 'is' : 'are'} not shown to keep this comment under ${num(maxChars)} characters (GitHub's limit is 65,536). The summary above is complete; ${hint}.\n`;
  }
  const text = `${head}${body}${cut}${footer}\n`;
  return text;
}
