/**
 * Where a pod can run in a cluster of the estate: the nodes each pool and zone will have (their labels and taints,
 * exactly as synthesis writes them), and whether a pod's node selector, required node affinity and tolerations
 * let it onto them. Node-local labels that no plan can know (hostname, architecture) are taken as satisfiable.
 */
import { ClusterPlan, poolNodeLabels, Taint } from '../../constructs/internal';
import { asArray, asObject, asString, field, isObject, Json, stringMap } from './kube';
import type { TargetView } from './target';

/** The nodes of one pool in one zone. */
export interface PoolNodes {
  readonly pool: string;
  readonly zone: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** Keys whose values differ per node and cannot be known from the plan: any expression on them may be satisfied. */
const NODE_LOCAL_KEYS = new Set(['kubernetes.io/hostname', 'kubernetes.io/arch', 'beta.kubernetes.io/arch']);

/**
 * What scheduling answers a target remembers (TargetView.memo): the checker asks every rule about one pod spec in
 * turn, and many workloads select alike, so each answer is kept per pod spec (or plan) for the target's life.
 */
class SchedulingMemo {
  public readonly poolNodes = new WeakMap<ClusterPlan, PoolNodes[]>();
  public readonly selections = new WeakMap<object, Selection>();
  /** The last answer of selectionOf: saves the WeakMap lookup for every rule but the first. */
  public lastSelection: { spec: object; selection: Selection } | undefined = undefined;
  public readonly eligible = new WeakMap<object, { plan: ClusterPlan; pools: readonly string[] }>();
  /** Pods of many workloads can run on the same pools: one shared list per plan and set of pools. */
  public readonly sharedPools = new WeakMap<ClusterPlan, Map<string, readonly string[]>>();
  /** The last answer of eligiblePools (as lastSelection). */
  public lastEligible: { spec: object; plan: ClusterPlan; pools: readonly string[] } | undefined = undefined;
}

const newSchedulingMemo = () => new SchedulingMemo();

function memoOf(target: TargetView): SchedulingMemo {
  return target.memo('scheduling/answers', newSchedulingMemo);
}

/** Every pool and zone of a planned cluster, with the labels its nodes will carry. */
export function poolNodesOf(target: TargetView, plan: ClusterPlan): PoolNodes[] {
  return nodesOf(memoOf(target), plan);
}

function nodesOf(memo: SchedulingMemo, plan: ClusterPlan): PoolNodes[] {
  const poolNodeCache = memo.poolNodes;
  let nodes = poolNodeCache.get(plan);
  if (!nodes) {
    nodes = plan.pools.flatMap((pool) => pool.zones.map((zone) => {
      const { machine, kubelet } = poolNodeLabels(plan, pool, zone);
      return { pool: pool.name, zone: zone.zone, labels: { 'kubernetes.io/os': 'linux', ...machine, ...kubelet }, taints: pool.taints };
    }));
    poolNodeCache.set(plan, nodes);
  }
  return nodes;
}

/** A pod spec's node selection, read once: nodeSelector pairs, required terms (ORed) of expressions (ANDed). */
interface Selection {
  readonly nodeSelector: readonly (readonly [string, string])[];
  readonly terms?: readonly (readonly Expression[])[];
  readonly tolerations: readonly Json[];
}

interface Expression {
  readonly key: string;
  readonly operator: unknown;
  readonly values: readonly string[];
}

/** An expression no node satisfies. */
const NEVER: Expression = { key: '', operator: undefined, values: [] };

function selectionOf(memo: SchedulingMemo, spec: Json): Selection {
  if (memo.lastSelection?.spec === spec) return memo.lastSelection.selection;
  const selection = readSelectionOf(memo.selections, spec);
  memo.lastSelection = { spec, selection };
  return selection;
}

function readSelectionOf(selections: WeakMap<object, Selection>, spec: Json): Selection {
  let selection = selections.get(spec);
  if (!selection) {
    const terms = field(spec, 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms');
    selection = {
      nodeSelector: Object.entries(stringMap(spec.nodeSelector)).filter(([k]) => !NODE_LOCAL_KEYS.has(k)),
      ...(Array.isArray(terms) && terms.length > 0 ? {
        terms: terms.map((term): Expression[] => {
          // A null or empty term matches no node; matchFields (node names) are taken as satisfiable.
          if (!isObject(term)) return [NEVER];
          const expressions = asArray(term.matchExpressions).map((e) => (isObject(e) ? { key: String(e.key ?? ''), operator: e.operator, values: asArray(e.values).map(String) } : NEVER));
          return expressions.length === 0 && asArray(term.matchFields).length === 0 ? [NEVER] : expressions;
        }),
      } : {}),
      tolerations: asArray(spec.tolerations).map(asObject).filter((t): t is Json => t !== undefined),
    };
    selections.set(spec, selection);
  }
  return selection;
}

/** True when the pod spec states any node selection (nodeSelector or required node affinity). */
export function selectsNodes(target: TargetView, spec: Json): boolean {
  return hasStringValue(spec.nodeSelector) || selectionOf(memoOf(target), spec).terms !== undefined;
}

/** `Object.keys(stringMap(value)).length > 0`, without the copy. */
function hasStringValue(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k) && typeof value[k] === 'string' && k !== '__proto__') return true;
  return false;
}

/** True when a node with `labels` satisfies the pod's nodeSelector and required node affinity. */
export function nodeSelectionMatches(target: TargetView, spec: Json, labels: Readonly<Record<string, string>>): boolean {
  return selectionMatches(selectionOf(memoOf(target), spec), labels);
}

function selectionMatches(selection: Selection, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of selection.nodeSelector) if (labels[k] !== v) return false;
  if (!selection.terms) return true;
  // Terms are ORed; the expressions of one term are ANDed.
  const terms = selection.terms;
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    let all = true;
    for (let e = 0; e < term.length && all; e++) all = expressionMatches(term[e], labels);
    if (all) return true;
  }
  return false;
}

function expressionMatches(expression: Expression, labels: Readonly<Record<string, string>>): boolean {
  const key = expression.key;
  if (NODE_LOCAL_KEYS.has(key)) return true;
  const values = expression.values;
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (expression.operator) {
    case 'In':
      return has && values.includes(labels[key]);
    case 'NotIn':
      return !has || !values.includes(labels[key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const a = Number(labels[key]);
      const b = Number(values[0]);
      return has && Number.isFinite(a) && Number.isFinite(b) && (expression.operator === 'Gt' ? a > b : a < b);
    }
    default:
      return false;
  }
}

/** Taints of `taints` that keep the pod off (NoSchedule / NoExecute, not tolerated). */
export function untoleratedTaints(target: TargetView, spec: Json, taints: readonly Taint[]): Taint[] {
  return untolerated(selectionOf(memoOf(target), spec), taints);
}

function untolerated(selection: Selection, taints: readonly Taint[]): Taint[] {
  if (taints.length === 0) return [];
  const tolerations = selection.tolerations;
  return taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
}

function tolerates(toleration: Json, taint: Taint): boolean {
  const effect = asString(toleration.effect);
  if (effect && effect !== taint.effect) return false;
  const key = asString(toleration.key);
  if (toleration.operator === 'Exists') return key === undefined || key === '' || key === taint.key;
  return key === taint.key && (asString(toleration.value) ?? '') === (taint.value ?? '');
}

/**
 * The pools (by name) a pod can be scheduled on: some zone's nodes match its selection and it tolerates their
 * taints. Pod specs that can run on the same pools of a target get the same list (callers may remember things per
 * list).
 */
export function eligiblePools(target: TargetView, spec: Json, plan: ClusterPlan): readonly string[] {
  const memo = memoOf(target);
  const last = memo.lastEligible;
  if (last !== undefined && last.spec === spec && last.plan === plan) return last.pools;
  const cached = memo.eligible.get(spec);
  if (cached && cached.plan === plan) {
    memo.lastEligible = { spec, plan, pools: cached.pools };
    return cached.pools;
  }
  let byPools = memo.sharedPools.get(plan);
  if (!byPools) memo.sharedPools.set(plan, (byPools = new Map()));
  // Found for each pod spec (its selection is read once anyway), then shared: callers remember things per list.
  const found = findEligiblePools(memo, spec, plan);
  const key = JSON.stringify(found);
  let pools = byPools.get(key);
  if (!pools) byPools.set(key, (pools = found));
  memo.eligible.set(spec, { plan, pools });
  memo.lastEligible = { spec, plan, pools };
  return pools;
}

function findEligiblePools(memo: SchedulingMemo, spec: Json, plan: ClusterPlan): string[] {
  const pools: string[] = [];
  const selection = selectionOf(memo, spec);
  for (const nodes of nodesOf(memo, plan)) {
    const fits = selectionMatches(selection, nodes.labels) && untolerated(selection, nodes.taints).length === 0;
    if (fits && !pools.includes(nodes.pool)) pools.push(nodes.pool);
  }
  return pools.sort();
}
