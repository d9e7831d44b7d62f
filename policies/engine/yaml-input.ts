/**
 * Kubernetes objects from multi-document YAML files (kubectl, Helm or kustomize output, hand-written manifests),
 * each with the file and line it starts at. `List` objects are unpacked into their items, as kubectl does. Anything
 * that is not a Kubernetes object is bad input, reported with its file and line.
 */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../constructs';
import { isObject } from './kube';
import type { ObjectSource } from './types';

/** A file that cannot be read as Kubernetes YAML. `line` is 1-based. */
export class ManifestInputError extends Error {
  constructor(
    public readonly file: string,
    public readonly line: number | undefined,
    public readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'ManifestInputError';
  }
}

/** One object read from a manifest file, with where it came from. */
export interface ManifestObject {
  readonly object: KubeObject;
  readonly source: ObjectSource;
}

/** Reads and parses one file. `displayName` is how the file is named in messages and findings. */
export function readManifestFile(path: string, displayName: string = path): ManifestObject[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ManifestInputError(displayName, undefined, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a YAML file' : `cannot be read (${(e as Error).message})`);
  }
  return parseManifests(text, displayName);
}

/** Parses multi-document YAML text into Kubernetes objects with their start lines. */
export function parseManifests(text: string, file: string): ManifestObject[] {
  const startLines: number[] = [];
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text, undefined, {
      filename: file,
      // The listener sees every node open; the first node of each document tells where that document starts.
      listener(event, state) {
        const parsed = (state as unknown as { documents: unknown[] }).documents.length;
        if (event === 'open' && startLines.length === parsed) startLines.push(state.line + 1);
      },
    });
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      throw new ManifestInputError(file, e.mark ? e.mark.line + 1 : undefined, `malformed YAML: ${e.reason}`);
    }
    throw e;
  }
  const out: ManifestObject[] = [];
  documents.forEach((document, index) => {
    const line = startLines[index] ?? 1;
    if (document === null || document === undefined) return; // an empty document (`---` twice, or comments only)
    for (const object of unpack(document, file, line)) out.push({ object, source: { file, line } });
  });
  return out;
}

function unpack(document: unknown, file: string, line: number): KubeObject[] {
  if (!isObject(document)) throw new ManifestInputError(file, line, `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${Array.isArray(document) ? 'a list' : typeof document}`);
  if (typeof document.kind === 'string' && document.kind.endsWith('List') && Array.isArray(document.items)) {
    return document.items.flatMap((item) => unpack(item, file, line));
  }
  const missing = ['apiVersion', 'kind'].filter((k) => typeof document[k] !== 'string' || document[k] === '');
  if (missing.length > 0) throw new ManifestInputError(file, line, `not a Kubernetes object: ${missing.join(' and ')} missing`);
  const metadata = document.metadata;
  if (!isObject(metadata) || (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string')) {
    throw new ManifestInputError(file, line, `${String(document.kind)} has no metadata.name`);
  }
  if (typeof metadata.name !== 'string') return [{ ...document, metadata: { ...metadata, name: String(metadata.generateName) } } as unknown as KubeObject];
  return [document as unknown as KubeObject];
}
