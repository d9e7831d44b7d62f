import type { KubeObject } from '../../constructs';
import type { EstateContext } from './context';
import type { TargetView } from './target';

/**
 * What a violation does, as in @pulumi/policy: `mandatory` fails `estate check` (exit 1) and blocks
 * `pulumi preview`/`up`; `advisory` is reported and lets them pass; `disabled` is not evaluated at all.
 */
export type Enforcement = 'advisory' | 'mandatory' | 'disabled';

/** How bad a violation is, as in @pulumi/policy. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** The area a rule belongs to: its folder under `policies/rules/`. */
export type RuleArea =
  | 'etcd'
  | 'mesh'
  | 'control-plane'
  | 'node-pools'
  | 'network'
  | 'promotion'
  | 'capacity'
  | 'workloads'
  | 'security'
  | 'availability'
  | 'placement'
  | 'services'
  | 'tenancy';

/** The outcome of one rule on one object. */
export type Verdict =
  | { readonly kind: 'compliant' }
  | { readonly kind: 'not-applicable'; readonly reason: string }
  | { readonly kind: 'violations'; readonly messages: readonly string[] };

/** The verdict of a rule that finds nothing wrong. */
export const COMPLIANT: Verdict = Object.freeze({ kind: 'compliant' });

/** The rule does not apply to this object (the reason is shown by Pulumi and in tests). */
export function notApplicable(reason: string): Verdict {
  return { kind: 'not-applicable', reason };
}

/** One violation per message; no message at all means compliant. */
export function violations(messages: readonly string[]): Verdict {
  return messages.length === 0 ? COMPLIANT : { kind: 'violations', messages };
}

/** A configuration value of a rule: a threshold or a list, with its default (a JSON-schema property for Pulumi). */
export type ConfigProperty =
  | { readonly type: 'integer' | 'number'; readonly description: string; readonly default: number; readonly minimum?: number }
  | { readonly type: 'string'; readonly description: string; readonly default: string; readonly enum?: readonly string[] }
  | { readonly type: 'boolean'; readonly description: string; readonly default: boolean }
  | { readonly type: 'array'; readonly description: string; readonly default: readonly string[]; readonly items: { readonly type: 'string' } };

/** The configuration schema of a rule, one property per key of its configuration type. */
export type ConfigSchema<C> = { readonly [K in keyof C]: ConfigProperty };

/** What a rule is given: the object it judges, every object of that object's target, the estate when there is one. */
export interface RuleInput<C> {
  readonly object: KubeObject;
  /** Every object of the target the object belongs to (the management target, one cluster, or the YAML files). */
  readonly target: TargetView;
  /** The estate the objects were synthesized from; absent on plain YAML and, unless configured, under Pulumi. */
  readonly context?: EstateContext;
  /** The rule's configuration: its defaults with any overrides applied. */
  readonly config: C;
}

/**
 * One rule: a pure function from (object, target, estate context) to a verdict, and everything a reader needs to
 * act on it. Rules never throw on malformed objects: a field of the wrong shape is a violation or not applicable.
 */
export interface Rule<C extends object = Record<string, never>> {
  /** Stable, verb-first kebab-case id, also the Pulumi policy name and the suppression key. */
  readonly id: string;
  readonly area: RuleArea;
  /** What the rule requires, in one sentence. */
  readonly description: string;
  /** Why the rule exists: what breaks without it. */
  readonly rationale: string;
  /** How to fix a violation. */
  readonly remediation: string;
  readonly severity: Severity;
  /** The enforcement used unless configuration overrides it. */
  readonly enforcement: Enforcement;
  /** Kinds of the objects the rule judges; every other object is not applicable without calling `check`. */
  readonly kinds: readonly string[];
  /**
   * True when the verdict reads other objects of the target (a PDB for a Deployment, the etcd Machines of a
   * control plane): under Pulumi such a rule is a stack policy, otherwise a resource policy.
   */
  readonly relational: boolean;
  /**
   * Kinds of the other objects a relational rule's verdict reads (`*` for any). Under Pulumi, a value of such an
   * object that is unknown during a preview makes the policy report that it cannot run, as the SDK does for the
   * judged object itself; unknown values in objects of other kinds do not concern it. @default - none
   */
  readonly reads?: readonly string[];
  /** Whether the rule reads the estate context: never, when present, or only with it (else not applicable). */
  readonly estateContext: 'none' | 'optional' | 'required';
  /** Thresholds and lists, with defaults. */
  readonly config: ConfigSchema<C>;
  check(input: RuleInput<C>): Verdict;
}

/** A rule of any configuration type, as rule lists hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

/** Declares a rule; only there to infer the configuration type from `config` and `check`. */
export function defineRule<C extends object>(rule: Rule<C>): Rule<C> {
  return rule;
}

/** The identity of an object in a finding. `namespace` is null for cluster-scoped objects. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
}

/** Where an object was read from, when it came from a file. Lines are 1-based. */
export interface ObjectSource {
  readonly file: string;
  readonly line: number;
}

/** One violation of one rule by one object, as `estate check` reports it. */
export interface Finding {
  readonly policy: string;
  /** The enforcement in effect (after configuration). */
  readonly enforcement: 'advisory' | 'mandatory';
  readonly severity: Severity;
  /** The target the object belongs to (`management`, a cluster name, or for YAML input the file). */
  readonly target: string;
  readonly object: ObjectRef;
  readonly message: string;
  /** Present when an annotation on the object suppresses this rule with a reason: reported, never counted. */
  readonly suppressed?: { readonly reason: string };
  readonly source?: ObjectSource;
}

/** Renders an object's identity as `Kind namespace/name` (or `Kind name`). */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The identity of a Kubernetes object. */
export function refOf(object: KubeObject): ObjectRef {
  const metadata = (object.metadata ?? {}) as KubeObject['metadata'];
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? ''),
    namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : null,
    name: String(metadata.name ?? ''),
  };
}
