import { containersOf, describeContainer, isObject, jsonEqual, LONG_RUNNING_KINDS, podTemplateOf, whyPodIsNotJudged } from '../../engine/kube';
import { DEBUG_ENV_VARS, DEBUG_MODE_KEY, debugModeOf } from '../../engine/workload-labels';
import { COMPLIANT, defineRule, notApplicable, violations } from '../../engine/types';

export interface RequireDistinctProbesConfig {
  readonly requireOnSidecars: boolean;
  readonly debugModeKey: string;
}

/** Containers of long-running and serving bare pods have readiness and liveness probes, and the two are not the same check. */
export const requireDistinctProbes = defineRule<RequireDistinctProbesConfig>({
  id: 'require-distinct-probes',
  area: 'workloads',
  description: 'Every main container of a long-running workload, or of a bare Pod that serves, has a readiness and a liveness probe, and the two differ.',
  rationale: 'A bare Pod (no controller owns it) is judged when a container of it has a port or a readiness probe, as behind a Service. A sidecar\'s probes, when it has both, must differ too. Without readiness, traffic reaches a pod before it can serve and after it stopped; without liveness, a deadlocked process is never restarted. Identical probes turn a slow dependency into a restart storm: the check that should only take the pod out of rotation also kills it.',
  remediation: 'Use the app templates\' probes; in hand-written YAML give readiness a check of serving ability (dependencies included) and liveness a cheaper check of the process itself, with a longer failure threshold.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: [...LONG_RUNNING_KINDS, 'Pod'],
  relational: false,
  estateContext: 'none',
  config: {
    requireOnSidecars: { type: 'boolean', description: 'Also require both probes on native sidecars.', default: false },
    debugModeKey: { type: 'string', description: 'Label or annotation that marks a debug-mode pod (no probes by design).', default: DEBUG_MODE_KEY },
  },
  check({ object, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    if (object.kind === 'Pod') {
      const why = whyPodIsNotJudged(object, template);
      if (why) return notApplicable(why);
    }
    if (debugModeOf(template, config.debugModeKey, DEBUG_ENV_VARS)) return notApplicable('debug mode drops probes by design');
    let messages: string[] | undefined;
    const refs = containersOf(template.spec);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i];
      if (ref.role === 'init') continue;
      const readiness = isObject(ref.container.readinessProbe);
      const liveness = isObject(ref.container.livenessProbe);
      if ((!readiness || !liveness) && (ref.role === 'main' || config.requireOnSidecars)) {
        const missing = !readiness && !liveness ? 'readiness and no liveness' : !readiness ? 'readiness' : 'liveness';
        (messages ??= []).push(`${describeContainer(ref)} has no ${missing} probe`);
      }
      if (readiness && liveness && jsonEqual(ref.container.readinessProbe, ref.container.livenessProbe)) {
        (messages ??= []).push(`${describeContainer(ref)} uses the same check for readiness and liveness: a slow dependency would restart it instead of taking it out of rotation`);
      }
    }
    return messages ? violations(messages) : COMPLIANT;
  },
});
