import { podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { DEBUG_ENV_VARS, DEBUG_MODE_KEY, debugModeOf, environmentOf, POD_LABEL_KEYS, PRODUCTION_ENVIRONMENTS } from '../../engine/workload-labels';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface ForbidDebugModeInProductionConfig {
  readonly debugModeKey: string;
  readonly debugEnvVars: readonly string[];
  readonly envLabel: string;
  readonly productionEnvironments: readonly string[];
  readonly treatUnknownAsProduction: boolean;
}

/** No pod runs in debug mode (no probes, no hooks, verbose) in production. */
export const forbidDebugModeInProduction = defineRule<ForbidDebugModeInProductionConfig>({
  id: 'forbid-debug-mode-in-production',
  area: 'workloads',
  description: 'No pod template in a production environment runs in debug mode (by label, annotation or a truthy DEBUG variable).',
  rationale: 'No pod template in a production environment is in debug mode (the debug-mode label or annotation, or a truthy DEBUG environment variable); the environment comes from the pod\'s env label, else from the estate, and is taken as production when neither says. Debug mode drops probes and lifecycle hooks so a crash-looping pod can be inspected: in production such a pod takes traffic before it is ready, is never restarted when it hangs and drops requests on every rollout, and debug logging may write request payloads and secrets.',
  remediation: 'Turn debug mode off before the app reaches production; to inspect one bad pod there, quarantine it (relabel it out of the selectors) instead. A debug deployment acknowledged with a written reason is suppressed on the object.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'optional',
  config: {
    debugModeKey: { type: 'string', description: 'Label or annotation key that marks debug mode.', default: DEBUG_MODE_KEY },
    debugEnvVars: { type: 'array', items: { type: 'string' }, description: 'Environment variables that switch debug mode on when truthy.', default: [...DEBUG_ENV_VARS] },
    envLabel: { type: 'string', description: 'Pod label of the environment.', default: POD_LABEL_KEYS.env },
    productionEnvironments: { type: 'array', items: { type: 'string' }, description: 'Environment names that count as production.', default: [...PRODUCTION_ENVIRONMENTS] },
    treatUnknownAsProduction: { type: 'boolean', description: 'Judge a pod whose environment is unknown as production.', default: true },
  },
  check({ object, context, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const debug = debugModeOf(template, config.debugModeKey, config.debugEnvVars);
    if (!debug) return violations([]);
    const env = environmentOf(template, context, config.envLabel);
    const production = env.name !== undefined ? config.productionEnvironments.includes(env.name) : config.treatUnknownAsProduction;
    if (!production) return notApplicable(`environment ${env.name} is not production`);
    const where = env.source === 'unknown' ? `an unknown environment (no ${config.envLabel} label; judged as production)` : `environment ${env.name}`;
    return violations([`debug mode is on (${debug}) in ${where}: probes and hooks are dropped`]);
  },
});
