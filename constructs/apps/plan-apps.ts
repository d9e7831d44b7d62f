import { PhaseAt } from '../estate/promotion';
import type { Cluster } from '../estate/cluster';
import type { AppTemplate } from './app-template';
import { AppInstancePlan, ClusterFacts, planAppInstance } from './instance-plan';
import { indexClusters } from './placement';

/** The estate at one as-of time, as the app planner needs it. */
export interface AppPlanningInput {
  readonly estate: string;
  readonly environment: string;
  /** Clusters that exist at the as-of time. */
  readonly clusters: readonly ClusterFacts[];
  /** Every promotion's phase at the as-of time, by name. */
  readonly phases: ReadonlyMap<string, PhaseAt>;
}

/**
 * Plans every app on every cluster it is placed on that exists at the as-of time: one AppInstancePlan each, sorted
 * by cluster, namespace and app. `allClusters` is the estate's clusters (collected once by the caller).
 */
export function planAppInstances(apps: readonly AppTemplate[], allClusters: readonly Cluster[], input: AppPlanningInput): AppInstancePlan[] {
  const existing = new Map(input.clusters.map((c) => [c.name, c]));
  const index = indexClusters(allClusters);
  const out: AppInstancePlan[] = [];
  for (const app of apps) {
    const placement = app.resolvePlacement(allClusters, index);
    for (const cluster of placement.clusters) {
      const facts = existing.get(cluster.name);
      if (!facts) continue;
      out.push(planAppInstance(app.spec, {
        estate: input.estate,
        environment: input.environment,
        path: app.node.path,
        cluster: facts,
        baseReplicas: placement.replicas.get(cluster.name) ?? 0,
        phases: input.phases,
        patches: app.objectPatches,
      }));
    }
  }
  return sortInstances(out);
}

/**
 * Sorts instances by cluster, namespace and app: the order of the cluster targets.
 * @internal
 */
export function sortInstances(instances: AppInstancePlan[]): AppInstancePlan[] {
  // Keys built once, not twice per comparison: 10,000 instances take ~140,000 comparisons.
  const keys = new Map(instances.map((i) => [i, `${i.cluster}\u0000${i.namespace}\u0000${i.app}`]));
  return instances.sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
