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

/** How many keys deep `readPair` remembers blocks. */
const MEMO_DEPTH = 3;

/** A cursor over a document's lines. A reader keeps one and moves it to each document it reads. */
class Lines {
  public text = '';
  /** Start of the current line, its end (index of its newline or the text's end), and its indentation. */
  public start = 0;
  public end = 0;
  public indent = 0;

  /** Moves the cursor to the first line of `text`. */
  public reset(text: string): this {
    this.text = text;
    this.load(0);
    return this;
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

/** Options of a reader. */
export interface WriterYamlReaderOptions {
  /**
   * How many distinct scalar texts the reader remembers; past that it forgets them all and starts again, so that a
   * long-lived process stays bounded.
   * @default 200000
   */
  readonly maxRememberedScalars?: number;
}

/**
 * Reads documents in the writer's subset of YAML. It remembers what each distinct scalar text means (estates repeat
 * their labels and values thousands of times); that never depends on the document, so one reader serves a whole
 * process (`WriterYamlReader.shared`) and later comparisons start with what earlier ones learned. Reading is
 * synchronous and never re-enters the reader, so the state of one read (its line cursor, `readPair`'s blocks) is set
 * at the start of each call.
 */
export class WriterYamlReader {
  /** The process's reader: what the diff's document cache reads with. */
  public static readonly shared = new WriterYamlReader();

  private readonly scalars = new Map<string, Scalar>();
  private readonly keys = new Map<string, string>();
  /**
   * The line cursor, moved to each document read. One for the reader's life rather than one per document: besides
   * the allocation, V8 keeps the reader's optimized code only while an object of the cursor's shape is alive, and a
   * cursor per document left none between comparisons, so every comparison after a full garbage collection ran the
   * reader unoptimized until V8 compiled it again.
   */
  private readonly lines = new Lines();
  private readonly maxRememberedScalars: number;

  public constructor(options: WriterYamlReaderOptions = {}) {
    this.maxRememberedScalars = options.maxRememberedScalars ?? 200_000;
  }

  /** How many distinct scalar texts the reader remembers now. */
  public get rememberedScalars(): number {
    return this.scalars.size;
  }

  /** Forgets every scalar text it remembers (what a new process's reader knows). */
  public forget(): void {
    this.scalars.clear();
    this.keys.clear();
  }
  /**
   * While a pair is read (`readPair`): the nested blocks of the first document by their path of keys (and column),
   * with their text and value; the second document takes the value of a block whose text is the same.
   */
  private memo?: Map<string, { readonly col: number; readonly text: string; readonly value: unknown }>;
  private reuse = false;
  /** The path of keys to the current mapping, while it is a chain of mappings from the root (not inside a list). */
  private path?: string;
  private depth = 0;

  /**
   * The values of two documents, usually two versions of one object (`read` each, `undefined` when not the writer's).
   * A nested block of the second whose text equals the block under the same keys in the first is not read again:
   * it takes the first's value (the same object, so a comparison of the two sees it equal at once). Versions of one
   * object mostly differ in a few lines, so this reads little more than one of them.
   */
  public readPair(first: string, second: string): [unknown, unknown] {
    this.memo = new Map();
    this.reuse = false;
    try {
      const a = this.read(first);
      if (a === undefined) this.memo = undefined;
      this.reuse = true;
      return [a, this.read(second)];
    } finally {
      this.memo = undefined;
      this.reuse = false;
      this.path = undefined;
    }
  }

  /**
   * The value of one document (without its `---` separator) when it is written in the writer's subset of YAML, or
   * `undefined` when it is not (read it with js-yaml then). A document whose content is one scalar is left to js-yaml.
   */
  public read(doc: string): unknown {
    const text = doc.charCodeAt(doc.length - 1) === NEWLINE ? doc.slice(0, -1) : doc;
    // Other line breaks and a byte-order mark are YAML's business, not this reader's.
    if (text === '' || text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
    this.path = this.memo ? '' : undefined;
    this.depth = 0;
    try {
      const lines = this.lines.reset(text);
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
   * The identity of one document (`apiVersion`, `kind`, `metadata.namespace`, `metadata.name`) read from its lines
   * alone: the top-level `apiVersion:` and `kind:`, and the `name:` and `namespace:` lines directly under a top-level
   * `metadata:` (two spaces in, as the writer indents), up to the end of `metadata` once `apiVersion` and `kind` are
   * read. Nothing else is read, so pairing the documents that differ costs a scan of their first lines; the rest of a
   * document is checked when it is read (a duplicate key there fails that read, as before). `undefined` when a value is not a plain or quoted string, or a line is not of that
   * shape (read the header then).
   */
  public readIdentity(doc: string): { apiVersion: string; kind: string; namespace?: string; name: string } | undefined {
    let apiVersion: string | undefined;
    let kind: string | undefined;
    let name: string | undefined;
    let namespace: string | undefined;
    let inMetadata = false;
    let metadataSeen = false;
    if (doc.charCodeAt(0) === 0xfeff || doc.includes('\r')) return undefined;
    try {
      let at = 0;
      const n = doc.length;
      while (at < n) {
        let end = doc.indexOf('\n', at);
        if (end < 0) end = n;
        const c = doc.charCodeAt(at);
        if (c !== SPACE) {
          // The writer sorts keys: past `metadata`, with `apiVersion` and `kind` read, the rest is the object's body.
          if (inMetadata && apiVersion !== undefined && kind !== undefined) break;
          inMetadata = false;
          if (doc.startsWith('apiVersion: ', at)) {
            if (apiVersion !== undefined) return undefined;
            apiVersion = this.stringAt(doc, at + 12, end);
          } else if (doc.startsWith('kind: ', at)) {
            if (kind !== undefined) return undefined;
            kind = this.stringAt(doc, at + 6, end);
          } else if (end - at === 9 && doc.startsWith('metadata:', at)) {
            if (metadataSeen) return undefined;
            inMetadata = metadataSeen = true;
          }
        } else if (inMetadata && doc.charCodeAt(at + 1) === SPACE && doc.charCodeAt(at + 2) !== SPACE) {
          if (doc.startsWith('name: ', at + 2)) {
            if (name !== undefined) return undefined;
            name = this.stringAt(doc, at + 8, end);
          } else if (doc.startsWith('namespace: ', at + 2)) {
            if (namespace !== undefined) return undefined;
            namespace = this.stringAt(doc, at + 13, end);
          } else if (doc.charCodeAt(at + 2) === DASH) {
            return undefined;
          }
        }
        at = end + 1;
      }
    } catch (e) {
      if (e instanceof NotWriterYaml) return undefined;
      throw e;
    }
    if (apiVersion === undefined || kind === undefined || name === undefined) return undefined;
    return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, namespace, name };
  }

  /** The string a scalar written from `at` to `end` means, or NOT_WRITER_YAML when it means something else. */
  private stringAt(text: string, at: number, end: number): string {
    const value = this.scalar(text.slice(at, end));
    if (typeof value !== 'string') throw NOT_WRITER_YAML;
    return value;
  }

  /**
   * The identity and metadata of one document (`apiVersion`, `kind` and `metadata`, read as `read` reads them) when
   * it is written in the writer's subset of YAML, without reading its other top-level fields: their lines are only
   * checked to be indented under their key. A diff needs no more of an object created or deleted, and those are
   * often half of the documents that differ. `undefined` when the document is not the writer's, or has no string
   * `apiVersion`, `kind` and `metadata.name` (read it whole then).
   */
  public readHeader(doc: string): { apiVersion: string; kind: string; metadata: Record<string, unknown> } | undefined {
    const text = doc.charCodeAt(doc.length - 1) === NEWLINE ? doc.slice(0, -1) : doc;
    if (text === '' || text.charCodeAt(0) === 0xfeff || text.includes('\r')) return undefined;
    try {
      const lines = this.lines.reset(text);
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      while (!lines.done) {
        if (lines.indent !== 0) return undefined;
        const colon = keyEnd(lines, 0);
        if (colon < 0) return undefined;
        const key = this.key(lines.text.slice(lines.start, colon));
        if (seen.has(key)) return undefined;
        seen.add(key);
        const inline = colon + 1 !== lines.end;
        if (inline && lines.text.charCodeAt(colon + 2) === SPACE) return undefined;
        if (key === 'apiVersion' || key === 'kind' || key === 'metadata') {
          if (!inline) {
            out[key] = this.nested(lines, 0);
          } else {
            const value = lines.text.slice(colon + 2, lines.end);
            out[key] = this.value(lines, value, 0);
            if (value.charCodeAt(0) !== PIPE) lines.next();
          }
          continue;
        }
        // Any other field: its lines are skipped, and must be indented under it (a scalar has none).
        lines.next();
        while (!lines.done && lines.indent > 0) lines.next();
      }
      const { apiVersion, kind, metadata } = out;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
      if (typeof (metadata as Record<string, unknown>).name !== 'string') return undefined;
      return { apiVersion, kind, metadata: metadata as Record<string, unknown> };
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
    if (this.scalars.size >= this.maxRememberedScalars) this.forget();
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
    // Blocks inside lists are not remembered by path: a list item has no key.
    const path = this.path;
    this.path = undefined;
    while (!lines.done) {
      if (!first && (lines.indent !== col || !isItem(lines, col))) {
        if (lines.indent > col) throw NOT_WRITER_YAML;
        break;
      }
      first = false;
      out.push(lines.start + col + 1 === lines.end ? this.nested(lines, col) : this.node(lines, col + 2));
    }
    this.path = path;
    return out;
  }

  /**
   * Whether `text` from `start` holds exactly the block `block` of the first document, nested under a key at `col`:
   * the same characters, then the end of the text or a line indented no further than the key (where the block ends).
   */
  private static sameBlock(text: string, start: number, block: string, col: number): boolean {
    if (text.slice(start, start + block.length) !== block) return false;
    const end = start + block.length;
    const closedByLine = block.charCodeAt(block.length - 1) === NEWLINE;
    if (end >= text.length) return end === text.length && !closedByLine;
    if (!closedByLine) return false;
    let i = end;
    while (text.charCodeAt(i) === SPACE) i++;
    return i - end <= col && i < text.length && text.charCodeAt(i) !== NEWLINE;
  }

  /** The block nested under a key at `col` (the key's line is current), remembered or taken by its path. */
  private nestedUnder(lines: Lines, col: number, key: string): unknown {
    const path = this.path;
    if (path === undefined || !this.memo) return this.nested(lines, col);
    // Blocks deeper than a few keys are small: remembering them would cost more than reading them.
    if (this.depth >= MEMO_DEPTH) return this.nested(lines, col);
    const childPath = `${path}\u0001${key}`;
    const start = lines.end + 1;
    if (this.reuse) {
      const known = this.memo.get(childPath);
      if (known !== undefined && known.col === col && WriterYamlReader.sameBlock(lines.text, start, known.text, col)) {
        lines.load(start + known.text.length);
        return known.value;
      }
    }
    this.path = childPath;
    this.depth++;
    const value = this.nested(lines, col);
    this.depth--;
    this.path = path;
    if (!this.reuse) this.memo.set(childPath, { col, text: lines.text.slice(start, lines.start), value });
    return value;
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
        out[key] = this.nestedUnder(lines, col, key);
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
