/**
 * The Pulumi adapter: the same rules as @pulumi/policy policies. A rule that judges an object on its own becomes a
 * resource policy (run on each resource's inputs before it is created or updated); a rule that reads other objects
 * of the target (a PDB for a Deployment, the etcd Machines of a control plane) becomes a stack policy (run on all
 * of the stack's resources at the end of a preview or update). One stack is one target, so a stack policy sees
 * exactly the objects `estate check` gives the rule.
 *
 * Kubernetes resources are recognised by type (`kubernetes:<group>/<version>:<Kind>`), never by class:
 * `validateResourceOfType(CustomResource, …)` never matches, because each custom resource has a type of its own.
 */
import type { PolicyConfigJSONSchema } from '@pulumi/policy/schema';
import type {
  Policies, PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidationArgs,
  ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from '@pulumi/policy';
import { UnknownValueError } from '@pulumi/policy';
import { KubeObject, LABEL_CLUSTER } from '../../constructs';
import { isCapiObject } from '../engine/capi';
import { configOf, enforcementOf, PolicyConfig } from '../engine/config';
import type { EstateContext } from '../engine/context';
import { describe, isObject, labelsOf, podLabels, podTemplateOf } from '../engine/kube';
import { suppressedRuleIds, suppressionOf } from '../engine/suppressions';
import { TargetView } from '../engine/target';
import { AnyRule, ConfigProperty, RuleInput, Verdict } from '../engine/types';
import { RULES } from '../rules';

/** Options of `pulumiPolicies`: which rules become Pulumi policies, with which configuration and estate context. */
export interface PulumiPolicyOptions {
  /** @default RULES */
  readonly rules?: readonly AnyRule[];
  /** Enforcement and thresholds set in code, under what `pulumi --policy-pack-config` sets. @default - none */
  readonly config?: PolicyConfig;
  /** The estate context, when the pack is told which estate the stacks apply (see ./context). @default - none */
  readonly context?: () => EstateContext | undefined;
  /** The stack's target. @default - `management` for Cluster API objects, else the objects' cluster label */
  readonly target?: string;
}

/** The name of the policy that reports suppressed findings (advisory). */
export const SUPPRESSIONS_POLICY = 'report-suppressed-findings';

/** Top-level fields the engine fills in after creation (unknown during a preview): never read. */
const SERVER_FIELDS = new Set(['status']);
const SERVER_METADATA = new Set(['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);

/**
 * The Kubernetes object a Pulumi resource applies, or undefined when the resource is not one (providers,
 * components such as yaml.ConfigGroup, Helm releases). Reading goes through the policy SDK's unknown-checking
 * proxy: a value unknown during preview throws its UnknownValueError, which the SDK reports as "can't run policy
 * during preview"; fields the API server fills in (status, uid, …) are skipped, so they never block a policy.
 */
export function resourceToObject(type: string, props: Record<string, unknown>, name: string): KubeObject | undefined {
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!match || !match[1].includes('/') || /^(helm\.sh|yaml|kustomize)\b/.test(match[1])) return undefined;
  const apiVersion = match[1].startsWith('core/') ? match[1].slice('core/'.length) : match[1];
  const applied = appliedFields(props);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    if (SERVER_FIELDS.has(key)) continue;
    if (applied && key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && !(`f:${key}` in applied)) continue;
    const value = key === 'metadata' ? plainMetadata(props.metadata) : plain(props[key]);
    out[key] = applied && key !== 'metadata' ? pruneToApplied(value, applied[`f:${key}`]) : value;
  }
  out.apiVersion = typeof out.apiVersion === 'string' ? out.apiVersion : apiVersion;
  out.kind = typeof out.kind === 'string' ? out.kind : match[2];
  const metadata = isObject(out.metadata) ? out.metadata : {};
  out.metadata = { ...metadata, name: typeof metadata.name === 'string' ? metadata.name : name };
  return out as unknown as KubeObject;
}

/** The manager name prefix of the Kubernetes provider's server-side apply (`pulumi-kubernetes-<hash>`). */
const PULUMI_FIELD_MANAGER = /^pulumi-kubernetes/;

/**
 * After `pulumi up`, stack policies see each resource's outputs: the live object, with the API server's defaults in
 * it (`spec.replicas: 1` on a Deployment whose manifest leaves replicas to its HPA, `strategy`,
 * `revisionHistoryLimit`, ...). What the stack applied is the part of it the provider's server-side apply owns, which
 * `metadata.managedFields` records: the fields of the provider's `Apply` entry, or undefined when the resource has
 * none (a preview's inputs, a render-to-directory stack, client-side apply).
 */
function appliedFields(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const metadata = props.metadata;
  if (!isObject(metadata) || !Array.isArray(metadata.managedFields)) return undefined;
  const entry = (metadata.managedFields as unknown[]).find((m) => isObject(m) && m.operation === 'Apply' && typeof m.manager === 'string' && PULUMI_FIELD_MANAGER.test(m.manager));
  return isObject(entry) && isObject(entry.fieldsV1) ? entry.fieldsV1 : undefined;
}

/**
 * Keeps the map fields of `value` that the applied field set names (`f:<name>`), recursively. Lists (`k:`, `v:` and
 * `i:` entries) are kept whole: their items are matched by keys the set encodes, and server defaults inside list
 * items are not what stack policies read.
 */
function pruneToApplied(value: unknown, fields: unknown): unknown {
  if (!isObject(value) || Array.isArray(value) || !isObject(fields)) return value;
  const names = Object.keys(fields).filter((k) => k.startsWith('f:'));
  if (names.length === 0) return value; // the whole map is owned (`.: {}` only), or the set says nothing finer
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!(`f:${key}` in fields)) continue;
    out[key] = pruneToApplied(value[key], fields[`f:${key}`]);
  }
  return out;
}

function plainMetadata(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (!SERVER_METADATA.has(key)) out[key] = plain(value[key]);
  return out;
}

function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => plain(value[i]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
  return out;
}

/** The target a stack's objects form: `management` when it holds Cluster API objects, else their cluster label. */
export function inferTargetName(objects: readonly KubeObject[]): string {
  if (objects.some(isCapiObject)) return 'management';
  const counts = new Map<string, number>();
  for (const o of objects) {
    const template = podTemplateOf(o);
    const cluster = labelsOf(o)[LABEL_CLUSTER] ?? (template ? podLabels(template)[LABEL_CLUSTER] : undefined);
    if (cluster) counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best ? best[0] : 'stack';
}

/** A rule's configuration as the JSON schema Pulumi validates `--policy-pack-config` against. */
export function configSchemaOf(rule: AnyRule): PolicyConfigSchema | undefined {
  const entries = Object.entries(rule.config as Record<string, ConfigProperty>);
  if (entries.length === 0) return undefined;
  const properties: Record<string, PolicyConfigJSONSchema> = {};
  for (const [key, p] of entries) {
    properties[key] = {
      type: p.type,
      description: p.description,
      default: p.default as PolicyConfigJSONSchema['default'],
      ...('minimum' in p && p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...('enum' in p && p.enum ? { enum: [...p.enum] } : {}),
      ...(p.type === 'array' ? { items: { type: 'string' } } : {}),
    };
  }
  return { properties };
}

function judge(rule: AnyRule, input: RuleInput<object>, report: (message: string) => void): Verdict {
  const verdict = rule.check(input);
  if (verdict.kind !== 'violations') return verdict;
  const suppression = suppressionOf(input.object, rule.id);
  if (suppression.kind === 'valid') return verdict; // reported by report-suppressed-findings, advisory
  for (const message of verdict.messages) {
    report(`${describe(input.object)}: ${message}${suppression.kind === 'invalid' ? ` (${suppression.problem})` : ''}`);
  }
  return verdict;
}

/** Every rule as a @pulumi/policy policy, plus the advisory policy that reports suppressed findings. */
export function pulumiPolicies(options: PulumiPolicyOptions = {}): Policies {
  const rules = options.rules ?? RULES;
  const policies: Policies = rules.map((rule) => (rule.relational ? stackPolicy(rule, options) : resourcePolicy(rule, options)));
  policies.push(suppressionsPolicy(rules, options));
  return policies;
}

function common(rule: AnyRule, options: PulumiPolicyOptions) {
  const configSchema = configSchemaOf(rule);
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: enforcementOf(rule, options.config),
    severity: rule.severity,
    remediationSteps: rule.remediation,
    tags: [rule.area],
    ...(configSchema ? { configSchema } : {}),
  };
}

function contextFor(rule: AnyRule, options: PulumiPolicyOptions): EstateContext | undefined {
  return rule.estateContext === 'none' ? undefined : options.context?.();
}

function resourcePolicy(rule: AnyRule, options: PulumiPolicyOptions): ResourceValidationPolicy {
  return {
    ...common(rule, options),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const object = resourceToObject(args.type, args.props, args.name);
      if (!object) return args.notApplicable('not a Kubernetes object');
      if (!rule.kinds.includes(object.kind)) return args.notApplicable(`applies to ${rule.kinds.join(', ')}`);
      const context = contextFor(rule, options);
      if (rule.estateContext === 'required' && !context) return args.notApplicable('needs the estate context (set ESTATE_POLICY_ESTATE, see policies/pulumi/pack-environment.ts)');
      const target = new TargetView(options.target ?? inferTargetName([object]), [object]);
      const config = configOf<object>(rule, options.config, args.getConfig<Record<string, unknown>>());
      const verdict = judge(rule, { object, target, context, config }, (m) => reportViolation(m));
      if (verdict.kind === 'not-applicable') return args.notApplicable(verdict.reason);
    },
  };
}

interface StackObject {
  readonly urn: string;
  readonly object: KubeObject;
}

interface StackObjects {
  readonly known: StackObject[];
  /** Resources with a value unknown during the preview, by kind, with the SDK's error. */
  readonly unknown: { readonly kind: string; readonly error: UnknownValueError }[];
}

/**
 * The stack's Kubernetes objects. A resource with a value unknown during the preview is left out and remembered: a
 * policy that judges or reads objects of its kind rethrows the SDK's UnknownValueError (reported as "can't run
 * policy during preview", advisory), every other policy runs on the known objects.
 */
function stackObjects(resources: readonly PolicyResource[]): StackObjects {
  const known: StackObject[] = [];
  const unknown: { kind: string; error: UnknownValueError }[] = [];
  for (const r of resources) {
    try {
      const object = resourceToObject(r.type, r.props, r.name);
      if (object) known.push({ urn: r.urn, object });
    } catch (e) {
      if (!(e instanceof UnknownValueError)) throw e;
      unknown.push({ kind: r.type.slice(r.type.lastIndexOf(':') + 1), error: e });
    }
  }
  return { known, unknown };
}

function throwIfUnknown(rule: AnyRule, objects: StackObjects): void {
  const kinds = new Set([...rule.kinds, ...(rule.reads ?? [])]);
  const relevant = objects.unknown.find((u) => kinds.has('*') || kinds.has(u.kind));
  if (relevant) throw relevant.error;
}

function stackPolicy(rule: AnyRule, options: PulumiPolicyOptions): StackValidationPolicy {
  return {
    ...common(rule, options),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const objects = stackObjects(args.resources);
      const all = objects.known;
      const judged = all.filter((o) => rule.kinds.includes(o.object.kind));
      if (judged.length === 0 && !objects.unknown.some((u) => rule.kinds.includes(u.kind))) return args.notApplicable(`the stack has no ${rule.kinds.join(', ')}`);
      throwIfUnknown(rule, objects);
      const context = contextFor(rule, options);
      if (rule.estateContext === 'required' && !context) return args.notApplicable('needs the estate context (set ESTATE_POLICY_ESTATE, see policies/pulumi/pack-environment.ts)');
      const target = new TargetView(options.target ?? inferTargetName(all.map((o) => o.object)), all.map((o) => o.object));
      const config = configOf<object>(rule, options.config, args.getConfig<Record<string, unknown>>());
      for (const { urn, object } of judged) judge(rule, { object, target, context, config }, (m) => reportViolation(m, urn));
    },
  };
}

/**
 * Suppressed findings are reported, never dropped: this advisory stack policy re-runs each suppressed rule on the
 * objects that suppress it and reports what it would have found, with the written reason.
 */
function suppressionsPolicy(rules: readonly AnyRule[], options: PulumiPolicyOptions): StackValidationPolicy {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    name: SUPPRESSIONS_POLICY,
    description: 'Reports every finding that an object suppresses with a suppress.policy.cluster-estate.io/<policy> annotation, with its reason, and suppressions of unknown policies.',
    enforcementLevel: 'advisory',
    severity: 'low',
    remediationSteps: 'Review suppressions regularly; remove the annotation once the object complies.',
    tags: ['suppressions'],
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const all = stackObjects(args.resources).known;
      const suppressing = all.filter((o) => suppressedRuleIds(o.object).length > 0);
      if (suppressing.length === 0) return args.notApplicable('no object suppresses a policy');
      const objects = all.map((o) => o.object);
      const target = new TargetView(options.target ?? inferTargetName(objects), objects);
      for (const { urn, object } of suppressing) {
        for (const id of suppressedRuleIds(object)) {
          const rule = byId.get(id);
          if (!rule) {
            reportViolation(`${describe(object)}: suppresses unknown policy "${id}"`, urn);
            continue;
          }
          const suppression = suppressionOf(object, id);
          if (suppression.kind !== 'valid' || !rule.kinds.includes(object.kind) || enforcementOf(rule, options.config) === 'disabled') continue;
          const context = contextFor(rule, options);
          if (rule.estateContext === 'required' && !context) continue;
          const verdict = rule.check({ object, target, context, config: configOf<object>(rule, options.config) });
          if (verdict.kind !== 'violations') continue;
          for (const message of verdict.messages) reportViolation(`${describe(object)}: [suppressed] ${id}: ${message} (reason: ${suppression.reason})`, urn);
        }
      }
    },
  };
}
