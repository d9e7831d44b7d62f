/** Reading Istio's networking objects (`networking.istio.io`) for the mesh rules. */
import type { KubeObject } from '../../constructs';
import { asArray, field, isObject, namespaceOf, stringMap } from './kube';

/** The cluster domain short hosts are completed with. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/**
 * A host as Istio resolves it for an object in `namespace`: `name` → `name.<namespace>.svc.cluster.local`,
 * `name.ns` → `name.ns.svc.cluster.local`; a FQDN, a wildcard or an external host stays as it is.
 */
export function qualifiedHost(host: string, namespace: string | undefined): string {
  if (host.includes('*')) return host;
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${namespace ?? 'default'}.svc.${DEFAULT_CLUSTER_DOMAIN}`;
  if (labels.length === 2) return `${host}.svc.${DEFAULT_CLUSTER_DOMAIN}`;
  return host;
}

/** One destination of a VirtualService route: which rule, which position, and where it sends traffic. */
export interface RouteDestination {
  readonly protocol: 'http' | 'tcp' | 'tls';
  readonly rule: number;
  readonly ruleName?: string;
  readonly host: string;
  readonly subset?: string;
  readonly weight?: unknown;
}

/** The routes of a VirtualService, per protocol section, each with its destinations. */
export function routesOf(vs: KubeObject): { protocol: RouteDestination['protocol']; rule: number; ruleName?: string; destinations: RouteDestination[] }[] {
  const out: { protocol: RouteDestination['protocol']; rule: number; ruleName?: string; destinations: RouteDestination[] }[] = [];
  const ns = namespaceOf(vs);
  for (const protocol of ['http', 'tcp', 'tls'] as const) {
    asArray(field(vs, `spec.${protocol}`)).forEach((r, i) => {
      if (!isObject(r)) return;
      const ruleName = typeof r.name === 'string' ? r.name : undefined;
      const destinations = asArray(r.route).filter(isObject).map((d) => ({
        protocol,
        rule: i + 1,
        ...(ruleName ? { ruleName } : {}),
        host: qualifiedHost(String(field(d, 'destination.host') ?? ''), ns),
        ...(typeof field(d, 'destination.subset') === 'string' ? { subset: field(d, 'destination.subset') as string } : {}),
        ...(d.weight !== undefined ? { weight: d.weight } : {}),
      }));
      out.push({ protocol, rule: i + 1, ...(ruleName ? { ruleName } : {}), destinations });
    });
  }
  return out;
}

/** How a route is named in a message: `http route 2 (default)`. */
export function routeLabel(r: { protocol: string; rule: number; ruleName?: string }): string {
  return `${r.protocol} route ${r.rule}${r.ruleName ? ` (${r.ruleName})` : ''}`;
}

/**
 * The subsets each host's DestinationRules define, by qualified host: each subset's labels by its name (the first
 * DestinationRule that defines a name wins).
 */
export function subsetsByHost(destinationRules: readonly KubeObject[]): Map<string, Map<string, Record<string, string>>> {
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const dr of destinationRules) {
    const host = field(dr, 'spec.host');
    if (typeof host !== 'string') continue;
    const key = qualifiedHost(host, namespaceOf(dr));
    const byName = out.get(key) ?? new Map<string, Record<string, string>>();
    for (const s of asArray(field(dr, 'spec.subsets'))) if (isObject(s) && typeof s.name === 'string' && !byName.has(s.name)) byName.set(s.name, stringMap(s.labels));
    out.set(key, byName);
  }
  return out;
}

/** Parses an Istio duration (`1h`, `30s`, `500ms`, `1.5s`, `100us`) into milliseconds; undefined when malformed. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  return n * unit[m[2]];
}
