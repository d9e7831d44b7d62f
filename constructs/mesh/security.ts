import type { AppInstancePlan } from '../apps/instance-plan';
import { LABEL_APP, MANAGED_BY, APP_MANAGED_BY } from '../apps/labels';
import { ProblemCollector } from '../estate/problems';
import type { KubeObject } from '../synth/kube-object';
import { CallerKind, CallerSpec } from '../tenancy/access';

/** End-user tokens an app demands (a RequestAuthentication and the authorization rule that refuses requests without one). */
export interface JwtProps {
  /** The token issuer (`iss`), for example `https://login.example.com`. */
  readonly issuer: string;
  /** Where the issuer publishes its keys, an https URL. */
  readonly jwksUri: string;
  /** Accepted audiences (`aud`). @default - any audience */
  readonly audiences?: string[];
  /** The header carrying the token, and its prefix. @default - `Authorization: Bearer <token>` */
  readonly fromHeader?: { readonly name: string; readonly prefix?: string };
  /** Passes the token on to the app. @default false */
  readonly forwardOriginalToken?: boolean;
}

/** A JWT requirement with every default applied. Plain data. */
export interface JwtSpec {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audiences: readonly string[];
  readonly fromHeader?: { readonly name: string; readonly prefix?: string };
  readonly forwardOriginalToken: boolean;
}

/** @internal */
export function resolveJwt(p: JwtProps): JwtSpec {
  return {
    issuer: p.issuer,
    jwksUri: p.jwksUri,
    audiences: [...(p.audiences ?? [])],
    ...(p.fromHeader ? { fromHeader: { ...p.fromHeader } } : {}),
    forwardOriginalToken: p.forwardOriginalToken ?? false,
  };
}

/** @internal */
export function checkJwt(path: string, jwt: JwtSpec, callers: readonly CallerSpec[], problems: ProblemCollector): void {
  if (typeof jwt.issuer !== 'string' || jwt.issuer.length === 0 || /[\s*]/.test(jwt.issuer)) problems.error({
    path,
    rule: 'require-jwt',
    message: 'the issuer must be a non-empty string without spaces or "*"',
    fix: 'use the issuer\'s `iss`, such as "https://login.example.com"',
    value: jwt.issuer,
  });
  let url: URL | undefined;
  try { url = new URL(jwt.jwksUri); } catch { url = undefined; }
  if (!url || url.protocol !== 'https:') problems.error({
    path,
    rule: 'require-jwt',
    message: 'jwksUri must be an https URL (the keys that sign the tokens must not travel in clear)',
    fix: 'use the issuer\'s JWKS address, such as "https://login.example.com/.well-known/jwks.json"',
    value: jwt.jwksUri,
  });
  if (jwt.fromHeader && !/^[A-Za-z0-9-]+$/.test(jwt.fromHeader.name)) problems.error({
    path,
    rule: 'require-jwt',
    message: 'fromHeader.name must be a header name',
    fix: 'use "Authorization"',
    value: jwt.fromHeader.name,
  });
  if (callers.length === 0) problems.error({
    path,
    rule: 'require-jwt',
    message: 'requireJwt without callers: the authorization that refuses token-less requests is written per caller, and the app has none',
    fix: 'list who may call the app (access.allowFrom)',
    value: 0,
  });
}

const METHOD = /^[A-Z]+$/;
const PATH = /^(\*|\/[^\s*]*\*?|\*[^\s*]+)$/;

/** Checks the L7 parts of callers (methods, paths), which only the mesh enforces. @internal */
export function checkCallerOperations(path: string, callers: readonly CallerSpec[], problems: ProblemCollector): void {
  for (const c of callers) {
    for (const m of c.methods ?? []) if (!METHOD.test(m)) problems.error({
      path,
      rule: 'caller-operation',
      message: `method "${m}" must be an uppercase HTTP method`,
      fix: 'use GET, POST, ...',
      value: m,
    });
    for (const p of c.paths ?? []) if (!PATH.test(p)) problems.error({
      path,
      rule: 'caller-operation',
      message: `path "${p}" must be exact, a prefix ending in "*", a suffix starting with "*", or "*"`,
      fix: 'use a path such as "/api/orders/*"',
      value: p,
    });
  }
}

/** The SPIFFE-style principal suffix of a caller: `<namespace>/<service account>` (AuthorizationPolicy `serviceAccounts`). */
function sources(c: CallerSpec, namespaceOf: (app: string) => string | undefined): Record<string, unknown> | undefined {
  switch (c.kind) {
    case CallerKind.APP: {
      const ns = namespaceOf(c.name!);
      return ns === undefined ? undefined : { serviceAccounts: [`${ns}/${c.name}`] };
    }
    case CallerKind.NAMESPACE:
    case CallerKind.INGRESS_GATEWAY:
      return { namespaces: [c.name!] };
    case CallerKind.LOAD_BALANCER:
      return { ipBlocks: [...(c.sourceRanges ?? [])] };
    default:
      return undefined;
  }
}

/**
 * The app's access intent at L7: an ALLOW AuthorizationPolicy with one rule per caller (who, and on which ports,
 * methods and paths) and, with `requireJwt`, a RequestAuthentication plus `requestPrincipals` in every rule, so a
 * request without a valid token matches no rule and is refused. Nothing when the app declares no caller: an ALLOW
 * policy without rules would deny everything, which only `MeshProps.denyAll` may say.
 * @internal
 */
export function renderAuthorization(plan: AppInstancePlan, namespaceOf: (app: string) => string | undefined): KubeObject[] {
  const spec = plan.spec;
  const m = spec.mesh!;
  const callers = spec.access.allowFrom;
  const metadata = { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels } };
  const selector = { matchLabels: { [LABEL_APP]: spec.name } };
  const objects: KubeObject[] = [];
  const jwt = m.requireJwt;
  if (jwt) {
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata,
      spec: {
        selector,
        jwtRules: [{
          issuer: jwt.issuer,
          jwksUri: jwt.jwksUri,
          ...(jwt.audiences.length > 0 ? { audiences: [...jwt.audiences] } : {}),
          ...(jwt.fromHeader ? { fromHeaders: [{
            name: jwt.fromHeader.name,
            ...(jwt.fromHeader.prefix !== undefined ? { prefix: jwt.fromHeader.prefix } : {})
          }] } : {}),
          ...(jwt.forwardOriginalToken ? { forwardOriginalToken: true } : {}),
        }],
      },
    });
  }
  if (callers.length === 0) return objects;
  const portNumber = new Map(spec.ports.map((p) => [p.name, String(p.port)]));
  const rules = callers.flatMap((c) => {
    const source = sources(c, namespaceOf);
    if (!source) return [];
    if (jwt) source.requestPrincipals = [`${jwt.issuer}/*`];
    const operation = {
      ...(c.ports ? { ports: c.ports.map((p) => portNumber.get(p)).filter((p): p is string => p !== undefined) } : {}),
      ...(c.methods && c.methods.length > 0 ? { methods: [...c.methods] } : {}),
      ...(c.paths && c.paths.length > 0 ? { paths: [...c.paths] } : {}),
    };
    return [{ from: [{ source }], ...(Object.keys(operation).length > 0 ? { to: [{ operation }] } : {}) }];
  });
  if (rules.length > 0) objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata, spec: { selector, action: 'ALLOW', rules } });
  return objects;
}

/** An explicit deny-all of a namespace: an ALLOW policy with no rule matches nothing. @internal */
export function renderDenyAll(namespace: string): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'deny-all', namespace, labels: { [APP_MANAGED_BY]: MANAGED_BY } },
    spec: {},
  };
}
