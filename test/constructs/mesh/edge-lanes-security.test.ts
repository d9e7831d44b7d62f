/**
 * The mesh beyond one app: named ingress gateways, communities mapped to a lane at the edge, swimlane groups across
 * services, authorization from the access intent (with JWT), legacy VMs and fault injection. Routing is asserted by
 * evaluating the synthesized VirtualServices the way Istio matches requests (test/helpers/istio-routing.ts), hop by
 * hop; every Istio object is checked against the Istio 1.30 CRDs.
 */
import {
  AppImage, AppTemplate, AppTemplateProps, Caller, Destination, GatewayProtocol, KubeObject, LaneGroup, LaneMode, LanePropagation, MeshProps,
  Release, ReleaseChannel, synthesize, validateEstate,
} from '../../../constructs';
import { Endpoint, NetworkPolicyEvaluator, podEndpoints } from '../../../policies/api';
import { Fixture, FixtureOptions, fixtureEstate, shopProps, targetObjects, TIMES } from '../apps/app-fixtures';
import { ClusterApiSchemas, describeWithSharedCrds, SHARED_ISTIO_CRDS_DIR } from '../../helpers/crd-schemas';
import { field, theObject } from '../../helpers/objects';
import { routeRequest, virtualServiceFor } from '../../helpers/istio-routing';

/** A rendered Istio object, read field by field whatever its shape. */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GW = 'ingress-gateway/public';
const SHOP = 'shop.shop.svc.cluster.local';
const CART = 'cart.cart.svc.cluster.local';
const PUBLIC_HOST = 'shop.example.com';
const FROM_GATEWAY = Caller.ingressGateway({ namespace: 'ingress-gateway', podLabels: { 'app.kubernetes.io/name': 'public' }, ports: ['http'] });

function meshWith(extra: Partial<MeshProps> = {}): FixtureOptions {
  return {
    mesh: {
      revision: '1-30',
      ingressGateways: [{
        name: 'public',
        nodePool: 'gateway',
        sourceRanges: ['198.51.100.0/24'],
        listeners: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: [PUBLIC_HOST, 'api.example.com'], tlsCredentialName: 'shop-cert' }, { port: 80, protocol: GatewayProtocol.HTTP, hosts: [PUBLIC_HOST] }],
        communityLanes: { lanes: { gray: ['hz-0012', 'hz-0407'] } },
      }],
      ...extra,
    },
  };
}

interface Options {
  shop?: Partial<AppTemplateProps>;
  cart?: Partial<AppTemplateProps>;
  group?: Partial<ConstructorParameters<typeof LaneGroup>[2]> | false;
  fixture?: FixtureOptions;
}

const canary = () => Release.canary({ grayPercent: 10, grayImage: AppImage.pinned('registry.example.internal/shop/web:2.4.0-rc.1') });

/** shop (entry, behind gateway "public") calls cart; both meshed, both with a gray version, in lane group "checkout". */
function twoServices(o: Options = {}): Fixture & { shop: AppTemplate; cart: AppTemplate } {
  const f = fixtureEstate(o.fixture ?? meshWith());
  const shop = new AppTemplate(f.estate, 'shop', shopProps(f, {
    release: canary(),
    mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }], propagates: ['x-lane'] },
    access: { allowFrom: [FROM_GATEWAY] },
    ...o.shop,
  }));
  const cart = new AppTemplate(f.estate, 'cart', shopProps(f, {
    release: canary(),
    mesh: { propagates: ['x-lane'] },
    access: { allowFrom: [Caller.app('shop', { ports: ['http'], methods: ['GET', 'POST'], paths: ['/cart/*'] })] },
    ...o.cart,
  }));
  if (o.group !== false) new LaneGroup(f.estate, 'checkout', { members: [shop, cart], lanes: [ReleaseChannel.GRAY], entryGateway: 'public', ...o.group });
  return { ...f, shop, cart };
}

const objectsOf = (f: Fixture) => targetObjects(synthesize(f.estate, { asOf: TIMES.normal }), 'new-k8s');
const errorsOf = (f: Fixture) => validateEstate(f.estate).filter((p) => p.severity === 'error');

describe('named ingress gateways', () => {
  const objects = objectsOf(twoServices());

  test('a gateway is a Deployment by injection, spread over zones on its pool, restricted, with its resources', () => {
    const d = theObject(objects, 'Deployment', 'public', 'ingress-gateway');
    expect(field(d, 'spec.replicas')).toBe(3);
    expect(field(d, 'spec.template.metadata.labels')).toMatchObject({ istio: 'public', 'istio.io/rev': '1-30' });
    expect(field(d, 'spec.template.metadata.annotations')).toMatchObject({ 'inject.istio.io/templates': 'gateway' });
    const pod = field<Loose>(d, 'spec.template.spec');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]).toMatchObject({ name: 'istio-proxy', image: 'auto', resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.topologySpreadConstraints).toEqual([expect.objectContaining({ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { istio: 'public' } } })]);
    expect(pod.tolerations).toEqual([{ key: 'example.com/dedicated', value: 'gateway', effect: 'NoSchedule', operator: 'Equal' }]);
    expect(field(pod, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms')).toEqual([{ matchExpressions: [{ key: 'node.cluster.x-k8s.io/pool', operator: 'In', values: ['gateway'] }] }]);
  });

  test('its Service exposes each listener port once, its budget keeps it serving, its namespace is restricted', () => {
    const svc = theObject(objects, 'Service', 'public', 'ingress-gateway');
    expect(field(svc, 'spec.type')).toBe('LoadBalancer');
    expect(field(svc, 'spec.ports')).toEqual([{ name: 'http-80', port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'https-443', port: 443, protocol: 'TCP', targetPort: 443 }]);
    expect(field(theObject(objects, 'PodDisruptionBudget', 'public', 'ingress-gateway'), 'spec')).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { istio: 'public' } } });
    expect(field(theObject(objects, 'Namespace', 'ingress-gateway'), 'metadata.labels')).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(field(svc, 'spec.loadBalancerSourceRanges')).toEqual(['198.51.100.0/24']);
    // 3 replicas + 1 surge, at the proxy's requests and limits.
    expect(field(theObject(objects, 'ResourceQuota', 'gateway-quota', 'ingress-gateway'), 'spec.hard')).toEqual({ pods: '4', 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.cpu': '8', 'limits.memory': '4Gi' });
  });

  test('the gateway namespace denies by default; the gateway takes its source ranges and reaches only istiod and its apps', () => {
    expect(field(theObject(objects, 'NetworkPolicy', 'default-deny', 'ingress-gateway'), 'spec')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const allow = theObject(objects, 'NetworkPolicy', 'public-allow', 'ingress-gateway');
    expect(field(allow, 'spec.ingress')).toEqual([{ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] }]);
    expect(field(allow, 'spec.egress')).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ port: 15012, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'cluster-estate.io/app': 'shop' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    const proxy = field<Loose>(theObject(objects, 'Deployment', 'public', 'ingress-gateway'), 'spec.template.spec.containers.0');
    expect(proxy.readinessProbe.httpGet).toMatchObject({ path: '/healthz/ready', port: 15021 });
    expect(proxy.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    const noRanges = meshWith();
    const errors = errorsOf(twoServices({ group: false, shop: { mesh: {} }, fixture: { mesh: { ...noRanges.mesh, ingressGateways: [{ name: 'public', sourceRanges: ['10.0.0.0/33'], listeners: [{ port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'c' }] }] } } }));
    expect(errors).toEqual([expect.objectContaining({ rule: 'ingress-gateway', value: '"10.0.0.0/33"' })]);
  });

  test('the Gateway selects the gateway pods and lists the listeners, TLS by credential', () => {
    const g = theObject(objects, 'Gateway', 'public', 'ingress-gateway');
    expect(g.apiVersion).toBe('networking.istio.io/v1');
    expect(g.spec).toEqual({
      selector: { istio: 'public' },
      servers: [
        { port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: [PUBLIC_HOST, 'api.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
        { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: [PUBLIC_HOST] },
      ],
    });
  });

  test('one VirtualService on the gateway, for the bound hosts, bound to the gateway only', () => {
    const vs = theObject(objects, 'VirtualService', 'public', 'ingress-gateway');
    expect(field(vs, 'spec.hosts')).toEqual([PUBLIC_HOST]);
    // Its hosts are edge names, which sidecars do not route: binding "mesh" would add nothing for in-mesh callers.
    expect(field(vs, 'spec.gateways')).toEqual([GW]);
    // The app's own VirtualService stays in-mesh, on its FQDN.
    expect(field(theObject(objects, 'VirtualService', 'shop', 'shop'), 'spec')).toMatchObject({ hosts: [SHOP], gateways: ['mesh'] });
  });

  test('two gateways claiming the same host and port: an error at the second gateway\'s path', () => {
    const bad = meshWith({ ingressGateways: [
      { name: 'public', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'a' }] },
      { name: 'partner', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 443, hosts: ['partner.example.com', PUBLIC_HOST], tlsCredentialName: 'b' }] },
    ] });
    const errors = errorsOf(twoServices({ fixture: bad, group: false, shop: { mesh: {} } }));
    expect(errors).toEqual([expect.objectContaining({ rule: 'gateway-conflict', path: 'shopfloor/daily/new-k8s/mesh/gateway/partner', value: '"shop.example.com:443"' })]);
    // Same host on another port is no conflict.
    const ok = meshWith({ ingressGateways: [
      { name: 'public', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'a' }] },
      { name: 'partner', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 8443, hosts: [PUBLIC_HOST], tlsCredentialName: 'b' }] },
    ] });
    expect(errorsOf(twoServices({ fixture: ok, group: false, shop: { mesh: {} } }))).toEqual([]);
  });

  test('wildcard hosts: a gateway whose hosts overlap another\'s on one port conflicts; disjoint names do not', () => {
    const two = (a: string[], b: string[], port = 443) => errorsOf(twoServices({
      group: false, shop: { mesh: {} }, fixture: meshWith({ ingressGateways: [
      { name: 'public', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 443, hosts: a, tlsCredentialName: 'a' }] },
      { name: 'partner', sourceRanges: ['198.51.100.0/24'], listeners: [{ port, hosts: b, tlsCredentialName: 'b' }] },
      ] }),
    }));
    const conflict = (value: string, message: string) => [expect.objectContaining({
      rule: 'gateway-conflict', path: 'shopfloor/daily/new-k8s/mesh/gateway/partner', value: JSON.stringify(value), message: expect.stringContaining(message),
    })];
    expect(two([PUBLIC_HOST], ['*.example.com'])).toEqual(conflict('*.example.com:443', `overlaps host ${PUBLIC_HOST}, already served by gateway "public"`));
    expect(two(['*.example.com'], [PUBLIC_HOST])).toEqual(conflict(`${PUBLIC_HOST}:443`, 'overlaps host *.example.com'));
    expect(two(['*.example.com'], ['*.eu.example.com'])).toEqual(conflict('*.eu.example.com:443', 'overlaps host *.example.com'));
    expect(two(['*.a.com'], ['x.b.com'])).toEqual([]);
    expect(two(['*.a.com'], ['a.com'])).toEqual([]); // a wildcard covers the names below it, not the domain itself
    expect(two(['*.example.com'], [PUBLIC_HOST], 8443)).toEqual([]);
  });

  test('wildcard hosts: one gateway may pair a wildcard with a dedicated name; "*", "*.com" and namespaces are refused', () => {
    const one = (listeners: { port: number; hosts: string[]; tlsCredentialName: string }[]) => errorsOf(twoServices({
      group: false, shop: { mesh: {} }, fixture: meshWith({ ingressGateways: [{ name: 'public', sourceRanges: ['198.51.100.0/24'], listeners }] }),
    }));
    // One proxy, one listener per port: the most specific name picks the certificate.
    const wildAndShop = [{ port: 443, hosts: ['*.example.com'], tlsCredentialName: 'wild' }, { port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'shop' }];
    expect(one(wildAndShop)).toEqual([]);
    expect(one([{ port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'a' }, { port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'b' }]))
      .toEqual([expect.objectContaining({ rule: 'gateway-conflict', value: JSON.stringify(`${PUBLIC_HOST}:443`) })]);
    const refused = one([{ port: 443, hosts: ['*', '*.com', 'shop/api.example.com', '*-mr.example.com'], tlsCredentialName: 'a' }]);
    const byValue = new Map(refused.map((e) => [e.value, e]));
    expect(refused.map((e) => e.rule)).toEqual(Array(4).fill('gateway-listener'));
    expect([...byValue.keys()].sort()).toEqual(['"*"', '"*-mr.example.com"', '"*.com"', '"shop/api.example.com"']);
    expect(byValue.get('"*"')!.message).toContain('overlap every other gateway');
    expect(byValue.get('"shop/api.example.com"')!.message).toContain('names a namespace');
    expect(byValue.get('"*.com"')!.message).toContain('at least two labels');
  });

  test('listeners are checked: HTTPS needs a credential, a plain listener takes none, one replica is refused', () => {
    const errors = errorsOf(twoServices({ group: false, shop: { mesh: {} }, fixture: meshWith({ ingressGateways: [
      { name: 'public', sourceRanges: ['198.51.100.0/24'], replicas: 1, listeners: [{ port: 443, hosts: [PUBLIC_HOST] }, { port: 80, protocol: GatewayProtocol.HTTP, hosts: ['x.example.com'], tlsCredentialName: 'c' }] },
    ] }) }));
    expect(errors.map((e) => e.rule).sort()).toEqual(['gateway-listener', 'gateway-listener', 'ingress-gateway', 'ingress-gateway']);
  });

  test('an app routed from a gateway: the gateway must exist, serve the host and be one of the app\'s callers', () => {
    const missing = errorsOf(twoServices({ group: false, shop: { mesh: { gateways: [{ gateway: 'partner', hosts: [PUBLIC_HOST] }] } } }));
    expect(missing).toEqual([expect.objectContaining({ rule: 'gateway-route', value: '"partner"' })]);
    const unserved = errorsOf(twoServices({ group: false, shop: { mesh: { gateways: [{ gateway: 'public', hosts: ['other.example.com'] }] } } }));
    expect(unserved).toEqual([expect.objectContaining({ rule: 'gateway-route', value: '"other.example.com"' })]);
    const notAdmitted = errorsOf(twoServices({ group: false, shop: { mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }] }, access: { allowFrom: [Caller.ingressGateway()] } } }));
    expect(notAdmitted).toEqual([expect.objectContaining({ rule: 'gateway-route', fix: expect.stringContaining("podLabels: { 'app.kubernetes.io/name': 'public' }") })]);
  });
});

describe('communities mapped to a lane at the edge, and a lane across two services', () => {
  const objects = objectsOf(twoServices());
  const atGateway = virtualServiceFor(objects, PUBLIC_HOST, GW);
  const cartVs = virtualServiceFor(objects, CART);

  test('the community ids are listed once, at the gateway, as exact matches; the services route on the lane header only', () => {
    const rules = field<Loose[]>(atGateway, 'spec.http');
    const mapping = rules.find((r) => r.name === 'shop-communities-gray')!;
    expect(mapping.headers).toEqual({ request: { set: { 'x-lane': 'gray' } } });
    const host = { regex: 'shop\\.example\\.com(:[0-9]+)?' };
    expect(mapping.match).toEqual([
      { authority: host, headers: { 'x-community': { exact: 'hz-0012' } } },
      { authority: host, headers: { 'x-community': { exact: 'hz-0407' } } },
    ]);
    // The host may come with its port; another host never matches.
    expect(routeRequest(atGateway, { gateway: GW, authority: `${PUBLIC_HOST}:443`, headers: { 'x-community': 'hz-0012' } }).rule).toBe('shop-communities-gray');
    const inside = JSON.stringify([field(cartVs, 'spec'), field(virtualServiceFor(objects, SHOP), 'spec')]);
    expect(inside).not.toContain('x-community');
    expect(inside).not.toContain('regex');
  });

  test('a community request enters the gray lane at the gateway and stays gray across shop and cart', () => {
    const entry = routeRequest(atGateway, { gateway: GW, authority: PUBLIC_HOST, headers: { 'x-community': 'hz-0407' } });
    expect(entry).toMatchObject({ shares: { gray: 1 }, hosts: [SHOP] });
    expect(entry.headers['x-lane']).toBe('gray');
    // shop's gray pods call cart, copying the lane header (shop declares it propagates x-lane).
    const hop = routeRequest(cartVs, { headers: { 'x-lane': entry.headers['x-lane'] }, sourceLabels: { 'cluster-estate.io/channel': 'gray' } });
    expect(hop).toMatchObject({ rule: 'lane-checkout-gray', shares: { gray: 1 }, hosts: [CART] });
  });

  test('a request without the header goes by weight at the gateway and at every hop', () => {
    const entry = routeRequest(atGateway, { gateway: GW, authority: PUBLIC_HOST, headers: { 'x-community': 'sz-0031' } });
    expect(entry).toMatchObject({ rule: 'shop-default', shares: { stable: 0.9, gray: 0.1 } });
    expect(entry.headers['x-lane']).toBeUndefined();
    expect(routeRequest(cartVs, { sourceLabels: { 'cluster-estate.io/channel': 'stable' } })).toMatchObject({ rule: 'default', shares: { stable: 0.9, gray: 0.1 } });
    // A request that already carries the lane enters it too.
    expect(routeRequest(atGateway, { gateway: GW, authority: PUBLIC_HOST, headers: { 'x-lane': 'gray' } })).toMatchObject({ shares: { gray: 1 } });
  });

  test('PERMISSIVE: a gray caller that dropped the header reaches cart by weight; STRICT keeps it gray by the caller\'s label', () => {
    const fromGrayNoHeader = { sourceLabels: { 'cluster-estate.io/channel': 'gray' } };
    expect(routeRequest(cartVs, fromGrayNoHeader).shares).toEqual({ stable: 0.9, gray: 0.1 });
    const strict = virtualServiceFor(objectsOf(twoServices({ group: { mode: LaneMode.STRICT } })), CART);
    expect(routeRequest(strict, fromGrayNoHeader)).toMatchObject({ rule: 'lane-checkout-gray', shares: { gray: 1 } });
  });

  test('PERMISSIVE: a member with no gray version gets no lane rule and serves the baseline to lane requests', () => {
    const objects2 = objectsOf(twoServices({ cart: { release: Release.stable() } }));
    const vs = virtualServiceFor(objects2, CART);
    expect(field<{ name: string }[]>(vs, 'spec.http').map((r) => r.name)).toEqual(['default']);
    expect(routeRequest(vs, { headers: { 'x-lane': 'gray' } }).shares).toEqual({ stable: 1 });
  });

  test('the lane in OTel baggage: the edge writes one baggage member, the services match it with one short pattern', () => {
    const f = twoServices({
      fixture: meshWith({ ingressGateways: [{ name: 'public', nodePool: 'gateway', sourceRanges: ['198.51.100.0/24'], listeners: [{ port: 443, hosts: [PUBLIC_HOST], tlsCredentialName: 'c' }], communityLanes: { laneHeader: 'baggage', lanes: { gray: ['hz-0012'] } } }] }),
      group: { propagation: LanePropagation.BAGGAGE },
      shop: { mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }], propagates: ['baggage'] } },
      cart: { mesh: { propagates: ['baggage'] } },
    });
    const o = objectsOf(f);
    const entry = routeRequest(virtualServiceFor(o, PUBLIC_HOST, GW), { gateway: GW, authority: PUBLIC_HOST, headers: { 'x-community': 'hz-0012' } });
    expect(entry.headers.baggage).toBe('lane=gray');
    const cart = virtualServiceFor(o, CART);
    expect(routeRequest(cart, { headers: { baggage: 'userid=alice, lane=gray;ttl=3,sampled=1' } }).shares).toEqual({ gray: 1 });
    expect(routeRequest(cart, { headers: { baggage: 'lane=grayish' } }).shares).toEqual({ stable: 0.9, gray: 0.1 });
  });

  test('lane groups are checked: propagation declared, every lane in STRICT, members meshed, the entry bound', () => {
    expect(errorsOf(twoServices({ cart: { mesh: {} } }))).toEqual([expect.objectContaining({ rule: 'lane-propagation', path: 'shopfloor/cart', message: expect.stringContaining('lane group checkout') })]);
    expect(errorsOf(twoServices({ group: { mode: LaneMode.STRICT }, cart: { release: Release.stable(), mesh: {} } }))).toEqual([expect.objectContaining({ rule: 'lane-member', value: '"gray"' })]);
    expect(errorsOf(twoServices({ cart: { mesh: undefined, access: {} } })).map((e) => e.rule)).toEqual(['lane-member']);
    expect(errorsOf(twoServices({ group: { entryGateway: 'partner' } })).map((e) => e.rule)).toEqual(['lane-entry']);
    expect(errorsOf(twoServices({ group: { lanes: [ReleaseChannel.STABLE] } })).map((e) => e.rule)).toContain('lane-group');
  });
});

describe('authorization from the access intent', () => {
  test('callers become an ALLOW policy: gateway namespace, caller service account, with ports, methods and paths', () => {
    const objects = objectsOf(twoServices());
    expect(field(theObject(objects, 'AuthorizationPolicy', 'shop', 'shop'), 'spec')).toEqual({
      selector: { matchLabels: { 'cluster-estate.io/app': 'shop' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['ingress-gateway'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(field(theObject(objects, 'AuthorizationPolicy', 'cart', 'cart'), 'spec.rules')).toEqual([
      { from: [{ source: { serviceAccounts: ['shop/shop'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'], paths: ['/cart/*'] } }] },
    ]);
  });

  test('requireJwt: a RequestAuthentication and a token required in every rule, so a request without one is refused', () => {
    const objects = objectsOf(twoServices({ shop: { mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }], propagates: ['x-lane'], requireJwt: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks.json', audiences: ['shop'] } } } }));
    expect(field(theObject(objects, 'RequestAuthentication', 'shop', 'shop'), 'spec')).toEqual({
      selector: { matchLabels: { 'cluster-estate.io/app': 'shop' } },
      jwtRules: [{ issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks.json', audiences: ['shop'] }],
    });
    const rules = field<{ from: { source: Record<string, unknown> }[] }[]>(theObject(objects, 'AuthorizationPolicy', 'shop', 'shop'), 'spec.rules');
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) for (const f of r.from) expect(f.source.requestPrincipals).toEqual(['https://login.example.com/*']);
  });

  test('no caller, no policy (an empty ALLOW would deny all); a deny-all only when the mesh says so', () => {
    const objects = objectsOf(twoServices({ group: false, cart: { access: {}, mesh: {} }, fixture: meshWith({ denyAll: ['cart'] }) }));
    expect(objects.filter((o) => o.kind === 'AuthorizationPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(['cart/deny-all', 'shop/shop']);
    expect(theObject(objects, 'AuthorizationPolicy', 'deny-all', 'cart').spec).toEqual({});
  });

  test('bad JWT settings and L7 limits on an app outside the mesh are errors', () => {
    const jwt = errorsOf(twoServices({ group: false, cart: { mesh: { requireJwt: { issuer: 'https://login.example.com', jwksUri: 'http://login.example.com/jwks' } }, access: {} } }));
    expect(jwt.map((e) => e.rule)).toEqual(['require-jwt', 'require-jwt']);
    const l7 = errorsOf(twoServices({ group: false, cart: { mesh: undefined } }));
    expect(l7).toEqual([expect.objectContaining({ rule: 'caller-operation', path: 'shopfloor/cart' })]);
  });
});

describe('legacy VMs', () => {
  const vmGroups = [{ name: 'legacy', cluster: 'new-k8s', locality: 'r1/dc1-a', vms: [{ name: 'vm-01', address: '10.8.0.21' }, { name: 'vm-02', address: '10.8.0.22', locality: 'r1/dc1-b' }] }];
  const objects = objectsOf(twoServices({ group: false, cart: { release: Release.stable(), mesh: { vmGroups } } }));

  test('a WorkloadGroup and a WorkloadEntry per VM, labelled so that the app\'s Service selects them', () => {
    const selector = field<Record<string, string>>(theObject(objects, 'Service', 'cart', 'cart'), 'spec.selector');
    const group = theObject(objects, 'WorkloadGroup', 'cart-legacy', 'cart');
    expect(field(group, 'spec.template')).toEqual({ serviceAccount: 'cart', ports: { http: 8080 }, locality: 'r1/dc1-a' });
    expect(field(group, 'spec.metadata.labels')).toMatchObject(selector);
    const entries = objects.filter((o) => o.kind === 'WorkloadEntry');
    expect(entries.map((e) => [e.metadata.name, field(e, 'spec.address'), field(e, 'spec.locality')])).toEqual([['cart-legacy-vm-01', '10.8.0.21', 'r1/dc1-a'], ['cart-legacy-vm-02', '10.8.0.22', 'r1/dc1-b']]);
    for (const e of entries) {
      expect(field(e, 'spec.labels')).toMatchObject(selector);
      // ... and the stable subset of the DestinationRule, so the VMs take the stable share.
      expect(field(e, 'spec.labels')).toMatchObject({ 'cluster-estate.io/channel': 'stable' });
      expect(field(e, 'spec.serviceAccount')).toBe('cart');
    }
  });

  test('callers reach the VMs: an ipBlock per VM address in the caller\'s egress, unless its own destinations cover them', () => {
    const evaluator = new NetworkPolicyEvaluator(objects);
    const pods = podEndpoints(objects);
    const shopPod = pods.find((p) => p.name === 'shop/shop')!;
    const cartPod = pods.find((p) => p.name === 'cart/cart')!;
    const vm = (ip: string): Endpoint => ({ name: `vm ${ip}`, ip });
    const egress = field<Loose[]>(theObject(objects, 'NetworkPolicy', 'shop-allow-egress', 'shop'), 'spec.egress');
    const toCart = egress.findIndex((r) => r.to[0].podSelector?.matchLabels['cluster-estate.io/app'] === 'cart');
    expect(egress[toCart + 1]).toEqual({ to: [{ ipBlock: { cidr: '10.8.0.21/32' } }, { ipBlock: { cidr: '10.8.0.22/32' } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    for (const ip of ['10.8.0.21', '10.8.0.22']) {
      expect(evaluator.check(shopPod, vm(ip), 8080).allowed).toBe(true);
      expect(evaluator.check(shopPod, vm(ip), 9090).allowed).toBe(false);
      expect(evaluator.check(cartPod, vm(ip), 8080).allowed).toBe(false); // not a caller of cart
    }
    expect(evaluator.check(shopPod, vm('10.8.0.23'), 8080).allowed).toBe(false);
    // The gateway routes to shop only, which has no VMs: its egress lists none.
    expect(JSON.stringify(field(theObject(objects, 'NetworkPolicy', 'public-allow', 'ingress-gateway'), 'spec.egress'))).not.toContain('ipBlock');
    // Already covered by the caller's own external destination on that port: nothing added; a range on another port is not enough.
    const covered = (ports: number[]) => objectsOf(twoServices({
      group: false,
      shop: { access: { allowFrom: [FROM_GATEWAY], egressTo: [Destination.external('old-platform', { cidrs: ['10.8.0.0/24'], ports })] } },
      cart: { release: Release.stable(), mesh: { vmGroups } },
    }));
    const ipBlocksOf = (o: KubeObject[]) => field<Loose[]>(theObject(o, 'NetworkPolicy', 'shop-allow-egress', 'shop'), 'spec.egress')
      .flatMap((r) => r.to.filter((t: Loose) => t.ipBlock).map((t: Loose) => t.ipBlock.cidr));
    expect(ipBlocksOf(covered([8080]))).toEqual(['10.8.0.0/24']);
    expect(ipBlocksOf(covered([443]))).toEqual(['10.8.0.21/32', '10.8.0.22/32', '10.8.0.0/24']);
  });

  test('the gateway reaches the VMs of an app it routes to', () => {
    const o = objectsOf(twoServices({ group: false, shop: { mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }], propagates: ['x-lane'], vmGroups } } }));
    const gateway = podEndpoints(o).find((p) => p.name === 'ingress-gateway/public')!;
    const evaluator = new NetworkPolicyEvaluator(o);
    expect(evaluator.check(gateway, { name: 'vm', ip: '10.8.0.22' }, 8080).allowed).toBe(true);
    expect(evaluator.check(gateway, { name: 'vm', ip: '10.8.0.22' }, 9090).allowed).toBe(false);
  });

  test('a VM address must be an IP; labels may not contradict the selector; the cluster must run the app', () => {
    const bad = (g: object) => errorsOf(twoServices({
      group: false,
      cart: { release: Release.stable(), mesh: { vmGroups: [{ ...vmGroups[0], ...g }] } },
    }));
    expect(bad({ vms: [{ name: 'vm-01', address: '10.8.0.300' }] })).toEqual([expect.objectContaining({ rule: 'vm-address', path: 'shopfloor/cart/vm-group/legacy/vm-01' })]);
    expect(bad({ labels: { 'cluster-estate.io/app': 'shop' } })).toEqual([expect.objectContaining({ rule: 'vm-labels' })]);
    // A cluster the app does not run on: the VMs join no mesh; a warning, so that removing a cluster stays possible.
    const f = twoServices({ group: false, cart: { release: Release.stable(), mesh: { vmGroups: [{ ...vmGroups[0], cluster: 'old-k8s' }] } } });
    expect(validateEstate(f.estate)).toEqual([expect.objectContaining({ severity: 'warning', rule: 'vm-group', value: '"old-k8s"' })]);
    expect(objectsOf(f).filter((o) => o.kind.startsWith('Workload'))).toEqual([]);
  });
});

describe('fault injection', () => {
  const fault = { abort: { httpStatus: 503, percent: 5 }, delay: { fixedDelayMs: 1500, percent: 10 } };

  test('on every route of the app, as delay and abort with a percentage', () => {
    const objects = objectsOf(twoServices({ group: false, cart: { mesh: { fault: { ...fault, reason: 'resilience drill ticket OPS-1234, ends Friday' } } } }));
    for (const rule of field<Record<string, unknown>[]>(virtualServiceFor(objects, CART), 'spec.http')) {
      expect(rule.fault).toEqual({ abort: { httpStatus: 503, percentage: { value: 5 } }, delay: { fixedDelay: '1500ms', percentage: { value: 10 } } });
    }
  });

  test('refused in production without a reason; allowed in staging; values checked', () => {
    expect(errorsOf(twoServices({ group: false, cart: { mesh: { fault } } }))).toEqual([expect.objectContaining({ rule: 'mesh-fault', path: 'shopfloor/cart' })]);
    expect(errorsOf(twoServices({ group: false, cart: { mesh: { fault } }, fixture: { ...meshWith(), environment: 'staging' } }))).toEqual([]);
    expect(errorsOf(twoServices({ group: false, cart: { mesh: { fault: { abort: { httpStatus: 700, percent: 0 }, reason: 'resilience drill ticket OPS-1' } } } })).map((e) => e.rule)).toEqual(['mesh-fault', 'mesh-fault']);
  });
});

describeWithSharedCrds('every Istio kind of these features against the Istio 1.30 CRDs', () => {
  test('gateway, lanes, authorization, JWT, VMs, faults, deny-all: valid with unknown fields refused', () => {
    const schemas = ClusterApiSchemas.load(SHARED_ISTIO_CRDS_DIR);
    const objects: KubeObject[] = [
      ...objectsOf(twoServices({ group: { mode: LaneMode.STRICT }, fixture: meshWith({ denyAll: ['cart'] }), shop: { mesh: { gateways: [{ gateway: 'public', hosts: [PUBLIC_HOST] }], propagates: ['x-lane'], requireJwt: { issuer: 'https://login.example.com', jwksUri: 'https://login.example.com/jwks.json', fromHeader: { name: 'Authorization', prefix: 'Bearer ' } } } } })),
      ...objectsOf(twoServices({ group: false, cart: { release: Release.stable(), mesh: { vmGroups: [{ name: 'legacy', cluster: 'new-k8s', vms: [{ name: 'vm-01', address: '10.8.0.21' }] }], fault: { abort: { httpStatus: 503, percent: 5 }, reason: "resilience drill ticket OPS-1234" } } } })),
    ].filter((o) => o.apiVersion.includes('.istio.io/'));
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    expect(kinds).toEqual(['AuthorizationPolicy', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'RequestAuthentication', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup']);
    expect(objects.flatMap((o) => schemas.validate(o))).toEqual([]);
    // CEL rules of these CRDs that ajv cannot run, mirrored: a source with serviceAccounts names no principals or
    // namespaces; WorkloadEntry/WorkloadGroup port names are DNS-label-like and under 63 characters.
    const sources = objects.filter((o) => o.kind === 'AuthorizationPolicy').flatMap((o) => field<{ from?: { source: Record<string, unknown> }[] }[]>(o, 'spec.rules') ?? []).flatMap((r) => r.from ?? []).map((f) => f.source);
    expect(sources.length).toBeGreaterThan(2);
    for (const src of sources) if (src.serviceAccounts) expect([
      src.principals,
      src.namespaces,
      src.notPrincipals,
      src.notNamespaces,
    ]).toEqual([undefined, undefined, undefined, undefined]);
    const portNames = objects.filter((o) => o.kind === 'WorkloadEntry' || o.kind === 'WorkloadGroup').flatMap((o) => Object.keys(field<Record<string, number>>(o, o.kind === 'WorkloadEntry' ? 'spec.ports' : 'spec.template.ports')));
    expect(portNames.length).toBeGreaterThan(0);
    for (const n of portNames) expect(n.length < 63 && /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(n)).toBe(true);
    const gateway = objects.find((o) => o.kind === 'Gateway')!;
    expect(schemas.validate({ ...gateway, spec: { ...(gateway.spec as object), server: [] } } as KubeObject).join('\n')).toMatch(/server/);
  });
}, SHARED_ISTIO_CRDS_DIR);
