/**
 * Where Istio would send one HTTP request, given a VirtualService, as istio.io documents `HTTPRoute` matching:
 * - `http[]` is evaluated in order and the FIRST rule that matches wins;
 * - a rule without `match` matches every request; the entries of `match[]` are ORed, and the conditions inside one
 *   entry ANDed;
 * - `headers.<name>` is `exact`, `prefix` or `regex` (RE2, matched against the whole value); header names are matched
 *   lowercase; `withoutHeaders` inverts the same conditions; `uri` is `exact`, `prefix` or `regex` on the path;
 * - the destinations of the chosen rule share traffic by `weight`, relative to their sum; a lone destination without a
 *   weight takes everything.
 */
export interface HttpRequest {
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The chosen rule and each destination subset's share of requests like this one, 0 to 1. */
export interface RouteDecision {
  readonly rule?: string;
  readonly index: number;
  readonly shares: Readonly<Record<string, number>>;
}

type StringMatch = { exact?: string; prefix?: string; regex?: string };

function stringMatches(m: StringMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  return true; // `{}`: the header must be present
}

function entryMatches(entry: Record<string, unknown>, request: HttpRequest): boolean {
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
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
  const http = (((virtualService as { spec?: unknown }).spec as { http?: unknown[] } | undefined)?.http ?? []) as Record<string, unknown>[];
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
    return { rule: rule.name as string | undefined, index, shares };
  }
  throw new Error('no route matches the request: Istio answers 404');
}
