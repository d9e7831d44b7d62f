/** The NetworkPolicy evaluator against the semantics the Kubernetes documentation gives, one rule at a time. */
import type { KubeObject } from '../../../constructs';
import { Endpoint, NetworkPolicyEvaluator, podEndpoints, policyTypesOf } from '../../../policies/api';

function policy(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec } as KubeObject;
}

const web: Endpoint = { name: 'shop/web', namespace: 'shop', labels: { app: 'web' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
const api: Endpoint = { name: 'shop/api', namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'http', port: 9000, protocol: 'TCP' }, { name: 'admin', port: 9001, protocol: 'TCP' }] };
const monitor: Endpoint = { name: 'ops/prometheus', namespace: 'ops', labels: { app: 'prometheus' } };
const opsNamespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops', labels: { tier: 'platform' } } } as KubeObject;
const denyAll = policy('deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('NetworkPolicyEvaluator', () => {
  test('no policy selects a pod: everything is allowed; a default deny blocks both directions', () => {
    expect(new NetworkPolicyEvaluator([]).check(web, api, 9000)).toEqual({ allowed: true, ingress: true, egress: true });
    expect(new NetworkPolicyEvaluator([denyAll]).check(web, api, 9000)).toEqual({ allowed: false, ingress: false, egress: false });
    expect(new NetworkPolicyEvaluator([denyAll]).check(monitor, api, 9000)).toEqual({ allowed: false, ingress: false, egress: true });
  });

  test('policyTypes defaults to Ingress, plus Egress when the policy has an egress section', () => {
    expect(policyTypesOf(policy('a', 'shop', { podSelector: {} }))).toEqual(['Ingress']);
    expect(policyTypesOf(policy('a', 'shop', { podSelector: {}, egress: [] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf(policy('a', 'shop', { podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
  });

  test('allows are a union over the policies that select the pod; a connection needs egress and ingress', () => {
    const ingress = policy('api-in', 'shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9000 }] }] });
    const egress = policy('web-out', 'shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] });
    expect(new NetworkPolicyEvaluator([denyAll, ingress]).check(web, api, 9000)).toEqual({ allowed: false, ingress: true, egress: false });
    const both = new NetworkPolicyEvaluator([denyAll, ingress, egress]);
    expect(both.check(web, api, 9000).allowed).toBe(true);
    expect(both.check(web, api, 9001).allowed).toBe(false); // the port is not in the rule
    expect(both.check(api, web, 8080).allowed).toBe(false);
  });

  test('podSelector alone means the policy\'s namespace; namespaceSelector with podSelector in one peer is AND, in two peers OR', () => {
    const and = policy('and', 'shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'platform' } }, podSelector: { matchLabels: { app: 'prometheus' } } }] }] });
    const or = policy('or', 'shop', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'platform' } } }, { podSelector: { matchLabels: { app: 'grafana' } } }] }] });
    const samePodElsewhere: Endpoint = { ...monitor, namespace: 'shop' };
    const grafanaInOps: Endpoint = { name: 'ops/grafana', namespace: 'ops', labels: { app: 'grafana' } };
    const andEval = new NetworkPolicyEvaluator([opsNamespace, and]);
    expect(andEval.check(monitor, api, 9000).ingress).toBe(true);
    expect(andEval.check(samePodElsewhere, api, 9000).ingress).toBe(false);
    expect(andEval.check(grafanaInOps, api, 9000).ingress).toBe(false);
    const orEval = new NetworkPolicyEvaluator([opsNamespace, or]);
    expect(orEval.check(grafanaInOps, api, 9000).ingress).toBe(true); // any pod of the ops namespace
    expect(orEval.check({ name: 'shop/grafana', namespace: 'shop', labels: { app: 'grafana' } }, api, 9000).ingress).toBe(true);
    expect(orEval.check({ name: 'other/grafana', namespace: 'other', labels: { app: 'grafana' } }, api, 9000).ingress).toBe(false);
  });

  test('every namespace carries kubernetes.io/metadata.name, with or without its object', () => {
    const byName = policy('by-name', 'shop', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }] }] });
    expect(new NetworkPolicyEvaluator([byName]).check(monitor, api, 9000).ingress).toBe(true);
  });

  test('named ports are the destination\'s; endPort makes a range; the protocol must match', () => {
    const named = policy('named', 'shop', { podSelector: {}, ingress: [{ ports: [{ port: 'admin' }] }] });
    expect(new NetworkPolicyEvaluator([named]).check(monitor, api, 9001).ingress).toBe(true);
    expect(new NetworkPolicyEvaluator([named]).check(monitor, api, 'admin').ingress).toBe(true);
    expect(new NetworkPolicyEvaluator([named]).check(monitor, api, 9000).ingress).toBe(false);
    const range = policy('range', 'shop', { podSelector: {}, ingress: [{ ports: [{ port: 9000, endPort: 9001, protocol: 'TCP' }] }] });
    expect(new NetworkPolicyEvaluator([range]).check(monitor, api, 9001).ingress).toBe(true);
    expect(new NetworkPolicyEvaluator([range]).check(monitor, api, 9001, 'UDP').ingress).toBe(false);
  });

  test('ipBlocks match addresses (with except), never pods', () => {
    const lb = policy('lb', 'shop', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '100.64.0.0/10', except: ['100.64.9.0/24'] } }] }] });
    const evaluator = new NetworkPolicyEvaluator([lb]);
    expect(evaluator.check({ name: 'device', ip: '100.64.3.7' }, api, 9000).ingress).toBe(true);
    expect(evaluator.check({ name: 'device', ip: '100.64.9.7' }, api, 9000).ingress).toBe(false);
    expect(evaluator.check(monitor, api, 9000).ingress).toBe(false);
  });

  test('podEndpoints reads a workload\'s pod template: namespace, labels and every container port', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'api' } }, spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'metrics', containerPort: 15090 }] }], containers: [{ name: 'api', ports: [{ name: 'http', containerPort: 9000 }] }] } } },
    } as unknown as KubeObject;
    expect(podEndpoints([deployment])).toEqual([{ name: 'shop/api', namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'http', port: 9000, protocol: 'TCP' }, { name: 'metrics', port: 15090, protocol: 'TCP' }] }]);
  });
});
