import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { KubeObject } from './kube-object';

/** Name of the file that marks a folder as written by the estate writer (and holds the synthesis summary). */
export const SUMMARY_FILE = 'estate.json';

/** One output file: its path relative to the estate folder and its text. */
export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

const YAML_OPTIONS: yaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** Renders one object as a YAML document. Keys keep the order synthesis gave them; strings YAML 1.1 would misread are quoted. */
export function objectToYaml(object: KubeObject): string {
  return new YamlEmitter().document(object);
}

/** Thrown inside the fast path for what only js-yaml itself writes (multi-line strings, very long keys, non-JSON values). */
class NeedsJsYaml extends Error {}

/**
 * Writes YAML exactly as `js-yaml`'s `dump` does with this writer's options (block style, two-space indentation, no
 * line folding, double quotes where a string needs quoting), in one pass over plain JSON data. It asks js-yaml itself
 * how to write each distinct scalar (and remembers the answer), so quoting follows js-yaml's rules by construction;
 * documents with what the fast path does not handle (a multi-line string, whose block style depends on the
 * indentation, a key over 1,024 characters, a value that is not JSON) are written by js-yaml. Tests compare both on
 * every synthesized object and on random documents.
 */
export class YamlEmitter {
  private readonly scalars = new Map<string, string>();
  private readonly indents: string[] = ['\n'];

  /** One document: what `yaml.dump(object, options)` returns. */
  public document(object: unknown): string {
    try {
      return `${this.node(object, 0, true)}\n`;
    } catch (e) {
      if (e instanceof NeedsJsYaml) return yaml.dump(object, YAML_OPTIONS);
      throw e;
    }
  }

  private newline(level: number): string {
    let s = this.indents[level];
    if (s === undefined) {
      for (let l = this.indents.length; l <= level; l++) this.indents[l] = `\n${'  '.repeat(l)}`;
      s = this.indents[level];
    }
    return s;
  }

  private scalar(value: string | number | boolean | null): string {
    // String(-0) is "0", but js-yaml writes -0 as -0.0: the key keeps them apart.
    const key = typeof value === 'string' ? `s${value}` : Object.is(value, -0) ? 'number:-0' : `${typeof value}:${String(value)}`;
    let out = this.scalars.get(key);
    if (out === undefined) {
      if (typeof value === 'string' && (value.includes('\n') || value.length > 1024)) throw new NeedsJsYaml();
      const dumped = yaml.dump(value, YAML_OPTIONS);
      out = dumped.slice(0, -1);
      this.scalars.set(key, out);
    }
    return out;
  }

  private node(value: unknown, level: number, compact: boolean): string {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return this.scalar(value);
    if (Array.isArray(value)) return value.length === 0 ? '[]' : this.sequence(value, level, compact);
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.keys(value).length === 0 ? '{}' : this.mapping(value as Record<string, unknown>, level, compact);
    }
    throw new NeedsJsYaml();
  }

  private mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
    let out = '';
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue;
      if (!compact || out !== '') out += this.newline(level);
      const dump = this.node(value, level + 1, false);
      out += this.scalar(key) + (dump.charCodeAt(0) === 10 ? ':' : ': ') + dump;
    }
    return out || '{}';
  }

  private sequence(array: unknown[], level: number, compact: boolean): string {
    let out = '';
    for (const item of array) {
      const dump = this.node(item === undefined ? null : item, level + 1, true);
      if (!compact || out !== '') out += this.newline(level);
      out += (dump.charCodeAt(0) === 10 ? '-' : '- ') + dump;
    }
    return out;
  }
}

/**
 * Groups a target's objects into files, one per namespace (`<namespace>.yaml`, `_cluster.yaml` for cluster-scoped
 * objects), keeping the objects' order inside each file. Files are sorted by name.
 * @internal
 */
export function targetFiles(target: string, objects: readonly KubeObject[]): OutputFile[] {
  const byFile = new Map<string, string[]>();
  const emitter = new YamlEmitter();
  for (const object of objects) {
    const file = `${target}/${object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace ?? '_cluster'}.yaml`;
    let docs = byFile.get(file);
    if (!docs) byFile.set(file, (docs = []));
    docs.push(emitter.document(object));
  }
  return [...byFile.keys()].sort().map((file) => ({ path: file, text: byFile.get(file)!.join('---\n') }));
}

/**
 * Writes files under `dir` (`<out>/<estate>`), replacing what an earlier run wrote there. Refuses to clear a
 * folder that it did not write (no summary file in it), so a mistyped --out never deletes someone's files.
 * @internal
 */
export function writeFiles(dir: string, files: readonly OutputFile[]): void {
  if (fs.existsSync(dir)) {
    const entries = fs.readdirSync(dir);
    if (entries.length > 0 && !entries.includes(SUMMARY_FILE)) {
      throw new Error(`refusing to replace ${dir}: it holds files the estate writer did not write (no ${SUMMARY_FILE}); choose another --out`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const made = new Set<string>();
  for (const file of files) {
    const full = path.join(dir, file.path);
    const parent = path.dirname(full);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(full, file.text);
  }
}
