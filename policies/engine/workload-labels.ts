/**
 * The label and annotation keys the workload rules read. They are the rules' configuration defaults: the app
 * templates (constructs/apps) write these keys, and an organisation with other keys configures the rules instead.
 */
import { ESTATE_DOMAIN, LABEL_CLUSTER, LABEL_IDC } from '../../constructs';
import type { EstateContext } from './context';
import { isTruthy, podAnnotations, podLabels, PodTemplate, ReadTemplate, asArray, isObject, field } from './kube';

/** The five standard pod labels: app, cluster, env, IDC and release channel. */
export const POD_LABEL_KEYS = {
  app: `${ESTATE_DOMAIN}/app`,
  cluster: LABEL_CLUSTER,
  env: `${ESTATE_DOMAIN}/env`,
  idc: LABEL_IDC,
  channel: `${ESTATE_DOMAIN}/channel`,
} as const;

/** Release channels a pod may be on. */
export const RELEASE_CHANNELS = ['stable', 'gray', 'blue', 'green'] as const;

/**
 * The annotation (or label) that marks a pod template as being in debug mode (probes and hooks dropped). The app
 * templates write it with the written reason as its value; any value but an explicit "false" means debug mode.
 */
export const DEBUG_MODE_KEY = `${ESTATE_DOMAIN}/debug`;

/** Environment variables that switch an application into debug mode when truthy. */
export const DEBUG_ENV_VARS = ['DEBUG', 'DEBUG_MODE', 'APP_DEBUG'] as const;

export const PRODUCTION_ENVIRONMENTS = ['production', 'prod'] as const;

/** The environment a pod runs in: its env label, else the estate's environment, else unknown. */
export function environmentOf(template: PodTemplate, context: EstateContext | undefined, envKey: string): { readonly name?: string; readonly source: 'label' | 'estate' | 'unknown' } {
  const label = podLabels(template)[envKey];
  if (label) return { name: label, source: 'label' };
  if (context) return { name: context.environment, source: 'estate' };
  return { source: 'unknown' };
}

interface DebugVerdict {
  readonly key: string;
  readonly envVars: readonly string[];
  readonly found: string | undefined;
}

/** Per pod template, the verdicts asked for so far (rules ask with one or two key/variable lists). */
const debugCache = new WeakMap<object, DebugVerdict[]>();

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Why a pod template is in debug mode (label, annotation or environment variable), or undefined when it is not. */
export function debugModeOf(template: PodTemplate, key: string, envVars: readonly string[]): string | undefined {
  let cache: DebugVerdict[] | undefined;
  if (template instanceof ReadTemplate) cache = (template.debug ??= []) as DebugVerdict[];
  else if (!(cache = debugCache.get(template))) debugCache.set(template, (cache = []));
  for (let i = 0; i < cache.length; i++) {
    const entry = cache[i];
    if (entry.key === key && sameList(entry.envVars, envVars)) return entry.found;
  }
  const found = findDebugMode(template, key, envVars);
  cache.push({ key, envVars, found });
  return found;
}

function findDebugMode(template: PodTemplate, key: string, envVars: readonly string[]): string | undefined {
  const on = (value: string | undefined) => value !== undefined && !['false', '0', 'no', 'off', 'disabled'].includes(value.trim().toLowerCase());
  const label = podLabels(template)[key];
  if (on(label)) return `label ${key}=${label}`;
  const annotation = podAnnotations(template)[key];
  if (on(annotation)) return `annotation ${key}: ${JSON.stringify(annotation)}`;
  for (const list of [template.spec.containers, template.spec.initContainers]) {
    for (const container of asArray(list)) {
      for (const env of asArray(field(container, 'env'))) {
        if (isObject(env) && typeof env.name === 'string' && envVars.includes(env.name) && isTruthy(env.value)) return `environment variable ${env.name}=${String(env.value)} in container "${String(field(container, 'name'))}"`;
      }
    }
  }
  return undefined;
}
