/**
 * Where a pod can run in a cluster of the estate: the nodes each pool and zone will have (their labels and taints,
 * exactly as synthesis writes them), and whether a pod's node selector, required node affinity and tolerations
 * let it onto them. Node-local labels that no plan can know (hostname, architecture) are taken as satisfiable.
 */
import { ClusterPlan, poolNodeLabels, Taint } from '../../constructs/internal';
import { asArray, asObject, asString, field, isObject, Json, stringMap } from './kube';

/** The nodes of one pool in one zone. */
export interface PoolNodes {
  readonly pool: string;
  readonly zone: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** Keys whose values differ per node and cannot be known from the plan: any expression on them may be satisfied. */
const NODE_LOCAL_KEYS = new Set(['kubernetes.io/hostname', 'kubernetes.io/arch', 'beta.kubernetes.io/arch']);

const poolNodeCache = new WeakMap<ClusterPlan, PoolNodes[]>();

/** Every pool and zone of a planned cluster, with the labels its nodes will carry. */
export function poolNodesOf(plan: ClusterPlan): PoolNodes[] {
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

const selections = new WeakMap<object, Selection>();

/** The last answer of selectionOf: rules ask about one pod spec in turn. */
let lastSelection: { spec: object; selection: Selection } | undefined;

function selectionOf(spec: Json): Selection {
  if (lastSelection?.spec === spec) return lastSelection.selection;
  const selection = readSelectionOf(spec);
  lastSelection = { spec, selection };
  return selection;
}

function readSelectionOf(spec: Json): Selection {
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
export function selectsNodes(spec: Json): boolean {
  return hasStringValue(spec.nodeSelector) || selectionOf(spec).terms !== undefined;
}

/** `Object.keys(stringMap(value)).length > 0`, without the copy. */
function hasStringValue(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k) && typeof value[k] === 'string' && k !== '__proto__') return true;
  return false;
}

/** True when a node with `labels` satisfies the pod's nodeSelector and required node affinity. */
export function nodeSelectionMatches(spec: Json, labels: Readonly<Record<string, string>>): boolean {
  const selection = selectionOf(spec);
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
export function untoleratedTaints(spec: Json, taints: readonly Taint[]): Taint[] {
  if (taints.length === 0) return [];
  const tolerations = selectionOf(spec).tolerations;
  return taints.filter((taint) => taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint)));
}

function tolerates(toleration: Json, taint: Taint): boolean {
  const effect = asString(toleration.effect);
  if (effect && effect !== taint.effect) return false;
  const key = asString(toleration.key);
  if (toleration.operator === 'Exists') return key === undefined || key === '' || key === taint.key;
  return key === taint.key && (asString(toleration.value) ?? '') === (taint.value ?? '');
}

const eligibleCache = new WeakMap<object, { plan: ClusterPlan; pools: readonly string[] }>();
/** Pods of many workloads can run on the same pools: one shared list per plan and set of pools. */
const sharedPools = new WeakMap<ClusterPlan, Map<string, readonly string[]>>();

/** The last answer of eligiblePools (as selectionOf's). */
let lastEligible: { spec: object; plan: ClusterPlan; pools: readonly string[] } | undefined;

/** The pools (by name) a pod can be scheduled on: some zone's nodes match its selection and it tolerates their taints. */
export function eligiblePools(spec: Json, plan: ClusterPlan): readonly string[] {
  if (lastEligible?.spec === spec && lastEligible.plan === plan) return lastEligible.pools;
  const cached = eligibleCache.get(spec);
  if (cached && cached.plan === plan) {
    lastEligible = { spec, plan, pools: cached.pools };
    return cached.pools;
  }
  let byPools = sharedPools.get(plan);
  if (!byPools) sharedPools.set(plan, (byPools = new Map()));
  // Found for each pod spec (its selection is read once anyway), then shared: callers remember things per list.
  const found = findEligiblePools(spec, plan);
  const key = JSON.stringify(found);
  let pools = byPools.get(key);
  if (!pools) byPools.set(key, (pools = found));
  eligibleCache.set(spec, { plan, pools });
  lastEligible = { spec, plan, pools };
  return pools;
}

function findEligiblePools(spec: Json, plan: ClusterPlan): string[] {
  const pools: string[] = [];
  for (const nodes of poolNodesOf(plan)) {
    const fits = nodeSelectionMatches(spec, nodes.labels) && untoleratedTaints(spec, nodes.taints).length === 0;
    if (fits && !pools.includes(nodes.pool)) pools.push(nodes.pool);
  }
  return pools.sort();
}
