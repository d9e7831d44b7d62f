import { ESTATE_DOMAIN } from '../../../constructs';
import { asArray, asInteger, asObject, containersOf, field, isObject, Json, LONG_RUNNING_KINDS, podAnnotations, podTemplateOf, servesTraffic, whyPodIsNotJudged } from '../../engine/kube';
import { DEBUG_ENV_VARS, DEBUG_MODE_KEY, debugModeOf } from '../../engine/workload-labels';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequirePrestopHookConfig {
  readonly marginSeconds: number;
  readonly budgetAnnotation: string;
  readonly debugModeKey: string;
}

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;

const newDurations = () => new WeakMap<object, number | null>();

/** preStopSeconds, remembered per handler of the target: templates stamped from one app share their hooks. */
function knownPreStopSeconds(target: TargetView, handler: Json): number | undefined {
  const durations = target.memo('require-prestop-hook/durations', newDurations);
  const cached = durations.get(handler);
  if (cached !== undefined) return cached ?? undefined;
  const seconds = preStopSeconds(handler);
  durations.set(handler, seconds ?? null);
  return seconds;
}

/** Seconds a preStop handler is known to take: a sleep action, `sleep N` in an exec command; undefined otherwise. */
export function preStopSeconds(handler: Json): number | undefined {
  const sleep = asInteger(field(handler, 'sleep.seconds'));
  if (sleep !== undefined) return sleep;
  const command = asArray(field(handler, 'exec.command')).map(String).join(' ');
  const sleeps = [...command.matchAll(/\bsleep\s+(\d+)/g)].map((m) => Number(m[1]));
  return sleeps.length > 0 ? sleeps.reduce((a, b) => a + b, 0) : undefined;
}

/** Serving pods (of long-running workloads, or bare Pods) go offline in a preStop hook, and the grace period leaves time for it. */
export const requirePrestopHook = defineRule<RequirePrestopHookConfig>({
  id: 'require-prestop-hook',
  area: 'workloads',
  description: 'Every serving container of a long-running workload, or of a bare Pod that serves, has a preStop hook that its grace period covers.',
  rationale: 'A container serves when it has a port or a readiness probe; a bare Pod (no controller owns it) is judged when one of its containers serves, as behind a Service. The grace period must exceed the hook\'s known duration (a sleep action, `sleep N` in the command, or the pod\'s prestop-seconds annotation) by a margin. When a pod is deleted, endpoints are removed while the container is already being stopped; without a preStop hook that takes the instance offline and waits, in-flight and newly routed requests fail on every rollout and node drain. A grace period shorter than the hook kills the container before it has gone offline.',
  remediation: 'Use the app templates\' lifecycle (preStop: offline, then stop); in hand-written YAML add lifecycle.preStop (for example sleep for the load balancer\'s deregistration delay) and set terminationGracePeriodSeconds above it.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...LONG_RUNNING_KINDS, 'Pod'],
  relational: false,
  estateContext: 'none',
  config: {
    marginSeconds: { type: 'integer', description: 'Seconds the grace period must leave after the preStop hook, for the process to stop.', default: 5, minimum: 0 },
    budgetAnnotation: { type: 'string', description: 'Pod annotation stating the preStop budget in seconds, for hooks whose duration cannot be read.', default: `${ESTATE_DOMAIN}/prestop-seconds` },
    debugModeKey: { type: 'string', description: 'Label or annotation that marks a debug-mode pod (no hooks by design; forbid-debug-mode-in-production judges those).', default: DEBUG_MODE_KEY },
  },
  check({ object, target, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    if (object.kind === 'Pod') {
      const why = whyPodIsNotJudged(object, template);
      if (why) return notApplicable(why);
    }
    if (debugModeOf(template, config.debugModeKey, DEBUG_ENV_VARS)) return notApplicable('debug mode drops hooks by design');
    const serving = containersOf(template.spec).filter((c) => c.role === 'main' && servesTraffic(c.container));
    if (serving.length === 0) return notApplicable('no serving container (no port, no readiness probe)');
    const grace = asInteger(template.spec.terminationGracePeriodSeconds) ?? DEFAULT_GRACE_SECONDS;
    const annotated = asInteger(podAnnotations(template)[config.budgetAnnotation]);
    const messages: string[] = [];
    for (const ref of serving) {
      const handler = asObject(ref.container.lifecycle)?.preStop;
      if (!isObject(handler)) {
        messages.push(`container "${ref.name}" serves traffic but has no preStop hook: requests fail while it stops`);
        continue;
      }
      const budget = annotated ?? knownPreStopSeconds(target, handler) ?? 0;
      if (grace < budget + config.marginSeconds) {
        messages.push(`terminationGracePeriodSeconds ${grace}${template.spec.terminationGracePeriodSeconds === undefined ? ' (default)' : ''} does not cover container "${ref.name}"'s ${budget} s preStop hook plus ${config.marginSeconds} s to stop`);
      }
    }
    return violations(messages);
  },
});
