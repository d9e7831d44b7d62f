/**
 * The reference estate's mesh: every Istio object it synthesizes passes the Istio 1.30 CRD schemas (strict unknown
 * fields), the mesh rules find nothing on it, and order-api's canary routes by community as Istio would.
 * `estate check` on hand-written Istio YAML fires every mesh rule.
 */
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { KubeObject } from '../../../constructs';
import { MESH_RULES, RULES, runChecks, estateContext } from '../../../policies/api';
import { registerCheckCommand } from '../../../stacks/cli/check-command';
import { referenceEstate } from '../../../stacks/estates';
import { PILOT_COMMUNITIES, SHOP_HOST } from '../../../stacks/estates/reference';
import { ClusterApiSchemas, describeWithSharedCrds, SHARED_ISTIO_CRDS_DIR } from '../../helpers/crd-schemas';
import { routeRequest, virtualServiceFor } from '../../helpers/istio-routing';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

const ISTIO = /\.istio\.io\//;
const istioObjects = (asOf: Date): { target: string; object: KubeObject }[] =>
  referenceSynthesis(asOf).targets.flatMap((t) => t.objects.filter((o) => ISTIO.test(o.apiVersion)).map((object) => ({ target: t.name, object })));

describe('the reference estate in the mesh', () => {
  test('each meshed cluster: STRICT mTLS, its gateways, and per meshed app its subsets, routes, authorization and VMs', () => {
    const objects = istioObjects(REFERENCE_TIMES.dormantBefore);
    const byTarget = (t: string) => objects.filter((o) => o.target === t).map((o) => `${o.object.kind}/${o.object.metadata.namespace}/${o.object.metadata.name}`);
    expect(byTarget('trade-hz1')).toEqual([
      'PeerAuthentication/istio-system/default',
      'Gateway/ingress-gateway/public', 'VirtualService/ingress-gateway/public',
      'DestinationRule/payment/payment-worker', 'VirtualService/payment/payment-worker', 'AuthorizationPolicy/payment/payment-worker',
      'DestinationRule/trade/order-api', 'VirtualService/trade/order-api', 'RequestAuthentication/trade/order-api', 'AuthorizationPolicy/trade/order-api',
    ]);
    // The legacy VMs join trade-sz1 only, selected there by payment-worker's Service; bj1 runs no payment worker.
    expect(byTarget('trade-sz1').filter((k) => k.startsWith('Workload'))).toEqual([
      'WorkloadGroup/payment/payment-worker-legacy-settlement',
      'WorkloadEntry/payment/payment-worker-legacy-settlement-settle-vm-01', 'WorkloadEntry/payment/payment-worker-legacy-settlement-settle-vm-02',
    ]);
    expect(byTarget('trade-bj1')).toEqual([
      'PeerAuthentication/istio-system/default', 'Gateway/ingress-gateway/public', 'VirtualService/ingress-gateway/public',
      'DestinationRule/trade/order-api', 'VirtualService/trade/order-api', 'RequestAuthentication/trade/order-api', 'AuthorizationPolicy/trade/order-api',
    ]);
    // charging-sh1: the charging gateway app behind the cluster's own ingress gateway; its device port stays open to non-mesh TLS.
    expect(byTarget('charging-sh1')).toEqual([
      'PeerAuthentication/istio-system/default',
      'Gateway/ingress-gateway/charging-console', 'VirtualService/ingress-gateway/charging-console',
      'PeerAuthentication/charging/charging-gateway', 'DestinationRule/charging/charging-gateway', 'VirtualService/charging/charging-gateway', 'AuthorizationPolicy/charging/charging-gateway',
    ]);
    for (const { object } of objects.filter((o) => o.object.kind === 'PeerAuthentication' && o.object.metadata.name === 'default')) expect(object.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  const hz1 = () => referenceSynthesis(REFERENCE_TIMES.dormantBefore).targets.find((t) => t.name === 'trade-hz1')!.objects;
  const ORDER = 'order-api.trade.svc.cluster.local';
  const PAYMENT = 'payment-worker.payment.svc.cluster.local';
  const GATEWAY = 'ingress-gateway/public';

  test('order-api: a listed community and the gray lane go gray; any other request goes 95/5 (step 1 of 5/20/50/100)', () => {
    const vs = virtualServiceFor(hz1(), ORDER);
    expect(routeRequest(vs, { headers: { 'x-community': 'hz-binjiang-0407' } })).toMatchObject({ rule: 'canary-match', shares: { gray: 1 } });
    expect(routeRequest(vs, { headers: { 'x-lane': 'gray' } })).toMatchObject({ shares: { gray: 1 } });
    expect(routeRequest(vs, { headers: { 'x-community': 'bj-chaoyang-0001' } })).toMatchObject({ rule: 'default', shares: { stable: 0.95, gray: 0.05 } });
    expect(routeRequest(vs, {})).toMatchObject({ rule: 'default', shares: { stable: 0.95, gray: 0.05 } });
  });

  test('the checkout lane: a pilot community enters gray at the public gateway and stays gray through order-api to payment-worker', () => {
    const objects = hz1();
    const entry = routeRequest(virtualServiceFor(objects, SHOP_HOST, GATEWAY), { gateway: GATEWAY, authority: SHOP_HOST, headers: { 'x-community': PILOT_COMMUNITIES[2] } });
    expect(entry).toMatchObject({ shares: { gray: 1 }, hosts: [ORDER], headers: { 'x-lane': 'gray' } });
    const hop = routeRequest(virtualServiceFor(objects, PAYMENT), { headers: { 'x-lane': entry.headers['x-lane'] }, sourceLabels: { 'cluster-estate.io/channel': 'gray' } });
    expect(hop).toMatchObject({ rule: 'lane-trade-checkout-gray', shares: { gray: 1 }, hosts: [PAYMENT] });
    // Without the header: by weight at the gateway (order-api's step) and at the worker (its 25% gray).
    const other = routeRequest(virtualServiceFor(objects, SHOP_HOST, GATEWAY), { gateway: GATEWAY, authority: SHOP_HOST, headers: { 'x-community': 'bj-chaoyang-0001' } });
    expect(other).toMatchObject({ shares: { stable: 0.95, gray: 0.05 } });
    expect(other.headers['x-lane']).toBeUndefined();
    expect(routeRequest(virtualServiceFor(objects, PAYMENT), {}).shares).toEqual({ stable: 0.75, gray: 0.25 });
  });

  test('security: a token is required at order-api; payment-worker admits order-api\'s POSTs to /payments only', () => {
    const objects = hz1();
    const order = objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'order-api')!;
    expect(order.spec).toMatchObject({ action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['ingress-gateway'], requestPrincipals: ['https://login.estate.example/*'] } }] }] });
    const payment = objects.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'payment-worker')!;
    expect(payment.spec).toMatchObject({ rules: [{ from: [{ source: { serviceAccounts: ['trade/order-api'] } }], to: [{ operation: { methods: ['POST'], paths: ['/payments', '/payments/*'] } }] }] });
  });

  test('the injected proxy replaces the hand-built one: pods labelled for revision 1-30, no mesh-proxy container', () => {
    const hz1 = referenceSynthesis(REFERENCE_TIMES.dormantBefore).targets.find((t) => t.name === 'trade-hz1')!;
    const order = hz1.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'order-api') as KubeObject & { spec: { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: { name: string }[]; initContainers?: { name: string }[] } } } };
    expect(order.spec.template.metadata.labels['istio.io/rev']).toBe('1-30');
    expect(order.spec.template.metadata.annotations['sidecar.istio.io/proxyCPU']).toBe('100m');
    expect([...order.spec.template.spec.containers, ...(order.spec.template.spec.initContainers ?? [])].map((c) => c.name)).not.toContain('mesh-proxy');
  });

  test('gateway pods carry the standard pod labels: app (the gateway), cluster, env, IDC and the stable channel', () => {
    const synthesis = referenceSynthesis(REFERENCE_TIMES.dormantBefore);
    type Workload = KubeObject & { spec: { template: { metadata: { labels: Record<string, string> } } } };
    const gateways = synthesis.targets.flatMap((t) => t.objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'ingress-gateway')
      .map((o) => ({ target: t.name, labels: (o as Workload).spec.template.metadata.labels })));
    expect(gateways.length).toBeGreaterThan(0);
    for (const { target, labels } of gateways) {
      const cluster = synthesis.plan.clusters.find((c) => c.name === target)!;
      expect(labels).toMatchObject({
        'cluster-estate.io/app': labels.istio, 'cluster-estate.io/cluster': target, 'cluster-estate.io/env': 'production',
        'cluster-estate.io/idc': cluster.idc, 'cluster-estate.io/channel': 'stable',
      });
    }
    const result = runChecks(synthesis.targets, { rules: RULES, context: estateContext(synthesis, referenceEstate()) });
    expect(result.findings.filter((f) => f.policy === 'require-pod-labels' && f.object.namespace === 'ingress-gateway')).toEqual([]);
  });

  test.each(Object.entries(REFERENCE_TIMES))('the mesh rules find nothing %s', (_phase, asOf) => {
    const synthesis = referenceSynthesis(asOf);
    const result = runChecks(synthesis.targets, { rules: RULES, context: estateContext(synthesis, referenceEstate()) });
    expect(result.findings.filter((f) => MESH_RULES.some((r) => r.id === f.policy))).toEqual([]);
  });
});

describeWithSharedCrds('the reference estate\'s Istio objects against the Istio 1.30 CRDs', () => {
  let schemas: ClusterApiSchemas;
  beforeAll(() => {
    schemas = ClusterApiSchemas.load(SHARED_ISTIO_CRDS_DIR);
  });

  test('the CRDs serve networking.istio.io/v1 and security.istio.io/v1', () => {
    for (const [v, k] of [['networking.istio.io/v1', 'VirtualService'], ['networking.istio.io/v1', 'DestinationRule'], ['security.istio.io/v1', 'PeerAuthentication']]) expect(schemas.has(v, k)).toBe(true);
  });

  test.each(Object.entries(REFERENCE_TIMES))('every Istio object is valid, unknown fields refused, %s', (_phase, asOf) => {
    const objects = istioObjects(asOf);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(({ target, object }) => schemas.validate(object).map((e) => `${target}: ${e}`))).toEqual([]);
  });

  test('a typo is caught: the validator is strict', () => {
    const vs = istioObjects(REFERENCE_TIMES.peak).find((o) => o.object.kind === 'VirtualService')!.object;
    const typo = { ...vs, spec: { ...(vs.spec as object), gateway: ['mesh'] } } as KubeObject;
    expect(schemas.validate(typo).join('\n')).toMatch(/gateway/);
  });
}, SHARED_ISTIO_CRDS_DIR);

describe('estate check on hand-written Istio YAML', () => {
  test('every mesh rule fires on the broken canary', async () => {
    let out = '';
    let code = 0;
    const io = { out: (t: string) => (out += `${t}\n`), err: () => undefined, cwd: path.resolve(__dirname, '../../..') };
    const program = new Command('estate').exitOverride().configureOutput({ writeOut: io.out, writeErr: () => undefined });
    registerCheckCommand(program, io, (c) => (code = c));
    try {
      // bad-mesh.yaml breaks the first four mesh rules; mesh-pitfalls.yaml holds one pitfall for each later one.
      await program.parseAsync(['check', 'test/fixtures/yaml/bad-mesh.yaml', 'test/policies/fixtures/mesh-pitfalls.yaml', '--format', 'json'], { from: 'user' });
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
    }
    expect(code).toBe(1);
    const doc = JSON.parse(out) as { findings: { policy: string; message: string }[] };
    const mesh = new Set(MESH_RULES.map((r) => r.id));
    expect([...new Set(doc.findings.map((f) => f.policy).filter((p) => mesh.has(p)))].sort()).toEqual([...mesh].sort());
  });
});
