/**
 * A small structural differ for Kubernetes objects. Lists of named things (containers, env, ports, volumes,
 * conditions, extraArgs, files by path, ...) are matched by their key, never by position, so inserting an item
 * reports one addition instead of shifting every item after it; fields are reported by readable paths such as
 * `spec.template.spec.containers[name=main].image`. Sensitive values are never copied into the result.
 *
 * Why not a library: the keyed-list matching, the readable paths and the redaction all have to happen during the
 * walk; jsondiffpatch (the one well-kept candidate with keyed arrays) reports arrays by index in its deltas and is
 * ESM-only since 0.6 (this project's tests run as CommonJS), and microdiff / deep-diff match lists by position.
 */
import { FieldChange, FieldOp } from './model';
import { containsSensitiveText, isSensitiveFieldName, isSensitiveTopLevelField, isSensitiveVariableName } from './sensitive';

/** One step of a path: a field name, a list item found by key, or (for lists without keys) an index. */
export type PathSegment = string | { readonly keys: readonly (readonly [string, string])[] } | { readonly index: number };

/** A field change with its path as segments, before it is classified. */
export interface RawFieldChange {
  readonly segments: readonly PathSegment[];
  readonly op: FieldOp;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly sensitive?: boolean;
}

/**
 * Keys by which list items are matched, tried in order: the first one that every item of both lists has, as
 * scalars, with no two items alike, is used.
 */
export const LIST_KEYS: readonly (readonly string[])[] = [
  ['name'],
  ['path'],
  ['mountPath'],
  ['devicePath'],
  ['containerPort', 'protocol'],
  ['port', 'protocol'],
  ['key', 'operator', 'effect'],
  ['key', 'effect'],
  ['key'],
  ['type', 'status'],
  ['type'],
  ['topologyKey', 'whenUnsatisfiable'],
  ['topologyKey'],
  ['ip'],
];

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Deep equality of JSON data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as Plain);
  const kb = Object.keys(b as Plain);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Plain)[k], (b as Plain)[k])) return false;
  }
  return true;
}

/** The key fields by which two lists' items are matched, or undefined when no key fits. */
export function listKey(a: readonly unknown[], b: readonly unknown[]): readonly string[] | undefined {
  if (a.length === 0 && b.length === 0) return undefined;
  for (const key of LIST_KEYS) {
    if (keyFits(a, key) && keyFits(b, key)) return key;
  }
  return undefined;
}

function keyFits(list: readonly unknown[], key: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const item of list) {
    if (!isPlainObject(item)) return false;
    const parts: string[] = [];
    for (const k of key) {
      const v = item[k];
      if (!isScalar(v)) return false;
      parts.push(String(v));
    }
    const id = parts.join('\u0000');
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

function keyOf(item: Plain, key: readonly string[]): string {
  return key.map((k) => String(item[k])).join('\u0000');
}

/**
 * The field changes between two versions of one object (both plain JSON). `kind` decides which top-level fields
 * are secret as a whole (a Secret's `data` and `stringData`).
 */
export function diffObjects(kind: string, before: Plain, after: Plain): RawFieldChange[] {
  const out: RawFieldChange[] = [];
  for (const key of unionKeys(before, after)) {
    if (key === 'kind') continue;
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    const sensitive = isSensitiveTopLevelField(kind, key);
    if (sensitive && (isPlainObject(a) || a === undefined) && (isPlainObject(b) || b === undefined)) {
      // One change per key of the Secret: which keys changed is useful, and key names are not secret.
      const pa = (a ?? {}) as Plain;
      const pb = (b ?? {}) as Plain;
      for (const k of unionKeys(pa, pb)) {
        if (!deepEqual(pa[k], pb[k])) out.push({ segments: [key, k], op: opOf(pa[k], pb[k]), sensitive: true });
      }
      continue;
    }
    diffValue(a, b, [key], out, sensitive);
  }
  return out;
}

/** Keys of both objects, sorted (synthesized objects already have sorted keys, so usually nothing moves). */
function unionKeys(a: Plain, b: Plain): string[] {
  const keys = Object.keys(a);
  let extra = false;
  for (const k of Object.keys(b)) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) {
      keys.push(k);
      extra = true;
    }
  }
  if (extra || !isSorted(keys)) keys.sort();
  return keys;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

function opOf(a: unknown, b: unknown): FieldOp {
  return a === undefined ? FieldOp.ADD : b === undefined ? FieldOp.REMOVE : FieldOp.CHANGE;
}

function push(out: RawFieldChange[], path: readonly PathSegment[], a: unknown, b: unknown, sensitive: boolean): void {
  const segments = path.slice();
  const op = opOf(a, b);
  if (sensitive || containsSensitiveText(a) || containsSensitiveText(b)) {
    out.push({ segments, op, sensitive: true });
    return;
  }
  out.push({ segments, op, ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) });
}

function diffValue(a: unknown, b: unknown, segments: PathSegment[], out: RawFieldChange[], sensitive: boolean): void {
  if (a === b) return;
  if (sensitive) {
    if (!deepEqual(a, b)) push(out, segments, a, b, true);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    // A `{name: DB_PASSWORD, value: ...}` pair: its value is a credential.
    const credentialPair = (typeof a.name === 'string' && isSensitiveVariableName(a.name)) || (typeof b.name === 'string' && isSensitiveVariableName(b.name));
    for (const key of unionKeys(a, b)) {
      const va = a[key];
      const vb = b[key];
      if (va === vb) continue;
      // A credential-like name makes a scalar secret; an object under it (a secret reference) is walked as usual.
      const byName = isSensitiveFieldName(key) && !isPlainObject(va) && !isPlainObject(vb) && !Array.isArray(va) && !Array.isArray(vb);
      segments.push(key);
      diffValue(va, vb, segments, out, byName || (credentialPair && key === 'value'));
      segments.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArrays(a, b, segments, out);
    return;
  }
  if (!deepEqual(a, b)) push(out, segments, a, b, false);
}

function diffArrays(a: readonly unknown[], b: readonly unknown[], segments: PathSegment[], out: RawFieldChange[]): void {
  const key = listKey(a, b);
  if (key) {
    const byKeyA = new Map<string, Plain>();
    for (const item of a as Plain[]) byKeyA.set(keyOf(item, key), item);
    const byKeyB = new Map<string, Plain>();
    for (const item of b as Plain[]) byKeyB.set(keyOf(item, key), item);
    const segmentOf = (item: Plain): PathSegment => ({ keys: key.map((k) => [k, String(item[k])] as const) });
    for (const item of a as Plain[]) {
      const other = byKeyB.get(keyOf(item, key));
      segments.push(segmentOf(item));
      if (other === undefined) push(out, segments, item, undefined, false);
      else diffValue(item, other, segments, out, false);
      segments.pop();
    }
    for (const item of b as Plain[]) {
      if (byKeyA.has(keyOf(item, key))) continue;
      segments.push(segmentOf(item));
      push(out, segments, undefined, item, false);
      segments.pop();
    }
    // Order matters for some lists (init containers start in order): report a reordering of the common items.
    const orderA = (a as Plain[]).map((i) => keyOf(i, key)).filter((k) => byKeyB.has(k));
    const orderB = (b as Plain[]).map((i) => keyOf(i, key)).filter((k) => byKeyA.has(k));
    if (orderA.join('\u0001') !== orderB.join('\u0001')) {
      const label = (k: string) => k.split('\u0000').join(',');
      out.push({ segments: [...segments, '(order)'], op: FieldOp.CHANGE, before: orderA.map(label), after: orderB.map(label) });
    }
    return;
  }
  if (a.every(isScalar) && b.every(isScalar)) {
    if (!deepEqual(a, b)) push(out, segments, a, b, false);
    return;
  }
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    segments.push({ index: i });
    diffValue(a[i], b[i], segments, out, false);
    segments.pop();
  }
}

const SIMPLE_FIELD = /^[A-Za-z_$][\w$-]*$/;
const SIMPLE_KEY_VALUE = /^[^\s,=\]\["]+$/;

/** The readable form of a path: `spec.template.spec.containers[name=main].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const s of segments) {
    if (typeof s === 'string') {
      if (s === '(order)') text += ' (order)';
      else if (SIMPLE_FIELD.test(s)) text += text ? `.${s}` : s;
      else text += `[${JSON.stringify(s)}]`;
    } else if ('index' in s) {
      text += `[${s.index}]`;
    } else {
      text += `[${s.keys.map(([k, v]) => `${k}=${SIMPLE_KEY_VALUE.test(v) ? v : JSON.stringify(v)}`).join(',')}]`;
    }
  }
  return text;
}

/** The field names of a path, list items as `[]`: what immutability rules match on. */
export function fieldPath(segments: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (typeof s === 'string') {
      if (s !== '(order)') out.push(s);
    } else {
      out.push('[]');
    }
  }
  return out;
}

/** A raw change as the report keeps it. */
export function toFieldChange(raw: RawFieldChange, immutable?: string): FieldChange {
  return {
    path: formatPath(raw.segments),
    op: raw.op,
    ...(raw.sensitive ? { sensitive: true } : {}),
    ...(!raw.sensitive && raw.before !== undefined ? { before: raw.before } : {}),
    ...(!raw.sensitive && raw.after !== undefined ? { after: raw.after } : {}),
    ...(immutable ? { immutable } : {}),
  };
}
