import { ProblemCollector } from '../estate/problems';

/**
 * How an application goes online and offline without losing a request.
 *
 * postStart runs `preload` then `online` (the second only when the first succeeded); the container counts as started,
 * and its probes begin, only when postStart has returned, so the pod receives no traffic before it is online, and
 * readiness keeps gating traffic afterwards. preStop runs `offline`, waits `drainSeconds` for in-flight requests and
 * long-lived connections (and for every kube-proxy to drop the endpoint), then runs `stop`. The termination grace
 * period is the preStop budget (drain + steps) plus `shutdownSeconds` for the process to exit after SIGTERM.
 */
export interface LifecycleProps {
  /** Warms caches and loads configuration. @default ['/opt/estate/bin/lifecycle', 'preload'] */
  readonly preload?: string[];
  /** Registers with the service registry; readiness passes from here. @default ['/opt/estate/bin/lifecycle', 'online'] */
  readonly online?: string[];
  /** Deregisters; readiness fails from here. @default ['/opt/estate/bin/lifecycle', 'offline'] */
  readonly offline?: string[];
  /** Finishes work and flushes state; the process exits after SIGTERM. @default ['/opt/estate/bin/lifecycle', 'stop'] */
  readonly stop?: string[];
  /** Time between offline and stop. @default 15 */
  readonly drainSeconds?: number;
  /** Time the offline and stop steps may take together. @default 15 */
  readonly stepsSeconds?: number;
  /** Time the process gets after SIGTERM before SIGKILL. @default 10 */
  readonly shutdownSeconds?: number;
}

/** The platform's lifecycle tool, shipped in every stack layer: `lifecycle <step>`. */
export const LIFECYCLE_TOOL = '/opt/estate/bin/lifecycle';

/** A lifecycle with its defaults applied. */
export interface LifecycleSpec {
  readonly preload: readonly string[];
  readonly online: readonly string[];
  readonly offline: readonly string[];
  readonly stop: readonly string[];
  readonly drainSeconds: number;
  readonly stepsSeconds: number;
  readonly shutdownSeconds: number;
}

export function lifecycleSpec(props: LifecycleProps = {}): LifecycleSpec {
  return {
    preload: props.preload ?? [LIFECYCLE_TOOL, 'preload'],
    online: props.online ?? [LIFECYCLE_TOOL, 'online'],
    offline: props.offline ?? [LIFECYCLE_TOOL, 'offline'],
    stop: props.stop ?? [LIFECYCLE_TOOL, 'stop'],
    drainSeconds: props.drainSeconds ?? 15,
    stepsSeconds: props.stepsSeconds ?? 15,
    shutdownSeconds: props.shutdownSeconds ?? 10,
  };
}

/**
 * The time preStop may take: the drain plus the offline and stop steps.
 * @internal
 */
export function preStopBudgetSeconds(l: LifecycleSpec): number {
  return l.drainSeconds + l.stepsSeconds;
}

/**
 * terminationGracePeriodSeconds: the preStop budget plus the time to exit after SIGTERM.
 * @internal
 */
export function terminationGracePeriodSeconds(l: LifecycleSpec): number {
  return preStopBudgetSeconds(l) + l.shutdownSeconds;
}

/**
 * postStart: `sh -c 'preload && online'`.
 * @internal
 */
export function postStartCommand(l: LifecycleSpec): string[] {
  return ['/bin/sh', '-c', `${shellCommand(l.preload)} && ${shellCommand(l.online)}`];
}

/**
 * preStop: offline, the drain, then stop; stop runs even when offline failed, so the pod never skips its shutdown.
 * @internal
 */
export function preStopCommand(l: LifecycleSpec): string[] {
  return ['/bin/sh', '-c', `${shellCommand(l.offline)}; sleep ${l.drainSeconds}; ${shellCommand(l.stop)}`];
}

/** One argv as POSIX shell text: arguments with anything but safe characters are single-quoted. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Reports what is wrong with a lifecycle. */
export function checkLifecycle(path: string, l: LifecycleSpec, problems: ProblemCollector): void {
  for (const key of ['preload', 'online', 'offline', 'stop'] as const) {
    const argv = l[key];
    if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string' || a.length === 0)) {
      problems.error({
        path,
        rule: 'lifecycle',
        message: `the ${key} step must be a non-empty command`,
        fix: `give ${key} as a list of strings, or leave it to the default (${LIFECYCLE_TOOL} ${key})`,
        value: argv,
      });
    }
  }
  for (const key of ['drainSeconds', 'stepsSeconds', 'shutdownSeconds'] as const) {
    if (!Number.isInteger(l[key]) || l[key] < 0) problems.error({
      path,
      rule: 'lifecycle',
      message: `${key} must be a whole number of seconds, 0 or more`,
      fix: `set ${key} to a whole number`,
      value: l[key],
    });
  }
  if (l.shutdownSeconds === 0) problems.warning({
    path,
    rule: 'lifecycle',
    message: 'shutdownSeconds is 0: the process is killed as soon as preStop ends',
    fix: 'give the process a few seconds to exit after SIGTERM',
    value: 0,
  });
}
