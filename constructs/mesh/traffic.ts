import { ProblemCollector } from '../estate/problems';
import { checkResources, ContainerResources, cpuQuantity, limitsOf, memoryQuantity, requestsOf } from '../apps/resources';

/** Connection-pool limits and outlier detection of an app's host (DestinationRule `trafficPolicy`). */
export interface CircuitBreakerProps {
  /** `connectionPool.tcp.maxConnections`. @default 1024 */
  readonly maxConnections?: number;
  /** `connectionPool.tcp.connectTimeout`, in milliseconds, 1 or more. @default 1000 */
  readonly connectTimeoutMs?: number;
  /** `connectionPool.http.http1MaxPendingRequests`. @default 1024 */
  readonly maxPendingRequests?: number;
  /** `connectionPool.http.maxRequestsPerConnection`; 0 means unlimited. @default 0 */
  readonly maxRequestsPerConnection?: number;
  /** `outlierDetection.consecutive5xxErrors`: errors before a host is ejected. @default 5 */
  readonly consecutive5xxErrors?: number;
  /** `outlierDetection.interval`, in milliseconds, 1 or more. @default 10000 */
  readonly intervalMs?: number;
  /** `outlierDetection.baseEjectionTime`, in milliseconds, 1 or more. @default 30000 */
  readonly baseEjectionMs?: number;
  /** `outlierDetection.maxEjectionPercent`, below 100 unless `allowFullEjection`. @default 10 */
  readonly maxEjectionPercent?: number;
  /** Allows `maxEjectionPercent: 100`, which can eject every host of the app. @default false */
  readonly allowFullEjection?: boolean;
}

/** Retries of a route (VirtualService `http[].retries`). */
export interface RetryProps {
  /** @default 2 */
  readonly attempts?: number;
  /** Per attempt, in milliseconds, 1 or more. @default - the route's timeout */
  readonly perTryTimeoutMs?: number;
  /** Envoy's retry conditions. @default '5xx,reset,connect-failure' */
  readonly retryOn?: string;
}

/**
 * An app in the cluster's mesh: it joins by injection (the mesh's proxy replaces `Sidecar.meshProxy()`), and its host
 * gets one DestinationRule and one VirtualService.
 */
export interface AppMeshProps {
  /** @default - Istio's defaults: no connection limits, no outlier detection */
  readonly circuitBreaker?: CircuitBreakerProps;
  /** Timeout of every request, in milliseconds, 1 or more. @default - no timeout */
  readonly timeoutMs?: number;
  /** @default - Istio's default retries */
  readonly retries?: RetryProps;
  /**
   * Ports that also accept plain text, for callers not in the mesh yet (a workload PeerAuthentication with
   * `portLevelMtls` PERMISSIVE).
   * @default []
   */
  readonly permissivePorts?: number[];
  /**
   * Requests and limits of the injected proxy (pod annotations `sidecar.istio.io/proxyCPU`, ...). They count in the
   * pod's size, its namespace's quota and the node pools' capacity like any container.
   * @default - 100m / 1 CPU, 128 / 512 MiB (as `Sidecar.meshProxy()`)
   */
  readonly proxyResources?: ContainerResources;
}

/** The injected proxy's requests and limits when `AppMeshProps.proxyResources` is not given. */
export const DEFAULT_PROXY_RESOURCES: ContainerResources = { cpuMillis: { request: 100, limit: 1000 }, memoryMiB: { request: 128, limit: 512 } };

/** A circuit breaker with every default applied. Plain data. */
export interface CircuitBreakerSpec {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly maxRequestsPerConnection: number;
  readonly consecutive5xxErrors: number;
  readonly intervalMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionPercent: number;
  readonly allowFullEjection: boolean;
}

/** An app's mesh settings with every default applied. Plain data. */
export interface AppMeshSpec {
  readonly circuitBreaker?: CircuitBreakerSpec;
  readonly timeoutMs?: number;
  readonly retries?: { readonly attempts: number; readonly perTryTimeoutMs?: number; readonly retryOn: string };
  readonly permissivePorts: readonly number[];
  readonly proxyResources: ContainerResources;
}

/** @internal */
export function resolveAppMesh(props: AppMeshProps): AppMeshSpec {
  const cb = props.circuitBreaker;
  return {
    ...(cb ? {
      circuitBreaker: {
        maxConnections: cb.maxConnections ?? 1024,
        connectTimeoutMs: cb.connectTimeoutMs ?? 1000,
        maxPendingRequests: cb.maxPendingRequests ?? 1024,
        maxRequestsPerConnection: cb.maxRequestsPerConnection ?? 0,
        consecutive5xxErrors: cb.consecutive5xxErrors ?? 5,
        intervalMs: cb.intervalMs ?? 10000,
        baseEjectionMs: cb.baseEjectionMs ?? 30000,
        maxEjectionPercent: cb.maxEjectionPercent ?? 10,
        allowFullEjection: cb.allowFullEjection ?? false,
      },
    } : {}),
    ...(props.timeoutMs !== undefined ? { timeoutMs: props.timeoutMs } : {}),
    ...(props.retries ? {
      retries: {
        attempts: props.retries.attempts ?? 2,
        ...(props.retries.perTryTimeoutMs !== undefined ? { perTryTimeoutMs: props.retries.perTryTimeoutMs } : {}),
        retryOn: props.retries.retryOn ?? '5xx,reset,connect-failure',
      },
    } : {}),
    permissivePorts: props.permissivePorts ?? [],
    proxyResources: props.proxyResources ?? DEFAULT_PROXY_RESOURCES,
  };
}

function wholeAtLeast(v: unknown, min: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** @internal */
export function checkAppMesh(path: string, mesh: AppMeshSpec, appPorts: readonly number[], problems: ProblemCollector): void {
  const cb = mesh.circuitBreaker;
  if (cb) {
    for (const [key, value] of [['connectTimeoutMs', cb.connectTimeoutMs], ['intervalMs', cb.intervalMs], ['baseEjectionMs', cb.baseEjectionMs]] as const) {
      if (!wholeAtLeast(value, 1)) problems.error({
        path,
        rule: 'circuit-breaker',
        message: `${key} must be a whole number of milliseconds, 1 or more (Istio rejects shorter durations)`,
        fix: `set ${key} to, for example, 1000`,
        value,
      });
    }
    for (const [key, value] of [['maxConnections', cb.maxConnections], ['maxPendingRequests', cb.maxPendingRequests], ['consecutive5xxErrors', cb.consecutive5xxErrors]] as const) {
      if (!wholeAtLeast(value, 1)) problems.error({
        path,
        rule: 'circuit-breaker',
        message: `${key} must be a whole number, 1 or more`,
        fix: `keep the default of ${key}`,
        value,
      });
    }
    if (!wholeAtLeast(cb.maxRequestsPerConnection, 0)) problems.error({
      path,
      rule: 'circuit-breaker',
      message: 'maxRequestsPerConnection must be a whole number, 0 (unlimited) or more',
      fix: 'keep the default, 0',
      value: cb.maxRequestsPerConnection,
    });
    const max = cb.maxEjectionPercent;
    if (!wholeAtLeast(max, 0) || max > 100) problems.error({
      path,
      rule: 'circuit-breaker',
      message: 'maxEjectionPercent must be a whole number from 0 to 100',
      fix: 'keep the default, 10',
      value: max,
    });
    else if (max === 100 && !cb.allowFullEjection) problems.error({
      path,
      rule: 'circuit-breaker',
      message: 'maxEjectionPercent 100 can eject every host of the app, leaving nothing to serve',
      fix: 'stay below 100 (the default is 10), or set allowFullEjection: true',
      value: max,
    });
  }
  if (mesh.timeoutMs !== undefined && !wholeAtLeast(mesh.timeoutMs, 1)) problems.error({
    path,
    rule: 'mesh-timeout',
    message: 'timeoutMs must be a whole number of milliseconds, 1 or more',
    fix: 'set timeoutMs to, for example, 3000',
    value: mesh.timeoutMs,
  });
  const r = mesh.retries;
  if (r) {
    if (!wholeAtLeast(r.attempts, 0)) problems.error({
      path,
      rule: 'mesh-retries',
      message: 'retry attempts must be a whole number, 0 or more',
      fix: 'keep the default, 2',
      value: r.attempts,
    });
    if (r.perTryTimeoutMs !== undefined && !wholeAtLeast(r.perTryTimeoutMs, 1)) problems.error({
      path,
      rule: 'mesh-retries',
      message: 'perTryTimeoutMs must be a whole number of milliseconds, 1 or more',
      fix: 'set perTryTimeoutMs to, for example, 1000',
      value: r.perTryTimeoutMs,
    });
    if (typeof r.retryOn !== 'string' || r.retryOn.length === 0) problems.error({
      path,
      rule: 'mesh-retries',
      message: 'retryOn must name at least one condition',
      fix: "keep the default, '5xx,reset,connect-failure'",
      value: r.retryOn,
    });
  }
  checkResources(path, 'the injected mesh proxy', mesh.proxyResources, problems);
  for (const p of mesh.permissivePorts) {
    if (!appPorts.includes(p)) problems.error({
      path,
      rule: 'mesh-permissive-ports',
      message: `permissive port ${p} is not a port of the app`,
      fix: `use one of ${appPorts.join(', ')}`,
      value: p,
    });
  }
}

/** A duration in Istio's form from milliseconds: whole seconds as `Ns`, else `Nms`. */
export function istioDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The pod annotations that size the injected proxy as `proxyResources` says. */
export function proxyResourceAnnotations(r: ContainerResources): Record<string, string> {
  const req = requestsOf(r);
  const lim = limitsOf(r);
  return {
    'sidecar.istio.io/proxyCPU': cpuQuantity(req.cpuMillis),
    'sidecar.istio.io/proxyCPULimit': cpuQuantity(lim.cpuMillis),
    'sidecar.istio.io/proxyMemory': memoryQuantity(req.memoryMiB),
    'sidecar.istio.io/proxyMemoryLimit': memoryQuantity(lim.memoryMiB),
  };
}
