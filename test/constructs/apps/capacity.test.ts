import {
  AppTemplate, CapacityPolicy, capacityInstants, nodeAllocatable, nodeReserve, podResources, summarize, synthesize,
  validateEstate,
} from '../../../constructs/internal';
import { fixtureEstate, shopProps, TIMES, withShop } from './app-fixtures';

describe('the allocatable model', () => {
  test('a 32 vCPU / 128 GiB node: tiered kube-reserved, eviction threshold and DaemonSets come off', () => {
    // CPU: 6% of 1 core + 1% + 0.5% x 2 + 0.25% x 28 = 150m; plus 300m of DaemonSets
    // memory: 25% of 4 GiB + 20% of 4 GiB + 10% of 8 GiB + 6% of 112 GiB = 9,544 MiB; plus 100 MiB eviction, 768 MiB DaemonSets
    expect(nodeReserve({ model: 'g', vcpu: 32, memoryGiB: 128 })).toEqual({ cpuMillis: 450, memoryMiB: 10_412 });
    expect(nodeAllocatable({ model: 'g', vcpu: 32, memoryGiB: 128 })).toEqual({ cpuMillis: 31_550, memoryMiB: 120_660 });
    expect(nodeAllocatable({ model: 's', vcpu: 2, memoryGiB: 4 }, { daemonSetCpuMillis: 0, daemonSetMemoryMiB: 0, evictionMemoryMiB: 100 })).toEqual({ cpuMillis: 2000 - 70, memoryMiB: 4096 - 1024 - 100 });
  });

  test('a pod requests the sum of its containers, sidecars included', () => {
    const { app } = withShop();
    // main 500m/1024Mi + log shipper 100m/128Mi + ops agent 50m/64Mi
    expect(podResources(app.spec).requests).toEqual({ cpuMillis: 650, memoryMiB: 1216 });
  });

  test('the phases judged: a normal day, every preparation batch, the peak and every drain batch', () => {
    expect(capacityInstants(fixtureEstate().estate).map((i) => i.label)).toEqual([
      'a normal day (no promotion)',
      'sale preparing, batch 1 of 4', 'sale preparing, batch 2 of 4', 'sale preparing, batch 3 of 4', 'sale preparing, batch 4 of 4',
      'sale peak',
      'sale draining, batch 1 of 4', 'sale draining, batch 2 of 4', 'sale draining, batch 3 of 4', 'sale draining, batch 4 of 4',
    ]);
  });
});

describe('over-commitment', () => {
  // general pool of new-k8s: 1 node per zone, up to 2: 6 nodes x 31.55 vCPU = 189.3 vCPU allocatable at most
  const small = () => fixtureEstate({ generalPerZone: 1 });

  test('pods at their autoscalers\' minimum beyond the pool\'s allocatable at its largest is an error naming cluster, pool and phase', () => {
    const f = small();
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { clusters: [f.newK8s], replicasPerCluster: 300 }, autoscaling: { maxFactor: 1 } }));
    const problems = validateEstate(f.estate);
    expect(problems).toEqual([expect.objectContaining({ rule: 'capacity-overcommit', path: 'shopfloor/daily/new-k8s', severity: 'error' })]);
    // 300 x 650m = 195 vCPU of 189.3 vCPU
    expect(problems[0].message).toMatch(/^node pool general is over-committed at a normal day \(no promotion\): .* request 103% of the pool at its largest \(195 vCPU and 356.3 GiB requested of 189.3 vCPU and 707 GiB allocatable; the limit is 100%\)$/);
  });

  test('only from the last preparation batch on, when a peak profile raises the minimum (the earliest worst phase is named)', () => {
    const f = small();
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { clusters: [f.newK8s], replicasPerCluster: 150 }, autoscaling: { maxFactor: 1 }, peak: { promotion: f.promotion, factor: 2 } }));
    const problems = validateEstate(f.estate);
    expect(problems.map((p) => p.rule)).toEqual(['capacity-overcommit']);
    expect(problems[0].message).toContain('at sale preparing, batch 4 of 4:');
  });

  test('the threshold is the estate\'s capacity policy', () => {
    const f = small();
    new CapacityPolicy(f.estate, 'capacity', { maxCommitPercent: 50 });
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { clusters: [f.newK8s], replicasPerCluster: 150 }, autoscaling: { maxFactor: 1 } }));
    expect(validateEstate(f.estate).map((p) => p.rule)).toEqual(['capacity-overcommit']);
    const g = small();
    new AppTemplate(g.estate, 'shop', shopProps(g, { placement: { clusters: [g.newK8s], replicasPerCluster: 150 }, autoscaling: { maxFactor: 1 } }));
    expect(validateEstate(g.estate)).toEqual([]);
  });

  test('an autoscaler maximum the pool cannot hold is a warning', () => {
    const f = small();
    new AppTemplate(f.estate, 'shop', shopProps(f, { placement: { clusters: [f.newK8s], replicasPerCluster: 100 }, autoscaling: { maxFactor: 4 } }));
    expect(validateEstate(f.estate).map((p) => [p.rule, p.severity])).toEqual([['capacity-hpa-ceiling', 'warning']]);
  });
});

describe('the capacity report', () => {
  test('per cluster and pool at as-of: pods, requests at the autoscalers\' minimum and maximum, allocatable at the pool\'s minimum and maximum', () => {
    const summary = summarize(synthesize(withShop().estate, { asOf: TIMES.normal }));
    expect(summary.maxCommitPercent).toBe(100);
    expect(summary.workloads).toEqual([{
      cluster: 'new-k8s',
      group: 'daily',
      apps: ['shop'],
      pools: [{
        pool: 'general',
        nodes: { min: 12, max: 24 },
        allocatable: { min: { cpuMillis: 12 * 31_550, memoryMiB: 12 * 120_660 }, max: { cpuMillis: 24 * 31_550, memoryMiB: 24 * 120_660 } },
        pods: { min: 6, max: 18 },
        requests: { min: { cpuMillis: 6 * 650, memoryMiB: 6 * 1216 }, max: { cpuMillis: 18 * 650, memoryMiB: 18 * 1216 } },
        committedPercent: 0.5,
        maxCommittedPercent: 1.5,
        apps: ['shop'],
      }],
    }]);
  });
});
