/**
 * The service mesh: a cluster's mTLS, an app's traffic policy, and its release as routes. Asserts on the synthesized
 * Istio objects, and evaluates the VirtualServices the way Istio matches requests (test/helpers/istio-routing.ts).
 */
import { CanaryRoute, EstateValidationError, MeshProvider, MtlsMode, Release, ReleaseChannel, Sidecar, synthesize, validateEstate } from '../../../constructs';
import { FixtureOptions, shopObjects, TIMES, withShop } from '../apps/app-fixtures';
import { field, theObject } from '../../helpers/objects';
import { routeRequest } from '../../helpers/istio-routing';

const MESH = { mesh: { revision: '1-30' } };
const HOST = 'shop.shop.svc.cluster.local';

function errorsOf(change: Parameters<typeof withShop>[0], o: FixtureOptions = MESH): { rule: string; message: string; value?: unknown }[] {
  return validateEstate(withShop(change, o).estate).filter((p) => p.severity === 'error');
}

describe('mesh per cluster', () => {
  test('a meshed cluster gets the root PeerAuthentication, STRICT by default, in istio-system', () => {
    const objects = shopObjects(() => ({}), 'new-k8s', TIMES.normal, MESH);
    const root = theObject(objects, 'PeerAuthentication', 'default', 'istio-system');
    expect(root.apiVersion).toBe('security.istio.io/v1');
    expect(root.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  test('a cluster without a mesh gets no Istio object; an app not in the mesh gets none either', () => {
    expect(shopObjects().filter((o) => o.apiVersion.includes('istio.io'))).toEqual([]);
    const objects = shopObjects(() => ({}), 'new-k8s', TIMES.normal, MESH);
    expect(objects.filter((o) => o.apiVersion.includes('istio.io')).map((o) => o.kind)).toEqual(['PeerAuthentication']);
  });

  test('an app joins by injection: the revision label on its pods, never on the selector; the default revision uses sidecar.istio.io/inject', () => {
    const deployment = theObject(shopObjects(() => ({ mesh: {} }), 'new-k8s', TIMES.normal, MESH), 'Deployment', 'shop');
    expect(field(deployment, 'spec.template.metadata.labels')).toMatchObject({ 'istio.io/rev': '1-30' });
    expect(field<Record<string, string>>(deployment, 'spec.selector.matchLabels')['istio.io/rev']).toBeUndefined();
    const plain = theObject(shopObjects(() => ({ mesh: {} }), 'new-k8s', TIMES.normal, { mesh: {} }), 'Deployment', 'shop');
    expect(field(plain, 'spec.template.metadata.labels')).toMatchObject({ 'sidecar.istio.io/inject': 'true' });
  });

  test('a meshed app may reach istiod (xDS, 15012) through its egress NetworkPolicy', () => {
    const egress = theObject(shopObjects(() => ({ mesh: {} }), 'new-k8s', TIMES.normal, MESH), 'NetworkPolicy', 'shop-allow-egress', 'shop');
    expect(field<unknown[]>(egress, 'spec.egress')).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }],
      ports: [{ port: 15012, protocol: 'TCP' }],
    });
  });

  test('PERMISSIVE ports for callers not in the mesh: a workload PeerAuthentication selecting the app', () => {
    const pa = theObject(shopObjects(() => ({ mesh: { permissivePorts: [8080] } }), 'new-k8s', TIMES.normal, MESH), 'PeerAuthentication', 'shop', 'shop');
    expect(pa.spec).toEqual({ selector: { matchLabels: { 'cluster-estate.io/app': 'shop' } }, portLevelMtls: { '8080': { mode: 'PERMISSIVE' } } });
  });

  test('mesh-wide PERMISSIVE and ASM are stated, not assumed', () => {
    const objects = shopObjects(() => ({}), 'new-k8s', TIMES.normal, { mesh: { provider: MeshProvider.ASM, mtls: MtlsMode.PERMISSIVE } });
    expect(theObject(objects, 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('joining the mesh and declaring Sidecar.meshProxy() is an error; so is a mesh app on a cluster without a mesh', () => {
    expect(errorsOf((f) => ({ mesh: {}, sidecars: [Sidecar.meshProxy()], placement: { clusters: [f.newK8s], replicasPerCluster: 6 } }))).toEqual([
      expect.objectContaining({ rule: 'mesh-proxy', value: '"mesh-proxy"' }),
    ]);
    expect(errorsOf(() => ({ mesh: {} }), {})).toEqual([expect.objectContaining({ rule: 'mesh', value: '"new-k8s"' })]);
    expect(errorsOf(() => ({ sidecars: [Sidecar.meshProxy()] }))).toEqual([]);
    expect(() => synthesize(
      withShop(() => ({ mesh: {}, sidecars: [Sidecar.meshProxy()] }), MESH).estate,
      { asOf: TIMES.normal },
    )).toThrow(EstateValidationError);
  });

  test('a bad revision is reported with the value', () => {
    expect(errorsOf(() => ({}), { mesh: { revision: '1.30' } })).toEqual([expect.objectContaining({ rule: 'mesh', value: '"1.30"' })]);
  });
});

describe('traffic policy per app', () => {
  const objects = shopObjects(() => ({
    mesh: {
      circuitBreaker: {
        maxConnections: 100,
        maxPendingRequests: 50,
        consecutive5xxErrors: 3,
        intervalMs: 500,
        baseEjectionMs: 30_000,
        maxEjectionPercent: 20,
      },
      timeoutMs: 2500,
      retries: { attempts: 3, perTryTimeoutMs: 800 },
    },
  }), 'new-k8s', TIMES.normal, MESH);

  test('one DestinationRule per host: FQDN host, connection pool and outlier detection, a subset per channel', () => {
    const dr = theObject(objects, 'DestinationRule', 'shop', 'shop');
    expect(dr.apiVersion).toBe('networking.istio.io/v1');
    expect(dr.spec).toEqual({
      host: HOST,
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100, connectTimeout: '1s' }, http: { http1MaxPendingRequests: 50, maxRequestsPerConnection: 0 } },
        outlierDetection: { consecutive5xxErrors: 3, interval: '500ms', baseEjectionTime: '30s', maxEjectionPercent: 20 },
      },
      subsets: [{ name: 'stable', labels: { 'cluster-estate.io/channel': 'stable' } }],
    });
  });

  test('one VirtualService per host, bound to the mesh, with the timeout and retries', () => {
    const vs = theObject(objects, 'VirtualService', 'shop', 'shop');
    expect(vs.spec).toEqual({
      hosts: [HOST],
      gateways: ['mesh'],
      http: [{ name: 'default', route: [{ destination: { host: HOST, subset: 'stable' } }], timeout: '2500ms', retries: { attempts: 3, perTryTimeout: '800ms', retryOn: '5xx,reset,connect-failure' } }],
    });
  });

  test.each([
    ['intervalMs', { intervalMs: 0 }],
    ['baseEjectionMs', { baseEjectionMs: 0.5 }],
    ['connectTimeoutMs', { connectTimeoutMs: -1 }],
    ['maxEjectionPercent', { maxEjectionPercent: 100 }],
    ['maxEjectionPercent', { maxEjectionPercent: 101 }],
  ])('circuit breaker: a bad %s is an error', (key, circuitBreaker) => {
    const errors = errorsOf(() => ({ mesh: { circuitBreaker } }));
    expect(errors).toEqual([expect.objectContaining({ rule: 'circuit-breaker', message: expect.stringContaining(key) })]);
  });

  test('maxEjectionPercent 100 is allowed when said', () => {
    expect(errorsOf(() => ({ mesh: { circuitBreaker: { maxEjectionPercent: 100, allowFullEjection: true } } }))).toEqual([]);
  });

  test('timeouts, retries and permissive ports are checked', () => {
    expect(errorsOf(() => ({ mesh: { timeoutMs: 0 } })).map((e) => e.rule)).toEqual(['mesh-timeout']);
    expect(errorsOf(() => ({ mesh: { retries: { perTryTimeoutMs: 0 } } })).map((e) => e.rule)).toEqual(['mesh-retries']);
    expect(errorsOf(() => ({ mesh: { permissivePorts: [9999] } })).map((e) => e.rule)).toEqual(['mesh-permissive-ports']);
  });
});

describe('releases on the mesh', () => {
  const communities = ['hz-0012', 'hz-0407'];
  const canary = (extra: object = {}) => shopObjects(() => ({
    mesh: {},
    release: Release.canary({
      grayPercent: 10,
      route: CanaryRoute.communities(communities),
      weightSteps: [5, 20, 50, 100],
      currentStep: 1,
      ...extra
    }),
  }), 'new-k8s', TIMES.normal, MESH);

  test('a canary by community: the lane and community match first, then stable/gray by the current step', () => {
    const vs = theObject(canary(), 'VirtualService', 'shop', 'shop');
    expect(field(vs, 'spec.http')).toEqual([
      {
        name: 'canary-match',
        match: [{ headers: { 'x-lane': { exact: 'gray' } } }, { headers: { 'x-community': { exact: 'hz-0012' } } }, { headers: { 'x-community': { exact: 'hz-0407' } } }],
        route: [{ destination: { host: HOST, subset: 'gray' } }],
      },
      { name: 'default', route: [{ destination: { host: HOST, subset: 'stable' }, weight: 80 }, { destination: { host: HOST, subset: 'gray' }, weight: 20 }] },
    ]);
    expect(field(theObject(canary(), 'DestinationRule', 'shop', 'shop'), 'spec.subsets')).toEqual([
      { name: 'stable', labels: { 'cluster-estate.io/channel': 'stable' } },
      { name: 'gray', labels: { 'cluster-estate.io/channel': 'gray' } },
    ]);
  });

  test('evaluated as Istio does: a listed community goes gray; another goes by weight; the lane header goes gray', () => {
    const vs = theObject(canary(), 'VirtualService', 'shop', 'shop');
    expect(routeRequest(vs, { headers: { 'X-Community': 'hz-0407' } })).toMatchObject({ rule: 'canary-match', index: 0, shares: { gray: 1 } });
    expect(routeRequest(vs, { headers: { 'x-community': 'sz-0031' } })).toMatchObject({ rule: 'default', index: 1, shares: { stable: 0.8, gray: 0.2 } });
    expect(routeRequest(vs, {})).toMatchObject({ rule: 'default', index: 1, shares: { stable: 0.8, gray: 0.2 } });
    expect(routeRequest(vs, { headers: { 'x-lane': 'gray' } }).shares).toEqual({ gray: 1 });
    // exact, not prefix: a longer id is another community.
    expect(routeRequest(vs, { headers: { 'x-community': 'hz-00120' } }).shares).toEqual({ stable: 0.8, gray: 0.2 });
  });

  test('a canary by header; without steps the weight is grayPercent', () => {
    const vs = theObject(shopObjects(() => ({ mesh: {}, release: Release.canary({ grayPercent: 10, route: CanaryRoute.header('x-canary', 'yes') }) }), 'new-k8s', TIMES.normal, MESH), 'VirtualService', 'shop', 'shop');
    expect(routeRequest(vs, { headers: { 'x-canary': 'yes' } }).shares).toEqual({ gray: 1 });
    expect(routeRequest(vs, { headers: { 'x-canary': 'no' } }).shares).toEqual({ stable: 0.9, gray: 0.1 });
  });

  test('blue/green is a 0/100 route to the active colour', () => {
    const vs = theObject(shopObjects(() => ({ mesh: {}, release: Release.blueGreen({ active: ReleaseChannel.GREEN }) }), 'new-k8s', TIMES.normal, MESH), 'VirtualService', 'shop', 'shop');
    expect(field(vs, 'spec.http')).toEqual([{ name: 'default', route: [{ destination: { host: HOST, subset: 'blue' }, weight: 0 }, { destination: { host: HOST, subset: 'green' }, weight: 100 }] }]);
    expect(routeRequest(vs, {}).shares).toEqual({ blue: 0, green: 1 });
  });

  test('steps, current step and community lists are checked', () => {
    const rel = (p: object) => () => ({ mesh: {}, release: Release.canary({ grayPercent: 10, ...p }) });
    expect(errorsOf(rel({ weightSteps: [20, 5] , currentStep: 0 })).map((e) => e.rule)).toEqual(['release']);
    expect(errorsOf(rel({ weightSteps: [5, 20], currentStep: 2 })).map((e) => e.value)).toEqual(['2']);
    expect(errorsOf(rel({ weightSteps: [5, 20] })).map((e) => e.rule)).toEqual(['release']);
    expect(errorsOf(rel({ route: CanaryRoute.communities([]) })).map((e) => e.rule)).toEqual(['canary-route']);
    expect(errorsOf(rel({ route: CanaryRoute.communities(Array.from({ length: 33 }, (_, i) => `c${i}`)) })).map((e) => e.value)).toEqual(['33']);
    expect(errorsOf(rel({ route: CanaryRoute.communities(['a', 'a']) })).map((e) => e.value)).toEqual(['"a"']);
    expect(errorsOf(rel({ route: CanaryRoute.header('X-Canary', 'yes') })).map((e) => e.value)).toEqual(['"X-Canary"']);
  });
});
