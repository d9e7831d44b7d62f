/**
 * One side of a diff: a synthesis as its files (`<target>/<namespace>.yaml`, as the writer lays them out) and its
 * `estate.json` summary. Files keep their text when they have one, so that a file byte-identical on both sides is
 * known unchanged without parsing it (the writer is deterministic): on a large estate most files are.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { KubeObject, OutputFile, SUMMARY_FILE } from '../../constructs';
import { EstateInputError } from '../estates';
import { CapacityFigures } from './model';
import { WriterYamlReader } from './yaml-reader';

/** What the diff reads from `estate.json`; every field optional, so older and newer summaries both load. */
export interface EstateSummaryLike {
  readonly estate?: string;
  readonly asOf?: string;
  readonly promotions?: readonly {
    readonly name: string;
    readonly displayName?: string;
    readonly phase: string;
    readonly batch?: number;
    readonly scale?: number;
  }[];
  readonly clusters?: readonly {
    readonly cluster: string;
    readonly group: string;
    readonly region: string;
    readonly idc: string;
    readonly phase?: string;
    readonly total?: CapacityFigures;
  }[];
  readonly absentClusters?: readonly { readonly name: string; readonly group: string }[];
  readonly capacityByGroup?: Readonly<Record<string, CapacityFigures>>;
  readonly capacityByRegion?: Readonly<Record<string, CapacityFigures>>;
  readonly total?: CapacityFigures;
}

/** One file of a side: its text (as written), or already-parsed objects (fixtures built in code). */
export interface SnapshotFile {
  /** `<target>/<file>`: the first segment is the target (stack). */
  readonly path: string;
  readonly text?: string;
  readonly objects?: readonly KubeObject[];
}

/** One side of a diff. */
export interface Snapshot {
  readonly estate: string;
  readonly summary?: EstateSummaryLike;
  readonly files: readonly SnapshotFile[];
}

/** The target (stack) a snapshot file belongs to. */
export function targetOf(file: SnapshotFile): string {
  const slash = file.path.indexOf('/');
  return slash < 0 ? file.path : file.path.slice(0, slash);
}

/** A side with no objects at all: the estate did not exist at the base revision. */
export function emptySnapshot(estate: string): Snapshot {
  return { estate, files: [] };
}

/** A side built from objects (tests, fixtures, other tools): one pseudo-file per target. */
export function snapshotFromObjects(estate: string, targets: Readonly<Record<string, readonly KubeObject[]>>, summary?: EstateSummaryLike): Snapshot {
  return {
    estate,
    ...(summary ? { summary } : {}),
    files: Object.keys(targets).sort().map((target) => ({ path: `${target}/*`, objects: targets[target] })),
  };
}

/** A side built from the files of a synthesis (`synthesisFiles`), as they would be written. */
export function snapshotFromFiles(files: readonly OutputFile[], estate?: string): Snapshot {
  let summary: EstateSummaryLike | undefined;
  const out: SnapshotFile[] = [];
  for (const f of files) {
    if (f.path === SUMMARY_FILE) summary = parseSummary(f.text, SUMMARY_FILE);
    else if (f.path.endsWith('.yaml')) out.push({ path: f.path, text: f.text });
  }
  return { estate: estate ?? summary?.estate ?? 'estate', ...(summary ? { summary } : {}), files: out.sort((a, b) => compare(a.path, b.path)) };
}

function parseSummary(text: string, where: string): EstateSummaryLike {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as EstateSummaryLike;
  } catch (e) {
    throw new EstateInputError(`${where} is not a synthesis summary: ${(e as Error).message}`, 'point at a folder written by `estate synth`');
  }
}

/**
 * Reads a synthesis from disk: either an estate folder (`<out>/<estate>`, holding `estate.json`) or an output
 * folder (`<out>`) holding exactly one estate folder, or the one named `estate`.
 */
export function loadSnapshotDir(dir: string, estate?: string): Snapshot {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new EstateInputError(`synthesis folder ${dir} does not exist`, 'give a folder written by `estate synth` (for example dist/reference)');
  }
  let estateDir = dir;
  if (!fs.existsSync(path.join(dir, SUMMARY_FILE))) {
    const candidates = fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, SUMMARY_FILE)))
      .map((e) => e.name)
      .sort();
    const chosen = estate && candidates.includes(estate) ? estate : candidates.length === 1 ? candidates[0] : undefined;
    if (!chosen) {
      throw new EstateInputError(
        candidates.length === 0 ? `${dir} holds no synthesis (no ${SUMMARY_FILE} in it or in a folder below it)` : `${dir} holds several estates (${candidates.join(', ')})`,
        candidates.length === 0 ? 'give the folder `estate synth` wrote (<out>/<estate>)' : 'pick one with --estate NAME, or give <out>/<estate>',
      );
    }
    estateDir = path.join(dir, chosen);
  }
  const summary = parseSummary(fs.readFileSync(path.join(estateDir, SUMMARY_FILE), 'utf8'), path.join(estateDir, SUMMARY_FILE));
  const files: SnapshotFile[] = [];
  for (const target of fs.readdirSync(estateDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const file of fs.readdirSync(path.join(estateDir, target)).filter((f) => f.endsWith('.yaml')).sort()) {
      files.push({ path: `${target}/${file}`, text: fs.readFileSync(path.join(estateDir, target, file), 'utf8') });
    }
  }
  return { estate: summary.estate ?? path.basename(estateDir), summary, files };
}

/** The objects of one file, parsed when needed. */
export function fileObjects(file: SnapshotFile): readonly KubeObject[] {
  return readObjects(file, WriterYamlReader.shared);
}

/**
 * The objects of the given kinds in one target's files of a side. With the comparison's cache, a document whose kind
 * its first lines show to be another is not parsed, and the others are parsed at most once per comparison (a
 * document equal on both sides once for both); without it, each file is read whole.
 */
export function targetObjects(side: Snapshot, target: string, kinds: ReadonlySet<string>, cache?: DocumentCache): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of side.files) {
    if (targetOf(file) !== target) continue;
    if (!cache || file.text === undefined || file.objects !== undefined) {
      for (const o of fileObjects(file)) if (kinds.has(o.kind)) out.push(o);
      continue;
    }
    const n = cache.documents(file).length;
    for (let i = 0; i < n; i++) {
      const identity = cache.identity(file, i);
      if (identity && !kinds.has(identity.kind)) continue;
      for (const o of cache.objects(file, i)) if (kinds.has(o.kind)) out.push(o);
    }
  }
  return out;
}

function readObjects(file: SnapshotFile, reader: WriterYamlReader): readonly KubeObject[] {
  if (file.objects) return file.objects;
  if (file.text === undefined) return [];
  // The writer's documents are read by the fast reader; a file with any other document is read whole by js-yaml,
  // so that what it accepts and the errors it reports stay js-yaml's.
  const out: KubeObject[] = [];
  for (const doc of splitDocuments(file.text)) {
    const value = reader.read(doc);
    if (value === undefined) return loadYaml(file.path, file.text);
    if (value !== null && typeof value === 'object') out.push(value as KubeObject);
  }
  return out;
}

/** The objects of one document from what the fast reader made of it (`undefined`: not the writer's, so js-yaml reads it). */
function documentObjects(where: string, doc: string, value: unknown): readonly KubeObject[] {
  if (value === undefined) return loadYaml(where, doc);
  return value !== null && typeof value === 'object' ? [value as KubeObject] : [];
}

function loadYaml(where: string, text: string): KubeObject[] {
  try {
    // The core schema (YAML 1.2): the writer quotes every string another type could claim, so nothing is lost, and
    // skipping the timestamp and merge types makes parsing faster (and never turns a string into a Date).
    return (yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }) as unknown[]).filter((d): d is KubeObject => d !== null && typeof d === 'object');
  } catch (e) {
    throw new EstateInputError(`${where} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'give folders written by `estate synth`');
  }
}

/** Documents of one length beyond which matching compares texts through a map rather than one by one. */
const MAX_SAME_LENGTH = 16;

/** Which documents of a base file and a head file have an equal document on the other side. */
export interface DocumentMatch {
  /** Per base document: an equal head document is paired with it. */
  readonly inBase: readonly boolean[];
  /** Per head document: an equal base document is paired with it. */
  readonly inHead: readonly boolean[];
  /** Pairs of equal documents. */
  readonly unchanged: number;
}

/**
 * A comparison's view of its files' documents: each file is split once and each document parsed at most once,
 * whoever reads it first (the diff reads the documents that differ, its day-2 view those it needs). Keyed by the file
 * object, not by text: hashing long document texts again would cost as much as parsing them.
 */
export class DocumentCache {
  private readonly files = new Map<SnapshotFile, {
    readonly docs: readonly string[];
    readonly parsed: (readonly KubeObject[] | undefined)[];
    readonly headers: (readonly KubeObject[] | undefined)[];
  }>();
  /** Documents identical on both sides parse once (their texts' hashes are cached by the comparison already). */
  private readonly byText = new Map<string, readonly KubeObject[]>();
  private readonly reader = WriterYamlReader.shared;

  /** Documents of a base and a head file matched by text: which have an equal document on the other side. */
  private readonly matches = new Map<SnapshotFile, { readonly head: SnapshotFile; readonly match: DocumentMatch }>();

  /** The documents of a file with text. */
  public documents(file: SnapshotFile): readonly string[] {
    return this.entry(file).docs;
  }

  /**
   * Matches the documents of a base file and a head file (both with text) by their text: a document equal to one on
   * the other side is unchanged. Each equal document pairs once (a text twice on one side and once on the other
   * leaves one unmatched). Documents at the same place are compared first, which pairs nearly all of them where a
   * change edits a file in place, without hashing their texts; the rest are matched by text.
   */
  public match(base: SnapshotFile, head: SnapshotFile): DocumentMatch {
    const known = this.matches.get(base);
    if (known && known.head === head) return known.match;
    const b = this.documents(base);
    const h = this.documents(head);
    const inBase = new Array<boolean>(b.length).fill(false);
    const inHead = new Array<boolean>(h.length).fill(false);
    let unchanged = 0;
    for (let i = 0; i < b.length && i < h.length; i++) {
      if (b[i] === h[i]) {
        inBase[i] = inHead[i] = true;
        unchanged++;
      }
    }
    // The rest by length first: documents of different lengths differ, and hashing every document's text would cost
    // about as much as reading it. Equal lengths are compared as text, a few at a time (else by a map of texts).
    const byLength = new Map<number, number[]>();
    let crowded = false;
    b.forEach((doc, i) => {
      if (inBase[i]) return;
      const at = byLength.get(doc.length);
      if (at) crowded ||= at.push(i) > MAX_SAME_LENGTH;
      else byLength.set(doc.length, [i]);
    });
    if (byLength.size > 0 && !crowded) {
      h.forEach((doc, i) => {
        if (inHead[i]) return;
        const at = byLength.get(doc.length);
        if (!at) return;
        // The last equal one, as the map of texts below pairs them.
        for (let k = at.length - 1; k >= 0; k--) {
          if (b[at[k]] === doc) {
            inBase[at[k]] = inHead[i] = true;
            at.splice(k, 1);
            unchanged++;
            break;
          }
        }
      });
    } else if (crowded) {
      const rest = new Map<string, number[]>();
      b.forEach((doc, i) => {
        if (inBase[i]) return;
        const at = rest.get(doc);
        if (at) at.push(i);
        else rest.set(doc, [i]);
      });
      h.forEach((doc, i) => {
        if (inHead[i]) return;
        const at = rest.get(doc);
        if (at && at.length > 0) {
          inBase[at.pop()!] = inHead[i] = true;
          unchanged++;
        }
      });
    }
    const match: DocumentMatch = { inBase, inHead, unchanged };
    this.matches.set(base, { head, match });
    return match;
  }

  /** The objects of the file's document at `index`. */
  public objects(file: SnapshotFile, index: number): readonly KubeObject[] {
    const entry = this.entry(file);
    let objects = entry.parsed[index];
    if (objects === undefined) {
      const doc = entry.docs[index];
      objects = this.byText.get(doc);
      if (objects === undefined) this.byText.set(doc, (objects = readObjects({ path: file.path, text: doc }, this.reader)));
      entry.parsed[index] = objects;
    }
    return objects;
  }

  /**
   * Parses two documents that are versions of one object together (`WriterYamlReader.readPair`): the blocks they
   * share are read once, and are the same objects on both sides. Either already parsed: nothing to do.
   */
  public pair(baseFile: SnapshotFile, baseIndex: number, headFile: SnapshotFile, headIndex: number): void {
    const b = this.entry(baseFile);
    const h = this.entry(headFile);
    if (b.parsed[baseIndex] !== undefined || h.parsed[headIndex] !== undefined) return;
    const bDoc = b.docs[baseIndex];
    const hDoc = h.docs[headIndex];
    if (bDoc === undefined || hDoc === undefined) return;
    // Not remembered by text: two versions of one object that differ are rarely equal to a third document, and
    // hashing their texts would cost a good part of reading them.
    const [bValue, hValue] = this.reader.readPair(bDoc, hDoc);
    b.parsed[baseIndex] = documentObjects(baseFile.path, bDoc, bValue);
    h.parsed[headIndex] = documentObjects(headFile.path, hDoc, hValue);
  }

  /** The identity of the file's document at `index` read from its lines, or `undefined` (read its header then). */
  public identity(file: SnapshotFile, index: number): { apiVersion: string; kind: string; namespace?: string; name: string } | undefined {
    return this.reader.readIdentity(this.entry(file).docs[index]);
  }

  /**
   * The object of the file's document at `index` as far as its identity and metadata go (`apiVersion`, `kind`,
   * `metadata`), or the whole object when it is parsed already or cannot be read in part: what a diff needs of an
   * object created or deleted.
   */
  public headers(file: SnapshotFile, index: number): readonly KubeObject[] {
    const entry = this.entry(file);
    const parsed = entry.parsed[index];
    if (parsed !== undefined) return parsed;
    let header = entry.headers[index];
    if (header === undefined) {
      const read = this.reader.readHeader(entry.docs[index]);
      header = read ? [read as unknown as KubeObject] : this.objects(file, index);
      entry.headers[index] = header;
    }
    return header;
  }

  private entry(file: SnapshotFile) {
    let entry = this.files.get(file);
    if (!entry) {
      const docs = file.text === undefined ? [] : splitDocuments(file.text);
      this.files.set(file, (entry = { docs, parsed: new Array(docs.length), headers: new Array(docs.length) }));
    }
    return entry;
  }
}

/** The documents of a file's text, as the writer separates them (a bare `---` line), without that line. */
export function splitDocuments(text: string): string[] {
  const body = text.startsWith('---\n') ? text.slice(4) : text;
  if (body.trim() === '') return [];
  return body.split('\n---\n');
}

/** Documents in a file's text without parsing it: the writer separates documents with a bare `---` line. */
export function countDocuments(text: string): number {
  if (text.trim() === '') return 0;
  let n = 1;
  let i = text.indexOf('\n---\n');
  while (i >= 0) {
    n++;
    i = text.indexOf('\n---\n', i + 4);
  }
  return text.startsWith('---\n') ? n - 1 : n;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
