import { calendarInstants, PhaseAt, PromotionPhase } from '../estate/calendar';
import { ClusterGroupKind } from '../estate/cluster-group';
import type { Cluster } from '../estate/cluster';
import { ProblemCollector } from '../estate/problems';
import { Estate } from '../estate/topology';
import { promotionsOf } from '../estate/validate';
import type { AppTemplate, ResolvedPlacement } from './app-template';
import { CapacityPolicy } from './capacity-policy';
import { commitPercent, nodeAllocatable, poolZoneSize } from './capacity';
import { planWorkloads, podResources, replicaBounds } from './instance-plan';
import { addResources, ResourceAmount, scaleResources, ZERO_RESOURCES } from './resources';

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
export function checkCapacity(estate: Estate, apps: readonly AppTemplate[], placements: ReadonlyMap<AppTemplate, ResolvedPlacement>, allClusters: readonly Cluster[], problems: ProblemCollector): void {
  const policy = CapacityPolicy.of(estate);
  interface User { readonly spec: AppTemplate['spec']; readonly base: number; readonly perPod: ResourceAmount; readonly memo: Map<string, { min: number; max: number }> }
  const byCluster = new Map<string, User[]>();
  for (const app of apps) {
    const placement = placements.get(app)!;
    const perPod = podResources(app.spec).requests;
    // An app with the same base replicas on several clusters sizes the same under the same signature.
    const memos = new Map<number, Map<string, { min: number; max: number }>>();
    for (const c of placement.clusters) {
      const base = placement.replicas.get(c.name) ?? 0;
      let memo = memos.get(base);
      if (!memo) memos.set(base, (memo = new Map()));
      const list = byCluster.get(c.name);
      const user = { spec: app.spec, base, perPod, memo };
      if (list) list.push(user);
      else byCluster.set(c.name, [user]);
    }
  }
  const promotions = promotionsOf(estate);
  const worstMin = new Map<string, Worst>();
  const worstMax = new Map<string, Worst>();
  // Per cluster, the pools its apps use (each with its apps) and the promotions its apps follow: computed once.
  const placed = allClusters.filter((c) => byCluster.has(c.name)).map((cluster) => {
    const users = byCluster.get(cluster.name)!;
    const pools = cluster.nodePools.map((pool) => ({ pool, key: `${cluster.node.path}\u0000${pool.name}`, users: users.filter((u) => u.spec.nodePool === pool.name), perNode: nodeAllocatable(pool.instance, policy.reserve) }))
      .filter((p) => p.users.length > 0);
    const followed = [...new Set(users.map((u) => u.spec.peak?.promotion).filter((p): p is string => p !== undefined))].sort();
    return { cluster, pools, followed, seen: new Set<string>() };
  });
  for (const instant of capacityInstants(estate)) {
    // Each promotion's phase once per instant: a phase is a calendar computation, clusters only look it up.
    const phases = new Map<string, PhaseAt>(promotions.map((p) => [p.name, p.phaseAt(instant.asOf)]));
    const ramp = (promotion: string) => {
      const ph = phases.get(promotion);
      return ph?.phase === PromotionPhase.PEAK ? 1 : ph?.phase === PromotionPhase.PREPARING ? ph.scale : 0;
    };
    for (const entry of placed) {
      const group = entry.cluster.group;
      const groupPhase = group.kind === ClusterGroupKind.PEAK && group.promotion ? phases.get(group.promotion.name) : undefined;
      if (groupPhase && groupPhase.phase === PromotionPhase.DORMANT) continue;
      // What sizes the cluster's apps: its group's scale and the ramp of each promotion they follow. Instants with
      // the same signature give the same numbers, so each is computed once per cluster.
      const sig = `${groupPhase ? groupPhase.scale : 1}|${groupPhase?.phase === PromotionPhase.PREPARING ? 'p' : ''}|${entry.followed.map((p) => `${p}=${ramp(p)}`).join(',')}`;
      if (entry.seen.has(sig)) continue;
      entry.seen.add(sig);
      const facts = { promotion: groupPhase && group.promotion ? { name: group.promotion.name, phase: groupPhase } : undefined };
      for (const { pool, key, users, perNode } of entry.pools) {
        let min = ZERO_RESOURCES;
        let max = ZERO_RESOURCES;
        for (const u of users) {
          let pods = u.memo.get(sig);
          if (!pods) {
            let podsMin = 0;
            let podsMax = 0;
            for (const w of planWorkloads(u.spec, replicaBounds(u.spec, u.base, facts, phases))) {
              podsMin += w.replicas ?? w.autoscaling!.minReplicas;
              podsMax += w.replicas ?? w.autoscaling!.maxReplicas;
            }
            u.memo.set(sig, (pods = { min: podsMin, max: podsMax }));
          }
          min = addResources(min, scaleResources(u.perPod, pods.min));
          max = addResources(max, scaleResources(u.perPod, pods.max));
        }
        const size = poolZoneSize(pool, groupPhase);
        const allocatable = scaleResources(perNode, pool.zones.length * (size.autoscaling ? size.autoscaling.maxPerZone : size.replicas ?? 0));
        const pMin = commitPercent(min, allocatable);
        const pMax = commitPercent(max, allocatable);
        if (!(worstMin.get(key)?.percent! >= pMin)) worstMin.set(key, { percent: pMin, label: instant.label, requests: min, allocatable });
        if (!(worstMax.get(key)?.percent! >= pMax)) worstMax.set(key, { percent: pMax, label: instant.label, requests: max, allocatable });
      }
    }
  }
  const describe = (w: Worst) => `${cpu(w.requests.cpuMillis)} vCPU and ${gib(w.requests.memoryMiB)} GiB requested of ${cpu(w.allocatable.cpuMillis)} vCPU and ${gib(w.allocatable.memoryMiB)} GiB allocatable`;
  for (const [key, w] of worstMin) {
    if (w.percent <= policy.maxCommitPercent) continue;
    const [path, pool] = key.split('\u0000');
    problems.error(path, 'capacity-overcommit', `node pool ${pool} is over-committed at ${w.label}: its apps' pods at their autoscalers' minimum request ${w.percent}% of the pool at its largest (${describe(w)}; the limit is ${policy.maxCommitPercent}%)`, 'add nodes to the pool (or raise its autoscaler maximum), lower the apps\' replicas or requests, or move an app to another pool', w.percent);
  }
  for (const [key, w] of worstMax) {
    if (w.percent <= 100 || (worstMin.get(key)?.percent ?? 0) > policy.maxCommitPercent) continue;
    const [path, pool] = key.split('\u0000');
    problems.warning(path, 'capacity-hpa-ceiling', `node pool ${pool} cannot hold its apps at their autoscalers' maximum at ${w.label}: ${w.percent}% (${describe(w)})`, 'raise the pool\'s autoscaler maximum, or lower the apps\' maxFactor', w.percent);
  }
}

function cpu(millis: number): string {
  return (Math.round(millis / 100) / 10).toLocaleString('en-US');
}

function gib(mib: number): string {
  return (Math.round((mib / 1024) * 10) / 10).toLocaleString('en-US');
}
