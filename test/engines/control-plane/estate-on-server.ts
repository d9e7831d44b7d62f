/**
 * Putting the estate's synthesized objects on a real API server: the CRDs from ../shared/crds, server-side apply of
 * every object with strict field validation, and a read-back that lists what the server added or changed.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { isCi } from '../../helpers/engines';
import { waitFor } from '../../helpers/processes';
import { KubeClient, KubeError, ObjectRef } from './kube-client';

/** ../shared/crds, beside the repository. */
export const SHARED_CRDS_ROOT = path.resolve(__dirname, '../../../../shared/crds');

/** The CRD sets the management target needs. */
export const MANAGEMENT_CRD_SETS = ['cluster-api', 'cluster-api-provider-metal3', 'cluster-api-provider-aws'] as const;

/** Why the CRDs cannot be read, or '' when they can. */
export function missingCrds(sets: readonly string[] = MANAGEMENT_CRD_SETS): string {
  const missing = sets.filter((s) => !existsSync(path.join(SHARED_CRDS_ROOT, s)) || !readdirSync(path.join(SHARED_CRDS_ROOT, s)).some((f) => /\.ya?ml$/.test(f)));
  return missing.length === 0 ? '' : `CRDs missing at ${SHARED_CRDS_ROOT}/{${missing.join(',')}} (CI clones ../shared beside the repository)`;
}

/** `describe` that needs ../shared/crds: fails with CI=true when missing, skips with the reason elsewhere. */
export function describeWithCrds(name: string, body: () => void): void {
  const why = missingCrds();
  if (!why) return describe(name, body);
  if (isCi()) {
    describe(name, () => it('needs ../shared/crds', () => {
      throw new Error(`CI=true and ${why}`);
    }));
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`[skipped] ${name}: ${why}`);
  describe(name, () => it.skip(`SKIPPED - ${why}`, () => undefined));
}

/** Every CustomResourceDefinition in the given sets. */
export function loadCrds(sets: readonly string[] = MANAGEMENT_CRD_SETS): any[] {
  const out: any[] = [];
  for (const set of sets) {
    const dir = path.join(SHARED_CRDS_ROOT, set);
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      for (const doc of yaml.loadAll(readFileSync(path.join(dir, file), 'utf8'))) {
        if (doc && (doc as any).kind === 'CustomResourceDefinition') out.push(doc);
      }
    }
  }
  return out;
}

/** Applies CRDs and waits until each is Established; returns how many. */
export async function installCrds(client: KubeClient, crds: readonly any[]): Promise<number> {
  for (const crd of crds) await client.apply(crd, { fieldManager: 'crd-installer' });
  await waitFor('every CRD to be Established', async () => {
    const list = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    const established = new Set(list.filter((c: any) => (c.status?.conditions ?? []).some((x: any) => x.type === 'Established' && x.status === 'True')).map((c: any) => c.metadata.name));
    return crds.every((c) => established.has(c.metadata.name));
  }, 60_000, 250);
  client.forgetDiscovery();
  return crds.length;
}

/** `Kind namespace/name`. */
export function describeObject(o: ObjectRef): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** What applying one object did. */
export interface ApplyOutcome {
  readonly object: ObjectRef;
  readonly error?: string;
  readonly warnings: string[];
}

/**
 * Server-side applies objects in order (namespaces and other cluster-scoped kinds first), strict field validation,
 * and returns one outcome per object; never throws for a refused object.
 */
export async function applyAll(client: KubeClient, objects: readonly ObjectRef[], fieldManager = 'cluster-estate'): Promise<ApplyOutcome[]> {
  const first = (o: ObjectRef) => (o.kind === 'Namespace' ? 0 : o.kind === 'PriorityClass' || o.kind === 'ServiceAccount' ? 1 : 2);
  const ordered = [...objects].sort((a, b) => first(a) - first(b));
  const out: ApplyOutcome[] = [];
  for (const object of ordered) {
    try {
      const res = await client.apply(object, { fieldManager, fieldValidation: 'Strict' });
      out.push({ object, warnings: res.warnings });
    } catch (e) {
      out.push({ object, error: e instanceof KubeError ? `${e.status} ${e.body?.message ?? e.message}` : (e as Error).message, warnings: [] });
    }
  }
  return out;
}

/** Metadata the server always sets; not defaulting of what the estate wrote. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'];

/** One place where the read-back object differs from what was applied. */
export interface ServerDifference {
  /** `added`: the server filled a field the estate left out; `changed`: it rewrote a value; `removed`: it dropped one. */
  readonly change: 'added' | 'changed' | 'removed';
  /** Dotted path, list indexes as `[]`. */
  readonly path: string;
  /** The value on the server (for `removed`, what was sent). */
  readonly value: unknown;
  /** What the estate sent, for `changed`. */
  readonly sent?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Differences between what was applied and what was read back (status and server metadata left out). */
export function serverDifferences(sent: unknown, got: unknown): ServerDifference[] {
  const out: ServerDifference[] = [];
  const walk = (s: unknown, g: unknown, p: string) => {
    if (isObject(s) && isObject(g)) {
      for (const key of new Set([...Object.keys(s), ...Object.keys(g)])) {
        const sub = p ? `${p}.${key}` : key;
        if (sub === 'status' || (p === 'metadata' && SERVER_METADATA.includes(key))) continue;
        if (!(key in s)) out.push({ change: 'added', path: sub, value: g[key] });
        else if (!(key in g)) out.push({ change: 'removed', path: sub, value: s[key] });
        else walk(s[key], g[key], sub);
      }
      return;
    }
    if (Array.isArray(s) && Array.isArray(g) && s.length === g.length) {
      s.forEach((v, i) => walk(v, g[i], `${p}[]`));
      return;
    }
    if (JSON.stringify(s) !== JSON.stringify(g)) out.push({ change: 'changed', path: p, value: g, sent: s });
  };
  walk(sent, got, '');
  return out;
}

/** A value the API server leaves out when it serializes an object (Go's omitempty): false, 0, '' and empty lists. */
export function isZeroValue(v: unknown): boolean {
  return v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Whether a difference is one the server is expected to make: anything it adds (defaulting), a zero value it omits,
 * and a Secret's write-only `stringData`, which it folds into `data`. Everything else (a changed or dropped value)
 * means the server does not store what the estate wrote.
 */
export function isExpectedDifference(kind: string, d: ServerDifference): boolean {
  if (d.change === 'added') return true;
  if (d.change === 'removed') return isZeroValue(d.value) || (kind === 'Secret' && d.path === 'stringData');
  return false;
}

/** Lines of the differences that are not expected ones (see isExpectedDifference). */
export function unexpectedDifferences(pairs: readonly { object: ObjectRef; got: unknown }[]): string[] {
  return pairs.flatMap(({ object, got }) => serverDifferences(object, got).filter((d) => !isExpectedDifference(object.kind, d))
    .map((d) => `${describeObject(object)} ${d.change} ${d.path} = ${JSON.stringify(d.value)}${d.change === 'changed' ? ` (sent ${JSON.stringify(d.sent)})` : ''}`));
}

/** `kind change path = value` lines, deduplicated and sorted: the list the suites assert. */
export function differenceLines(pairs: readonly { object: ObjectRef; got: unknown }[]): string[] {
  const lines = new Set<string>();
  for (const { object, got } of pairs) {
    for (const d of serverDifferences(object, got)) {
      // Addresses the server allocates differ from run to run: the list records that one was allocated.
      const allocated = object.kind === 'Service' && ['spec.clusterIP', 'spec.clusterIPs', 'spec.ports[].nodePort', 'spec.healthCheckNodePort'].includes(d.path);
      const value = allocated ? '"<allocated>"' : JSON.stringify(d.value);
      lines.add(`${object.kind} ${d.change} ${d.path} = ${value.length > 80 ? `${value.slice(0, 77)}...` : value}${d.change === 'changed' ? ` (sent ${JSON.stringify(d.sent)})` : ''}`);
    }
  }
  return [...lines].sort();
}
