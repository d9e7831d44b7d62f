import type { KubeObject } from '../../../constructs';
import { asArray, field, isObject, mapSelectorMatches, namespaceOf, podTemplatesIn, stringMap } from '../../engine/kube';
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

/** True when every `from` source of a rule names request principals: the rule never matches a request without a token. */
function ruleRequiresPrincipal(rule: unknown): boolean {
  const from = asArray(field(rule, 'from'));
  return from.length > 0 && from.every((f) => asArray(field(f, 'source.requestPrincipals')).length > 0);
}

/** How an AuthorizationPolicy treats requests without a token. */
function stance(ap: KubeObject): 'requires' | 'leaks' | 'neutral' {
  const action = field(ap, 'spec.action') ?? 'ALLOW';
  const rules = asArray(field(ap, 'spec.rules'));
  if (action === 'DENY') {
    return rules.some((r) => asArray(field(r, 'from')).some((f) => asArray(field(f, 'source.notRequestPrincipals')).includes('*'))) ? 'requires' : 'neutral';
  }
  if (action !== 'ALLOW') return 'neutral';
  // A rule with no source, operation or condition matches every request, token or not; ALLOW policies add up.
  if (rules.some((r) => isObject(r) && r.from === undefined && r.to === undefined && r.when === undefined)) return 'leaks';
  return rules.some(ruleRequiresPrincipal) ? 'requires' : 'neutral';
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
  description: 'The workloads a RequestAuthentication selects are under an AuthorizationPolicy requiring a request principal, and under no ALLOW rule matching every request.',
  rationale: 'A RequestAuthentication only rejects invalid tokens: a request with no token at all passes with no identity, so JWT looks enforced while anyone can call the service. Only an authorization rule on requestPrincipals makes a missing token fail (istio.io, JWT authentication).',
  remediation: 'Add an ALLOW AuthorizationPolicy for the same workloads whose rules require requestPrincipals (["*"], or the issuer/subject), or a DENY with notRequestPrincipals ["*"]; remove ALLOW rules that have no source, operation or condition.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['RequestAuthentication'],
  relational: true,
  reads: ['AuthorizationPolicy', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'],
  estateContext: 'none',
  config: { meshRootNamespace: ROOT_NAMESPACE_CONFIG },
  check({ object, target, config }) {
    if (asArray(field(object, 'spec.jwtRules')).length === 0) return notApplicable('the RequestAuthentication has no JWT rules');
    const ns = namespaceOf(object);
    const root = String(config.meshRootNamespace);
    const selector = selectorOf(object);
    const refs = targetRefsOf(object);
    const describe = (ap: KubeObject) => `AuthorizationPolicy ${namespaceOf(ap) ?? ''}/${String(ap.metadata?.name ?? '')}`;
    const judge = (where: string, policies: KubeObject[]): string[] => {
      const leaking = policies.filter((ap) => stance(ap) === 'leaks');
      if (leaking.length > 0) return [`${where}: ${leaking.map(describe).join(', ')} allows requests without a token, so the JWT check can be bypassed`];
      if (!policies.some((ap) => stance(ap) === 'requires')) return [`${where}: no AuthorizationPolicy requires a request principal, so a request without a token passes`];
      return [];
    };
    // Judged per pod template when the target has the workloads, otherwise at the selector's own scope.
    const pods = refs.length > 0 || (ns === root && Object.keys(selector).length === 0) ? []
      : podTemplatesIn(target, ns).filter((p) => Object.keys(selector).length === 0 || mapSelectorMatches(selector, p.labels));
    if (pods.length === 0) {
      const scope = refs.length > 0 ? `targets ${refs.join(', ')}` : Object.keys(selector).length > 0 ? `pods with ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}` : ns === root ? 'the whole mesh' : `namespace ${ns ?? ''}`;
      return violations(judge(scope, applying(target, ns, Object.keys(selector).length > 0 ? selector : undefined, refs, root)));
    }
    const messages = new Set<string>();
    for (const p of pods) for (const m of judge(`${p.workload.kind} ${ns ?? ''}/${String(p.workload.metadata?.name ?? '')}`, applying(target, ns, p.labels, refs, root))) messages.add(m);
    return violations([...messages]);
  },
});
