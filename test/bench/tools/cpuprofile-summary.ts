/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by source file, and total
 * (inclusive) time of the functions that matter most.
 *
 *   node lib/bench/test/bench/tools/cpuprofile-summary.js <file.cpuprofile> [--top 25] [--focus name1,name2]
 */
import * as fs from 'fs';
import * as path from 'path';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[]; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: cpuprofile-summary <file.cpuprofile> [--top N] [--focus fn1,fn2]\n');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const focusIndex = process.argv.indexOf('--focus');
const focus = focusIndex > 0 ? process.argv[focusIndex + 1].split(',') : [];

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node from the samples and their time deltas (microseconds).
const selfUs = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string): string => {
  if (!url) return '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm + 'node_modules/'.length);
  const lib = clean.indexOf('/lib/');
  return lib >= 0 ? clean.slice(lib + 1) : path.basename(clean);
};
const label = (f: CallFrame): string => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;

const selfByFunction = new Map<string, number>();
const selfByFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const f = byId.get(id)!.callFrame;
  selfByFunction.set(label(f), (selfByFunction.get(label(f)) ?? 0) + us);
  const fileKey = f.url ? shortUrl(f.url).split(':')[0] : `(${f.functionName || 'native'})`;
  selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + us);
}

// Inclusive time per function: each sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!.callFrame);
    if (!seen.has(l)) {
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
}

const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`  ${ms(v)}  ${k}\n`);
};

process.stdout.write(`profile ${path.basename(file)}: ${(totalUs / 1000).toFixed(0)} ms sampled\n`);
print('self time by file', selfByFile, top);
print('self time by function', selfByFunction, top);
print('total (inclusive) time by function', inclusive, top, (k) => !k.startsWith('(root)') && !k.startsWith('(program)'));
if (focus.length > 0) print('focus', inclusive, 100, (k) => focus.some((f) => k.startsWith(`${f} `)));
