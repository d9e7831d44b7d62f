/**
 * Where Istio would send one HTTP request, given a VirtualService, as istio.io documents `HTTPRoute` matching:
 * - `http[]` is evaluated in order and the FIRST rule that matches wins;
 * - a rule without `match` matches every request; the entries of `match[]` are ORed, and the conditions inside one
 *   entry ANDed;
 * - `headers.<name>` is `exact`, `prefix` or `regex` (RE2, matched against the whole value); header names are matched
 *   lowercase; `withoutHeaders` inverts the same conditions; `uri` is `exact`, `prefix` or `regex` on the path;
 *   `authority` the same on the Host/:authority; `sourceLabels` must all be labels of the calling workload;
 *   `gateways` in a match narrows it to requests arriving through those gateways (`mesh` = from a sidecar);
 * - a VirtualService applies only where it is bound: `spec.gateways` (default `[mesh]`) must list where the request
 *   arrives, and one of `spec.hosts` must be the request's authority when it is given;
 * - the chosen rule's `headers.request.set` rewrites request headers before they go upstream;
 * - the destinations of the chosen rule share traffic by `weight`, relative to their sum; a lone destination without a
 *   weight takes everything.
 */
import { serviceHost } from '../../policies/engine/mesh';

export interface HttpRequest {
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The Host/:authority. @default - not checked against hosts; matches no `authority` condition */
  readonly authority?: string;
  /** Labels of the calling workload (its pod's). @default {} */
  readonly sourceLabels?: Readonly<Record<string, string>>;
  /** Where the request arrives: `mesh` (a sidecar) or `<namespace>/<gateway>`. @default 'mesh' */
  readonly gateway?: string;
}

/** The chosen rule and each destination subset's share of requests like this one, 0 to 1. */
export interface RouteDecision {
  readonly rule?: string;
  readonly index: number;
  readonly shares: Readonly<Record<string, number>>;
  /** The destination hosts of the rule. */
  readonly hosts: readonly string[];
  /** The request headers as they go upstream (lowercase names), after `headers.request.set`. */
  readonly headers: Readonly<Record<string, string>>;
}

type StringMatch = { exact?: string; prefix?: string; regex?: string };

function stringMatches(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  return true; // `{}`: the header must be present
}

const lowerHeaders = (request: HttpRequest): Record<string, string> =>
  Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

function entryMatches(entry: Record<string, unknown>, request: HttpRequest): boolean {
  const headers = lowerHeaders(request);
  if (entry.authority !== undefined && !stringMatches(entry.authority as StringMatch, request.authority)) return false;
  for (const [k, v] of Object.entries((entry.sourceLabels ?? {}) as Record<string, string>)) if ((request.sourceLabels ?? {})[k] !== v) return false;
  if (entry.gateways !== undefined && !(entry.gateways as string[]).includes(request.gateway ?? 'mesh')) return false;
  for (const [name, m] of Object.entries((entry.headers ?? {}) as Record<string, StringMatch>)) {
    if (!stringMatches(m, headers[name.toLowerCase()])) return false;
  }
  for (const [name, m] of Object.entries((entry.withoutHeaders ?? {}) as Record<string, StringMatch>)) {
    if (stringMatches(m, headers[name.toLowerCase()])) return false;
  }
  if (entry.uri !== undefined && !stringMatches(entry.uri as StringMatch, request.path ?? '/')) return false;
  return true;
}

/** Routes `request` through the VirtualService's `spec.http`. Throws when no rule matches (Istio answers 404). */
export function routeRequest(virtualService: object, request: HttpRequest): RouteDecision {
  const spec = ((virtualService as { spec?: unknown }).spec ?? {}) as { http?: unknown[]; gateways?: string[]; hosts?: string[] };
  const where = request.gateway ?? 'mesh';
  if (!(spec.gateways ?? ['mesh']).includes(where)) throw new Error(`the VirtualService is not bound to ${where}: it does not apply`);
  // Istio's virtual hosts list each host with and without a port, so `host:443` reaches the VirtualService of `host`.
  if (request.authority !== undefined && !(spec.hosts ?? []).includes(request.authority.replace(/:[0-9]+$/, ''))) throw new Error(`the VirtualService does not serve host ${request.authority}`);
  const http = (spec.http ?? []) as Record<string, unknown>[];
  for (let index = 0; index < http.length; index++) {
    const rule = http[index];
    const match = rule.match as Record<string, unknown>[] | undefined;
    if (match !== undefined && match.length > 0 && !match.some((m) => entryMatches(m, request))) continue;
    const routes = (rule.route ?? []) as { destination: { subset?: string; host: string }; weight?: number }[];
    const weights = routes.map((r) => (r.weight === undefined && routes.length === 1 ? 100 : r.weight ?? 0));
    const total = weights.reduce((a, b) => a + b, 0);
    const shares: Record<string, number> = {};
    routes.forEach((r, i) => {
      const key = r.destination.subset ?? r.destination.host;
      shares[key] = (shares[key] ?? 0) + (total === 0 ? 0 : weights[i] / total);
    });
    const set = (((rule.headers as { request?: { set?: Record<string, string> } } | undefined)?.request?.set) ?? {});
    const headers = { ...lowerHeaders(request), ...Object.fromEntries(Object.entries(set).map(([k, v]) => [k.toLowerCase(), v])) };
    return { rule: rule.name as string | undefined, index, shares, hosts: [...new Set(routes.map((r) => r.destination.host))], headers };
  }
  throw new Error('no route matches the request: Istio answers 404');
}


/** The VirtualService of `objects` that applies to a request for `host` arriving at `gateway` (default `mesh`). */
export function virtualServiceFor(objects: readonly object[], host: string, gateway = 'mesh'): object {
  const found = objects.filter((o) => {
    const x = o as { kind?: string; spec?: { hosts?: string[]; gateways?: string[] } };
    return x.kind === 'VirtualService' && (x.spec?.hosts ?? []).includes(host) && (x.spec?.gateways ?? ['mesh']).includes(gateway);
  });
  if (found.length !== 1) throw new Error(`${found.length} VirtualServices serve ${host} at ${gateway}: expected exactly one`);
  return found[0];
}

/** A mesh host as `<service>.<namespace>` (short names resolved in `namespace`), or the host itself when external. */
function serviceKey(host: string, namespace: string | undefined): string {
  const svc = serviceHost(host, namespace);
  return svc ? `${svc.name}.${svc.namespace}` : host.toLowerCase();
}

/**
 * The DestinationRules (`DestinationRule/<namespace>/<name>`) of the hosts a VirtualService routes or mirrors to,
 * whatever their namespace: the subsets its routes need.
 */
type NamedObject = { kind: string; metadata: { name: string; namespace?: string } };
type RouteRule = { route?: { destination?: { host?: string } }[]; mirror?: { host?: string } };

export function destinationRulesRoutedBy(objects: readonly NamedObject[], vs: unknown): string[] {
  const o = vs as { metadata: { namespace?: string }; spec?: Record<string, RouteRule[]> };
  const hosts = new Set<string>();
  for (const protocol of ['http', 'tcp', 'tls']) {
    for (const rule of o.spec?.[protocol] ?? []) {
      for (const d of rule.route ?? []) if (d.destination?.host) hosts.add(serviceKey(d.destination.host, o.metadata.namespace));
      if (rule.mirror?.host) hosts.add(serviceKey(rule.mirror.host, o.metadata.namespace));
    }
  }
  return objects
    .filter((d) => d.kind === 'DestinationRule')
    .filter((d) => hosts.has(serviceKey((d as unknown as { spec: { host: string } }).spec.host, d.metadata.namespace)))
    .map((d) => `DestinationRule/${d.metadata.namespace}/${d.metadata.name}`)
    .sort();
}
