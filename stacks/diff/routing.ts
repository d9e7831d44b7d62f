/**
 * What a change does to the service mesh's routing, in words a reviewer reads without opening YAML: canary weights
 * ("order-api: gray 5% → 20%"), lane membership ("lane gray: +payment-worker"), routes and rules added or removed,
 * match conditions gained and lost, and mutual-TLS modes. Read from Istio's objects as Istio documents them
 * (networking.istio.io, security.istio.io), so hand-written routes read the same as synthesized ones.
 *
 * A change that makes a route send traffic to a subset no pod serves (no workload of the head whose pods run until
 * replaced carries the Service's selector and the subset's labels) is destructive: Envoy answers 503 for that share.
 *
 * Only stacks where a routing-relevant object changes are read; there, every such object of both sides is.
 */
import type { KubeObject } from '../../constructs';
import { asArray, field, isObject, LONG_RUNNING_KINDS, podLabels, podTemplateOf, stringMap } from '../../policies/engine/kube';
import { meshHostKey } from '../../policies/engine/mesh';
import { ObjectChange } from './model';
import { cappedList, Code, stacksText } from './render-lists';
import { DocumentCache, Snapshot, targetObjects, targetOf } from './snapshot';

/** One routing change, in words, with the stacks (clusters) where it happens. */
export interface RoutingChange {
  readonly kind: 'weight' | 'lane' | 'route' | 'match' | 'mtls';
  /** The change in words, without the stacks. */
  readonly text: string;
  readonly targets: readonly string[];
  /** Why the change is destructive (traffic sent to a subset without endpoints), when it is. */
  readonly destructive?: string;
}

/** Every routing change of a diff: destructive ones first. */
export interface RoutingDelta {
  readonly changes: readonly RoutingChange[];
  /** How many changes (lines) are destructive; counted in the verdict. */
  readonly destructive: number;
}

/** Workloads whose pods serve a Service until replaced (a Job's pods do not). */
const SERVING_KINDS = new Set<string>([...LONG_RUNNING_KINDS, 'Pod']);
const ROUTING_KINDS = new Set(['VirtualService', 'DestinationRule', 'PeerAuthentication', 'Service', ...SERVING_KINDS]);
const LABEL_APP = 'cluster-estate.io/app';
/** Istio's default root namespace: a PeerAuthentication without selector there is mesh-wide. */
const ROOT_NAMESPACE = 'istio-system';
const KIND_ORDER: readonly RoutingChange['kind'][] = ['weight', 'lane', 'route', 'match', 'mtls'];

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a host key names a Kubernetes Service (`name.ns`). */
function serviceOfKey(key: string): { name: string; namespace: string } | undefined {
  const parts = key.split('.');
  return parts.length === 2 && !key.includes('*') ? { name: parts[0], namespace: parts[1] } : undefined;
}

/** The app a routing object belongs to, as reviewers name it: its app label, else its name. */
function appOf(o: KubeObject): string {
  return o.metadata.labels?.[LABEL_APP] ?? o.metadata.name;
}

interface Destination {
  readonly host: string;
  readonly subset?: string;
  /** Share of the rule's traffic, in percent. */
  readonly share: number;
}

interface Rule {
  /** The rule's name, else `rule <n>`. */
  readonly id: string;
  readonly named: boolean;
  /** Conditions in words (`x-lane=gray`); empty for a catch-all. */
  readonly conditions: readonly string[];
  readonly destinations: readonly Destination[];
  /** Lane values this rule routes by (a header or source label whose key names a lane). */
  readonly lanes: readonly string[];
}

/** One condition of a match, in words: `x-lane=gray`, `uri^=/api`, `from lane=gray`. */
function conditionText(match: unknown): string {
  if (!isObject(match)) return JSON.stringify(match);
  const parts: string[] = [];
  const value = (v: unknown): string => {
    if (!isObject(v)) return `=${JSON.stringify(v)}`;
    if (typeof v.exact === 'string') return `=${v.exact}`;
    if (typeof v.prefix === 'string') return `^=${v.prefix}`;
    if (typeof v.regex === 'string') return `~${v.regex}`;
    return `=${JSON.stringify(v)}`;
  };
  for (const key of Object.keys(match).sort()) {
    const v = match[key];
    if (key === 'name') continue;
    if ((key === 'headers' || key === 'queryParams' || key === 'withoutHeaders') && isObject(v)) {
      for (const h of Object.keys(v).sort()) parts.push(`${key === 'withoutHeaders' ? 'no ' : key === 'queryParams' ? '?' : ''}${h}${key === 'withoutHeaders' ? '' : value(v[h])}`);
    } else if (key === 'sourceLabels' && isObject(v)) {
      for (const l of Object.keys(v).sort()) parts.push(`from ${l}=${String(v[l])}`);
    } else if (key === 'uri' || key === 'authority' || key === 'method' || key === 'scheme') {
      parts.push(`${key}${value(v)}`);
    } else {
      parts.push(`${key}=${JSON.stringify(v)}`);
    }
  }
  return parts.join(' & ') || 'everything';
}

function lanesOf(match: unknown): string[] {
  const out: string[] = [];
  const headers = stringMap(Object.fromEntries(Object.entries(isObject(field(match, 'headers')) ? field(match, 'headers') as Record<string, unknown> : {}).map(([k, v]) => [k, field(v, 'exact')])));
  for (const [k, v] of Object.entries(headers)) if (/lane/i.test(k)) out.push(v);
  for (const [k, v] of Object.entries(stringMap(field(match, 'sourceLabels')))) if (/lane/i.test(k)) out.push(v);
  return out;
}

function rulesOf(vs: KubeObject): Rule[] {
  const ns = vs.metadata.namespace;
  const out: Rule[] = [];
  for (const section of ['http', 'tcp', 'tls']) {
    asArray(field(vs, `spec.${section}`)).forEach((r, i) => {
      if (!isObject(r)) return;
      const routes = asArray(r.route).filter(isObject);
      const weights = routes.map((d) => (typeof d.weight === 'number' && d.weight > 0 ? d.weight : 0));
      const sum = weights.reduce((a, b) => a + b, 0);
      const destinations = routes.map((d, j) => ({
        host: meshHostKey(String(field(d, 'destination.host') ?? ''), ns),
        ...(typeof field(d, 'destination.subset') === 'string' ? { subset: field(d, 'destination.subset') as string } : {}),
        // A lone destination takes everything whatever its weight; Istio reads several weights as relative shares.
        share: routes.length === 1 ? 100 : sum === 0 ? 0 : Math.round((weights[j] / sum) * 10000) / 100,
      }));
      const matches = asArray(r.match);
      const named = typeof r.name === 'string' && r.name !== '';
      out.push({
        id: named ? String(r.name) : `${section} rule ${i + 1}`,
        named,
        conditions: matches.map(conditionText),
        destinations,
        lanes: [...new Set(matches.flatMap(lanesOf))].sort(),
      });
    });
  }
  return out;
}

/** How a destination is named: its subset for the route's own host, `host/subset` for another host. */
function destinationName(d: Destination, ownHost: string): string {
  const host = serviceOfKey(d.host)?.name ?? d.host;
  if (d.host === ownHost) return d.subset ?? 'all pods';
  return d.subset ? `${host}/${d.subset}` : host;
}

function pct(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(2).replace(/0+$/, '')}%`;
}

/** Whether a target's files on one side hold any Istio object (a text search for written files). */
function mentionsIstio(side: Snapshot, target: string): boolean {
  return side.files.some((f) => targetOf(f) === target && (f.text !== undefined
    ? f.text.includes('.istio.io/')
    : (f.objects ?? []).some((o) => typeof o.apiVersion === 'string' && o.apiVersion.includes('.istio.io/'))));
}

/** The objects of one target's side, of the kinds routing reads. */
function keyOf(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** A side's objects with the lookups the endpoint check needs. */
class SideView {
  public readonly byKey = new Map<string, KubeObject>();
  private readonly subsetLabels = new Map<string, Map<string, Record<string, string>>>();

  constructor(public readonly objects: readonly KubeObject[]) {
    for (const o of objects) this.byKey.set(keyOf(o), o);
    for (const dr of objects.filter((o) => o.kind === 'DestinationRule')) {
      const host = field(dr, 'spec.host');
      if (typeof host !== 'string') continue;
      const key = meshHostKey(host, dr.metadata.namespace);
      const subsets = this.subsetLabels.get(key) ?? new Map<string, Record<string, string>>();
      for (const s of asArray(field(dr, 'spec.subsets'))) if (isObject(s) && typeof s.name === 'string') subsets.set(s.name, stringMap(s.labels));
      this.subsetLabels.set(key, subsets);
    }
  }

  public ofKind(kind: string): KubeObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  /**
   * Why a destination has no endpoints on this side, or undefined when pods serve it (or when it cannot be judged:
   * an external host, or a host whose Service is not among the objects).
   */
  public noEndpoints(d: Destination): string | undefined {
    const svc = serviceOfKey(d.host);
    if (!svc) return undefined;
    const service = this.byKey.get(`Service/${svc.namespace}/${svc.name}`);
    if (d.subset === undefined && !service) return undefined;
    let labels: Record<string, string> = service ? stringMap(field(service, 'spec.selector')) : {};
    if (d.subset !== undefined) {
      const subset = this.subsetLabels.get(d.host)?.get(d.subset);
      if (!subset) return `no DestinationRule defines subset ${d.subset} of ${svc.name}`;
      labels = { ...labels, ...subset };
    }
    const wanted = Object.entries(labels);
    const serving = this.objects.some((o) => {
      if (!SERVING_KINDS.has(o.kind) || (o.metadata.namespace ?? '') !== svc.namespace) return false;
      if (field(o, 'spec.replicas') === 0) return false;
      const template = podTemplateOf(o);
      const pod = template ? podLabels(template) : {};
      return wanted.every(([k, v]) => pod[k] === v);
    });
    if (serving) return undefined;
    return `no workload in ${svc.namespace} has pods labelled ${wanted.map(([k, v]) => `${k}=${v}`).sort().join(', ') || '(nothing)'}`;
  }
}

/** Where traffic goes on one side: `vsKey \0 rule \0 destination` → what sends it there, in words. */
function trafficOf(view: SideView): Map<string, { app: string; text: string; d: Destination }> {
  const out = new Map<string, { app: string; text: string; d: Destination }>();
  for (const vs of view.ofKind('VirtualService')) {
    const own = meshHostKey(String(asArray(field(vs, 'spec.hosts'))[0] ?? ''), vs.metadata.namespace);
    for (const rule of rulesOf(vs)) {
      for (const d of rule.destinations) {
        if (d.share <= 0) continue;
        const key = `${keyOf(vs)}\u0000${rule.id}\u0000${d.host}\u0000${d.subset ?? ''}`;
        if (out.has(key)) continue;
        const which = rule.conditions.length > 0 ? `requests matching ${rule.named ? `rule "${rule.id}"` : rule.id}` : `${pct(d.share)} of its ${rule.named ? `"${rule.id}"` : 'default'} traffic`;
        out.set(key, { app: appOf(vs), text: `sends ${which} to ${destinationName(d, own)}`, d });
      }
    }
  }
  return out;
}

function peerAuthScope(pa: KubeObject): string {
  const selector = stringMap(field(pa, 'spec.selector.matchLabels'));
  if (Object.keys(selector).length === 0) return pa.metadata.namespace === ROOT_NAMESPACE ? 'mesh-wide' : `namespace ${pa.metadata.namespace ?? ''}`;
  const app = selector[LABEL_APP];
  return app ? `${app} in ${pa.metadata.namespace ?? ''}` : `${pa.metadata.namespace ?? ''} pods ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}`;
}

function mtlsModes(pa: KubeObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!pa) return out;
  const mode = field(pa, 'spec.mtls.mode');
  out.set('', typeof mode === 'string' ? mode : 'UNSET');
  const ports = field(pa, 'spec.portLevelMtls');
  if (isObject(ports)) for (const p of Object.keys(ports)) out.set(p, String(field(ports[p], 'mode') ?? 'UNSET'));
  return out;
}

/** The routing changes of one target, as `[kind, text, destructive?]`. */
function targetChanges(base: SideView, head: SideView): { kind: RoutingChange['kind']; text: string; destructive?: string }[] {
  const out: { kind: RoutingChange['kind']; text: string; destructive?: string }[] = [];
  const vsKeys = [...new Set([...base.ofKind('VirtualService'), ...head.ofKind('VirtualService')].map(keyOf))].sort();
  const lanes = { before: new Map<string, Set<string>>(), after: new Map<string, Set<string>>() };
  const addLane = (map: Map<string, Set<string>>, lane: string, app: string) => {
    const set = map.get(lane) ?? new Set<string>();
    set.add(app);
    map.set(lane, set);
  };
  for (const key of vsKeys) {
    const b = base.byKey.get(key);
    const h = head.byKey.get(key);
    const app = appOf((h ?? b)!);
    for (const r of b ? rulesOf(b) : []) for (const l of r.lanes) addLane(lanes.before, l, app);
    for (const r of h ? rulesOf(h) : []) for (const l of r.lanes) addLane(lanes.after, l, app);
    if (!b) {
      out.push({ kind: 'route', text: `${app}: routes added (VirtualService ${h!.metadata.namespace}/${h!.metadata.name})` });
      continue;
    }
    if (!h) {
      out.push({ kind: 'route', text: `${app}: routes removed (VirtualService ${b.metadata.namespace}/${b.metadata.name}); requests spread over every pod behind the Service` });
      continue;
    }
    const own = meshHostKey(String(asArray(field(h, 'spec.hosts'))[0] ?? ''), h.metadata.namespace);
    const before = new Map(rulesOf(b).map((r) => [r.id, r]));
    const after = new Map(rulesOf(h).map((r) => [r.id, r]));
    for (const [id, r] of after) if (!before.has(id)) out.push({ kind: 'route', text: `${app}: rule "${id}" added${r.conditions.length > 0 ? ` (matches ${r.conditions.join(' or ')})` : ''}` });
    for (const id of before.keys()) if (!after.has(id)) out.push({ kind: 'route', text: `${app}: rule "${id}" removed` });
    // Only name the rule of a weight change when the route has more than one split.
    const splits = [...after.values()].filter((r) => r.destinations.length > 1).length;
    for (const [id, ra] of after) {
      const rb = before.get(id);
      if (!rb) continue;
      const gained = ra.conditions.filter((c) => !rb.conditions.includes(c));
      const lost = rb.conditions.filter((c) => !ra.conditions.includes(c));
      if (gained.length + lost.length > 0) {
        const words = [...gained.map((c) => `+${c}`), ...lost.map((c) => `−${c}`)].join(', ');
        out.push({ kind: 'match', text: ra.conditions.length === 0 ? `${app}: rule "${id}" now takes every request (was ${rb.conditions.join(' or ')})` : `${app}: rule "${id}" matches ${words}` });
      }
      // Weights: a share that moved, per destination; with a two-way split, the side that is not the baseline says it all.
      const shares = (r: Rule) => new Map(r.destinations.map((d) => [destinationName(d, own), d.share]));
      const sb = shares(rb);
      const sa = shares(ra);
      const moved = [...new Set([...sb.keys(), ...sa.keys()])].filter((n) => (sb.get(n) ?? 0) !== (sa.get(n) ?? 0));
      // The baseline is `stable`, or `<app>/stable` on a route to another app's host (a gateway's).
      const isBaseline = (n: string) => n === 'stable' || n.endsWith('/stable');
      const hostOf = (n: string) => n.slice(0, Math.max(0, n.lastIndexOf('/')));
      const sameHost = moved.length === 2 && hostOf(moved[0]) === hostOf(moved[1]);
      const shown = sameHost && moved.filter(isBaseline).length === 1 ? moved.filter((n) => !isBaseline(n)) : moved;
      const suffix = ra.conditions.length > 0 || splits > 1 ? ` (rule "${id}")` : '';
      for (const n of shown.sort()) out.push({ kind: 'weight', text: `${app}: ${n} ${pct(sb.get(n) ?? 0)} → ${pct(sa.get(n) ?? 0)}${suffix}` });
    }
  }
  for (const lane of [...new Set([...lanes.before.keys(), ...lanes.after.keys()])].sort()) {
    const b = lanes.before.get(lane) ?? new Set<string>();
    const a = lanes.after.get(lane) ?? new Set<string>();
    const words = [...[...a].filter((x) => !b.has(x)).sort().map((x) => `+${x}`), ...[...b].filter((x) => !a.has(x)).sort().map((x) => `−${x}`)];
    if (words.length > 0) out.push({ kind: 'lane', text: `lane ${lane}: ${words.join(', ')}` });
  }

  // Mutual TLS: the mode of each PeerAuthentication (and its ports), and the client TLS a DestinationRule forces.
  const paKeys = [...new Set([...base.ofKind('PeerAuthentication'), ...head.ofKind('PeerAuthentication')].map(keyOf))].sort();
  for (const key of paKeys) {
    const b = base.byKey.get(key);
    const h = head.byKey.get(key);
    const scope = peerAuthScope((h ?? b)!);
    const mb = mtlsModes(b);
    const ma = mtlsModes(h);
    for (const port of [...new Set([...mb.keys(), ...ma.keys()])].sort((x, y) => Number(x || -1) - Number(y || -1))) {
      const from = mb.get(port);
      const to = ma.get(port);
      if (from === to) continue;
      const where = port === '' ? `mTLS ${scope}` : `mTLS ${scope} port ${port}`;
      out.push({ kind: 'mtls', text: from === undefined ? `${where}: ${to} (new)` : to === undefined ? `${where}: ${from} removed (inherits from the level above)` : `${where}: ${from} → ${to}` });
    }
  }
  const drKeys = [...new Set([...base.ofKind('DestinationRule'), ...head.ofKind('DestinationRule')].map(keyOf))].sort();
  for (const key of drKeys) {
    const b = base.byKey.get(key);
    const h = head.byKey.get(key);
    if (!b || !h) continue;
    const from = String(field(b, 'spec.trafficPolicy.tls.mode') ?? 'auto');
    const to = String(field(h, 'spec.trafficPolicy.tls.mode') ?? 'auto');
    if (from !== to) out.push({ kind: 'mtls', text: `${appOf(h)}: client TLS ${from} → ${to}` });
  }

  // Traffic newly sent where no pod serves it.
  const was = trafficOf(base);
  for (const [key, now] of trafficOf(head)) {
    const reason = head.noEndpoints(now.d);
    if (!reason) continue;
    const previously = was.get(key);
    if (previously && base.noEndpoints(previously.d)) continue;
    out.push({ kind: 'route', text: `${now.app}: ${now.text}, which no pod serves`, destructive: `${reason}: those requests get 503` });
  }
  return out;
}

/** The routing changes between two sides, or undefined when no routing-relevant object changes. */
export function routingDelta(
  base: Snapshot,
  head: Snapshot,
  changes: readonly ObjectChange[],
  cache = new DocumentCache(),
): RoutingDelta | undefined {
  const targets = [...new Set(changes.filter((c) => ROUTING_KINDS.has(c.ref.kind)).map((c) => c.target))].sort();
  if (targets.length === 0) return undefined;
  const lines = new Map<string, { kind: RoutingChange['kind']; text: string; destructive?: string; targets: string[] }>();
  for (const target of targets) {
    // Workload or Service changes matter only where the mesh routes: a target without Istio objects on either side is
    // not parsed (on a large estate most image bumps land there).
    if (!mentionsIstio(base, target) && !mentionsIstio(head, target)) continue;
    const before = new SideView(targetObjects(base, target, ROUTING_KINDS, cache));
    const after = new SideView(targetObjects(head, target, ROUTING_KINDS, cache));
    for (const c of targetChanges(before, after)) {
      const key = `${c.kind}\u0000${c.text}\u0000${c.destructive ?? ''}`;
      const entry = lines.get(key);
      if (entry) entry.targets.push(target);
      else lines.set(key, { ...c, targets: [target] });
    }
  }
  const out: RoutingChange[] = [...lines.values()]
    .map((v) => ({ kind: v.kind, text: v.text, targets: v.targets, ...(v.destructive ? { destructive: v.destructive } : {}) }))
    .sort((a, b) => Number(b.destructive !== undefined) - Number(a.destructive !== undefined)
      || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
      || cmp(a.text, b.text));
  if (out.length === 0) return undefined;
  return { changes: out, destructive: out.filter((c) => c.destructive).length };
}

/** `### Routing changes`: destructive ones (traffic to no endpoints) first, then the rest; nothing when routing does not change. */
export function routingSection(report: { readonly routing?: RoutingDelta }, code: Code, cap = 40): string[] {
  const r = report.routing;
  if (!r) return [];
  const line = (c: RoutingChange) => `- ${c.text}${c.destructive ? ` — ${c.destructive}` : ''} — ${stacksText(c.targets, code)}`;
  return [
    `### Routing changes (${r.changes.length})`, '',
    ...cappedList('Traffic to no endpoints — destructive', r.changes.filter((c) => c.destructive), cap, line),
    ...cappedList('Routes, weights, lanes and mTLS', r.changes.filter((c) => !c.destructive), cap, line),
  ];
}
