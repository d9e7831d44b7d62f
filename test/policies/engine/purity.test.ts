import * as fs from 'fs';
import * as path from 'path';
import { eligiblePools } from '../../../policies/engine/scheduling';
import { TargetView } from '../../../policies/engine/target';
import { quantityOf } from '../../../policies/engine/kube';
import { referenceContext } from '../fixtures/estate';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Module-level state the engine keeps on purpose, by file and name. None holds a check's data beyond the objects'
 * own lifetime: the WeakMaps are keyed by the (read-only) objects and pod templates themselves, and `splitPaths`
 * maps the dotted paths written in the rules' code to their parts.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'policies/engine/kube.ts': ['splitPaths', 'templates', 'lastTemplateOf', 'podLabelCache', 'podAnnotationCache', 'containerCache', 'lastContainersOf'],
  'policies/engine/workload-labels.ts': ['debugCache'],
};

/**
 * Top-level `let`s, and `const`s that start empty to be filled later: a Map, WeakMap or Set made with no entries, or
 * an object literal of undefined slots. (Sets and Maps made with their entries are constants.)
 */
function moduleState(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/^(?:export )?(let|const) (\w+)[^=\n]*(?:= (.*))?$/gm)) {
    const [, keyword, name, value = ''] = match;
    if (keyword === 'let' || /^new (Weak)?(Map|Set)\b(<.*>)?\(\)/.test(value) || /^\{ *\w+: undefined/.test(value)) names.push(name);
  }
  return names;
}

describe('rules and the engine keep what they remember in the target (TargetView.memo)', () => {
  const files = ['policies/engine', ...fs.readdirSync(path.join(ROOT, 'policies/rules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `policies/rules/${d.name}`)]
    .flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`));

  it('no rule file and no engine module holds state of its own, but the few listed', () => {
    expect(files.length).toBeGreaterThan(50);
    const found = Object.fromEntries(files.map((f) => [f, moduleState(fs.readFileSync(path.join(ROOT, f), 'utf8'))]).filter(([, names]) => names.length > 0));
    expect(found).toEqual(ALLOWED);
  });

  it('the scan finds module state (it can fail)', () => {
    expect(moduleState('const cache = new Map<string, number>();\nlet last: object | undefined;\nconst x = { a: undefined };\nconst ok = 3;\n')).toEqual(['cache', 'last', 'x']);
  });

  it('an object changed between two checks is judged as it is in each (nothing is remembered across targets)', () => {
    const plan = referenceContext().plan.clusters.find((c) => c.pools.length > 1)!;
    const pool = plan.pools[0];
    const spec: Record<string, unknown> = { containers: [{ name: 'app' }], nodeSelector: { 'node.cluster.x-k8s.io/pool': pool.name } };
    const first = new TargetView(plan.name, []);
    expect(eligiblePools(first, spec, plan)).toEqual(pool.taints.length === 0 ? [pool.name] : []);
    // A long-running process (the Pulumi policy pack) checks the next preview's objects; here the same spec object,
    // edited in between, must not be answered from the first check.
    spec.nodeSelector = { 'node.cluster.x-k8s.io/pool': 'no-such-pool' };
    expect(eligiblePools(new TargetView(plan.name, []), spec, plan)).toEqual([]);
    // Within one check (one target) the answer is remembered: the list is the same object.
    expect(eligiblePools(first, spec, plan)).toBe(eligiblePools(first, spec, plan));
  });

  it('quantities are remembered per target, and read as parseQuantity reads them', () => {
    const target = new TargetView('t', []);
    expect(quantityOf(target, '512Mi')).toBe(512 * 2 ** 20);
    expect(quantityOf(target, '250m')).toBeCloseTo(0.25);
    expect(quantityOf(target, 'lots')).toBeUndefined();
    expect(quantityOf(target, 'lots')).toBeUndefined();
    expect(target.memo('kube/quantities', () => new Map()).size).toBe(3);
    expect(new TargetView('u', []).memo('kube/quantities', () => new Map()).size).toBe(0);
  });
});
