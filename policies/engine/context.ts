import { CapacityPolicy, ClusterPlan, DEFAULT_SYSTEM_RESERVE, Estate, EstatePlan, PromotionPhase, Synthesis, SystemReserve } from '../../constructs/internal';
import { TargetView } from './target';

/** What the estate says about one cluster that its synthesized objects do not carry. */
export interface ClusterContext {
  readonly plan: ClusterPlan;
  /** Every zone of the cluster's IDC, when the estate itself is known (else the zones the plan uses). */
  readonly idcZones: readonly string[];
  /** Largest round-trip time between two zones holding etcd members, when the estate itself is known. */
  readonly maxEtcdMemberRttMs?: number;
}

/**
 * The estate context of a check: the plan at the as-of time (which clusters exist, their pools and capacity, the
 * promotion phases), the facts of each cluster, and every target of the synthesis so that a rule judging one
 * target can read another (the capacity of a cluster's pools lives in `management`, its pods in its own target).
 */
export interface EstateContext {
  readonly estate: string;
  readonly environment: string;
  /** ISO-8601, UTC. */
  readonly asOf: string;
  readonly plan: EstatePlan;
  readonly clusters: ReadonlyMap<string, ClusterContext>;
  readonly targets: ReadonlyMap<string, TargetView>;
  /** How the estate judges capacity (its CapacityPolicy, or the defaults): the same numbers validation uses. */
  readonly capacity: { readonly maxCommitPercent: number; readonly reserve: SystemReserve };
}

/** Phases in which a peak group's clusters exist. */
export const ACTIVE_PHASES: readonly string[] = [PromotionPhase.PREPARING, PromotionPhase.PEAK, PromotionPhase.DRAINING];

/**
 * Builds the context of a synthesis. With the estate it also knows each IDC's zones and round-trip times; without
 * it those rules judge what the plan says.
 */
export function estateContext(synthesis: Synthesis, estate?: Estate, targets?: ReadonlyMap<string, TargetView>): EstateContext {
  const constructs = new Map((estate?.clusters ?? []).map((c) => [c.name, c]));
  const clusters = new Map<string, ClusterContext>();
  for (const plan of synthesis.plan.clusters) {
    const cluster = constructs.get(plan.name);
    const planZones = [...new Set([
      ...plan.controlPlane.zones,
      ...plan.etcd.members.map((m) => m.zone),
      ...plan.pools.flatMap((p) => p.zones.map((z) => z.zone))
    ])];
    clusters.set(plan.name, {
      plan,
      idcZones: cluster ? cluster.idc.zoneNames : planZones,
      ...(cluster ? { maxEtcdMemberRttMs: cluster.etcd.maxMemberRttMs } : {}),
    });
  }
  return {
    estate: synthesis.plan.estate,
    environment: synthesis.plan.environment,
    asOf: synthesis.plan.asOf,
    plan: synthesis.plan,
    clusters,
    targets: targets ?? new Map(synthesis.targets.map((t) => [t.name, new TargetView(t.name, t.objects)])),
    capacity: estate ? CapacityPolicy.of(estate) : { maxCommitPercent: 100, reserve: DEFAULT_SYSTEM_RESERVE },
  };
}
