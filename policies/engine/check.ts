/**
 * The offline runner: every rule over every object of every target, the same rules the Pulumi pack runs. Used by
 * `estate check` (on a synthesized estate or on YAML files) and by the tests.
 */
import type { KubeObject } from '../../constructs';
import { configOf, enforcementOf, PolicyConfig } from './config';
import type { EstateContext } from './context';
import { suppressionOf } from './suppressions';
import { TargetView } from './target';
import { AnyRule, Finding, ObjectSource, refOf, RuleInput, Severity, Verdict } from './types';

/** The objects of one target, with where each came from when they were read from files. */
export interface CheckTarget {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  /** `sources[i]` is where `objects[i]` was read; absent for synthesized objects. */
  readonly sources?: readonly (ObjectSource | undefined)[];
  /** The name findings carry as their target (for YAML input, the file); defaults to `name`. */
  readonly findingTarget?: (index: number) => string;
}

/** Options of `runChecks`. */
export interface CheckOptions {
  /** @default - every rule of the pack (RULES) */
  readonly rules: readonly AnyRule[];
  /** Enforcement overrides and thresholds. @default - the rules' own */
  readonly config?: PolicyConfig;
  /** The estate the targets were synthesized from, when there is one. @default - none: rules that need the estate are not applicable */
  readonly context?: EstateContext;
}

/** Findings of one policy, by outcome. */
export interface PolicyCounts {
  readonly mandatory: number;
  readonly advisory: number;
  readonly suppressed: number;
}

/** Totals of one check run: the verdict first, then counts. */
export interface CheckSummary {
  /** True when no unsuppressed mandatory finding remains: `estate check` exits 0. */
  readonly pass: boolean;
  readonly mandatory: number;
  readonly advisory: number;
  readonly suppressed: number;
  readonly targets: number;
  readonly objects: number;
  /** Policies evaluated, and those disabled by their default or by configuration. */
  readonly policies: { readonly evaluated: number; readonly disabled: readonly string[] };
  /** Findings per policy, for policies with at least one. */
  readonly byPolicy: Readonly<Record<string, PolicyCounts>>;
}

/** What `runChecks` returns: every finding, and their summary. */
export interface CheckResult {
  readonly findings: Finding[];
  readonly summary: CheckSummary;
}

interface ActiveRule {
  readonly rule: AnyRule;
  readonly enforcement: 'advisory' | 'mandatory';
  /** The rule's input, reused from object to object (rules never keep it): 100,000 objects, no 100,000 inputs. */
  readonly input: { object: KubeObject; target: TargetView; context?: EstateContext; config: object };
}

/** Runs the rules over the targets. Deterministic: findings are sorted by target, object, policy and message. */
export function runChecks(targets: readonly CheckTarget[], options: CheckOptions): CheckResult {
  const active: ActiveRule[] = [];
  const disabled: string[] = [];
  for (const rule of options.rules) {
    const enforcement = enforcementOf(rule, options.config);
    if (enforcement === 'disabled') disabled.push(rule.id);
    else active.push({
      rule,
      enforcement,
      input: {
        object: undefined as unknown as KubeObject,
        target: undefined as unknown as TargetView,
        context: options.context,
        config: configOf(rule, options.config),
      },
    });
  }
  const byKind = new Map<string, ActiveRule[]>();
  for (const a of active) {
    for (const kind of a.rule.kinds) {
      const list = byKind.get(kind);
      if (list) list.push(a);
      else byKind.set(kind, [a]);
    }
  }

  const findings: Finding[] = [];
  let objectCount = 0;
  for (const target of evaluationOrder(targets, options.context)) {
    const shared = options.context?.targets.get(target.name);
    const view = shared && shared.objects === target.objects ? shared : new TargetView(target.name, target.objects);
    const objects = target.objects;
    objectCount += objects.length;
    for (let index = 0; index < objects.length; index++) {
      const object = objects[index];
      const rules = byKind.get(object.kind);
      if (!rules) continue;
      for (let r = 0; r < rules.length; r++) {
        const { rule, enforcement, input } = rules[r];
        input.object = object;
        input.target = view;
        const verdict = judgeOne(rule, input);
        if (verdict.kind !== 'violations') continue;
        const suppression = suppressionOf(object, rule.id);
        for (const message of verdict.messages) {
          findings.push({
            policy: rule.id,
            enforcement,
            severity: rule.severity as Severity,
            target: target.findingTarget ? target.findingTarget(index) : target.name,
            object: refOf(object),
            message: suppression.kind === 'invalid' ? `${message} (${suppression.problem})` : message,
            ...(suppression.kind === 'valid' ? { suppressed: { reason: suppression.reason } } : {}),
            ...(target.sources?.[index] ? { source: target.sources[index] } : {}),
          });
        }
      }
    }
  }
  findings.sort(compareFindings);
  return { findings, summary: summarize(findings, targets.length, objectCount, active.length, disabled) };
}

/**
 * The order targets are judged in; findings are sorted afterwards, so it changes nothing in the result. With an
 * estate, the clusters' own targets go first and the others (management) last: rules judging management objects
 * read the clusters' workloads (capacity), and by then what the workload rules read from them is already known.
 */
function evaluationOrder(targets: readonly CheckTarget[], context: EstateContext | undefined): readonly CheckTarget[] {
  if (!context) return targets;
  return [...targets.filter((t) => context.clusters.has(t.name)), ...targets.filter((t) => !context.clusters.has(t.name))];
}

function judgeOne(rule: AnyRule, input: RuleInput<object>): Verdict {
  try {
    return rule.check(input);
  } catch (e) {
    const object = input.object;
    throw new Error(`policy ${rule.id} failed on ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}: ${(e as Error).message}`);
  }
}

function summarize(findings: readonly Finding[], targets: number, objects: number, evaluated: number, disabled: string[]): CheckSummary {
  const byPolicy: Record<string, { mandatory: number; advisory: number; suppressed: number }> = {};
  let mandatory = 0;
  let advisory = 0;
  let suppressed = 0;
  for (const f of findings) {
    const counts = (byPolicy[f.policy] ??= { mandatory: 0, advisory: 0, suppressed: 0 });
    if (f.suppressed) {
      suppressed++;
      counts.suppressed++;
    } else if (f.enforcement === 'mandatory') {
      mandatory++;
      counts.mandatory++;
    } else {
      advisory++;
      counts.advisory++;
    }
  }
  return {
    pass: mandatory === 0,
    mandatory,
    advisory,
    suppressed,
    targets,
    objects,
    policies: { evaluated, disabled: [...disabled].sort() },
    byPolicy: Object.fromEntries(Object.keys(byPolicy).sort().map((k) => [k, byPolicy[k]])),
  };
}

function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.target, b.target)
    || cmp(a.object.namespace ?? '', b.object.namespace ?? '')
    || cmp(a.object.kind, b.object.kind)
    || cmp(a.object.name, b.object.name)
    || cmp(a.policy, b.policy)
    || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
