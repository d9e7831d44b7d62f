import { calendarInstants, PhaseAt, PromotionPhase } from '../estate/promotion';
import { ClusterGroupKind } from '../estate/cluster-group';
import type { Cluster } from '../estate/cluster';
import { ProblemCollector } from '../estate/problems';
import { Estate } from '../estate/estate';
import { promotionsOf } from '../estate/validate';
import type { AppTemplate, ResolvedPlacement } from './app-template';
import { CapacityPolicy } from './capacity-policy';
import { commitPercent, nodeAllocatable, poolZoneSize } from './capacity';
import { podResources, podTotals, replicaBounds } from './replicas';
import { ResourceAmount, scaleResources } from './resources';

/** A moment at which capacity is judged, and how it is named in problems. */
export interface CapacityInstant {
  readonly asOf: Date;
  readonly label: string;
}

/**
 * The moments that cover every phase the estate goes through: a normal day (every promotion dormant), then for each
 * promotion the middle of every preparation batch, the peak, and the middle of every drain batch. Promotions are
 * judged one at a time (overlapping promotions are not combined).
 */
export function capacityInstants(estate: Estate): CapacityInstant[] {
  const promotions = promotionsOf(estate);
  const instants: CapacityInstant[] = [];
  let earliest = Infinity;
  for (const p of promotions) {
    const i = calendarInstants(p.calendar);
    earliest = Math.min(earliest, i.prepareFrom);
    const { prepareBatches: n, drainBatches: m } = p.calendar;
    for (let b = 0; b < n; b++) instants.push({ asOf: new Date(i.prepareFrom + ((b + 0.5) * (i.peakFrom - i.prepareFrom)) / n), label: `${p.name} preparing, batch ${b + 1} of ${n}` });
    instants.push({ asOf: new Date((i.peakFrom + i.peakTo) / 2), label: `${p.name} peak` });
    for (let b = 0; b < m; b++) instants.push({ asOf: new Date(i.peakTo + ((b + 0.5) * (i.drainUntil - i.peakTo)) / m), label: `${p.name} draining, batch ${b + 1} of ${m}` });
  }
  instants.unshift({ asOf: new Date(Number.isFinite(earliest) ? earliest - 86_400_000 : Date.UTC(2000, 0, 1)), label: 'a normal day (no promotion)' });
  return instants;
}

interface Worst {
  percent: number;
  label: string;
  requests: ResourceAmount;
  allocatable: ResourceAmount;
}

/**
 * For every cluster, pool and phase: the CPU and memory that the pods of the pool's apps request with their
 * autoscalers at the minimum, against the pool's allocatable capacity at its maximum size. Beyond the policy's
 * `maxCommitPercent` it is an error (`capacity-overcommit`); when the autoscalers' maximum would not fit either, a
 * warning (`capacity-hpa-ceiling`). One problem per cluster and pool, at its worst phase.
 */
export function checkCapacity(
  estate: Estate,
  apps: readonly AppTemplate[],
  placements: ReadonlyMap<AppTemplate, ResolvedPlacement>,
  allClusters: readonly Cluster[],
  problems: ProblemCollector,
): void {
  const policy = CapacityPolicy.of(estate);
  interface User { readonly spec: AppTemplate['spec']; readonly base: number; readonly perPod: ResourceAmount }
  const byCluster = new Map<string, User[]>();
  for (const app of apps) {
    const placement = placements.get(app)!;
    const perPod = podResources(app.spec).requests;
    for (const c of placement.clusters) {
      const user = { spec: app.spec, base: placement.replicas.get(c.name) ?? 0, perPod };
      const list = byCluster.get(c.name);
      if (list) list.push(user);
      else byCluster.set(c.name, [user]);
    }
  }
  const promotions = promotionsOf(estate);
  // Per cluster, the pools its apps use (each with its apps and its worst phases so far) and the promotions its
  // apps follow: computed once.
  const placed = allClusters.filter((c) => byCluster.has(c.name)).map((cluster) => {
    const users = byCluster.get(cluster.name)!;
    const path = cluster.node.path;
    const pools = cluster.nodePools.map((pool) => ({
      path,
      name: pool.name,
      zoneCount: pool.zones.length,
      sizing: { replicasPerZone: pool.replicasPerZone, autoscaling: pool.autoscaling },
      users: users.filter((u) => u.spec.nodePool === pool.name),
      perNode: nodeAllocatable(pool.instance, policy.reserve),
      worstMin: undefined as Worst | undefined,
      worstMax: undefined as Worst | undefined,
    })).filter((p) => p.users.length > 0);
    const followed = [...new Set(users.map((u) => u.spec.peak?.promotion).filter((p): p is string => p !== undefined))].sort();
    return { cluster, pools, followed, followedKey: `${cluster.group.name}\u0000${followed.join(',')}`, seen: new Set<string>() };
  });
  for (const instant of capacityInstants(estate)) {
    // Each promotion's phase once per instant: a phase is a calendar computation, clusters only look it up.
    const phases = new Map<string, PhaseAt>(promotions.map((p) => [p.name, p.phaseAt(instant.asOf)]));
    const ramp = (promotion: string) => {
      const ph = phases.get(promotion);
      return ph?.phase === PromotionPhase.PEAK ? 1 : ph?.phase === PromotionPhase.PREPARING ? ph.scale : 0;
    };
    // What sizes a cluster's apps: its group's scale and the ramp of each promotion they follow. Clusters of one
    // group whose apps follow the same promotions share it; instants with a signature a cluster has seen already
    // give it the same numbers again, so each is computed once per cluster.
    const signatures = new Map<string, string>();
    for (const entry of placed) {
      const group = entry.cluster.group;
      const groupPhase = group.kind === ClusterGroupKind.PEAK && group.promotion ? phases.get(group.promotion.name) : undefined;
      if (groupPhase && groupPhase.phase === PromotionPhase.DORMANT) continue;
      let sig = signatures.get(entry.followedKey);
      if (sig === undefined) {
        sig = `${groupPhase ? groupPhase.scale : 1}|${groupPhase?.phase === PromotionPhase.PREPARING ? 'p' : ''}|${entry.followed.map((p) => `${p}=${ramp(p)}`).join(',')}`;
        signatures.set(entry.followedKey, sig);
      }
      if (entry.seen.has(sig)) continue;
      entry.seen.add(sig);
      const facts = { promotion: groupPhase && group.promotion ? { name: group.promotion.name, phase: groupPhase } : undefined };
      for (const pool of entry.pools) {
        let cpuMin = 0;
        let memMin = 0;
        let cpuMax = 0;
        let memMax = 0;
        for (const u of pool.users) {
          const pods = podTotals(u.spec, replicaBounds(u.spec, u.base, facts, phases));
          cpuMin += u.perPod.cpuMillis * pods.min;
          memMin += u.perPod.memoryMiB * pods.min;
          cpuMax += u.perPod.cpuMillis * pods.max;
          memMax += u.perPod.memoryMiB * pods.max;
        }
        const size = poolZoneSize(pool.sizing, groupPhase);
        const allocatable = scaleResources(pool.perNode, pool.zoneCount * (size.autoscaling ? size.autoscaling.maxPerZone : size.replicas ?? 0));
        const min = { cpuMillis: cpuMin, memoryMiB: memMin };
        const max = { cpuMillis: cpuMax, memoryMiB: memMax };
        const pMin = commitPercent(min, allocatable);
        const pMax = commitPercent(max, allocatable);
        if (!(pool.worstMin && pool.worstMin.percent >= pMin)) pool.worstMin = { percent: pMin, label: instant.label, requests: min, allocatable };
        if (!(pool.worstMax && pool.worstMax.percent >= pMax)) pool.worstMax = { percent: pMax, label: instant.label, requests: max, allocatable };
      }
    }
  }
  const worstMin = new Map<string, Worst>();
  const worstMax = new Map<string, Worst>();
  for (const { pools } of placed) {
    for (const pool of pools) {
      const key = `${pool.path}\u0000${pool.name}`;
      if (pool.worstMin) worstMin.set(key, pool.worstMin);
      if (pool.worstMax) worstMax.set(key, pool.worstMax);
    }
  }
  const describe = (w: Worst) => `${cpu(w.requests.cpuMillis)} vCPU and ${gib(w.requests.memoryMiB)} GiB requested of ${cpu(w.allocatable.cpuMillis)} vCPU and ${gib(w.allocatable.memoryMiB)} GiB allocatable`;
  for (const [key, w] of worstMin) {
    if (w.percent <= policy.maxCommitPercent) continue;
    const [path, pool] = key.split('\u0000');
    problems.error({
      path,
      rule: 'capacity-overcommit',
      message: `node pool ${pool} is over-committed at ${w.label}: its apps' pods at their autoscalers' minimum request ${w.percent}% of the pool at its largest (${describe(w)}; the limit is ${policy.maxCommitPercent}%)`,
      fix: 'add nodes to the pool (or raise its autoscaler maximum), lower the apps\' replicas or requests, or move an app to another pool',
      value: w.percent,
    });
  }
  for (const [key, w] of worstMax) {
    if (w.percent <= 100 || (worstMin.get(key)?.percent ?? 0) > policy.maxCommitPercent) continue;
    const [path, pool] = key.split('\u0000');
    problems.warning({
      path,
      rule: 'capacity-hpa-ceiling',
      message: `node pool ${pool} cannot hold its apps at their autoscalers' maximum at ${w.label}: ${w.percent}% (${describe(w)})`,
      fix: 'raise the pool\'s autoscaler maximum, or lower the apps\' maxFactor',
      value: w.percent,
    });
  }
}

function cpu(millis: number): string {
  return (Math.round(millis / 100) / 10).toLocaleString('en-US');
}

function gib(mib: number): string {
  return (Math.round((mib / 1024) * 10) / 10).toLocaleString('en-US');
}
