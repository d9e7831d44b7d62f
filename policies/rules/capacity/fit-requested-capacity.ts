import type { KubeObject, PoolPlan } from '../../../constructs';
import { nodeAllocatable } from '../../../constructs/internal';
import { isCapiObject } from '../../engine/capi';
import type { ClusterContext } from '../../engine/context';
import { podRequests, podTemplateOf, replicaFloor } from '../../engine/kube';
import { eligiblePools } from '../../engine/scheduling';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

interface Demand {
  cpu: number;
  memory: number;
  workloads: number;
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Machines a pool can have at the as-of time: fixed replicas, or the autoscaler's maximum, over its zones. */
function poolMachines(pool: PoolPlan): number {
  return pool.zones.reduce((n, z) => n + (z.autoscaling ? z.autoscaling.maxPerZone : z.replicas ?? 0), 0);
}

function format(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

const newPoolKeys = () => new WeakMap<readonly string[], string>();

/** `pools.join(',')`, remembered per pool list of the target: workloads that select alike share one list (scheduling.ts). */
function poolsKey(target: TargetView, pools: readonly string[]): string {
  const poolKeys = target.memo('fit-requested-capacity/pool-keys', newPoolKeys);
  let key = poolKeys.get(pools);
  if (key === undefined) poolKeys.set(pools, (key = pools.join(',')));
  return key;
}

/** What the cluster's workloads request, grouped by the set of pools they can run on. */
function demandByPools(clusterTarget: TargetView, facts: ClusterContext): Map<string, Demand> {
  const groups = new Map<string, Demand>();
  const machines = new Map(facts.plan.pools.map((p) => [p.name, poolMachines(p)]));
  const add = (pools: readonly string[], cpu: number, memory: number) => {
    const key = poolsKey(clusterTarget, pools);
    const d = groups.get(key) ?? { cpu: 0, memory: 0, workloads: 0 };
    d.cpu += cpu;
    d.memory += memory;
    d.workloads++;
    groups.set(key, d);
  };
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    for (const workload of clusterTarget.ofKind(kind)) {
      const template = podTemplateOf(workload);
      if (!template) continue;
      const pools = eligiblePools(clusterTarget, template.spec, facts.plan);
      if (pools.length === 0) continue; // unschedulable anywhere: match-node-affinity-to-pool reports it
      const perPod = podRequests(clusterTarget, template.spec);
      const pods = kind === 'DaemonSet' ? pools.reduce((n, p) => n + (machines.get(p) ?? 0), 0) : replicaFloor(clusterTarget, workload as KubeObject).replicas;
      add(pools, perPod.cpu * pods, perPod.memory * pods);
    }
  }
  return groups;
}

/** What a cluster's pods request fits the allocatable capacity of the pools they can run on, at the as-of phase. */
export const fitRequestedCapacity = defineRule({
  id: 'fit-requested-capacity',
  area: 'capacity',
  description: 'Every cluster\'s workloads request at most maxCommitPercent of the CPU and memory its node pools offer pods in the as-of phase.',
  rationale: 'For every cluster, the CPU and memory its workloads request (every container, sidecars included, times the replicas they never go below: spec.replicas or the HPA minimum; DaemonSets on every node they fit) stay within the estate\'s maxCommitPercent of what the pools they can be scheduled on offer pods (each node\'s instance minus the system reserve), at the cluster\'s size in the as-of phase, autoscaled pools at their maximum. Requests that exceed what the pools can ever hold leave pods Pending however far the autoscaler scales; for a peak-group cluster the pools shrink batch by batch while draining, so a plan that fits at peak can stop fitting a week later. Validation checks the apps it plans; this rule judges the objects themselves (patched, hand-added), at the as-of phase: run it at each phase of a promotion (as the reference test does). The numbers are the estate\'s CapacityPolicy (maxCommitPercent, DaemonSet and eviction reserve), the same validation uses.',
  remediation: 'Raise the pool\'s replicasPerZone or autoscaling.maxPerZone (or add a pool), lower the apps\' requests or replicas, or move apps to another cluster; check every phase with estate check --as-of.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['Cluster'],
  relational: true,
  estateContext: 'required',
  config: {},
  check({ object, context }) {
    if (!isCapiObject(object)) return notApplicable('not a Cluster API Cluster');
    if (!context) return notApplicable('needs the estate: the pools\' capacity and the cluster\'s workloads live in different targets');
    const facts = context.clusters.get(String(object.metadata.name));
    if (!facts) return notApplicable('the estate does not plan this cluster at the as-of time');
    const clusterTarget = context.targets.get(facts.plan.name);
    if (!clusterTarget) return notApplicable('the cluster has no target of its own (no workloads synthesized)');
    const share = context.capacity.maxCommitPercent / 100;
    const reserve = context.capacity.reserve;
    const pools = new Map(facts.plan.pools.map((p) => [p.name, p]));
    const phase = facts.plan.promotion ? ` in phase ${facts.plan.promotion.phase.phase}` : '';
    const messages: string[] = [];
    for (const [key, demand] of demandByPools(clusterTarget, facts)) {
      let cpu = 0;
      let memory = 0;
      let machines = 0;
      for (const name of key.split(',')) {
        const pool = pools.get(name);
        if (!pool) continue;
        const n = poolMachines(pool);
        const allocatable = nodeAllocatable(pool.instance, reserve);
        machines += n;
        cpu += ((n * allocatable.cpuMillis) / 1000) * share;
        memory += n * allocatable.memoryMiB * MIB * share;
      }
      const cpuOver = demand.cpu > cpu + 1e-9;
      const memoryOver = demand.memory > memory + 1e-9;
      if (cpuOver || memoryOver) {
        messages.push(`${demand.workloads} workload(s) on pool(s) ${key} request ${format(demand.cpu)} vCPU and ${format(demand.memory / GIB)} GiB at their replica floor, but ${machines} machine(s)${phase} offer pods ${format(cpu)} vCPU and ${format(memory / GIB)} GiB (${context.capacity.maxCommitPercent}% of allocatable): ${[cpuOver ? 'CPU' : '', memoryOver ? 'memory' : ''].filter((x) => x).join(' and ')} over`);
      }
    }
    return violations(messages);
  },
});
