import type { KubeObject } from '../synth/kube-object';
import { canonicalObject } from '../synth/rendered-object';
import { canonicalJson } from '../synth/templates';
import type { AppInstancePlan } from '../apps/instance-plan';
import { AppTemplate } from '../apps/app-template';
import { LABEL_APP, LABEL_CHANNEL, MANAGED_BY, APP_MANAGED_BY, ReleaseChannel } from '../apps/labels';
import type { Taint } from '../estate/node-pool';
import type { Estate } from '../estate/estate';
import { vmAddressBlocks } from '../tenancy/render';
import { MeshSpec } from './mesh';
import { istioDuration } from './traffic';
import { IngressGatewaySpec, gatewayRef } from './gateway';
import { renderGatewayNamespace, renderGatewayWorkload } from './gateway-render';
import { LaneGroup, LaneGroupSpec, laneCarrier, laneHeaderValue, laneRules } from './lanes';
import { renderAuthorization, renderDenyAll } from './security';
import { renderVmGroups } from './vm';

/** The mesh facts of a cluster the renderers need. */
export interface MeshClusterFacts {
  readonly name: string;
  /** The cluster's IDC, for the gateway pods' standard labels. @default - no IDC label */
  readonly idc?: string;
  readonly serviceDomain: string;
  readonly kubernetesVersion?: string;
  readonly pools?: readonly { readonly name: string; readonly taints: readonly Taint[] }[];
  readonly mesh?: MeshSpec;
}

/** What the mesh renderers need from the whole estate: its lane groups, and the namespace of every app (for callers). */
export interface EstateMeshFacts {
  readonly estate: string;
  /** The estate's environment, for the gateway pods' standard labels. @default - no env label */
  readonly environment?: string;
  readonly lanes: readonly LaneGroupSpec[];
  readonly namespaces: ReadonlyMap<string, string>;
}

/** The estate-wide mesh facts of an estate. @internal */
export function estateMeshFacts(estate: Estate): EstateMeshFacts {
  return {
    estate: estate.node.id,
    environment: estate.environment,
    lanes: LaneGroup.groupsOf(estate).map((g) => g.spec),
    namespaces: new Map(AppTemplate.appsOf(estate).map((a) => [a.name, a.spec.namespace])),
  };
}

const NO_FACTS: EstateMeshFacts = { estate: 'estate', lanes: [], namespaces: new Map() };

/** The FQDN of an app's Service: `<app>.<namespace>.svc.<domain>`. */
export function appHost(plan: AppInstancePlan, serviceDomain: string): string {
  return `${plan.spec.name}.${plan.namespace}.svc.${serviceDomain}`;
}

/**
 * Every mesh object of a cluster target: the root PeerAuthentication and the explicit deny-alls; each ingress
 * gateway (namespace, workload, Gateway, and one VirtualService routing every host bound to it); then per meshed app
 * its workload PeerAuthentication (permissive ports), DestinationRule, VirtualService, authorization and VMs.
 * Nothing when the cluster has no mesh.
 * @internal
 */
export function renderClusterMesh(cluster: MeshClusterFacts, instances: readonly AppInstancePlan[], facts: EstateMeshFacts = NO_FACTS): KubeObject[] {
  const mesh = cluster.mesh;
  if (!mesh) return [];
  const objects: KubeObject[] = [{
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: mesh.rootNamespace, labels: { [APP_MANAGED_BY]: MANAGED_BY } },
    spec: { mtls: { mode: mesh.mtls } },
  }];
  for (const ns of [...mesh.denyAll].sort()) objects.push(renderDenyAll(ns));
  const meshed = instances.filter((i) => i.spec.mesh);
  for (const ns of [...new Set(mesh.ingressGateways.map((g) => g.namespace))]) objects.push(...renderGatewayNamespace(
    ns,
    mesh.ingressGateways.filter((g) => g.namespace === ns),
    cluster,
    facts.estate,
  ));
  for (const g of mesh.ingressGateways) {
    const backends = meshed.filter((i) => i.spec.mesh!.gateways.some((b) => b.gateway === g.name)).map((i) => ({
      app: i.app,
      namespace: i.namespace,
      ports: i.spec.ports.map((p) => p.port),
      vmBlocks: vmAddressBlocks(i).map((b) => b.text),
    }));
    objects.push(...renderGatewayWorkload(g, mesh, cluster, backends, facts.environment));
    const vs = renderGatewayRoutes(g, meshed, cluster.serviceDomain, facts.lanes);
    if (vs) objects.push(vs);
  }
  for (const i of meshed) objects.push(...renderAppMesh(i, cluster.serviceDomain, facts));
  return objects.map((o) => canonicalObject(o));
}

type HttpRule = Record<string, unknown> & { name: string; match?: Record<string, unknown>[]; route: Record<string, unknown>[] };

/**
 * The `http[]` of an app's routes, in Istio's order (first match wins): its lane rules, its canary match, then the
 * catch-all split by the release. Each carries the app's timeout, retries and fault.
 */
export function appHttpRules(plan: AppInstancePlan, serviceDomain: string, lanes: readonly LaneGroupSpec[] = []): HttpRule[] {
  const spec = plan.spec;
  const m = spec.mesh!;
  const host = appHost(plan, serviceDomain);
  const channels = spec.channels.map((c) => c.channel);
  const fault = m.fault ? {
    fault: {
      ...(m.fault.delay ? { delay: { fixedDelay: istioDuration(m.fault.delay.fixedDelayMs), percentage: { value: m.fault.delay.percent } } } : {}),
      ...(m.fault.abort ? { abort: { httpStatus: m.fault.abort.httpStatus, percentage: { value: m.fault.abort.percent } } } : {}),
    },
  } : {};
  const extras = {
    ...(m.timeoutMs !== undefined ? { timeout: istioDuration(m.timeoutMs) } : {}),
    ...(m.retries ? {
      retries: {
        attempts: m.retries.attempts,
        ...(m.retries.perTryTimeoutMs !== undefined ? { perTryTimeout: istioDuration(m.retries.perTryTimeoutMs) } : {}),
        retryOn: m.retries.retryOn,
      },
    } : {}),
    ...fault,
  };
  const to = (subset: string, weight?: number) => ({ destination: { host, subset }, ...(weight !== undefined ? { weight } : {}) });
  const http: HttpRule[] = [];
  for (const lane of laneRules(lanes, spec.name, channels)) http.push({ name: lane.name, match: lane.match, route: [to(lane.lane)], ...extras });
  if (spec.releaseKind === 'canary') {
    const r = spec.meshRelease.route;
    const gray = spec.meshRelease.grayWeight ?? 0;
    if (r) {
      const match = r.kind === 'header'
        ? [{ headers: { [r.header]: { exact: r.value } } }]
        : [{ headers: { [r.laneHeader]: { exact: r.lane } } }, ...r.communities.map((id) => ({ headers: { [r.header]: { exact: id } } }))];
      http.push({ name: 'canary-match', match, route: [to(ReleaseChannel.GRAY)], ...extras });
    }
    http.push({ name: 'default', route: [to(ReleaseChannel.STABLE, 100 - gray), to(ReleaseChannel.GRAY, gray)], ...extras });
  } else if (spec.releaseKind === 'blue-green') {
    const active = spec.serviceChannel!;
    http.push({ name: 'default', route: channels.map((c) => to(c, c === active ? 100 : 0)), ...extras });
  } else {
    http.push({ name: 'default', route: [to(ReleaseChannel.STABLE)], ...extras });
  }
  return withoutShadowedMatches(http);
}

/**
 * The rules without the match conditions that an earlier rule already takes (Istio takes the first match, so such a
 * condition is dead: a canary match on the lane header after the lane's own rule, say). A rule left with no
 * condition goes; a rule that had none (the catch-all) stays.
 */
function withoutShadowedMatches(rules: readonly HttpRule[]): HttpRule[] {
  const taken = new Set<string>();
  const out: HttpRule[] = [];
  for (const rule of rules) {
    if (rule.match === undefined) {
      out.push(rule);
      continue;
    }
    const match = rule.match.filter((m) => !taken.has(canonicalJson(m)));
    for (const m of match) taken.add(canonicalJson(m));
    if (match.length > 0) out.push(match.length === rule.match.length ? rule : { ...rule, match });
  }
  return out;
}

/** One meshed app instance's objects, in the order written (renderClusterMesh puts them in the chart's canonical form). @internal */
export function renderAppMesh(plan: AppInstancePlan, serviceDomain: string, facts: EstateMeshFacts = NO_FACTS): KubeObject[] {
  const spec = plan.spec;
  const m = spec.mesh!;
  const host = appHost(plan, serviceDomain);
  const metadata = { name: spec.name, namespace: plan.namespace, labels: { ...plan.labels } };
  const objects: KubeObject[] = [];
  if (m.permissivePorts.length > 0) {
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata,
      spec: {
        selector: { matchLabels: { [LABEL_APP]: spec.name } },
        portLevelMtls: Object.fromEntries([...m.permissivePorts].sort((a, b) => a - b).map((p) => [String(p), { mode: 'PERMISSIVE' }])),
      },
    });
  }
  const cb = m.circuitBreaker;
  const trafficPolicy = cb ? {
    connectionPool: {
      tcp: { maxConnections: cb.maxConnections, connectTimeout: istioDuration(cb.connectTimeoutMs) },
      http: { http1MaxPendingRequests: cb.maxPendingRequests, maxRequestsPerConnection: cb.maxRequestsPerConnection },
    },
    outlierDetection: {
      consecutive5xxErrors: cb.consecutive5xxErrors,
      interval: istioDuration(cb.intervalMs),
      baseEjectionTime: istioDuration(cb.baseEjectionMs),
      maxEjectionPercent: cb.maxEjectionPercent,
    },
  } : undefined;
  const channels = spec.channels.map((c) => c.channel);
  objects.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata,
    spec: {
      host,
      ...(trafficPolicy ? { trafficPolicy } : {}),
      subsets: channels.map((c) => ({ name: c, labels: { [LABEL_CHANNEL]: c } })),
    },
  });
  objects.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata,
    spec: { hosts: [host], gateways: ['mesh'], http: appHttpRules(plan, serviceDomain, facts.lanes) },
  });
  objects.push(...renderAuthorization(plan, (app) => facts.namespaces.get(app) ?? (app === spec.name ? plan.namespace : undefined)));
  objects.push(...renderVmGroups(plan));
  return objects;
}

/**
 * The one VirtualService of an ingress gateway: for every app bound to it, first the community → lane mapping (a
 * bounded list of exact ids, listed here once for the whole mesh: the header it sets is all the services behind
 * route on), then the app's own rules, each narrowed to the app's public hosts. It binds the gateway only: its hosts
 * are edge names, which sidecars do not route (no Service or ServiceEntry declares them); in-mesh callers reach the
 * apps by their Service names, through the apps' own VirtualServices, which carry the same lane and canary rules.
 * @internal
 */
export function renderGatewayRoutes(
  g: IngressGatewaySpec,
  instances: readonly AppInstancePlan[],
  serviceDomain: string,
  lanes: readonly LaneGroupSpec[] = [],
): KubeObject | undefined {
  const bound = instances.flatMap((i) => i.spec.mesh!.gateways.filter((b) => b.gateway === g.name).map((b) => ({ plan: i, hosts: [...b.hosts] })));
  if (bound.length === 0) return undefined;
  const http: HttpRule[] = [];
  const community = g.communityLanes;
  // The lane value the edge writes: a baggage member when the entry group's lane travels in `baggage`.
  const entryGroup = lanes.find((l) => l.entryGateway === g.name && community !== undefined && laneCarrier(l) === community.laneHeader);
  for (const { plan, hosts } of bound) {
    const own = appHttpRules(plan, serviceDomain, lanes);
    // A client may send the port in :authority (`host:443`): one short pattern per host, never per community.
    const authority = (h: string) => ({ regex: `${h.replace(/\./g, '\\.')}(:[0-9]+)?` });
    const scope = (match: Record<string, unknown>[] | undefined) => (match && match.length > 0 ? match : [{}])
      .filter((e) => e.sourceLabels === undefined) // the gateway's own pods are in no lane
      .flatMap((e) => hosts.map((h) => ({ ...e, authority: authority(h) })));
    // The app's timeout, retries and fault hold for the mapped requests too.
    const { name: _name, match: _match, route: _route, ...extras } = own[own.length - 1];
    if (community) {
      const channels = plan.spec.channels.map((c) => c.channel as string);
      const fallback = own[own.length - 1].route;
      const host = appHost(plan, serviceDomain);
      for (const [lane, ids] of Object.entries(community.lanes).sort(([a], [b]) => a.localeCompare(b))) {
        http.push({
          name: `${plan.spec.name}-communities-${lane}`,
          match: ids.flatMap((id) => hosts.map((h) => ({ authority: authority(h), headers: { [community.header]: { exact: id } } }))),
          headers: { request: { set: { [community.laneHeader]: entryGroup ? laneHeaderValue(entryGroup, lane) : lane } } },
          route: channels.includes(lane) ? [{ destination: { host, subset: lane } }] : fallback,
          ...extras,
        });
      }
    }
    for (const rule of own) {
      const match = scope(rule.match);
      if (match.length > 0) http.push({ ...rule, name: `${plan.spec.name}-${rule.name}`, match });
    }
  }
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: g.name, namespace: g.namespace, labels: { [APP_MANAGED_BY]: MANAGED_BY, 'app.kubernetes.io/name': g.name } },
    spec: { hosts: [...new Set(bound.flatMap((b) => b.hosts))].sort(), gateways: [gatewayRef(g)], http: withoutShadowedMatches(http) },
  };
}
