import {
  AppImage, ClusterFacts, nativeSidecars, parseKubernetesVersion, planAppInstance, planWorkloads, podTotals, PromotionPhase,
  Release, ReleaseChannel, replicaBounds, resolveAppSpec, Sidecar, SidecarMode, ZoneRouting,
} from '../../../constructs/internal';

/** Pure planning over plain data: no constructs. */
const spec = resolveAppSpec('web', {
  image: AppImage.pinned('registry.example.internal/web:1.0.0'),
  resources: { cpuMillis: { request: 100, limit: 200 }, memoryMiB: { request: 128, limit: 256 } },
  sidecars: [Sidecar.opsAgent()],
}, { promotion: 'sale', factor: 3 });

function cluster(version: string, poolVersion = version, promotion?: ClusterFacts['promotion']): ClusterFacts {
  return {
    name: 'c1', group: 'daily', region: 'r1', idc: 'dc1', kubernetesVersion: version, promotion,
    pools: [{ name: 'general', kubernetesVersion: poolVersion, instance: { model: 'm', vcpu: 8, memoryGiB: 32 }, taints: [], zones: [{ zone: 'a', replicas: 3 }] }],
  };
}

const NO_PROMOTION = new Map();
const phases = (phase: PromotionPhase, scale: number, batch = 0) => new Map([['sale', { phase, scale, batch }]]);

describe('replica bounds', () => {
  test('normal: the placement\'s count is the minimum, maxFactor times it the maximum', () => {
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), NO_PROMOTION)).toEqual({ min: 4, max: 12 });
  });

  test('the peak profile multiplies both bounds at the peak and ramps up while preparing; draining is back to normal', () => {
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), phases(PromotionPhase.PEAK, 1))).toEqual({ min: 12, max: 36 });
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), phases(PromotionPhase.PREPARING, 0.25))).toEqual({ min: 6, max: 18 });
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), phases(PromotionPhase.PREPARING, 1, 3))).toEqual({ min: 12, max: 36 });
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), phases(PromotionPhase.DRAINING, 0.75))).toEqual({ min: 4, max: 12 });
    expect(replicaBounds(spec, 4, cluster('v1.31.0'), phases(PromotionPhase.DORMANT, 0))).toEqual({ min: 4, max: 12 });
  });

  test('on a peak-group cluster the bounds follow the group\'s scale, never below one', () => {
    const noPeak = resolveAppSpec('w', { image: AppImage.pinned('r/w:1'), resources: spec.resources });
    const half = cluster('v1.31.0', 'v1.31.0', { name: 'sale', phase: { phase: PromotionPhase.DRAINING, batch: 1, scale: 0.5 } });
    expect(replicaBounds(noPeak, 12, half, NO_PROMOTION)).toEqual({ min: 6, max: 18 });
    const tiny = cluster('v1.31.0', 'v1.31.0', { name: 'sale', phase: { phase: PromotionPhase.PREPARING, batch: 0, scale: 0.01 } });
    expect(replicaBounds(noPeak, 12, tiny, NO_PROMOTION)).toEqual({ min: 1, max: 1 });
  });

  test('workloads: a canary splits both bounds; fixed replicas when autoscaling is off', () => {
    const canary = resolveAppSpec('w', { image: AppImage.pinned('r/w:1'), resources: spec.resources, release: Release.canary({ grayPercent: 25 }) });
    expect(planWorkloads(canary, { min: 8, max: 24 }).map((w) => [w.name, w.autoscaling])).toEqual([['w', { minReplicas: 6, maxReplicas: 18 }], ['w-gray', { minReplicas: 2, maxReplicas: 6 }]]);
    const fixed = resolveAppSpec('w', { image: AppImage.pinned('r/w:1'), resources: spec.resources, autoscaling: { enabled: false } });
    expect(planWorkloads(fixed, { min: 5, max: 5 })).toEqual([expect.objectContaining({ name: 'w', replicas: 5 })]);
    expect(planWorkloads(fixed, { min: 5, max: 5 })[0].autoscaling).toBeUndefined();
  });
});

describe('version gates', () => {
  const plan = (cp: string, pool = cp) => planAppInstance(spec, { estate: 'e', environment: 'production', path: 'e/web', cluster: cluster(cp, pool), baseReplicas: 2, phases: NO_PROMOTION });

  test('native sidecars from 1.29, judged on the control plane and the app\'s pool', () => {
    expect(plan('v1.29.0').nativeSidecars).toBe(true);
    expect(plan('v1.28.9').nativeSidecars).toBe(false);
    expect(plan('v1.31.0', 'v1.28.2').nativeSidecars).toBe(false);
    expect(nativeSidecars(SidecarMode.NATIVE, [parseKubernetesVersion('v1.27.0')])).toBe(true);
    expect(nativeSidecars(SidecarMode.REGULAR, [parseKubernetesVersion('v1.31.0')])).toBe(false);
  });

  test('zone routing: trafficDistribution from 1.31, topology-mode from 1.27, topology-aware-hints before', () => {
    expect(plan('v1.31.0').zoneRouting).toBe(ZoneRouting.TRAFFIC_DISTRIBUTION);
    expect(plan('v1.30.5').zoneRouting).toBe(ZoneRouting.TOPOLOGY_MODE);
    expect(plan('v1.27.0').zoneRouting).toBe(ZoneRouting.TOPOLOGY_MODE);
    expect(plan('v1.26.9').zoneRouting).toBe(ZoneRouting.TOPOLOGY_HINTS);
    expect(plan('v1.31.0', 'v1.30.1').zoneRouting).toBe(ZoneRouting.TOPOLOGY_MODE);
  });

  test('the disruption budget lets unhealthy pods go from 1.27', () => {
    expect(plan('v1.27.0').alwaysAllowUnhealthyEviction).toBe(true);
    expect(plan('v1.26.9').alwaysAllowUnhealthyEviction).toBe(false);
  });

  test('planning is pure: the same input gives the same plan', () => {
    expect(JSON.stringify(plan('v1.31.0'))).toBe(JSON.stringify(plan('v1.31.0')));
  });
});

describe('pod totals', () => {
  test('are the sums over planWorkloads, for every release kind and scaling', () => {
    const resources = spec.resources;
    const releases = [
      Release.stable(),
      Release.canary({ grayPercent: 10 }),
      Release.canary({ grayPercent: 50 }),
      Release.blueGreen({ active: ReleaseChannel.BLUE }),
      Release.blueGreen({ active: ReleaseChannel.GREEN, idleReplicas: 2 }),
    ];
    for (const release of releases) {
      for (const autoscaling of [{}, { enabled: false }, { maxFactor: 1.5 }]) {
        const s = resolveAppSpec('w', { image: AppImage.pinned('r/w:1'), resources, release, autoscaling });
        for (let min = 1; min < 40; min++) {
          for (const max of [min, min + 1, min * 2, min * 3 + 1]) {
            const workloads = planWorkloads(s, { min, max });
            const sum = {
              min: workloads.reduce((n, w) => n + (w.replicas ?? w.autoscaling!.minReplicas), 0),
              max: workloads.reduce((n, w) => n + (w.replicas ?? w.autoscaling!.maxReplicas), 0),
            };
            expect(podTotals(s, { min, max })).toEqual(sum);
          }
        }
      }
    }
  });
});
