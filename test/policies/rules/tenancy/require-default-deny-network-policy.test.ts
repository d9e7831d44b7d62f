import { requireDefaultDenyNetworkPolicy } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { allowIngressPolicy, defaultDenyPolicy } from '../../fixtures/tenancy';
import { broken, compliantDeployment } from '../../fixtures/workloads';

describe('require-default-deny-network-policy', () => {
  test('a Deployment whose namespace denies ingress and egress by default is compliant', () => {
    expect(judge(requireDefaultDenyNetworkPolicy, compliantDeployment(), { target: [defaultDenyPolicy(), allowIngressPolicy()] })).toEqual({ kind: 'compliant' });
  });

  test('a deny split over two policies, one per direction, counts', () => {
    const ingress = broken(defaultDenyPolicy(), (p) => (p.spec.policyTypes = ['Ingress']));
    const egress = broken(defaultDenyPolicy(), (p) => { p.metadata.name = 'deny-egress'; p.spec.policyTypes = ['Egress']; });
    expect(judge(requireDefaultDenyNetworkPolicy, compliantDeployment(), { target: [ingress, egress] }).kind).toBe('compliant');
  });

  test('no policy at all: both directions are open', () => {
    expect(messages(judge(requireDefaultDenyNetworkPolicy, compliantDeployment()))).toEqual(['namespace shop has no default-deny NetworkPolicy for ingress and egress: its pods accept connections from and open them to any pod of the cluster']);
  });

  test('a deny that leaves egress out (policyTypes defaults to Ingress) is a violation for egress', () => {
    const policy = broken(defaultDenyPolicy(), (p) => delete p.spec.policyTypes);
    expect(messages(judge(requireDefaultDenyNetworkPolicy, compliantDeployment(), { target: [policy] }))).toEqual(['namespace shop has no default-deny NetworkPolicy for egress: its pods open connections to any pod of the cluster']);
  });

  test('a policy selecting every pod but allowing something is no default deny', () => {
    const policy = broken(defaultDenyPolicy(), (p) => (p.spec.ingress = [{ from: [{ podSelector: {} }] }]));
    expect(messages(judge(requireDefaultDenyNetworkPolicy, compliantDeployment(), { target: [policy] }))[0]).toMatch(/for ingress:/);
  });

  test('a deny in another namespace does not count', () => {
    expect(judge(requireDefaultDenyNetworkPolicy, compliantDeployment(), { target: [defaultDenyPolicy('shop-staging')] }).kind).toBe('violations');
  });
});
