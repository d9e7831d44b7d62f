import { forbidOpenNetworkPolicy } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { allowEgressPolicy, allowIngressPolicy, defaultDenyPolicy } from '../../fixtures/tenancy';
import { broken, compliantDeployment } from '../../fixtures/workloads';

describe('forbid-open-network-policy', () => {
  test('the allows of the compliant app, and the default deny, are compliant', () => {
    for (const policy of [allowIngressPolicy(), allowEgressPolicy(), defaultDenyPolicy()]) {
      expect(judge(forbidOpenNetworkPolicy, policy, { target: [compliantDeployment()] })).toEqual({ kind: 'compliant' });
    }
  });

  test('a podSelector that matches no workload\'s pods is a violation', () => {
    const policy = broken(allowIngressPolicy(), (p) => (p.spec.podSelector.matchLabels['cluster-estate.io/app'] = 'chekout'));
    expect(messages(judge(forbidOpenNetworkPolicy, policy, { target: [compliantDeployment()] }))).toEqual(['its podSelector selects the pods of no workload in namespace shop: it protects nothing']);
  });

  test('an ingress rule without from allows every source', () => {
    const policy = broken(allowIngressPolicy(), (p) => delete p.spec.ingress[0].from);
    expect(messages(judge(forbidOpenNetworkPolicy, policy, { target: [compliantDeployment()] }))).toEqual(['ingress rule 1 has no "from": it allows every source']);
  });

  test('a {} peer, namespaceSelector {} or 0.0.0.0/0 allows from everywhere', () => {
    for (const [peer, why] of [[{}, '`{}`'], [{ namespaceSelector: {} }, 'namespaceSelector {}'], [{ ipBlock: { cidr: '0.0.0.0/0' } }, 'ipBlock 0.0.0.0/0']] as const) {
      const policy = broken(allowIngressPolicy(), (p) => (p.spec.ingress[0].from = [peer]));
      expect(messages(judge(forbidOpenNetworkPolicy, policy, { target: [compliantDeployment()] }))[0]).toContain(`ingress rule 1 allows from everywhere: ${why}`);
    }
  });

  test('an egress rule to everywhere on every port is a violation; with ports (DNS anywhere) it is not', () => {
    const open = broken(allowEgressPolicy(), (p) => (p.spec.egress[0] = {}));
    expect(messages(judge(forbidOpenNetworkPolicy, open, { target: [compliantDeployment()] }))).toEqual(['egress rule 1 has no "to" and no ports: it allows every destination']);
    const dns = broken(allowEgressPolicy(), (p) => (p.spec.egress[0] = { ports: [{ port: 53, protocol: 'UDP' }] }));
    expect(judge(forbidOpenNetworkPolicy, dns, { target: [compliantDeployment()] }).kind).toBe('compliant');
  });
});
