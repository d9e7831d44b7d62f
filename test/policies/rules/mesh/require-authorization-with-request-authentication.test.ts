import { requireAuthorizationWithRequestAuthentication } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { compliantAuthorizationPolicy, compliantRequestAuthentication, meshedDeployment } from '../../fixtures/mesh';
import { broken } from '../../fixtures/workloads';

const rule = requireAuthorizationWithRequestAuthentication;
const ra = compliantRequestAuthentication;

describe('require-authorization-with-request-authentication', () => {
  test('JWT with an ALLOW on request principals for the same pods is compliant, with or without the workloads', () => {
    expect(judge(rule, ra(), { target: [compliantAuthorizationPolicy(), meshedDeployment()] })).toEqual({ kind: 'compliant' });
    expect(judge(rule, ra(), { target: [compliantAuthorizationPolicy()] })).toEqual({ kind: 'compliant' });
  });

  test('JWT alone is a violation: a request without a token passes', () => {
    expect(messages(judge(rule, ra(), { target: [meshedDeployment()] }))).toEqual(['Deployment shop/checkout: no AuthorizationPolicy requires a request principal, so a request without a token passes']);
    expect(messages(judge(rule, ra()))).toEqual(['pods with cluster-estate.io/app=checkout: no AuthorizationPolicy requires a request principal, so a request without a token passes']);
  });

  test('an authorization policy on other pods does not pair', () => {
    const other = broken(compliantAuthorizationPolicy(), (a) => (a.spec.selector.matchLabels['cluster-estate.io/app'] = 'ledger'));
    expect(messages(judge(rule, ra(), { target: [other, meshedDeployment()] }))).toEqual([
      'Deployment shop/checkout: no AuthorizationPolicy requires a request principal, so a request without a token passes',
    ]);
  });

  // ALLOW policies add up (Istio: a request passes when any ALLOW rule matches it), so a rule that names its callers
  // by mTLS identity, namespace or address but not by token lets their token-less requests in, whatever the others say.
  const leak = (sources: string) => `Deployment shop/checkout: AuthorizationPolicy shop/checkout-require-jwt rule 2 names no requestPrincipals, so it lets requests without a token through from ${sources}`;
  test.each([
    ['principals', { principals: ['cluster.local/ns/shop/sa/cart'] }, 'principals cluster.local/ns/shop/sa/cart'],
    ['namespaces', { namespaces: ['shop'] }, 'namespaces shop'],
    ['ipBlocks', { ipBlocks: ['10.0.0.0/8'] }, 'ipBlocks 10.0.0.0/8'],
    ['namespaces with notRequestPrincipals', { namespaces: ['shop'], notRequestPrincipals: ['*'] }, 'namespaces shop'],
  ])('an ALLOW rule by %s beside the token rule is a violation', (_, source, sources) => {
    const ap = broken(compliantAuthorizationPolicy(), (a) => a.spec.rules.push({ from: [{ source }] }));
    expect(messages(judge(rule, ra(), { target: [ap, meshedDeployment()] }))).toEqual([leak(sources)]);
  });

  test('one token-less source among a rule\'s from entries is enough; an operation alone admits any source', () => {
    const mixed = broken(compliantAuthorizationPolicy(), (a) => a.spec.rules[0].from.push({ source: { namespaces: ['ops'] } }));
    expect(messages(judge(rule, ra(), { target: [mixed, meshedDeployment()] }))).toEqual([
      'Deployment shop/checkout: AuthorizationPolicy shop/checkout-require-jwt rule 1 names no requestPrincipals, so it lets requests without a token through from namespaces ops',
    ]);
    const byPath = broken(compliantAuthorizationPolicy(), (a) => a.spec.rules.push({ to: [{ operation: { paths: ['/healthz'] } }] }));
    expect(messages(judge(rule, ra(), { target: [byPath, meshedDeployment()] }))).toEqual([leak('any source')]);
  });

  test('sources narrowed by requestPrincipals, or by a condition on the token\'s claims, are compliant', () => {
    const both = broken(compliantAuthorizationPolicy(), (a) => a.spec.rules.push({ from: [{ source: { namespaces: ['shop'], requestPrincipals: ['*'] } }] }));
    expect(judge(rule, ra(), { target: [both, meshedDeployment()] })).toEqual({ kind: 'compliant' });
    const claim = broken(compliantAuthorizationPolicy(), (a) => a.spec.rules.push({ from: [{ source: { namespaces: ['shop'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['ops'] }] }));
    expect(judge(rule, ra(), { target: [claim, meshedDeployment()] })).toEqual({ kind: 'compliant' });
    const notClaim = broken(claim, (a) => (a.spec.rules[1].when = [{ key: 'request.auth.claims[groups]', notValues: ['guest'] }]));
    expect(messages(judge(rule, ra(), { target: [notClaim, meshedDeployment()] }))).toEqual([leak('namespaces shop')]);
  });

  test('a DENY on notRequestPrincipals, namespace-wide or mesh-wide, pairs, and outweighs a leaking ALLOW', () => {
    const deny = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'require-jwt', namespace: 'istio-system' }, spec: { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] } };
    expect(judge(rule, ra(), { target: [deny, meshedDeployment()] })).toEqual({ kind: 'compliant' });
    expect(judge(rule, ra(), { target: [broken(deny, (d) => (d.metadata.namespace = 'shop')), meshedDeployment()] })).toEqual({ kind: 'compliant' });
    const bySource = broken(compliantAuthorizationPolicy(), (a) => (a.spec.rules = [{ from: [{ source: { namespaces: ['shop'] } }] }]));
    expect(judge(rule, ra(), { target: [deny, bySource, meshedDeployment()] })).toEqual({ kind: 'compliant' });
    // A DENY narrowed to some paths or sources refuses token-less requests there only.
    const narrowed = broken(deny, (d) => (d.spec.rules[0].to = [{ operation: { paths: ['/admin/*'] } }]));
    expect(messages(judge(rule, ra(), { target: [narrowed, meshedDeployment()] }))).toHaveLength(1);
    const fromOne = broken(deny, (d) => (d.spec.rules[0].from[0].source.notNamespaces = ['ops']));
    expect(messages(judge(rule, ra(), { target: [fromOne, meshedDeployment()] }))).toHaveLength(1);
  });

  test('an ALLOW rule that matches every request voids the pairing', () => {
    const allowAll = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-all', namespace: 'shop' }, spec: { action: 'ALLOW', rules: [{}] } };
    expect(messages(judge(rule, ra(), { target: [compliantAuthorizationPolicy(), allowAll, meshedDeployment()] }))).toEqual([
      'Deployment shop/checkout: AuthorizationPolicy shop/allow-all rule 1 names no requestPrincipals, so it lets requests without a token through from any source, for every request',
    ]);
  });
});
