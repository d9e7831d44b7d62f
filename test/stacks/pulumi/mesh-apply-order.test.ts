/**
 * Make before break for the service mesh: a VirtualService is registered with `dependsOn` the DestinationRules of
 * the hosts it routes to, so Pulumi creates the subsets before any route names them (and deletes the route first),
 * whatever order synthesis wrote them in.
 */
import { KubeObject } from '../../../constructs';
import { meshHostKey } from '../../../policies/engine/mesh';
import { EstateStackOutputs, estateStack, indexTarget, objectRules, planTarget } from '../../../stacks/pulumi';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { destinationRulesRoutedBy } from '../../helpers/istio-routing';
import { clusterSettings, managementStackFixture, MANAGEMENT_STACK, testOptions, withClusterTargets } from './helpers/fixtures';
import { MockRun, RecordedResource, runMocked } from './helpers/mock-runtime';

const CLUSTER = 'trade-hz1';
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const dr = (name: string, namespace: string, host: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace },
  spec: { host, subsets: [{ name: 'stable', labels: { 'cluster-estate.io/channel': 'stable' } }, { name: 'gray', labels: { 'cluster-estate.io/channel': 'gray' } }] },
} as KubeObject);
const vs = (name: string, namespace: string, http: unknown[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: [name], http },
} as KubeObject);
const to = (
  host: string,
  subset?: string,
  weight?: number,
) => ({ destination: { host, ...(subset ? { subset } : {}) }, ...(weight !== undefined ? { weight } : {}) });

/**
 * Written in the worst order: each VirtualService before the DestinationRules it needs. checkout routes to its own
 * host by short name and mirrors to ledger in another namespace by FQDN; the DestinationRule of an unrelated host
 * must not become a dependency.
 */
function meshTarget(): KubeObject[] {
  return [
    ns('shop'), ns('payments'),
    vs('checkout', 'shop', [
      { name: 'lane', match: [{ headers: { 'x-lane': { exact: 'gray' } } }], route: [to('checkout', 'gray')] },
      { name: 'default', route: [to('checkout.shop.svc.cluster.local', 'stable', 95), to('checkout', 'gray', 5)], mirror: { host: 'ledger.payments.svc.cluster.local', subset: 'stable' } },
    ]),
    vs('ledger', 'payments', [{ route: [to('ledger')] }]),
    dr('checkout', 'shop', 'checkout.shop.svc.cluster.local'),
    dr('ledger', 'payments', 'ledger'),
    dr('search', 'shop', 'search'),
  ];
}

describe('the rules: a VirtualService depends on its destinations\' DestinationRules', () => {
  test('hosts written as short names, name.namespace and FQDNs meet on one key', () => {
    expect(['checkout', 'checkout.shop', 'checkout.shop.svc', 'checkout.shop.svc.cluster.local'].map((h) => meshHostKey(h, 'shop'))).toEqual(Array(4).fill('checkout.shop'));
    expect(meshHostKey('checkout', 'other')).toBe('checkout.other');
    expect(meshHostKey('API.Pay.example.com', 'shop')).toBe('api.pay.example.com');
  });

  test('routes and mirrors count; unrelated DestinationRules and other kinds do not', () => {
    const objects = meshTarget();
    const index = indexTarget(objects);
    const rulesOf = (kind: string, name: string) => objectRules(objects.find((o) => o.kind === kind && o.metadata.name === name)!, index);
    expect(rulesOf('VirtualService', 'checkout').dependsOn).toEqual([
      'v1/Namespace//shop', 'networking.istio.io/v1/DestinationRule/shop/checkout', 'networking.istio.io/v1/DestinationRule/payments/ledger',
    ]);
    expect(rulesOf('VirtualService', 'ledger').dependsOn).toEqual(['v1/Namespace//payments', 'networking.istio.io/v1/DestinationRule/payments/ledger']);
    expect(rulesOf('DestinationRule', 'checkout').dependsOn).toEqual(['v1/Namespace//shop']);
  });
});

describe('a cluster stack with mesh routes, under the Pulumi mocks', () => {
  let run: MockRun<EstateStackOutputs>;
  let reference: MockRun<EstateStackOutputs>;
  beforeAll(async () => {
    const options = testOptions([], { synthesize: (_estate, asOf) => withClusterTargets(referenceSynthesis(asOf), [CLUSTER], meshTarget) });
    run = await runMocked(
      () => estateStack(clusterSettings(CLUSTER, REFERENCE_TIMES.peak), options),
      { stackReferences: { [MANAGEMENT_STACK]: managementStackFixture([CLUSTER]) } },
    );
    reference = await runMocked(
      () => estateStack(clusterSettings(CLUSTER, REFERENCE_TIMES.peak), testOptions()),
      { stackReferences: { [MANAGEMENT_STACK]: managementStackFixture([CLUSTER]) } },
    );
  });

  const find = (r: MockRun<EstateStackOutputs>, kind: string, namespace: string, name: string): RecordedResource & { position: number } => {
    const position = r.resources.findIndex((x) => x.name === `${kind}/${namespace}/${name}`);
    if (position < 0) throw new Error(`no ${kind}/${namespace}/${name} registered`);
    return { ...r.resources[position], position };
  };

  test('each VirtualService is registered after, and depends on, the DestinationRules it routes to', () => {
    // Synthesis order puts the routes first: the target registers their DestinationRules ahead of them, where it
    // used to fail with "depends on …, which is not registered before it".
    expect(run.error).toBeUndefined();
    const checkout = find(run, 'VirtualService', 'shop', 'checkout');
    const ledgerRoute = find(run, 'VirtualService', 'payments', 'ledger');
    const checkoutRule = find(run, 'DestinationRule', 'shop', 'checkout');
    const ledgerRule = find(run, 'DestinationRule', 'payments', 'ledger');
    const search = find(run, 'DestinationRule', 'shop', 'search');
    expect(checkout.dependencies).toEqual(expect.arrayContaining([checkoutRule.urn, ledgerRule.urn]));
    expect(checkout.dependencies).not.toContain(search.urn);
    expect(ledgerRoute.dependencies).toContain(ledgerRule.urn);
    for (const [route, rule] of [
      [checkout, checkoutRule],
      [checkout, ledgerRule],
      [ledgerRoute, ledgerRule],
    ] as const) expect(rule.position).toBeLessThan(route.position);
    expect(search.dependencies).toEqual([run.resources.find((r) => r.name === 'Namespace/shop')!.urn]);
  });

  test('the reference estate\'s canary routes depend on their subsets on the cluster', () => {
    expect(reference.error).toBeUndefined();
    const plan = planTarget(referenceSynthesis(REFERENCE_TIMES.peak), { target: CLUSTER });
    const routes = plan.objects.filter((o) => o.object.kind === 'VirtualService');
    expect(routes.length).toBeGreaterThan(0);
    for (const o of routes) {
      const route = find(reference, 'VirtualService', o.object.metadata.namespace!, o.object.metadata.name);
      const routed = destinationRulesRoutedBy(plan.objects.map((p) => p.object), o.object);
      expect([o.object.metadata.name, routed.length > 0]).toEqual([o.object.metadata.name, true]);
      for (const name of routed) {
        const [, namespace, ruleName] = name.split('/');
        const rule = find(reference, 'DestinationRule', namespace, ruleName);
        expect(route.dependencies).toContain(rule.urn);
        expect(rule.position).toBeLessThan(route.position);
      }
    }
  });
});
