import { ProblemCollector } from '../estate/problems';
import { checkResources, ContainerResources, cpuQuantity, limitsOf, memoryQuantity, requestsOf } from '../apps/resources';
import { JwtProps, JwtSpec, resolveJwt } from './security';
import { resolveVmGroup, VmGroupProps, VmGroupSpec } from './vm';

/**
 * Faults injected into an app's route, to test how its callers cope (VirtualService `http[].fault`). Refused in a
 * production estate unless `reason` says why.
 */
export interface FaultProps {
  /** Delays a share of the requests. @default - no delay */
  readonly delay?: { readonly fixedDelayMs: number; readonly percent: number };
  /** Answers a share of the requests with an HTTP status, without calling the app. @default - no abort */
  readonly abort?: { readonly httpStatus: number; readonly percent: number };
  /** Why faults run here; required in production. @default - none */
  readonly reason?: string;
}

/** An app's routes through an ingress gateway of its clusters. */
export interface GatewayRouteProps {
  /** The gateway's name (`MeshProps.ingressGateways`), on every cluster the app runs on. */
  readonly gateway: string;
  /** The public host names routed to the app; each served by a listener of the gateway. */
  readonly hosts: string[];
}

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
  /** The app is reached through these ingress gateways as well, under public host names. @default [] */
  readonly gateways?: GatewayRouteProps[];
  /**
   * Request headers the app copies from each request it serves to the calls it makes (a lane header such as
   * `x-lane`, or `baggage`). A PERMISSIVE lane group needs its members to declare its header here.
   * @default []
   */
  readonly propagates?: string[];
  /** @default - no fault */
  readonly fault?: FaultProps;
  /** Requests must carry a valid end-user token from this issuer; requests without one are refused. @default - no token needed */
  readonly requireJwt?: JwtProps;
  /** Legacy VMs serving the app beside its pods. @default [] */
  readonly vmGroups?: VmGroupProps[];
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
  readonly gateways: readonly { readonly gateway: string; readonly hosts: readonly string[] }[];
  readonly propagates: readonly string[];
  readonly fault?: FaultProps;
  readonly requireJwt?: JwtSpec;
  readonly vmGroups: readonly VmGroupSpec[];
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
    gateways: (props.gateways ?? []).map((g) => ({ gateway: g.gateway, hosts: [...(g.hosts ?? [])] })),
    propagates: (props.propagates ?? []).map((h) => (typeof h === 'string' ? h.toLowerCase() : h)),
    ...(props.fault ? { fault: {
      ...(props.fault.delay ? { delay: { ...props.fault.delay } } : {}),
      ...(props.fault.abort ? { abort: { ...props.fault.abort } } : {}),
      ...(props.fault.reason !== undefined ? { reason: props.fault.reason } : {})
    } } : {}),
    ...(props.requireJwt ? { requireJwt: resolveJwt(props.requireJwt) } : {}),
    vmGroups: (props.vmGroups ?? []).map(resolveVmGroup),
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

/** A fault's reason must say something: this many characters at least. */
export const MIN_FAULT_REASON_LENGTH = 10;

/**
 * Checks the fault injection of a route: a delay of 1 ms or more, an abort status from 200 to 599, shares from
 * above 0 to 100; in production only with a reason.
 * @internal
 */
export function checkFault(path: string, mesh: AppMeshSpec, environment: string, problems: ProblemCollector): void {
  const f = mesh.fault;
  if (!f) return;
  const percentOk = (p: unknown) => typeof p === 'number' && Number.isFinite(p) && p > 0 && p <= 100;
  if (!f.delay && !f.abort) problems.error({
    path,
    rule: 'mesh-fault',
    message: 'a fault needs a delay or an abort',
    fix: 'add delay: { fixedDelayMs, percent } or abort: { httpStatus, percent }, or remove fault',
    value: 'none',
  });
  if (f.delay) {
    if (!wholeAtLeast(f.delay.fixedDelayMs, 1)) problems.error({
      path,
      rule: 'mesh-fault',
      message: 'fixedDelayMs must be a whole number of milliseconds, 1 or more',
      fix: 'set fixedDelayMs to, for example, 500',
      value: f.delay.fixedDelayMs,
    });
    if (!percentOk(f.delay.percent)) problems.error({
      path,
      rule: 'mesh-fault',
      message: 'the delay percent must be above 0 and at most 100',
      fix: 'set percent to, for example, 10',
      value: f.delay.percent,
    });
  }
  if (f.abort) {
    if (!Number.isInteger(f.abort.httpStatus) || f.abort.httpStatus < 200 || f.abort.httpStatus > 599) problems.error({
      path,
      rule: 'mesh-fault',
      message: 'httpStatus must be an HTTP status from 200 to 599',
      fix: 'use 503',
      value: f.abort.httpStatus,
    });
    if (!percentOk(f.abort.percent)) problems.error({
      path,
      rule: 'mesh-fault',
      message: 'the abort percent must be above 0 and at most 100',
      fix: 'set percent to, for example, 5',
      value: f.abort.percent,
    });
  }
  const reason = f.reason?.trim() ?? '';
  if (environment === 'production' && reason.length < MIN_FAULT_REASON_LENGTH) {
    problems.error({
      path,
      rule: 'mesh-fault',
      message: 'fault injection in a production estate fails real requests on purpose, and no reason is given',
      fix: `state why in fault.reason (at least ${MIN_FAULT_REASON_LENGTH} characters: the experiment, its owner and its end), or remove the fault`,
      value: f.reason ?? '',
    });
  }
  if (mesh.timeoutMs !== undefined || mesh.retries) problems.warning({
    path,
    rule: 'mesh-fault',
    message: 'Istio turns off the route\'s timeout and retries while it injects faults',
    fix: 'expect the callers to see the raw faults; remove timeoutMs/retries while the experiment runs if that is not wanted',
    value: 'timeout/retries',
  });
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
