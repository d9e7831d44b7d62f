import { clusterPoolCapacity, PoolCapacity } from '../apps/capacity';
import { Problem } from '../estate';
import { MachineRole } from '../estate/infrastructure';
import { InstanceSpec } from '../estate/instance';
import { ClusterPlan, EstatePlan, PromotionStatus } from './plan';
import { Synthesis } from './synthesize';

/** Machines and their capacity. Autoscaled pools count at their lower bound in `machines`, upper in `maxMachines`. */
export interface Capacity {
  readonly machines: number;
  readonly maxMachines: number;
  readonly vcpu: number;
  readonly maxVcpu: number;
  readonly memoryGiB: number;
  readonly maxMemoryGiB: number;
}

/** Capacity of one cluster, by machine role. */
export interface ClusterCapacity {
  readonly cluster: string;
  readonly group: string;
  readonly region: string;
  readonly idc: string;
  readonly phase?: string;
  readonly byRole: Record<MachineRole, Capacity>;
  readonly total: Capacity;
}

/** The apps of one cluster at as-of, and what their pods request of each node pool they run on. */
export interface ClusterWorkloads {
  readonly cluster: string;
  readonly group: string;
  readonly phase?: string;
  readonly apps: string[];
  /** One entry per pool that runs an app, sorted by pool. */
  readonly pools: PoolCapacity[];
}

/** What `estate synth` reports: stable, sorted, and the same in text and JSON. */
export interface SynthesisSummary {
  readonly estate: string;
  readonly asOf: string;
  readonly promotions: PromotionStatus[];
  readonly targets: { readonly name: string; readonly objects: number; readonly byKind: Record<string, number> }[];
  readonly clusters: ClusterCapacity[];
  readonly absentClusters: EstatePlan['absentClusters'];
  readonly capacityByGroup: Record<string, Capacity>;
  readonly capacityByRegion: Record<string, Capacity>;
  readonly total: Capacity;
  /**
   * Per cluster that runs apps: pod requests (every container, sidecars included) with autoscalers at their minimum
   * and maximum, against the pools' allocatable capacity (instance minus the system reserve) at their minimum and
   * maximum size. Validation judges the same numbers in every phase against `maxCommitPercent`.
   */
  readonly workloads: ClusterWorkloads[];
  /** The largest share of a pool's allocatable that apps may request at their minimum (CapacityPolicy). */
  readonly maxCommitPercent: number;
  readonly warnings: Problem[];
}

const ZERO: Capacity = { machines: 0, maxMachines: 0, vcpu: 0, maxVcpu: 0, memoryGiB: 0, maxMemoryGiB: 0 };

function machines(instance: InstanceSpec, min: number, max: number = min): Capacity {
  return {
    machines: min,
    maxMachines: max,
    vcpu: min * instance.vcpu,
    maxVcpu: max * instance.vcpu,
    memoryGiB: min * instance.memoryGiB,
    maxMemoryGiB: max * instance.memoryGiB,
  };
}

/** Adds capacities. */
export function addCapacity(...parts: Capacity[]): Capacity {
  return parts.reduce((a, b) => ({
    machines: a.machines + b.machines,
    maxMachines: a.maxMachines + b.maxMachines,
    vcpu: a.vcpu + b.vcpu,
    maxVcpu: a.maxVcpu + b.maxVcpu,
    memoryGiB: a.memoryGiB + b.memoryGiB,
    maxMemoryGiB: a.maxMemoryGiB + b.maxMemoryGiB,
  }), ZERO);
}

/** Capacity of one planned cluster. */
export function clusterCapacity(cluster: ClusterPlan): ClusterCapacity {
  const workers = cluster.pools.flatMap((pool) => pool.zones.map((z) =>
    z.autoscaling ? machines(pool.instance, z.autoscaling.minPerZone, z.autoscaling.maxPerZone) : machines(pool.instance, z.replicas ?? 0)));
  const byRole = {
    [MachineRole.CONTROL_PLANE]: machines(cluster.controlPlane.instance, cluster.controlPlane.replicas),
    [MachineRole.ETCD]: machines(cluster.etcd.instance, cluster.etcd.members.length),
    [MachineRole.WORKER]: addCapacity(...workers),
  };
  return {
    cluster: cluster.name,
    group: cluster.group,
    region: cluster.region,
    idc: cluster.idc,
    ...(cluster.promotion ? { phase: cluster.promotion.phase.phase } : {}),
    byRole,
    total: addCapacity(...Object.values(byRole)),
  };
}

/** Summarizes a synthesis. */
export function summarize(synthesis: Synthesis): SynthesisSummary {
  const clusters = synthesis.plan.clusters.map(clusterCapacity);
  const sumBy = (key: (c: ClusterCapacity) => string): Record<string, Capacity> => {
    const out: Record<string, Capacity> = {};
    for (const c of clusters) out[key(c)] = addCapacity(out[key(c)] ?? ZERO, c.total);
    return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
  };
  return {
    estate: synthesis.plan.estate,
    asOf: synthesis.plan.asOf,
    promotions: synthesis.plan.promotions,
    targets: synthesis.targets.map((t) => {
      const byKind: Record<string, number> = {};
      for (const o of t.objects) byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
      return { name: t.name, objects: t.objects.length, byKind: Object.fromEntries(Object.keys(byKind).sort().map((k) => [k, byKind[k]])) };
    }),
    clusters,
    absentClusters: synthesis.plan.absentClusters,
    capacityByGroup: sumBy((c) => c.group),
    capacityByRegion: sumBy((c) => c.region),
    total: addCapacity(...clusters.map((c) => c.total)),
    workloads: clusterWorkloads(synthesis.plan),
    maxCommitPercent: synthesis.plan.capacity.maxCommitPercent,
    warnings: synthesis.warnings,
  };
}

/** Per cluster with apps at as-of: their pools' capacity against their pods' requests. */
export function clusterWorkloads(plan: EstatePlan): ClusterWorkloads[] {
  const byCluster = new Map<string, EstatePlan['apps']>();
  for (const i of plan.apps) {
    const list = byCluster.get(i.cluster);
    if (list) list.push(i);
    else byCluster.set(i.cluster, [i]);
  }
  return plan.clusters.filter((c) => byCluster.has(c.name)).map((c) => {
    const instances = byCluster.get(c.name)!;
    return {
      cluster: c.name,
      group: c.group,
      ...(c.promotion ? { phase: c.promotion.phase.phase } : {}),
      apps: [...new Set(instances.map((i) => i.app))].sort(),
      pools: clusterPoolCapacity(c.pools, instances, plan.capacity.reserve),
    };
  });
}
