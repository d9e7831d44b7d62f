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

  test('an authorization policy on other pods, or one without principals, does not pair', () => {
    const other = broken(compliantAuthorizationPolicy(), (a) => (a.spec.selector.matchLabels['cluster-estate.io/app'] = 'ledger'));
    expect(messages(judge(rule, ra(), { target: [other, meshedDeployment()] }))).toHaveLength(1);
    const bySource = broken(compliantAuthorizationPolicy(), (a) => (a.spec.rules = [{ from: [{ source: { namespaces: ['shop'] } }] }]));
    expect(messages(judge(rule, ra(), { target: [bySource, meshedDeployment()] }))).toHaveLength(1);
  });

  test('a DENY on notRequestPrincipals, namespace-wide or mesh-wide, pairs', () => {
    const deny = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'require-jwt', namespace: 'istio-system' }, spec: { action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] } };
    expect(judge(rule, ra(), { target: [deny, meshedDeployment()] })).toEqual({ kind: 'compliant' });
    expect(judge(rule, ra(), { target: [broken(deny, (d) => (d.metadata.namespace = 'shop')), meshedDeployment()] })).toEqual({ kind: 'compliant' });
  });

  test('an ALLOW rule that matches every request voids the pairing', () => {
    const allowAll = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-all', namespace: 'shop' }, spec: { action: 'ALLOW', rules: [{}] } };
    expect(messages(judge(rule, ra(), { target: [compliantAuthorizationPolicy(), allowAll, meshedDeployment()] }))).toEqual([
      'Deployment shop/checkout: AuthorizationPolicy shop/allow-all allows requests without a token, so the JWT check can be bypassed',
    ]);
  });
});
