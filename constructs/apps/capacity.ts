import { PhaseAt, PromotionPhase, scaledReplicas } from '../estate/promotion';
import { InstanceSpec } from '../estate/instance';
import type { AutoscalingBounds } from '../estate/node-pool';
import type { AppInstancePlan, PoolFacts } from './instance-plan';
import { instancePods } from './instance-plan';
import { podResources } from './replicas';
import { addResources, ResourceAmount, scaleResources, ZERO_RESOURCES } from './resources';

/**
 * Capacity of node pools against what the apps' pods request.
 *
 * Allocatable model: what a node offers pods is its instance minus a system reserve, the tiered formula that GKE and
 * AKS use for kube-reserved (CPU: 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25% of
 * every further core; memory: 25% of the first 4 GiB, 20% of the next 4 GiB, 10% of the next 8 GiB, 6% of the next
 * 112 GiB, 2% above 128 GiB), plus the kubelet's hard eviction threshold (100 MiB) and what the estate's DaemonSets
 * (log agent, node exporter, CNI, kube-proxy) request on every node (`CapacityPolicyProps`). A pod requests the sum
 * of its containers, sidecars included (native sidecars add to the main containers, as Kubernetes counts them).
 */
export interface SystemReserve {
  /** What the estate's DaemonSets request on every node, in millicores. */
  readonly daemonSetCpuMillis: number;
  /** What the estate's DaemonSets request on every node, in MiB. */
  readonly daemonSetMemoryMiB: number;
  /** The kubelet's `evictionHard` memory.available, in MiB. */
  readonly evictionMemoryMiB: number;
}

/** The system reserve when the estate has no `CapacityPolicy`: DaemonSets 300m CPU and 768 MiB per node, eviction at 100 MiB. */
export const DEFAULT_SYSTEM_RESERVE: SystemReserve = { daemonSetCpuMillis: 300, daemonSetMemoryMiB: 768, evictionMemoryMiB: 100 };

function tiered(amount: number, tiers: readonly [number, number][], rest: number): number {
  let left = amount;
  let reserved = 0;
  for (const [size, share] of tiers) {
    const part = Math.min(left, size);
    reserved += part * share;
    left -= part;
  }
  return reserved + left * rest;
}

/** The reserve of one node, by the tiered formula plus eviction threshold and DaemonSets. */
export function nodeReserve(instance: InstanceSpec, reserve: SystemReserve = DEFAULT_SYSTEM_RESERVE): ResourceAmount {
  const cpu = tiered(instance.vcpu * 1000, [[1000, 0.06], [1000, 0.01], [2000, 0.005]], 0.0025);
  const memory = tiered(instance.memoryGiB * 1024, [[4096, 0.25], [4096, 0.2], [8192, 0.1], [112 * 1024, 0.06]], 0.02);
  return {
    cpuMillis: Math.ceil(cpu) + reserve.daemonSetCpuMillis,
    memoryMiB: Math.ceil(memory) + reserve.evictionMemoryMiB + reserve.daemonSetMemoryMiB,
  };
}

/** What one node of `instance` offers pods. */
export function nodeAllocatable(instance: InstanceSpec, reserve: SystemReserve = DEFAULT_SYSTEM_RESERVE): ResourceAmount {
  const r = nodeReserve(instance, reserve);
  return { cpuMillis: Math.max(0, instance.vcpu * 1000 - r.cpuMillis), memoryMiB: Math.max(0, instance.memoryGiB * 1024 - r.memoryMiB) };
}

/**
 * The size of one zone of a node pool at a phase (undefined: a daily group, always full size). Pools of a peak group
 * scale with the promotion's batches; while preparing, the autoscaler's ceiling stays at peak size so the pool can
 * absorb load early.
 */
export function poolZoneSize(
  pool: { readonly replicasPerZone?: number; readonly autoscaling?: AutoscalingBounds },
  phase: PhaseAt | undefined,
): { replicas?: number; autoscaling?: AutoscalingBounds } {
  const scale = phase ? phase.scale : 1;
  if (pool.autoscaling) {
    const min = scaledReplicas(pool.autoscaling.minPerZone, scale);
    const max = Math.max(
      min,
      scaledReplicas(pool.autoscaling.maxPerZone, scale === 1 || (phase && phase.phase === PromotionPhase.PREPARING) ? 1 : scale),
    );
    return { autoscaling: { minPerZone: min, maxPerZone: max } };
  }
  return { replicas: scaledReplicas(pool.replicasPerZone ?? 0, scale) };
}

/** Nodes of a pool: fixed pools at their replicas, autoscaled pools at their bounds. */
export function poolNodes(pool: PoolFacts): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const z of pool.zones) {
    min += z.autoscaling ? z.autoscaling.minPerZone : z.replicas ?? 0;
    max += z.autoscaling ? z.autoscaling.maxPerZone : z.replicas ?? 0;
  }
  return { min, max };
}

/** One pool's capacity against its apps, at one as-of time. */
export interface PoolCapacity {
  readonly pool: string;
  readonly nodes: { readonly min: number; readonly max: number };
  /** Allocatable at the pool's minimum and maximum size. */
  readonly allocatable: { readonly min: ResourceAmount; readonly max: ResourceAmount };
  /** Pods of the apps on the pool, with autoscalers at their minimum and at their maximum. */
  readonly pods: { readonly min: number; readonly max: number };
  /** What those pods request. */
  readonly requests: { readonly min: ResourceAmount; readonly max: ResourceAmount };
  /** Requests at the autoscalers' minimum over allocatable at the pool's maximum, by the scarcer resource: the judged ratio. */
  readonly committedPercent: number;
  /** Requests at the autoscalers' maximum over allocatable at the pool's maximum. */
  readonly maxCommittedPercent: number;
  /** The apps on the pool. */
  readonly apps: readonly string[];
}

/** `a / b` in percent by the scarcer of CPU and memory, one decimal; 0 when nothing is requested. */
export function commitPercent(requests: ResourceAmount, allocatable: ResourceAmount): number {
  const ratio = (r: number, a: number) => (r === 0 ? 0 : a === 0 ? Infinity : r / a);
  const worst = Math.max(ratio(requests.cpuMillis, allocatable.cpuMillis), ratio(requests.memoryMiB, allocatable.memoryMiB));
  return Number.isFinite(worst) ? Math.round(worst * 1000) / 10 : Infinity;
}

/** Capacity of every pool of a cluster that apps run on, sorted by pool name. */
export function clusterPoolCapacity(
  pools: readonly PoolFacts[],
  instances: readonly AppInstancePlan[],
  reserve: SystemReserve = DEFAULT_SYSTEM_RESERVE,
): PoolCapacity[] {
  const out: PoolCapacity[] = [];
  for (const pool of [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const onPool = instances.filter((i) => i.pool.name === pool.name);
    if (onPool.length === 0) continue;
    const nodes = poolNodes(pool);
    const perNode = nodeAllocatable(pool.instance, reserve);
    const allocatable = { min: scaleResources(perNode, nodes.min), max: scaleResources(perNode, nodes.max) };
    let podsMin = 0;
    let podsMax = 0;
    let min: ResourceAmount = ZERO_RESOURCES;
    let max: ResourceAmount = ZERO_RESOURCES;
    for (const i of onPool) {
      const pods = instancePods(i);
      const perPod = podResources(i.spec).requests;
      podsMin += pods.min;
      podsMax += pods.max;
      min = addResources(min, scaleResources(perPod, pods.min));
      max = addResources(max, scaleResources(perPod, pods.max));
    }
    out.push({
      pool: pool.name,
      nodes,
      allocatable,
      pods: { min: podsMin, max: podsMax },
      requests: { min, max },
      committedPercent: commitPercent(min, allocatable.max),
      maxCommittedPercent: commitPercent(max, allocatable.max),
      apps: [...new Set(onPool.map((i) => i.app))].sort(),
    });
  }
  return out;
}
