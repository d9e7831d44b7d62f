/**
 * Policy configuration, in the format of a Pulumi policy pack configuration file (`pulumi preview --policy-pack
 * policies --policy-pack-config FILE`), so one file configures both `estate check --policy-config FILE` and Pulumi:
 *
 *   { "require-min-replicas": { "enforcementLevel": "advisory", "minReplicas": 3 },
 *     "require-pinned-image-tags": "disabled",
 *     "all": "advisory" }
 *
 * A policy maps to an enforcement level, or to an object with an optional `enforcementLevel` and configuration
 * values. `all` sets the level of every policy (as in Pulumi); a policy's own entry wins over it.
 */
import { AnyRule, ConfigProperty, Enforcement } from './types';

/** One policy's configuration: its enforcement level, or an object with the level and the rule's thresholds. */
export type PolicyConfigEntry = Enforcement | ({ readonly enforcementLevel?: Enforcement } & { readonly [key: string]: unknown });
/** Policy configuration in the Pulumi policy-pack config format, by policy name (`all` sets every level). */
export type PolicyConfig = { readonly [policy: string]: PolicyConfigEntry };

const LEVELS: readonly string[] = ['advisory', 'mandatory', 'disabled'];

/** A configuration that does not fit the rules: an unknown policy or key, or a value of the wrong type. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyConfigError';
  }
}

/** The defaults of a rule's configuration. */
export function defaultConfig<C extends object>(rule: AnyRule): C {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(rule.config as Record<string, ConfigProperty>)) out[key] = property.default;
  return out as C;
}

/** The enforcement of a rule under a configuration. */
export function enforcementOf(rule: AnyRule, config: PolicyConfig | undefined): Enforcement {
  const own = config?.[rule.id];
  if (typeof own === 'string') return own;
  if (own && typeof own === 'object' && own.enforcementLevel) return own.enforcementLevel;
  const all = config?.all;
  if (typeof all === 'string') return all;
  if (all && typeof all === 'object' && all.enforcementLevel) return all.enforcementLevel;
  return rule.enforcement;
}

/** A rule's configuration: defaults, then the configuration file's values, then `extra` (Pulumi's getConfig()). */
export function configOf<C extends object>(rule: AnyRule, config: PolicyConfig | undefined, extra?: Record<string, unknown>): C {
  const out: Record<string, unknown> = defaultConfig(rule);
  for (const source of [config?.[rule.id], extra]) {
    if (!source || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source)) {
      if (key !== 'enforcementLevel' && key in out && value !== undefined) out[key] = value;
    }
  }
  return out as C;
}

/** Checks a configuration against the rules: every problem, as one error, so a typo never passes silently. */
export function validatePolicyConfig(config: unknown, rules: readonly AnyRule[]): PolicyConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new PolicyConfigError('the policy configuration must be a JSON object keyed by policy name');
  const byId = new Map(rules.map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const [policy, entry] of Object.entries(config as Record<string, unknown>)) {
    const rule = byId.get(policy);
    if (!rule && policy !== 'all') {
      problems.push(`unknown policy "${policy}"`);
      continue;
    }
    if (typeof entry === 'string') {
      if (!LEVELS.includes(entry)) problems.push(`${policy}: enforcement level "${entry}" is not one of ${LEVELS.join(', ')}`);
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${policy}: expected an enforcement level or an object`);
      continue;
    }
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key === 'enforcementLevel') {
        if (typeof value !== 'string' || !LEVELS.includes(value)) problems.push(`${policy}: enforcementLevel ${JSON.stringify(value)} is not one of ${LEVELS.join(', ')}`);
        continue;
      }
      const property = rule ? (rule.config as Record<string, ConfigProperty>)[key] : undefined;
      if (!property) {
        problems.push(`${policy}: unknown configuration key "${key}"${rule ? ` (known: ${Object.keys(rule.config).join(', ') || 'none'})` : ''}`);
        continue;
      }
      const problem = checkValue(property, value);
      if (problem) problems.push(`${policy}.${key}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(`the policy configuration is invalid: ${problems.join('; ')}`);
  return config as PolicyConfig;
}

function checkValue(property: ConfigProperty, value: unknown): string | undefined {
  switch (property.type) {
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (property.type === 'integer' && !Number.isInteger(value))) return `expected ${property.type === 'integer' ? 'a whole number' : 'a number'}, got ${JSON.stringify(value)}`;
      if (property.minimum !== undefined && value < property.minimum) return `must be at least ${property.minimum}, got ${value}`;
      return undefined;
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${JSON.stringify(value)}`;
      if (property.enum && !property.enum.includes(value)) return `must be one of ${property.enum.join(', ')}, got "${value}"`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'array':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `expected a list of strings, got ${JSON.stringify(value)}`;
  }
}
