import type { KubeObject } from '../../../constructs';
import { asArray, describe, field, isObject, mapSelectorMatches, namespaceOf, podTemplatesIn, stringMap, WORKLOAD_KINDS } from '../../engine/kube';
import { ROOT_NAMESPACE_CONFIG } from '../../engine/mesh';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

function selectorOf(o: KubeObject): Record<string, string> {
  return stringMap(field(o, 'spec.selector.matchLabels'));
}

/** The targetRefs of a policy (`targetRef` and `targetRefs`), as comparable text. */
function targetRefsOf(o: KubeObject): string[] {
  return [field(o, 'spec.targetRef'), ...asArray(field(o, 'spec.targetRefs'))].filter(isObject)
    .map((r) => `${String(r.group ?? '')}/${String(r.kind ?? '')}/${String(r.namespace ?? namespaceOf(o) ?? '')}/${String(r.name ?? '')}`);
}

/** Condition keys that only a request carrying a valid token can satisfy (when they list values). */
const TOKEN_CONDITION = /^request\.auth\./;

/** The source fields that say who calls, as written in the rule (for messages). */
const SOURCE_FIELDS = ['principals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'serviceAccounts'] as const;

/**
 * Why an ALLOW rule admits a request without a token: undefined when it cannot (every `from` source names request
 * principals, or a `when` condition reads the token's claims), else the sources it admits them from. `from` entries
 * are ORed and the fields of one source ANDed, so one source without requestPrincipals is enough to let them in.
 */
function tokenlessSources(rule: unknown): string | undefined {
  if (!isObject(rule)) return undefined;
  if (asArray(rule.when).some((w) => typeof field(w, 'key') === 'string' && TOKEN_CONDITION.test(String(field(w, 'key'))) && asArray(field(w, 'values')).length > 0)) return undefined;
  const from = asArray(rule.from);
  if (from.length === 0) return rule.to === undefined && rule.when === undefined ? 'any source, for every request' : 'any source';
  const open = from.filter((f) => asArray(field(f, 'source.requestPrincipals')).length === 0);
  if (open.length === 0) return undefined;
  return open.map((f) => {
    const named = SOURCE_FIELDS.filter((k) => asArray(field(f, `source.${k}`)).length > 0)
      .map((k) => `${k} ${asArray(field(f, `source.${k}`)).map(String).join(', ')}`);
    return named.length > 0 ? named.join('; ') : 'any source';
  }).join(' or ');
}

/**
 * True when a DENY policy refuses every request without a token: a rule with no operation or condition whose source
 * says only `notRequestPrincipals: ["*"]`. DENY is evaluated before ALLOW, so nothing an ALLOW says can undo it.
 */
function deniesEveryTokenless(ap: KubeObject): boolean {
  if ((field(ap, 'spec.action') ?? 'ALLOW') !== 'DENY') return false;
  return asArray(field(ap, 'spec.rules')).some((r) => isObject(r) && r.to === undefined && r.when === undefined
    && asArray(r.from).some((f) => {
      const source = field(f, 'source');
      return isObject(source) && asArray(source.notRequestPrincipals).includes('*')
        && Object.keys(source).every((k) => k === 'notRequestPrincipals');
    }));
}

/** The AuthorizationPolicies that apply to pods with `labels` in `namespace` (workload, namespace and mesh level). */
function applying(
  target: TargetView,
  namespace: string | undefined,
  labels: Record<string, string> | undefined,
  refs: readonly string[],
  root: string,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ap of target.inNamespace('AuthorizationPolicy', namespace)) {
    const sel = selectorOf(ap);
    const apRefs = targetRefsOf(ap);
    if (apRefs.length > 0) {
      if (refs.length > 0 && refs.every((r) => apRefs.includes(r))) out.push(ap);
    } else if (Object.keys(sel).length === 0) out.push(ap);
    else if (labels && mapSelectorMatches(sel, labels)) out.push(ap);
  }
  if (namespace !== root) for (const ap of target.inNamespace('AuthorizationPolicy', root)) if (Object.keys(selectorOf(ap)).length === 0 && targetRefsOf(ap).length === 0) out.push(ap);
  return out;
}

/** A RequestAuthentication comes with an AuthorizationPolicy that makes a request without a token fail. */
export const requireAuthorizationWithRequestAuthentication = defineRule({
  id: 'require-authorization-with-request-authentication',
  area: 'mesh',
  description: 'Workloads under a RequestAuthentication refuse requests without a token: every ALLOW rule names requestPrincipals, or a DENY refuses them all.',
  rationale: 'A RequestAuthentication only rejects invalid tokens: a request with no token at all passes with no identity, so JWT looks enforced while anyone can call the service. Only an authorization rule on requestPrincipals makes a missing token fail (istio.io, JWT authentication).',
  remediation: 'Give every ALLOW rule for the same workloads requestPrincipals (["*"], or the issuer/subject) beside its principals, namespaces or ipBlocks, or add a DENY with notRequestPrincipals ["*"]; ALLOW rules add up, so one rule without requestPrincipals lets token-less requests from its sources in.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['RequestAuthentication'],
  relational: true,
  reads: ['AuthorizationPolicy', ...WORKLOAD_KINDS],
  estateContext: 'none',
  config: { meshRootNamespace: ROOT_NAMESPACE_CONFIG },
  check({ object, target, config }) {
    if (asArray(field(object, 'spec.jwtRules')).length === 0) return notApplicable('the RequestAuthentication has no JWT rules');
    const ns = namespaceOf(object);
    const root = String(config.meshRootNamespace);
    const selector = selectorOf(object);
    const refs = targetRefsOf(object);
    // Istio: a matching DENY refuses; with no ALLOW policy everything passes; otherwise a request passes when one
    // ALLOW rule matches it. So a token-less request is refused only by a DENY on notRequestPrincipals, or when
    // ALLOW policies exist and none of their rules can match a request without a token.
    const judge = (where: string, policies: KubeObject[]): string[] => {
      if (policies.some(deniesEveryTokenless)) return [];
      const allows = policies.filter((ap) => (field(ap, 'spec.action') ?? 'ALLOW') === 'ALLOW');
      if (allows.length === 0) return [`${where}: no AuthorizationPolicy requires a request principal, so a request without a token passes`];
      const out: string[] = [];
      for (const ap of allows) {
        asArray(field(ap, 'spec.rules')).forEach((r, n) => {
          const sources = tokenlessSources(r);
          if (sources !== undefined) out.push(`${where}: ${describe(ap)} rule ${n + 1} names no requestPrincipals, so it lets requests without a token through from ${sources}`);
        });
      }
      return out;
    };
    // Judged per pod template when the target has the workloads, otherwise at the selector's own scope.
    const pods = refs.length > 0 || (ns === root && Object.keys(selector).length === 0) ? []
      : podTemplatesIn(target, ns).filter((p) => Object.keys(selector).length === 0 || mapSelectorMatches(selector, p.labels));
    if (pods.length === 0) {
      const scope = refs.length > 0 ? `targets ${refs.join(', ')}` : Object.keys(selector).length > 0 ? `pods with ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}` : ns === root ? 'the whole mesh' : `namespace ${ns ?? ''}`;
      return violations(judge(scope, applying(target, ns, Object.keys(selector).length > 0 ? selector : undefined, refs, root)));
    }
    const messages = new Set<string>();
    for (const p of pods) for (const m of judge(describe(p.workload), applying(target, ns, p.labels, refs, root))) messages.add(m);
    return violations([...messages]);
  },
});
