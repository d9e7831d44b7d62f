/**
 * Reads the YAML the estate writer writes, fast. A diff of a large estate parses tens of megabytes of documents, and
 * js-yaml's general loader spent most of the diff's time (and most of its garbage) on them. The writer's output is a
 * small, regular subset of YAML (`YamlEmitter`: block mappings and sequences, two-space indentation, one scalar per
 * line, `[]` and `{}` for empty collections), so this reader walks that subset line by line and asks js-yaml itself
 * what each distinct scalar means (and remembers the answer), so typing follows js-yaml's core schema by
 * construction. A document with anything else in it (block or multi-line scalars, flow collections, anchors, tags,
 * comments, unusual indentation, duplicate keys) is not read here: the caller gives it to js-yaml, which reads it or
 * reports the error exactly as before. Tests compare both readers on every synthesized document and on random ones.
 */
import * as yaml from 'js-yaml';

type Scalar = string | number | boolean | null;

/** Not the writer's subset: the document goes to js-yaml. */
class NotWriterYaml extends Error {}
const NOT_WRITER_YAML = new NotWriterYaml();

const SPACE = 32;
const NEWLINE = 10;
const DASH = 45;
const COLON = 58;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;
const PIPE = 124;

/** A cursor over a document's lines. */
class Lines {
  /** Start of the current line, its end (index of its newline or the text's end), and its indentation. */
  public start = 0;
  public end = 0;
  public indent = 0;

  public constructor(public readonly text: string) {
    this.load(0);
  }

  public get done(): boolean {
    return this.start >= this.text.length;
  }

  public next(): void {
    this.load(this.end + 1);
  }

  /** Makes the line starting at `at` the current one. */
  public load(at: number): void {
    this.start = at;
    if (at >= this.text.length) {
      this.end = at;
      this.indent = 0;
      return;
    }
    let end = this.text.indexOf('\n', at);
    if (end < 0) end = this.text.length;
    this.end = end;
    let i = at;
    while (i < end && this.text.charCodeAt(i) === SPACE) i++;
    // Blank lines, comments and tabs in indentation are not the writer's.
    if (i === end || this.text.charCodeAt(i) === 35 || this.text.charCodeAt(i) === 9) throw NOT_WRITER_YAML;
    this.indent = i - at;
  }
}

/** Whether the content at `col` of the current line starts a sequence item (`- …`). */
function isItem(lines: Lines, col: number): boolean {
  const at = lines.start + col;
  return lines.text.charCodeAt(at) === DASH && (at + 1 === lines.end || lines.text.charCodeAt(at + 1) === SPACE);
}

/**
 * Where the key of a mapping entry at `col` of the current line ends (the index of its `:`), or -1 when the content
 * is not `key: …` / `key:`.
 */
function keyEnd(lines: Lines, col: number): number {
  const { text, end } = lines;
  const at = lines.start + col;
  const q = text.charCodeAt(at);
  if (q === DOUBLE_QUOTE || q === SINGLE_QUOTE) {
    const colon = quoteEnd(text, at, end) + 1;
    return colon < end && text.charCodeAt(colon) === COLON && (colon + 1 === end || text.charCodeAt(colon + 1) === SPACE) ? colon : -1;
  }
  let i = text.indexOf(':', at);
  while (i >= 0 && i < end) {
    if (i + 1 === end || text.charCodeAt(i + 1) === SPACE) return i;
    i = text.indexOf(':', i + 1);
  }
  return -1;
}

/**
 * The index of the closing quote of the quoted scalar opening at `at` (`"…"` with backslash escapes, `'…'` with
 * `''`), searched before `end`; `end` when it does not close there.
 */
function quoteEnd(text: string, at: number, end: number): number {
  const q = text.charCodeAt(at);
  let i = at + 1;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (q === DOUBLE_QUOTE && c === BACKSLASH) i += 2;
    else if (c === q && q === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE && i + 1 < end) i += 2;
    else if (c === q) return i;
    else i++;
  }
  return end;
}

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** What js-yaml refuses anywhere in a stream (its PATTERN_NON_PRINTABLE): scalars are checked by js-yaml itself, literal blocks here. */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** First characters that open something other than one plain or quoted scalar: [ { & * ! | > % @ ` # ? , */
const NOT_A_SCALAR_START = new Set([91, 123, 38, 42, 33, 124, 62, 37, 64, 96, 35, 63, 44]);

/** The texts starting with a letter that YAML's core schema reads as something other than a string. */
const CORE_WORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/**
 * Letters, digits and `.`, `_`, `/`, `-`, `=`, `,`, `:`: without spaces, nothing in a run of these ends a plain
 * scalar in block context or starts a comment (a `:` only does before a space or at the end).
 */
function isNameChar(c: number): boolean {
  const alphanumeric = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  return alphanumeric || c === 46 || c === 95 || c === 47 || c === DASH || c === 61 || c === 44 || c === COLON;
}

/**
 * The value of the scalar texts most documents are made of, known without asking js-yaml (which costs microseconds
 * per distinct text, and an estate has thousands): a name (a letter, then name characters: a URL, a label list) that
 * is not one of the core schema's null and boolean words, or a CIDR, is that string; digits without a leading zero, up to 15 of them, are that
 * integer; a quoted text of printable ASCII without escapes or its own quote inside is its content. Anything else
 * is `undefined`, for js-yaml to read.
 */
function plainScalar(text: string): Scalar | undefined {
  const n = text.length;
  const c = text.charCodeAt(0);
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (letter || (c >= 48 && c <= 57 && text.includes('/'))) {
    // A digit first is a string only with a `/` in it: no integer or float of the core schema has one (a CIDR).
    for (let i = 1; i < n; i++) if (!isNameChar(text.charCodeAt(i))) return undefined;
    if (text.charCodeAt(n - 1) === COLON) return undefined;
    return CORE_WORDS.has(text) ? undefined : text;
  }
  if (c >= 49 && c <= 57 && n <= 15) {
    for (let i = 1; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d < 48 || d > 57) return undefined;
    }
    return Number(text);
  }
  if ((c === DOUBLE_QUOTE || c === SINGLE_QUOTE) && n >= 2 && text.charCodeAt(n - 1) === c) {
    for (let i = 1; i < n - 1; i++) {
      const d = text.charCodeAt(i);
      if (d < 32 || d > 126 || d === c || d === BACKSLASH) return undefined;
    }
    return text.slice(1, -1);
  }
  return undefined;
}

/**
 * Reads documents in the writer's subset of YAML. One reader per comparison: it remembers what each distinct scalar
 * text means (estates repeat their labels and values thousands of times), and is dropped with the comparison.
 */
export class WriterYamlReader {
  private readonly scalars = new Map<string, Scalar>();
  private readonly keys = new Map<string, string>();

  /**
   * The value of one document (without its `---` separator) when it is written in the writer's subset of YAML, or
   * `undefined` when it is not (read it with js-yaml then). A document whose content is one scalar is left to js-yaml.
   */
  public read(doc: string): unknown {
    const text = doc.charCodeAt(doc.length - 1) === NEWLINE ? doc.slice(0, -1) : doc;
    // Other line breaks and a byte-order mark are YAML's business, not this reader's.
    if (text === '' || text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
    try {
      const lines = new Lines(text);
      if (lines.indent !== 0) return undefined;
      if (!isItem(lines, 0) && keyEnd(lines, 0) < 0) return undefined;
      const value = this.node(lines, 0);
      return lines.done ? value : undefined;
    } catch (e) {
      if (e instanceof NotWriterYaml) return undefined;
      throw e;
    }
  }

  /**
   * A scalar's value, as js-yaml reads the text on its own. Texts that would mean something else there than after
   * `key: ` or `- ` (document markers, directives, comments) or that open a structure (flow collections, block
   * scalars, anchors, aliases, tags) are refused, so the answer is always what js-yaml gives the text in place.
   */
  private scalar(text: string): Scalar {
    const known = this.scalars.get(text);
    if (known !== undefined) return known;
    const plain = plainScalar(text);
    if (plain !== undefined) {
      this.scalars.set(text, plain);
      return plain;
    }
    const c = text.charCodeAt(0);
    if (NOT_A_SCALAR_START.has(c) || text.startsWith('---') || text.startsWith('...') || text.charCodeAt(text.length - 1) === SPACE || text.includes('\t')) throw NOT_WRITER_YAML;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE ? quoteEnd(text, 0, text.length) !== text.length - 1 : text.includes(' #')) throw NOT_WRITER_YAML;
    let parsed: unknown;
    try {
      parsed = yaml.load(text, { schema: yaml.CORE_SCHEMA });
    } catch {
      throw NOT_WRITER_YAML;
    }
    if (!isScalar(parsed)) throw NOT_WRITER_YAML;
    this.scalars.set(text, parsed);
    return parsed;
  }

  private key(text: string): string {
    let k = this.keys.get(text);
    if (k === undefined) {
      // js-yaml stores a key as the string of its value (`0x10:` is the key "16").
      k = String(this.scalar(text));
      if (k === '__proto__') throw NOT_WRITER_YAML;
      this.keys.set(text, k);
    }
    return k;
  }

  /** A value written on its line: a scalar, `[]`, `{}`, or the header of a literal block scalar on the lines after. */
  private value(lines: Lines, text: string, parent: number): unknown {
    if (text === '[]') return [];
    if (text === '{}') return {};
    if (text.charCodeAt(0) === PIPE) {
      if (text === '|') return this.literal(lines, parent, false);
      if (text === '|-') return this.literal(lines, parent, true);
    }
    return this.scalar(text);
  }

  /**
   * A literal block scalar (`|` or `|-`: the writer's multi-line strings) whose header ends the current line, its
   * parent node at indentation `parent`, as js-yaml reads it: the first line sets the content's indentation, empty
   * lines are line breaks, the first line indented less ends it; `|` keeps one final line break, `|-` none. Headers
   * with an indentation indicator or `+`, a first line that is empty, and lines of spaces only are js-yaml's.
   * Leaves the cursor on the line after the scalar.
   */
  private literal(lines: Lines, parent: number, strip: boolean): string {
    const text = lines.text;
    let at = lines.end + 1;
    const indentOf = (from: number): number => {
      let i = from;
      while (text.charCodeAt(i) === SPACE) i++;
      return i - from;
    };
    const indent = indentOf(at);
    if (at >= text.length || indent < parent + 2 || text.charCodeAt(at + indent) === NEWLINE || at + indent >= text.length) throw NOT_WRITER_YAML;
    let out = '';
    let read = false;
    let empty = 0;
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      if (end === at) {
        empty++;
        at = end + 1;
        continue;
      }
      const spaces = indentOf(at);
      if (at + spaces === end) throw NOT_WRITER_YAML;
      if (spaces < indent) break;
      // Empty lines before the end belong to the scalar; only `+` (left to js-yaml) would keep them.
      out += (read ? '\n'.repeat(empty + 1) : '') + text.slice(at + indent, end);
      read = true;
      empty = 0;
      at = end + 1;
    }
    if (NON_PRINTABLE.test(out)) throw NOT_WRITER_YAML;
    lines.load(at);
    return strip ? out : `${out}\n`;
  }

  /** The node whose first line's content starts at `col` (past a `- ` when it is an item's, the only place a scalar starts a node). */
  private node(lines: Lines, col: number): unknown {
    if (isItem(lines, col)) return this.sequence(lines, col);
    if (keyEnd(lines, col) >= 0) return this.mapping(lines, col);
    const text = lines.text.slice(lines.start + col, lines.end);
    if (text.charCodeAt(0) === PIPE) return this.value(lines, text, col - 2);
    const v = this.value(lines, text, col);
    lines.next();
    return v;
  }

  /** A block after `key:` or `-` at indentation `parent`, on the next lines: it must be indented further. */
  private nested(lines: Lines, parent: number): unknown {
    lines.next();
    // The writer puts a scalar on its key's or dash's line, never alone on the next.
    if (lines.done || lines.indent <= parent || (!isItem(lines, lines.indent) && keyEnd(lines, lines.indent) < 0)) throw NOT_WRITER_YAML;
    return this.node(lines, lines.indent);
  }

  private sequence(lines: Lines, col: number): unknown[] {
    const out: unknown[] = [];
    let first = true;
    while (!lines.done) {
      if (!first && (lines.indent !== col || !isItem(lines, col))) {
        if (lines.indent > col) throw NOT_WRITER_YAML;
        break;
      }
      first = false;
      out.push(lines.start + col + 1 === lines.end ? this.nested(lines, col) : this.node(lines, col + 2));
    }
    return out;
  }

  private mapping(lines: Lines, col: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let first = true;
    while (!lines.done) {
      if (!first && lines.indent !== col) {
        if (lines.indent > col) throw NOT_WRITER_YAML;
        break;
      }
      first = false;
      const colon = keyEnd(lines, col);
      if (colon < 0) throw NOT_WRITER_YAML;
      const key = this.key(lines.text.slice(lines.start + col, colon));
      if (Object.prototype.hasOwnProperty.call(out, key)) throw NOT_WRITER_YAML;
      if (colon + 1 === lines.end) {
        out[key] = this.nested(lines, col);
      } else {
        const valueAt = colon + 2;
        // `key:  x` (two spaces) is not how the writer writes.
        if (lines.text.charCodeAt(valueAt) === SPACE) throw NOT_WRITER_YAML;
        const text = lines.text.slice(valueAt, lines.end);
        out[key] = this.value(lines, text, col);
        if (text.charCodeAt(0) !== PIPE) lines.next();
      }
    }
    return out;
  }
}
