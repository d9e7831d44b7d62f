import type { KubeObject } from '../../../constructs';
import { asInteger, field, nameOf, namespaceOf, podLabels, podTemplateOf, podTemplatesIn, REPLICATED_KINDS, replicaFloor, selectorMatches, WORKLOAD_KINDS } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

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

interface Coverage {
  /** The replica floors of the replicated workloads the budget selects, summed. */
  readonly replicas: number;
  /** Whether an HPA's minimum sets one of those floors. */
  readonly viaHpa: boolean;
  /** How many workloads it covers. */
  readonly covered: number;
}

/** What a budget covers in its target, computed once per budget (every workload it selects asks the same). */
function coverageOf(target: TargetView, pdb: KubeObject): Coverage {
  const cache = target.memo('pdb-coverage', () => new Map<KubeObject, Coverage>());
  let coverage = cache.get(pdb);
  if (!coverage) {
    const selector = field(pdb, 'spec.selector');
    let replicas = 0;
    let viaHpa = false;
    let covered = 0;
    for (const p of podTemplatesIn(target, namespaceOf(pdb))) {
      if (!(REPLICATED_KINDS as readonly string[]).includes(p.workload.kind) || !selectorMatches(selector, p.labels)) continue;
      const floor = replicaFloor(target, p.workload);
      replicas += floor.replicas;
      viaHpa ||= floor.source === 'hpa';
      covered++;
    }
    cache.set(pdb, (coverage = { replicas, viaHpa, covered }));
  }
  return coverage;
}

/** Every replicated workload has exactly one disruption budget, and it lets a node drain evict a pod. */
export const requirePodDisruptionBudget = defineRule({
  id: 'require-pod-disruption-budget',
  area: 'availability',
  description: 'Every Deployment and StatefulSet is covered by exactly one PodDisruptionBudget in its namespace, which allows at least one eviction when the workload runs at its replica floor (spec.replicas, or the HPA minimum when an HPA owns it).',
  rationale: 'Without a budget, a node drain (upgrades, autoscaler scale-down, machine repair) may evict every replica at once. A budget that allows no eviction at the HPA minimum (minAvailable 100%, or minAvailable equal to the minimum) blocks every drain of its nodes forever; two budgets over one pod make the eviction API refuse to evict it at all.',
  remediation: 'Use the app templates\' disruption budget (maxUnavailable 10%, at least 1); in hand-written YAML add one PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable >= 1 or minAvailable below the replica floor.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS],
  relational: true,
  reads: ['PodDisruptionBudget', 'HorizontalPodAutoscaler', ...WORKLOAD_KINDS],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const labels = podLabels(template);
    const inNamespace = target.inNamespace('PodDisruptionBudget', namespaceOf(object));
    let pdb: KubeObject | undefined;
    let count = 0;
    for (let i = 0; i < inNamespace.length; i++) {
      if (!selectorMatches(field(inNamespace[i], 'spec.selector'), labels)) continue;
      if (count++ === 0) pdb = inNamespace[i];
    }
    if (pdb === undefined) return violations(['no PodDisruptionBudget selects its pods: a node drain may evict every replica at once']);
    if (count > 1) {
      const budgets = inNamespace.filter((b) => selectorMatches(field(b, 'spec.selector'), labels));
      return violations([`${budgets.length} PodDisruptionBudgets select its pods (${budgets.map(nameOf).join(', ')}): the eviction API refuses to evict pods covered by more than one`]);
    }
    // The budget counts every pod it selects: the floors of all workloads it covers (stable and gray channels, say).
    const { replicas, viaHpa, covered } = coverageOf(target, pdb);
    const allowed = allowedDisruptions(pdb, replicas);
    if (allowed === undefined) return violations([`PodDisruptionBudget ${nameOf(pdb)} states neither a usable minAvailable nor maxUnavailable`]);
    if (allowed < 1) {
      const at = `${replicas} pod(s)${viaHpa ? ' (HPA minimum)' : ''}${covered > 1 ? ` over ${covered} workloads` : ''}`;
      return violations([`PodDisruptionBudget ${nameOf(pdb)} allows no eviction at ${at}: node drains would block`]);
    }
    return violations([]);
  },
});
