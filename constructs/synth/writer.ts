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

/** Renders one object as a YAML document. Keys keep the order synthesis gave them; strings YAML 1.1 would misread are quoted. */
export function objectToYaml(object: KubeObject): string {
  return yaml.dump(object, { lineWidth: -1, noRefs: true, quotingType: '"' });
}

/**
 * Groups a target's objects into files, one per namespace (`<namespace>.yaml`, `_cluster.yaml` for cluster-scoped
 * objects), keeping the objects' order inside each file. Files are sorted by name.
 */
export function targetFiles(target: string, objects: readonly KubeObject[]): OutputFile[] {
  const byFile = new Map<string, string[]>();
  for (const object of objects) {
    const file = `${target}/${object.kind === 'Namespace' ? object.metadata.name : object.metadata.namespace ?? '_cluster'}.yaml`;
    let docs = byFile.get(file);
    if (!docs) byFile.set(file, (docs = []));
    docs.push(objectToYaml(object));
  }
  return [...byFile.keys()].sort().map((file) => ({ path: file, text: byFile.get(file)!.join('---\n') }));
}

/**
 * Writes files under `dir` (`<out>/<estate>`), replacing what an earlier run wrote there. Refuses to clear a
 * folder that it did not write (no summary file in it), so a mistyped --out never deletes someone's files.
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
