import type { KubeObject } from '../synth/kube-object';
import type { AppInstancePlan } from '../apps/instance-plan';
import { LABEL_APP, LABEL_CHANNEL, MANAGED_BY, APP_MANAGED_BY, ReleaseChannel } from '../apps/labels';
import { MeshSpec } from './mesh';
import { istioDuration } from './traffic';

/** The mesh facts of a cluster the renderers need. */
export interface MeshClusterFacts {
  readonly name: string;
  readonly serviceDomain: string;
  readonly mesh?: MeshSpec;
}

/** An object in the synthesis's canonical form (keys sorted at every level, as the chart writes them). */
function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as unknown as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out as T;
}

/** The FQDN of an app's Service: `<app>.<namespace>.svc.<domain>`. */
export function appHost(plan: AppInstancePlan, serviceDomain: string): string {
  return `${plan.spec.name}.${plan.namespace}.svc.${serviceDomain}`;
}

/**
 * Every mesh object of a cluster target: the root PeerAuthentication, then per meshed app its workload
 * PeerAuthentication (permissive ports), DestinationRule and VirtualService. Nothing when the cluster has no mesh.
 * @internal
 */
export function renderClusterMesh(cluster: MeshClusterFacts, instances: readonly AppInstancePlan[]): KubeObject[] {
  const mesh = cluster.mesh;
  if (!mesh) return [];
  const objects: KubeObject[] = [{
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: mesh.rootNamespace, labels: { [APP_MANAGED_BY]: MANAGED_BY } },
    spec: { mtls: { mode: mesh.mtls } },
  }];
  for (const i of instances) if (i.spec.mesh) objects.push(...renderAppMesh(i, cluster.serviceDomain));
  return objects.map(canonical);
}

/** One meshed app instance's objects. @internal */
export function renderAppMesh(plan: AppInstancePlan, serviceDomain: string): KubeObject[] {
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
  const extras = {
    ...(m.timeoutMs !== undefined ? { timeout: istioDuration(m.timeoutMs) } : {}),
    ...(m.retries ? {
      retries: {
        attempts: m.retries.attempts,
        ...(m.retries.perTryTimeoutMs !== undefined ? { perTryTimeout: istioDuration(m.retries.perTryTimeoutMs) } : {}),
        retryOn: m.retries.retryOn,
      },
    } : {}),
  };
  const to = (subset: string, weight?: number) => ({ destination: { host, subset }, ...(weight !== undefined ? { weight } : {}) });
  const http: Record<string, unknown>[] = [];
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
  objects.push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata,
    spec: { hosts: [host], gateways: ['mesh'], http },
  });
  return objects.map(canonical);
}
