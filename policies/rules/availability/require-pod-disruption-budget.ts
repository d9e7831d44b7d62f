import type { KubeObject } from '../../../constructs';
import { asInteger, field, isBarePod, nameOf, namespaceOf, podLabels, podTemplateOf, podTemplatesIn, REPLICATED_KINDS, replicaFloor, selectorMatches, WORKLOAD_KINDS } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { COMPLIANT, defineRule, notApplicable, Verdict, violations } from '../../engine/types';

/** An IntOrString of a PDB scaled to `replicas` (percentages round up, as the disruption controller does). */
function scaled(value: unknown, replicas: number): number | undefined {
  const n = asInteger(value);
  if (n !== undefined) return n;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value.trim()) : null;
  return match ? Math.ceil((Number(match[1]) * replicas) / 100) : undefined;
}

/** Evictions the budget allows when the workload runs `replicas` healthy pods; undefined when it cannot be read. */
export function allowedDisruptions(pdb: KubeObject, replicas: number): number | undefined {
  const maxUnavailable = field(pdb, 'spec.maxUnavailable');
  if (maxUnavailable !== undefined) return scaled(maxUnavailable, replicas);
  const minAvailable = field(pdb, 'spec.minAvailable');
  if (minAvailable !== undefined) {
    const min = scaled(minAvailable, replicas);
    return min === undefined ? undefined : replicas - min;
  }
  return undefined;
}

/** The field that makes a budget allow no eviction whatever it selects (`maxUnavailable` 0 or 0%, `minAvailable` 100%), as written. */
function blocksWhateverItSelects(pdb: KubeObject): string | undefined {
  const maxUnavailable = field(pdb, 'spec.maxUnavailable');
  if (maxUnavailable !== undefined) {
    const max = scaled(maxUnavailable, 1_000_000);
    return max !== undefined && max <= 0 ? `maxUnavailable ${String(maxUnavailable)}` : undefined;
  }
  const minAvailable = field(pdb, 'spec.minAvailable');
  const percent = typeof minAvailable === 'string' ? /^(\d+)%$/.exec(minAvailable.trim()) : null;
  return percent && Number(percent[1]) >= 100 ? `minAvailable ${minAvailable}` : undefined;
}

interface Coverage {
  /** The replica floors of what the budget selects, summed: replicated workloads, and 1 per bare Pod. */
  readonly replicas: number;
  /** Whether an HPA's minimum sets one of those floors. */
  readonly viaHpa: boolean;
  /** What it covers, as `Kind name`. */
  readonly covered: readonly string[];
}

/** What a budget covers in its target: the workloads (and bare Pods) of its namespace that it selects. */
function coverageOf(target: TargetView, pdb: KubeObject): Coverage {
  const selector = field(pdb, 'spec.selector');
  let replicas = 0;
  let viaHpa = false;
  const covered: string[] = [];
  for (const p of podTemplatesIn(target, namespaceOf(pdb))) {
    const replicated = (REPLICATED_KINDS as readonly string[]).includes(p.workload.kind);
    if (!(replicated || isBarePod(p.workload)) || !selectorMatches(selector, p.labels)) continue;
    const floor = replicated ? replicaFloor(target, p.workload) : { replicas: 1, source: 'spec' };
    replicas += floor.replicas;
    viaHpa ||= floor.source === 'hpa';
    covered.push(`${p.workload.kind} ${nameOf(p.workload)}`);
  }
  return { replicas, viaHpa, covered };
}

/** A budget's own faults, whatever it selects and whether or not that is in the target. */
function judgeBudget(target: TargetView, pdb: KubeObject): Verdict {
  const blocking = blocksWhateverItSelects(pdb);
  if (blocking) return violations([`${blocking} allows no eviction of any pod it selects: every node drain that reaches one of them blocks`]);
  if (allowedDisruptions(pdb, 1) === undefined) return violations(['states neither a usable minAvailable nor maxUnavailable: the eviction API cannot apply it']);
  const { replicas, viaHpa, covered } = coverageOf(target, pdb);
  if (covered.length === 0) return notApplicable('selects nothing in the target: only its own fields are judged');
  if (replicas === 0) return notApplicable('what it selects is scaled to zero: there is nothing to evict');
  const allowed = allowedDisruptions(pdb, replicas)!;
  if (allowed >= 1) return COMPLIANT;
  const what = covered.length === 1 ? covered[0] : `${covered.length} workloads (${covered.join(', ')})`;
  // As allowedDisruptions reads it: maxUnavailable first.
  const maxUnavailable = field(pdb, 'spec.maxUnavailable');
  const rule = maxUnavailable !== undefined ? `maxUnavailable ${String(maxUnavailable)}` : `minAvailable ${String(field(pdb, 'spec.minAvailable'))}`;
  return violations([`${rule} allows no eviction at ${replicas} pod(s)${viaHpa ? ' (HPA minimum)' : ''} of ${what}: node drains would block`]);
}

/** Every replicated workload has exactly one disruption budget, and every budget lets a node drain evict a pod. */
export const requirePodDisruptionBudget = defineRule({
  id: 'require-pod-disruption-budget',
  area: 'availability',
  description: 'Every Deployment and StatefulSet is covered by exactly one PodDisruptionBudget, and every budget allows an eviction at the replica floor of what it selects.',
  rationale: 'The replica floor is spec.replicas, or the HPA minimum when an HPA owns the workload. Without a budget, a node drain (upgrades, autoscaler scale-down, machine repair) may evict every replica at once. A budget that allows no eviction (maxUnavailable 0, minAvailable 100%, or minAvailable equal to the floor) blocks every drain of its nodes forever, whatever it selects on the cluster, so it is judged on the budget itself even when what it selects is not in the input; two budgets over one pod make the eviction API refuse to evict it at all.',
  remediation: 'Use the app templates\' disruption budget (maxUnavailable 10%, at least 1); in hand-written YAML add one PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable >= 1 or minAvailable below the replica floor.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS, 'PodDisruptionBudget'],
  relational: true,
  reads: ['PodDisruptionBudget', 'HorizontalPodAutoscaler', ...WORKLOAD_KINDS],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    if (object.kind === 'PodDisruptionBudget') return judgeBudget(target, object);
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const labels = podLabels(template);
    const inNamespace = target.inNamespace('PodDisruptionBudget', namespaceOf(object));
    let count = 0;
    for (let i = 0; i < inNamespace.length; i++) if (selectorMatches(field(inNamespace[i], 'spec.selector'), labels)) count++;
    if (count === 0) return violations(['no PodDisruptionBudget selects its pods: a node drain may evict every replica at once']);
    if (count > 1) {
      const budgets = inNamespace.filter((b) => selectorMatches(field(b, 'spec.selector'), labels));
      return violations([`${budgets.length} PodDisruptionBudgets select its pods (${budgets.map(nameOf).join(', ')}): the eviction API refuses to evict pods covered by more than one`]);
    }
    // Whether the one budget allows an eviction is judged on the budget (it covers every workload it selects).
    return COMPLIANT;
  },
});
