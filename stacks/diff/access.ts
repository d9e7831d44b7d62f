/**
 * What a change does to access, in words: RBAC grants gained and lost per subject, verb, resource and namespace
 * ("trade-deployers gain delete on deployments in payment"), and apps newly reachable or no longer reachable from
 * one another ("order-api now reachable from charging-gateway on port 8080"), judged by evaluating both sides'
 * NetworkPolicies with the Kubernetes semantics (`NetworkPolicyEvaluator`). A widening needs review, like a
 * destructive change.
 *
 * Only stacks where an access-relevant object changes (RBAC, NetworkPolicies, namespaces, workloads, Services) are
 * read; there, every object of those kinds on both sides is, unchanged ones included, since access is a property of
 * the whole set.
 */
import type { KubeObject } from '../../constructs';
import { Endpoint, NetworkPolicyEvaluator, podEndpoints } from '../../policies/offline';
import { ObjectChange } from './model';
import { cappedList, Code, stacksText } from './render-lists';
import { DocumentCache, Snapshot, targetObjects } from './snapshot';

/** One access change, in words, with the stacks (clusters) where it happens. */
export interface AccessChange {
  readonly kind: 'rbac' | 'network';
  /** True when access grows: a grant gained, a pair of apps newly reachable. Widenings need review. */
  readonly widening: boolean;
  /** The change in words, without the stacks. */
  readonly text: string;
  readonly targets: readonly string[];
}

/** Every access change of a diff: widenings first. */
export interface AccessDelta {
  readonly changes: readonly AccessChange[];
  readonly widened: number;
  readonly narrowed: number;
}

const RBAC_KINDS = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const NETWORK_KINDS = new Set(['NetworkPolicy', 'Namespace', 'Service', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const LABEL_APP = 'cluster-estate.io/app';

/** Built-in ClusterRoles, by what they grant, for bindings whose role is not among the objects. */
const BUILT_IN_ROLES: Readonly<Record<string, readonly Rule[]>> = {
  'cluster-admin': [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
};

interface Rule { readonly apiGroups: readonly string[]; readonly resources: readonly string[]; readonly verbs: readonly string[] }

function arr(x: unknown): string[] {
  return Array.isArray(x) ? x.map(String) : [];
}

function subjectName(s: Record<string, unknown>): string {
  if (s.kind === 'Group') return String(s.name);
  if (s.kind === 'ServiceAccount') return `service account ${s.namespace ?? ''}/${s.name}`;
  return `${String(s.kind ?? 'subject').toLowerCase()} ${s.name}`;
}

/** Every grant of a target: `subject \0 verb \0 resource \0 scope`. */
function grants(objects: readonly KubeObject[]): Set<string> {
  const roles = new Map<string, Rule[]>();
  for (const o of objects) {
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
    const rules = (Array.isArray((o as Record<string, unknown>).rules) ? (o as Record<string, unknown>).rules as Record<string, unknown>[] : [])
      .map((r) => ({ apiGroups: arr(r.apiGroups), resources: arr(r.resources), verbs: arr(r.verbs) }));
    roles.set(`${o.kind}/${o.kind === 'Role' ? o.metadata.namespace ?? '' : ''}/${o.metadata.name}`, rules);
  }
  const out = new Set<string>();
  for (const b of objects) {
    if (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') continue;
    const body = b as Record<string, unknown>;
    const ref = (body.roleRef ?? {}) as Record<string, unknown>;
    const scope = b.kind === 'RoleBinding' ? `in ${b.metadata.namespace ?? 'default'}` : 'cluster-wide';
    const rules = roles.get(`${ref.kind}/${ref.kind === 'Role' ? b.metadata.namespace ?? '' : ''}/${ref.name}`) ?? (ref.kind === 'ClusterRole' ? BUILT_IN_ROLES[String(ref.name)] : undefined) ?? [];
    const subjects = Array.isArray(body.subjects) ? (body.subjects as Record<string, unknown>[]) : [];
    for (const s of subjects) {
      for (const r of rules) for (const v of r.verbs) for (const res of r.resources) out.add([subjectName(s), v, res, scope].join('\u0000'));
    }
  }
  return out;
}

/** Grant lines grouped as a reviewer reads them: one line per subject, scope and resource set sharing their verbs. */
function grantLines(keys: readonly string[], gained: boolean): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const k of keys) {
    const [subject, verb, resource, scope] = k.split('\u0000');
    const key = [subject, scope, resource].join('\u0000');
    let verbs = byResource.get(key);
    if (!verbs) byResource.set(key, (verbs = new Set()));
    verbs.add(verb);
  }
  const byVerbs = new Map<string, string[]>();
  for (const [key, verbs] of byResource) {
    const [subject, scope, resource] = key.split('\u0000');
    const k = [subject, scope, [...verbs].sort(compareVerbs).join(', ')].join('\u0000');
    const list = byVerbs.get(k);
    if (list) list.push(resource);
    else byVerbs.set(k, [resource]);
  }
  return [...byVerbs.entries()].map(([k, resources]) => {
    const [subject, scope, verbs] = k.split('\u0000');
    return `${subject} ${gained ? 'gain' : 'lose'} ${verbs} on ${resources.sort().join(', ')} ${scope}`;
  });
}

const VERB_ORDER = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
function compareVerbs(a: string, b: string): number {
  const ia = VERB_ORDER.indexOf(a);
  const ib = VERB_ORDER.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The app a pod belongs to: its `cluster-estate.io/app` label, or its workload. */
function appOf(pod: Endpoint): string {
  return pod.labels?.[LABEL_APP] ?? pod.name;
}

/** Every `caller \0 app \0 port` pair of a target whose NetworkPolicies allow the call, on the ports Services expose. */
function reachablePairs(objects: readonly KubeObject[]): Set<string> {
  const evaluator = new NetworkPolicyEvaluator(objects);
  const pods = podEndpoints(objects);
  const services = objects.filter((o) => o.kind === 'Service');
  const out = new Set<string>();
  for (const destination of pods) {
    const ports = new Set<number>();
    for (const s of services) {
      if (s.metadata.namespace !== destination.namespace) continue;
      const spec = ((s as Record<string, unknown>).spec ?? {}) as Record<string, unknown>;
      const selector = (spec.selector ?? {}) as Record<string, string>;
      const keys = Object.keys(selector);
      if (keys.length === 0 || keys.some((k) => destination.labels?.[k] !== selector[k])) continue;
      for (const p of Array.isArray(spec.ports) ? (spec.ports as Record<string, unknown>[]) : []) {
        const target = p.targetPort ?? p.port;
        const number = typeof target === 'number' ? target : destination.ports?.find((x) => x.name === target)?.port;
        if (number !== undefined && (p.protocol ?? 'TCP') === 'TCP') ports.add(number);
      }
    }
    for (const source of pods) {
      if (appOf(source) === appOf(destination)) continue;
      for (const port of ports) {
        const key = [appOf(source), appOf(destination), port].join('\u0000');
        if (!out.has(key) && evaluator.check(source, destination, port).allowed) out.add(key);
      }
    }
  }
  return out;
}

/** The access changes between two sides, or undefined when no access-relevant object changes. */
export function accessDelta(base: Snapshot, head: Snapshot, changes: readonly ObjectChange[], cache = new DocumentCache()): AccessDelta | undefined {
  const rbacTargets = new Set(changes.filter((c) => RBAC_KINDS.has(c.ref.kind)).map((c) => c.target));
  const networkTargets = new Set(changes.filter((c) => NETWORK_KINDS.has(c.ref.kind) && c.ref.kind !== 'Pod').map((c) => c.target));
  if (rbacTargets.size === 0 && networkTargets.size === 0) return undefined;
  const lines = new Map<string, { kind: AccessChange['kind']; widening: boolean; targets: string[] }>();
  const add = (kind: AccessChange['kind'], widening: boolean, text: string, target: string) => {
    const key = `${kind}\u0000${widening}\u0000${text}`;
    const entry = lines.get(key);
    if (entry) entry.targets.push(target);
    else lines.set(key, { kind, widening, targets: [target] });
  };
  for (const target of [...rbacTargets].sort()) {
    const before = grants(targetObjects(base, target, RBAC_KINDS, cache));
    const after = grants(targetObjects(head, target, RBAC_KINDS, cache));
    for (const t of grantLines([...after].filter((g) => !before.has(g)), true)) add('rbac', true, t, target);
    for (const t of grantLines([...before].filter((g) => !after.has(g)), false)) add('rbac', false, t, target);
  }
  for (const target of [...networkTargets].sort()) {
    const before = reachablePairs(targetObjects(base, target, NETWORK_KINDS, cache));
    const after = reachablePairs(targetObjects(head, target, NETWORK_KINDS, cache));
    const phrase = (keys: string[], now: boolean) => {
      const byPair = new Map<string, number[]>();
      for (const k of keys) {
        const [from, to, port] = k.split('\u0000');
        const pair = `${to}\u0000${from}`;
        const list = byPair.get(pair);
        if (list) list.push(Number(port));
        else byPair.set(pair, [Number(port)]);
      }
      for (const [pair, ports] of byPair) {
        const [to, from] = pair.split('\u0000');
        ports.sort((a, b) => a - b);
        add('network', now, `${to} ${now ? 'now reachable' : 'no longer reachable'} from ${from} on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`, target);
      }
    };
    phrase([...after].filter((p) => !before.has(p)), true);
    phrase([...before].filter((p) => !after.has(p)), false);
  }
  const out: AccessChange[] = [...lines.entries()].map(([key, v]) => ({ kind: v.kind, widening: v.widening, text: key.split('\u0000')[2], targets: v.targets }))
    .sort((a, b) => Number(b.widening) - Number(a.widening)
      || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)
      || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  if (out.length === 0) return undefined;
  return { changes: out, widened: out.filter((c) => c.widening).length, narrowed: out.filter((c) => !c.widening).length };
}


/** `### Access changes`: widenings (needing review) first, then narrowings; nothing when access does not change. */
export function accessSection(report: { readonly access?: AccessDelta }, code: Code, cap = 40): string[] {
  const a = report.access;
  if (!a) return [];
  const line = (c: AccessChange) => `- ${c.text} — ${stacksText(c.targets, code)}`;
  return [
    `### Access changes (${a.changes.length})`, '',
    ...cappedList('Widened access — needs review', a.changes.filter((c) => c.widening), cap, line),
    ...cappedList('Narrowed access', a.changes.filter((c) => !c.widening), cap, line),
  ];
}
