import { ProblemCollector } from '../estate/problems';

/** What a probe checks. Exactly one of `http`, `tcp` and `exec`. */
export interface ProbeCheck {
  readonly http?: { readonly path: string; readonly port: number };
  readonly tcp?: { readonly port: number };
  readonly exec?: { readonly command: readonly string[] };
}

/** A probe as the app states it. */
export interface ProbeProps {
  /** What to check. @default - see the probe's own default */
  readonly check?: ProbeCheck;
  /** @default - readiness 5, liveness 10 */
  readonly periodSeconds?: number;
  /** Consecutive failures before the probe fails. @default 3 */
  readonly failureThreshold?: number;
  /** @default - readiness 1, liveness 2 */
  readonly timeoutSeconds?: number;
}

/** The probes of an application's main container. */
export interface AppProbesProps {
  /** Gates traffic: only a ready pod is an endpoint of the Service. @default - HTTP GET /ready on the first port, every 5 s, 3 failures, 1 s timeout */
  readonly readiness?: ProbeProps;
  /** Restarts a wedged container: never identical to readiness. @default - HTTP GET /healthz on the first port, every 10 s, 3 failures, 2 s timeout */
  readonly liveness?: ProbeProps;
  /**
   * For slow starters: the longest the app may take to start. A startup probe (the liveness check, every 5 s) then
   * holds liveness off until it succeeds, so a slow start is not mistaken for a hang.
   * @default - no startup probe: the app starts within liveness's tolerance
   */
  readonly maxStartupSeconds?: number;
}

/** A probe, resolved: every field stated. */
export interface ProbeSpec {
  readonly check: ProbeCheck;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly timeoutSeconds: number;
}

export const STARTUP_PERIOD_SECONDS = 5;

/** Readiness with its defaults applied. */
export function readinessProbe(props: ProbeProps | undefined, firstPort: number): ProbeSpec {
  return {
    check: props?.check ?? { http: { path: '/ready', port: firstPort } },
    periodSeconds: props?.periodSeconds ?? 5,
    failureThreshold: props?.failureThreshold ?? 3,
    successThreshold: 1,
    timeoutSeconds: props?.timeoutSeconds ?? 1,
  };
}

/** Liveness with its defaults applied. */
export function livenessProbe(props: ProbeProps | undefined, firstPort: number): ProbeSpec {
  return {
    check: props?.check ?? { http: { path: '/healthz', port: firstPort } },
    periodSeconds: props?.periodSeconds ?? 10,
    failureThreshold: props?.failureThreshold ?? 3,
    successThreshold: 1,
    timeoutSeconds: props?.timeoutSeconds ?? 2,
  };
}

/** The startup probe of a slow starter: liveness's check, every 5 s, for up to `maxStartupSeconds`. */
export function startupProbe(liveness: ProbeSpec, maxStartupSeconds: number | undefined): ProbeSpec | undefined {
  if (maxStartupSeconds === undefined) return undefined;
  return {
    check: liveness.check,
    periodSeconds: STARTUP_PERIOD_SECONDS,
    failureThreshold: Math.max(1, Math.ceil(maxStartupSeconds / STARTUP_PERIOD_SECONDS)),
    successThreshold: 1,
    timeoutSeconds: liveness.timeoutSeconds,
  };
}

/** True when two probes would behave the same. */
export function sameProbe(a: ProbeSpec, b: ProbeSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(p: ProbeSpec): unknown {
  return [
    p.check.http?.path,
    p.check.http?.port,
    p.check.tcp?.port,
    p.check.exec?.command,
    p.periodSeconds,
    p.failureThreshold,
    p.successThreshold,
    p.timeoutSeconds,
  ];
}

/** Reports what is wrong with one probe of a container whose ports are `ports`. */
export function checkProbe(path: string, what: string, probe: ProbeSpec | undefined, ports: readonly number[], problems: ProblemCollector): void {
  if (!probe) {
    problems.error({
      path,
      rule: 'probes-required',
      message: `${what} is missing`,
      fix: 'state the probe: every container, sidecars included, has readiness and liveness probes',
    });
    return;
  }
  const c = probe.check;
  const kinds = [c.http, c.tcp, c.exec].filter((x) => x !== undefined).length;
  if (kinds !== 1) problems.error({
    path,
    rule: 'probe-check',
    message: `${what} must check exactly one of http, tcp and exec`,
    fix: 'give one check',
    value: c,
  });
  const port = c.http?.port ?? c.tcp?.port;
  if (port !== undefined && !ports.includes(port)) {
    problems.error({
      path,
      rule: 'probe-check',
      message: `${what} checks port ${port}, which the container does not expose`,
      fix: `use one of the container's ports (${ports.join(', ') || 'none'})`,
      value: port,
    });
  }
  if (c.http && !/^\/[\x21-\x7e]*$/.test(c.http.path)) problems.error({
    path,
    rule: 'probe-check',
    message: `${what}: path must be absolute, without spaces`,
    fix: 'write it like /ready',
    value: c.http.path,
  });
  if (c.exec && (c.exec.command.length === 0 || c.exec.command.some((a) => typeof a !== 'string'))) problems.error({
    path,
    rule: 'probe-check',
    message: `${what}: exec needs a command`,
    fix: 'give the command as a list of strings',
    value: c.exec.command,
  });
  for (const [key, value] of [['periodSeconds', probe.periodSeconds], ['failureThreshold', probe.failureThreshold], ['timeoutSeconds', probe.timeoutSeconds]] as const) {
    if (!Number.isInteger(value) || value < 1) problems.error({
      path,
      rule: 'probe-settings',
      message: `${what}: ${key} must be a whole number, 1 or more`,
      fix: `set ${key} to at least 1`,
      value,
    });
  }
  if (Number.isInteger(probe.timeoutSeconds) && Number.isInteger(probe.periodSeconds) && probe.timeoutSeconds > probe.periodSeconds) {
    problems.error({
      path,
      rule: 'probe-settings',
      message: `${what}: timeoutSeconds (${probe.timeoutSeconds}) exceeds periodSeconds (${probe.periodSeconds})`,
      fix: 'keep the timeout within the period',
      value: probe.timeoutSeconds,
    });
  }
}

/** Reports readiness and liveness that are identical: a busy pod would be restarted instead of taken out of traffic. */
export function checkDistinctProbes(
  path: string,
  what: string,
  readiness: ProbeSpec | undefined,
  liveness: ProbeSpec | undefined,
  problems: ProblemCollector,
): void {
  if (readiness && liveness && sameProbe(readiness, liveness)) {
    problems.error({
      path,
      rule: 'probes-distinct',
      message: `${what}: readiness and liveness are identical, so a pod that is only busy would be restarted instead of taken out of traffic`,
      fix: 'check a cheaper endpoint for liveness (/healthz), or give liveness a longer period or more failures',
      value: readiness.check,
    });
  }
}
