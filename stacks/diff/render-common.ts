/** Formatting shared by the markdown and text renderers: numbers, capacity cells, values and field-change lines. */
import { reportCounts } from './diff';
import { isZeroCapacity } from './capacity';
import { CapacityFigures, CapacityRow, ChangeAction, DiffReport, FieldChange, FieldOp, PromotionPhaseAt, PromotionPhaseChange } from './model';

/** `1536` -> `1,536` (what toLocaleString('en-US') gives for integers, without its cost). */
export function num(n: number): string {
  if (!Number.isInteger(n)) return n.toLocaleString('en-US');
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function signed(n: number): string {
  return n > 0 ? `+${num(n)}` : n < 0 ? `−${num(-n)}` : '±0';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${num(n)} ${n === 1 ? word : many}`;
}

/** `96 → 144 (+48)`, with the autoscaler ceiling when it differs from the floor on either side. */
export function capacityCell(row: CapacityRow, min: keyof CapacityFigures, max: keyof CapacityFigures): string {
  const b = row.before;
  const a = row.after;
  const d = row.delta;
  let cell = b[min] === a[min] ? num(a[min]) : `${num(b[min])} → ${num(a[min])} (${signed(d[min])})`;
  if (b[max] !== b[min] || a[max] !== a[min]) {
    cell += b[max] === a[max] ? `; max ${num(a[max])}` : `; max ${num(b[max])} → ${num(a[max])} (${signed(d[max])})`;
  }
  return cell;
}

export function phaseText(p: PromotionPhaseAt | undefined): string {
  if (!p) return 'absent';
  const batched = (p.phase === 'preparing' || p.phase === 'draining') && p.batch !== undefined;
  return batched ? `${p.phase} (batch ${p.batch! + 1}${p.scale !== undefined ? `, ${Math.round(p.scale * 100)}% of peak size` : ''})` : p.phase;
}

export function promotionLine(p: PromotionPhaseChange): string {
  const name = p.displayName && p.displayName !== p.name ? `${p.name} (${p.displayName})` : p.name;
  const before = phaseText(p.before);
  const after = phaseText(p.after);
  return before === after ? `promotion ${name}: ${after}` : `promotion ${name}: ${before} → ${after}`;
}

/** The one-line verdict: `3 stacks change · 1 destructive · capacity +48 nodes / +1,536 vCPU · policies: 0 mandatory`. */
export function verdict(report: DiffReport): string {
  const c = reportCounts(report);
  const parts: string[] = [];
  if (c.refused > 0) parts.push(`${plural(c.refused, 'refused transition')}`);
  if (c.create + c.update + c.replace + c.delete === 0) parts.push('no changes');
  else parts.push(`${plural(c.stacksChanged, 'stack')} change${c.stacksChanged === 1 ? 's' : ''}`);
  parts.push(`${num(c.destructive)} destructive`);
  if (c.replace > 0) parts.push(`${num(c.replace)} replaced`);
  if (report.operationalImpact) {
    parts.push(c.machinesReplaced > 0 ? `${plural(c.machinesReplaced, 'machine')} to roll` : 'no machines replaced');
    if (c.etcdSteps > 0) parts.push(plural(c.etcdSteps, 'etcd membership step'));
  }
  if (report.access?.widened) parts.push(`${plural(report.access.widened, 'access widening')} to review`);
  const cap = report.capacity;
  if (!cap) parts.push('capacity unknown');
  else if (isZeroCapacity(cap.total.delta)) parts.push('capacity unchanged');
  else {
    const d = cap.total.delta;
    let text = `capacity ${signed(d.machines)} nodes / ${signed(d.vcpu)} vCPU`;
    if (d.maxMachines !== d.machines || d.maxVcpu !== d.vcpu) text += ` (autoscaler max ${signed(d.maxMachines)} nodes / ${signed(d.maxVcpu)} vCPU)`;
    parts.push(text);
  }
  if (!report.policies) parts.push('policies: not checked');
  else {
    const p = report.policies;
    const moves = [
      p.introduced.length > 0 ? `+${num(p.introduced.length)} new` : '',
      p.resolved.length > 0 ? `−${num(p.resolved.length)} resolved` : '',
      p.newlySuppressed.length > 0 ? `${num(p.newlySuppressed.length)} newly suppressed` : '',
    ].filter(Boolean);
    if (p.baseUnchecked) parts.push(`policies: ${num(p.mandatoryAfter)} mandatory (base not checked)`);
    else parts.push(`policies: ${num(p.mandatoryAfter)} mandatory${moves.length > 0 ? ` (${moves.join(', ')})` : ''}`);
  }
  return parts.join(' · ');
}

export const ACTION_WORD: Record<ChangeAction, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted' };

const MAX_VALUE_CHARS = 300;

/** A value on one line: strings as they are (quoted when ambiguous), structures as compact JSON, cut at 300 characters. */
export function valueText(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = v === '' || v.trim() !== v || /[\n\r]/.test(v) ? JSON.stringify(v) : v;
  else text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${num(text.length)} characters)` : text;
}

const MAX_TEXT_DIFF_LINES = 60;

/** A line diff of two texts with two lines of context, at most 60 lines; counts only when the texts are too large. */
export function textDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 2_000_000) {
    return [`~ text changed (${num(a.length)} → ${num(b.length)} lines; too large to show line by line)`];
  }
  // Longest common subsequence, then a walk that emits context, removals and additions.
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = [];
  for (let i = 0; i <= n; i++) lcs.push(new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { t: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i] });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      ops.push({ t: '+', line: b[j++] });
    } else {
      ops.push({ t: '-', line: a[i++] });
    }
  }
  const keep = ops.map(() => false);
  ops.forEach((op, k) => {
    if (op.t !== ' ') for (let x = Math.max(0, k - 2); x <= Math.min(ops.length - 1, k + 2); x++) keep[x] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, k) => {
    if (!keep[k]) {
      if (!skipped) out.push('  …');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${op.t} ${op.line}`);
  });
  if (out.length > MAX_TEXT_DIFF_LINES) {
    const hidden = out.length - MAX_TEXT_DIFF_LINES;
    return [...out.slice(0, MAX_TEXT_DIFF_LINES), `  … ${plural(hidden, 'more line')}`];
  }
  return out;
}

/** The lines of one field change, in unified-diff style (`- before`, `+ after`). Never a sensitive value. */
export function fieldChangeLines(f: FieldChange): string[] {
  const lines = [`@@ ${f.path} @@`];
  if (f.immutable) lines.push(`# immutable: ${f.immutable}`);
  if (f.sensitive) {
    const what = f.op === FieldOp.ADD ? 'set' : f.op === FieldOp.REMOVE ? 'removed' : 'changed';
    lines.push(`! sensitive value ${what} (not shown)`);
    return lines;
  }
  const { before, after } = f;
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    return [...lines, ...textDiff(before, after)];
  }
  const scalarList = (v: unknown): v is (string | number | boolean)[] => Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null);
  if (scalarList(before) && scalarList(after) && !f.path.endsWith(' (order)')) {
    const inAfter = new Set(after.map((x) => JSON.stringify(x)));
    const inBefore = new Set(before.map((x) => JSON.stringify(x)));
    const removed = before.filter((x) => !inAfter.has(JSON.stringify(x)));
    const added = after.filter((x) => !inBefore.has(JSON.stringify(x)));
    if (removed.length + added.length > 0) {
      return [...lines, ...removed.map((x) => `- ${valueText(x)}`), ...added.map((x) => `+ ${valueText(x)}`)];
    }
  }
  if (before !== undefined) lines.push(`- ${valueText(before)}`);
  if (after !== undefined) lines.push(`+ ${valueText(after)}`);
  return lines;
}
