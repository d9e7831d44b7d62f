/**
 * Reading the etcd configuration out of an etcd member's cloud-config (its bootstrap Secret's text), as synthesis
 * writes it (etcd-config.ts) or as it is written by hand. Synthesis writes each file as a YAML literal block, so the
 * fast path cuts the etcd file's block out by indentation and reads it with a parser for the small YAML subset etcd
 * configuration files are written in; any other layout or value takes js-yaml. Both give the same answer: the tests
 * compare them on every layout and scalar form they know.
 */
import * as yaml from 'js-yaml';
import { asArray, asString, field, isObject, Json } from './kube';

/** An etcd member's configuration file as written by its cloud-init. */
export interface EtcdMemberConfig {
  /** Path of the configuration file on the machine. */
  readonly path: string;
  /** The file's keys (etcd flag names). */
  readonly config: Json;
}

/**
 * The etcd configuration a cloud-config text installs: the `write_files` entry whose content is an etcd
 * configuration (it names `initial-cluster` or `listen-peer-urls`). `fastPath: false` takes the full YAML parse
 * only, which the tests compare the fast path with.
 */
export function etcdConfigOfCloudConfig(text: string, fastPath = true): EtcdMemberConfig | undefined {
  if (!/^#cloud-config/.test(text)) return undefined;
  return fastPath ? literalEtcdConfig(text) ?? parsedEtcdConfig(text) : parsedEtcdConfig(text);
}

const ETCD_KEYS = /^(initial-cluster|listen-peer-urls):/m;

/**
 * The fast path, for cloud-configs that write files as YAML literal blocks (`content: |`), as synthesis does:
 * the etcd file's block is cut out by indentation and only it is parsed. Anything else takes the full parse.
 */
function literalEtcdConfig(text: string): EtcdMemberConfig | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Cheap test before the regex: most lines are not a `content:` key.
    if (line.indexOf('content: |') < 0) continue;
    const header = /^(\s*)(?:- )?content: \|[-+]?\s*$/.exec(line);
    if (!header) continue;
    const parentIndent = header[1].length;
    let indent = -1;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j];
      const own = leadingSpace(next);
      if (own === next.length) continue; // blank
      if (indent < 0) indent = own;
      if (own < indent || own <= parentIndent) break;
    }
    if (indent < 0) continue;
    // Only the etcd file: its first key is one of etcd's (the unit file starts with [Unit]). The lines of the block
    // are read in place, `indent` characters in (every line of it that is not blank is indented at least so).
    let etcd = false;
    for (let k = i + 1; k < j && !etcd; k++) {
      const l = lines[k];
      etcd = (l.includes('initial-cluster:') || l.includes('listen-peer-urls:')) && ETCD_KEYS.test(l.slice(indent));
    }
    if (!etcd) continue;
    const simple = simpleYaml(lines, i + 1, j, indent);
    if (simple) return { path: pathNear(lines, i, j), config: simple };
    try {
      const config = yaml.load(lines.slice(i + 1, j).map((l) => l.slice(indent)).join('\n'));
      return isObject(config) ? { path: pathNear(lines, i, j), config } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `line.length - line.trimStart().length`, without the copy. */
function leadingSpace(line: string): number {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80 || !WHITESPACE.test(line[i])) break;
  }
  return i;
}

/** What trim() removes: JavaScript's white space and line terminators. */
const WHITESPACE = /^\s$/;

/** The `path` of the write_files item whose `content` block spans lines i..j: before the block, or after it. */
function pathNear(lines: readonly string[], i: number, j: number): string {
  for (let k = i; k >= 0; k--) {
    const match = /^\s*(- )?path: ['"]?([^'"]+?)['"]?\s*$/.exec(lines[k]);
    if (match) return match[2];
    if (k < i && /^\s*- /.test(lines[k])) break;
  }
  for (let k = j; k < lines.length && !/^\s*- /.test(lines[k]); k++) {
    const match = /^\s*path: ['"]?([^'"]+?)['"]?\s*$/.exec(lines[k]);
    if (match) return match[1];
  }
  return '';
}

/**
 * The YAML subset an etcd configuration file is written in (lines[from..to), `baseIndent` characters in): `key: scalar` lines, `key:` followed by one level of
 * indented `key: scalar` lines or `- scalar` items; scalars plain, single- or double-quoted (without escapes),
 * read as YAML 1.2 core (true/false, null, integers). Anything else returns undefined and js-yaml parses the block.
 * Thirty times faster than js-yaml on these files, which matters when checking thousands of members.
 */
function simpleYaml(lines: readonly string[], from: number, to: number, baseIndent: number): Json | undefined {
  const out: Json = {};
  let parent: { key: string; indent: number; value: Json | unknown[] | undefined } | undefined;
  for (let n = from; n < to; n++) {
    const raw = lines[n];
    const line = raw.trim();
    if (line === '') continue;
    const indent = leadingSpace(raw) - baseIndent;
    if (line.charCodeAt(0) === 0x23 /* # */) continue;
    // Keys and values are cut by hand, as the patterns in the comments would (no match arrays: thousands of files).
    if (indent === 0) {
      parent = undefined;
      // /^([A-Za-z0-9_.-]+):(?: (.*))?$/
      const colon = keyEnd(line);
      if (colon < 0) return undefined;
      const key = line.slice(0, colon);
      if (colon + 1 === line.length) {
        parent = { key, indent: -1, value: undefined };
        out[key] = null;
        continue;
      }
      if (line.charCodeAt(colon + 1) !== 0x20) return undefined;
      const text = line.slice(colon + 2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (text === '') {
        parent = { key, indent: -1, value: undefined };
        out[key] = null;
        continue;
      }
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      out[key] = value;
      continue;
    }
    if (!parent || (parent.indent >= 0 && indent !== parent.indent)) return undefined;
    parent.indent = indent;
    if (line.charCodeAt(0) === 0x2d /* - */ && line.charCodeAt(1) === 0x20) {
      // /^- (.*)$/ (a line that starts so but fails it matches no key either)
      const text = line.slice(2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (parent.value === undefined) parent.value = [];
      if (!Array.isArray(parent.value)) return undefined;
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      parent.value.push(value);
    } else {
      // /^([A-Za-z0-9_.-]+): (.*)$/
      const colon = keyEnd(line);
      if (colon < 0 || line.charCodeAt(colon + 1) !== 0x20) return undefined;
      const text = line.slice(colon + 2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (parent.value === undefined) parent.value = {};
      if (Array.isArray(parent.value)) return undefined;
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      (parent.value as Json)[line.slice(0, colon)] = value;
    }
    out[parent.key] = parent.value;
  }
  return out;
}

/** Characters `.` does not match in a JavaScript pattern. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** The index of the `:` after a leading key of `[A-Za-z0-9_.-]+`, or -1. */
function keyEnd(line: string): number {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d) continue;
    break;
  }
  return i > 0 && line.charCodeAt(i) === 0x3a ? i : -1;
}

const UNSUPPORTED = Symbol('unsupported');

/** YAML indicators a plain scalar may not start with here (as the character class `[#{}[\]&*!|>%@`]`). */
const INDICATORS = new Set([...'#{}[]&*!|>%@`'].map((c) => c.charCodeAt(0)));

function simpleScalar(text: string): unknown {
  const t = text.trim();
  const first = t.charCodeAt(0); // NaN when empty
  if (first === 0x27 /* ' */) return /^'[^']*'$/.test(t) ? t.slice(1, -1) : UNSUPPORTED;
  if (first === 0x22 /* " */) return /^"[^"\\]*"$/.test(t) ? t.slice(1, -1) : UNSUPPORTED;
  if (INDICATORS.has(first) || t.includes(' #') || t.includes(': ') || t.endsWith(':')) return UNSUPPORTED;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === '~') return null;
  // A plain scalar that starts with a letter or a slash is neither an integer nor one of the forms below: a string.
  if ((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x2f) return t;
  if (/^[-+]?\d+$/.test(t)) return Number(t);
  // Floats, other number bases, infinities and timestamps: leave them to js-yaml.
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || /^[-+]?0[xob]/i.test(t) || /^[-+]?\.(inf|nan)$/i.test(t) || /^\d{4}-\d\d-\d\d/.test(t)) return UNSUPPORTED;
  return t;
}

function parsedEtcdConfig(text: string): EtcdMemberConfig | undefined {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch {
    return undefined;
  }
  for (const file of asArray(field(document, 'write_files'))) {
    const content = asString(field(file, 'content'));
    if (!content || !ETCD_KEYS.test(content)) continue;
    try {
      const config = yaml.load(content);
      if (isObject(config)) return { path: String(field(file, 'path') ?? ''), config };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * A YAML text in the subset an etcd configuration file is written in (see simpleYaml), read without js-yaml; undefined
 * when the text leaves the subset (js-yaml must read it then).
 */
export function parseSimpleYaml(text: string): Json | undefined {
  const lines = text.split('\n');
  return simpleYaml(lines, 0, lines.length, 0);
}
