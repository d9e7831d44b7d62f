import type { AppInstancePlan } from '../apps/instance-plan';
import type { PromotionPhase } from '../estate/promotion';
import type { Estate } from '../estate/estate';
import type { KubeObject } from '../synth/kube-object';
import type { ClusterPlan, EstatePlan } from '../synth/plan';
import { NamespaceTenancy, planClusterTenancy, renderNamespaceTenancy, TenantTeam } from './render';
import { budgetFor, budgetPhase } from './sizing';
import { Team } from './team';

/** The estate's teams by the namespaces they own (validation makes each namespace's owner unique). */
export function teamsByNamespace(estate: Estate): Map<string, TenantTeam> {
  const out = new Map<string, TenantTeam>();
  for (const t of Team.teamsOf(estate)) {
    const team: TenantTeam = {
      name: t.name,
      deployersGroup: t.deployersGroup,
      readersGroup: t.readersGroup,
      headroomPercent: t.headroomPercent,
      budgets: t.budgets,
    };
    for (const ns of t.namespaces) if (!out.has(ns)) out.set(ns, team);
  }
  return out;
}

/** The tenancy of one cluster's app namespaces at the plan's as-of time. */
export function clusterTenancy(
  plan: EstatePlan,
  cluster: ClusterPlan,
  instances: readonly AppInstancePlan[],
  teams: ReadonlyMap<string, TenantTeam>,
): NamespaceTenancy[] {
  const phases = new Map(plan.promotions.map((p) => [p.name, p.phase as PromotionPhase]));
  return planClusterTenancy(instances, teams, (team, list) => {
    const followed = list.map((i) => i.spec.peak?.promotion)
      .filter((p): p is string => p !== undefined)
      .map((p) => phases.get(p))
      .filter((p): p is PromotionPhase => p !== undefined);
    return budgetFor(team.budgets, cluster.group, budgetPhase(cluster.promotion?.phase.phase, followed));
  });
}

/** Every tenancy object of a cluster target, namespace by namespace. */
export function renderClusterTenancy(
  plan: EstatePlan,
  cluster: ClusterPlan,
  instances: readonly AppInstancePlan[],
  teams: ReadonlyMap<string, TenantTeam>,
): KubeObject[] {
  return clusterTenancy(plan, cluster, instances, teams).flatMap((ns) => renderNamespaceTenancy(plan.estate, cluster.name, ns, instances));
}
