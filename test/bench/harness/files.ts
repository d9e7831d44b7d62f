import * as fs from 'fs';
import * as path from 'path';

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out.sort();
}

/**
 * Compares two folders byte for byte and returns what differs (empty when identical). Files listed in `onlyInA`
 * may exist in `a` alone (for example a summary the baseline does not write).
 */
export function compareFolders(a: string, b: string, labels: { a: string; b: string }, onlyInA: readonly string[] = []): string[] {
  const problems: string[] = [];
  const filesA = listFiles(a).filter((f) => !onlyInA.includes(f));
  const filesB = listFiles(b);
  const setB = new Set(filesB);
  const setA = new Set(filesA);
  for (const f of filesA) if (!setB.has(f)) problems.push(`${f}: written by ${labels.a} only`);
  for (const f of filesB) if (!setA.has(f)) problems.push(`${f}: written by ${labels.b} only`);
  for (const f of filesA) {
    if (!setB.has(f)) continue;
    const bytesA = fs.readFileSync(path.join(a, f));
    const bytesB = fs.readFileSync(path.join(b, f));
    if (!bytesA.equals(bytesB)) problems.push(`${f}: contents differ${firstDifference(bytesA.toString('utf8'), bytesB.toString('utf8'), labels)}`);
  }
  if (filesA.length === 0 && filesB.length === 0) problems.push('neither pipeline wrote a file');
  return problems;
}

function firstDifference(a: string, b: string, labels: { a: string; b: string }): string {
  const linesA = a.split('\n');
  const linesB = b.split('\n');
  for (let i = 0; i < Math.max(linesA.length, linesB.length); i++) {
    if (linesA[i] !== linesB[i]) {
      return ` at line ${i + 1}:\n      ${labels.a}: ${JSON.stringify(linesA[i] ?? '<end of file>')}\n      ${labels.b}: ${JSON.stringify(linesB[i] ?? '<end of file>')}`;
    }
  }
  return '';
}
