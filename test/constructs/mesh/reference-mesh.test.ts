/**
 * The reference estate's mesh: every Istio object it synthesizes passes the Istio 1.30 CRD schemas (strict unknown
 * fields), the mesh rules find nothing on it, and order-api's canary routes by community as Istio would.
 * `estate check` on hand-written Istio YAML fires every mesh rule.
 */
import { Command, CommanderError } from 'commander';
import * as path from 'path';
import { KubeObject } from '../../../constructs';
import { MESH_RULES, RULES, runChecks, estateContext } from '../../../policies/api';
import { registerCheckCommand } from '../../../stacks/cli/check-command';
import { referenceEstate } from '../../../stacks/estates';
import { ClusterApiSchemas, describeWithSharedCrds, SHARED_ISTIO_CRDS_DIR } from '../../helpers/crd-schemas';
import { routeRequest } from '../../helpers/istio-routing';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

const ISTIO = /\.istio\.io\//;
const istioObjects = (asOf: Date): { target: string; object: KubeObject }[] =>
  referenceSynthesis(asOf).targets.flatMap((t) => t.objects.filter((o) => ISTIO.test(o.apiVersion)).map((object) => ({ target: t.name, object })));

describe('the reference estate in the mesh', () => {
  test('the trade clusters carry STRICT mTLS; order-api and payment-worker a DestinationRule and a VirtualService each', () => {
    const objects = istioObjects(REFERENCE_TIMES.dormantBefore);
    const byTarget = (t: string) => objects.filter((o) => o.target === t).map((o) => `${o.object.kind}/${o.object.metadata.namespace}/${o.object.metadata.name}`);
    expect(byTarget('trade-hz1')).toEqual([
      'PeerAuthentication/istio-system/default',
      'DestinationRule/payment/payment-worker', 'VirtualService/payment/payment-worker',
      'DestinationRule/trade/order-api', 'VirtualService/trade/order-api',
    ]);
    expect(byTarget('trade-bj1')).toEqual(['PeerAuthentication/istio-system/default', 'DestinationRule/trade/order-api', 'VirtualService/trade/order-api']);
    expect(byTarget('charging-sh1')).toEqual([]);
    for (const { object } of objects.filter((o) => o.object.kind === 'PeerAuthentication')) expect(object.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('order-api: a listed community and the gray lane go gray; any other request goes 95/5 (step 1 of 5/20/50/100)', () => {
    const vs = istioObjects(REFERENCE_TIMES.dormantBefore).find((o) => o.target === 'trade-hz1' && o.object.kind === 'VirtualService' && o.object.metadata.name === 'order-api')!.object;
    expect(routeRequest(vs, { headers: { 'x-community': 'hz-binjiang-0407' } })).toMatchObject({ rule: 'canary-match', shares: { gray: 1 } });
    expect(routeRequest(vs, { headers: { 'x-lane': 'gray' } })).toMatchObject({ rule: 'canary-match', shares: { gray: 1 } });
    expect(routeRequest(vs, { headers: { 'x-community': 'bj-chaoyang-0001' } })).toMatchObject({ rule: 'default', shares: { stable: 0.95, gray: 0.05 } });
    expect(routeRequest(vs, {})).toMatchObject({ rule: 'default', shares: { stable: 0.95, gray: 0.05 } });
  });

  test('the injected proxy replaces the hand-built one: pods labelled for revision 1-30, no mesh-proxy container', () => {
    const hz1 = referenceSynthesis(REFERENCE_TIMES.dormantBefore).targets.find((t) => t.name === 'trade-hz1')!;
    const order = hz1.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'order-api') as KubeObject & { spec: { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: { name: string }[]; initContainers?: { name: string }[] } } } };
    expect(order.spec.template.metadata.labels['istio.io/rev']).toBe('1-30');
    expect(order.spec.template.metadata.annotations['sidecar.istio.io/proxyCPU']).toBe('100m');
    expect([...order.spec.template.spec.containers, ...(order.spec.template.spec.initContainers ?? [])].map((c) => c.name)).not.toContain('mesh-proxy');
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
