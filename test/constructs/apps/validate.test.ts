import {
  AppImage, AppPriority, AppTemplate, AppTemplateProps, EstateDefinitionError, formatProblem, Problem, ProblemSeverity,
  Release, ReleaseChannel, Sidecar, SidecarMode, validateEstate,
} from '../../../constructs';
import { Fixture, fixtureEstate, shopProps } from './app-fixtures';

/** The fixture with `shop` changed in one place; the problems validation reports. */
function problemsWith(change: (f: Fixture) => Partial<AppTemplateProps>, more?: (f: Fixture) => void): Problem[] {
  const f = fixtureEstate();
  new AppTemplate(f.estate, 'shop', shopProps(f, change(f)));
  more?.(f);
  return validateEstate(f.estate);
}

function only(problems: Problem[], rule: string): Problem[] {
  const found = problems.filter((p) => p.rule === rule);
  expect(found.length).toBeGreaterThan(0);
  for (const p of found) {
    expect(p.path).toMatch(/^shopfloor\//);
    expect(p.fix.length).toBeGreaterThan(5);
  }
  return found;
}

const PROBE = { check: { http: { path: '/x', port: 9000 } }, periodSeconds: 5, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1 };

describe('app validation', () => {
  test('the fixture is valid, without a warning', () => {
    expect(problemsWith(() => ({}))).toEqual([]);
  });

  test('a node pool missing in a target cluster: the error names the cluster and the pool', () => {
    const problems = problemsWith((f) => ({ nodePool: 'gpu', placement: { clusters: [f.newK8s, f.oldK8s], replicasPerCluster: 2 } }));
    const found = only(problems, 'node-pool-missing');
    expect(found.map((p) => p.message)).toEqual([
      'node pool "gpu" does not exist in cluster new-k8s (it has: general, gateway)',
      'node pool "gpu" does not exist in cluster old-k8s (it has: general, gateway)',
    ]);
    expect(found[0]).toMatchObject({ path: 'shopfloor/shop', severity: ProblemSeverity.ERROR, value: '"gpu"' });
  });

  test('one replica on a cluster is a warning that names the cluster and the total that would give every cluster two', () => {
    const split = problemsWith((f) => ({ placement: { clusters: [f.newK8s, f.oldK8s, f.peak1], totalReplicas: 5 } }));
    const found = only(split, 'placement-single-replica');
    // 5 over three clusters of one IDC: 2, 2, 1 (the first by name get one more): peak-1 gets one.
    expect(found).toEqual([expect.objectContaining({ severity: ProblemSeverity.WARNING, path: 'shopfloor/shop', value: '1' })]);
    expect(found[0].message).toMatch(/^cluster peak-1 gets 1 replica: .*require-min-replicas/);
    expect(found[0].fix).toMatch(/totalReplicas to at least 6 \(2 on each of the 3 chosen clusters\)/);
    expect(split.filter((p) => p.severity === ProblemSeverity.ERROR)).toEqual([]);

    const perCluster = only(problemsWith((f) => ({ placement: { clusters: [f.newK8s], replicasPerCluster: 1 } })), 'placement-single-replica');
    expect(perCluster[0].fix).toMatch(/replicasPerCluster to 2 or more/);
    expect(problemsWith((f) => ({ placement: { clusters: [f.newK8s, f.oldK8s, f.peak1], totalReplicas: 6 } })).filter((p) => p.rule === 'placement-single-replica')).toEqual([]);
  });

  test('every problem at once, each with the app\'s path', () => {
    const problems = problemsWith((f) => ({
      image: AppImage.pinned('registry.example.internal/shop/web:latest'),
      resources: { cpuMillis: { request: 500, limit: 100 }, memoryMiB: { request: 0, limit: 0 } },
      nodePool: 'gpu',
      debug: {},
      placement: { clusters: [f.newK8s], replicasPerCluster: 0 },
    }));
    expect([...new Set(problems.map((p) => p.rule))].sort()).toEqual(['container-resources', 'debug-in-production', 'image-pinned', 'placement-replicas']);
    for (const p of problems) expect(formatProblem(p)).toContain('at shopfloor/shop');
  });

  test.each([
    ['an unpinned image', () => ({ image: AppImage.pinned('registry.example.internal/shop/web') }), 'image-pinned', /no tag/],
    ['the latest tag', () => ({ image: AppImage.pinned('web:latest') }), 'image-pinned', /latest/],
    ['a bad digest', () => ({ image: AppImage.pinned('web@sha256:1234') }), 'image-pinned', /digest/],
    ['a limit below the request', () => ({ resources: { cpuMillis: { request: 500, limit: 100 }, memoryMiB: { request: 1, limit: 1 } } }), 'container-resources', /request <= limit/],
    ['no port', () => ({ ports: [] }), 'ports', /no port/],
    ['a port used twice in the pod', () => ({ ports: [{ name: 'admin', port: 2020 }] }), 'ports', /2020 is used twice/],
    ['a bad port name', () => ({ ports: [{ name: 'HTTP_PORT', port: 8080 }] }), 'ports', /port name/],
    ['identical readiness and liveness', () => ({ probes: { readiness: PROBE, liveness: PROBE } }), 'probes-distinct', /identical/],
    ['a probe on a port the container lacks', () => ({ probes: { readiness: { check: { http: { path: '/ready', port: 9999 } } } } }), 'probe-check', /9999/],
    ['a bad startup budget', () => ({ probes: { maxStartupSeconds: -5 } }), 'probe-settings', /maxStartupSeconds/],
    ['an empty lifecycle step', () => ({ lifecycle: { offline: [] } }), 'lifecycle', /offline/],
    ['a negative drain', () => ({ lifecycle: { drainSeconds: -1 } }), 'lifecycle', /drainSeconds/],
    ['a sidecar without resources', () => ({ sidecars: [Sidecar.custom({ name: 'x', image: 'r/x:1', resources: undefined as never, readiness: PROBE, liveness: { ...PROBE, periodSeconds: 10 }, ports: [{ name: 'x', port: 9000 }] })] }), 'container-resources', /sidecar x/],
    ['a sidecar with identical probes', () => ({ sidecars: [Sidecar.custom({ name: 'x', image: 'r/x:1', resources: { cpuMillis: { request: 1, limit: 1 }, memoryMiB: { request: 1, limit: 1 } }, readiness: PROBE, liveness: PROBE, ports: [{ name: 'x', port: 9000 }] })] }), 'probes-distinct', /sidecar x/],
    ['a sidecar named like the app', () => ({ sidecars: [Sidecar.custom({ name: 'shop', image: 'r/x:1', resources: { cpuMillis: { request: 1, limit: 1 }, memoryMiB: { request: 1, limit: 1 } }, readiness: PROBE, liveness: { ...PROBE, periodSeconds: 10 }, ports: [{ name: 'x', port: 9000 }] })] }), 'unique-names', /"shop"/],
    ['a bad Kafka topic', () => ({ sidecars: [Sidecar.logShipper({ brokers: ['k:9092'], topic: 'bad topic' })] }), 'log-shipper', /topic/],
    ['a gray share out of range', () => ({ release: Release.canary({ grayPercent: 80 }) }), 'release', /grayPercent/],
    ['an unknown priority', () => ({ priority: 'urgent' as AppPriority }), 'priority', /unknown/],
    ['a max factor below 1', () => ({ autoscaling: { maxFactor: 0.5 } }), 'autoscaling', /maxFactor/],
    ['a CPU target over 100%', () => ({ autoscaling: { cpuUtilizationPercent: 150 } }), 'autoscaling', /cpuUtilizationPercent/],
    ['a budget of 0%', () => ({ maxUnavailablePercent: 0 }), 'disruption-budget', /maxUnavailablePercent/],
    ['running as root', () => ({ runAsUser: 0 }), 'pod-security', /root/],
    ['a reserved label', () => ({ labels: { 'cluster-estate.io/app': 'other' } }), 'reserved-label', /set by the template/],
    ['a bad label value', () => ({ labels: { 'example.com/team': 'a b' } }), 'label-syntax', /label value/],
    ['the default namespace', () => ({ namespace: 'default' }), 'namespace', /belongs to the cluster/],
    ['a bad env name', () => ({ env: { '1X': 'y' } }), 'env', /identifier/],
    ['a bad app.yaml', () => ({ image: AppImage.fromAppYaml('version: 1.0.0\nstack: s:1\nruntime: r:1\nextra: x\n') }), 'image-layers', /unknown key "extra"|entrypoint/],
  ] as [string, (f: Fixture) => Partial<AppTemplateProps>, string, RegExp][])('%s', (_, change, rule, message) => {
    const found = only(problemsWith(change), rule);
    expect(found.some((p) => message.test(p.message))).toBe(true);
    expect(found.every((p) => p.severity === ProblemSeverity.ERROR)).toBe(true);
  });

  test('placement: no selector, both counts, no match, a canary with one replica, a split that leaves a cluster empty', () => {
    expect(only(problemsWith(() => ({ placement: { replicasPerCluster: 2 } })), 'placement')[0].message).toMatch(/chooses no cluster/);
    expect(only(problemsWith((f) => ({ placement: { clusters: [f.newK8s], replicasPerCluster: 2, totalReplicas: 4 } })), 'placement-replicas')[0].message).toMatch(/exactly one/);
    expect(only(problemsWith((f) => ({ placement: { clusters: [f.peak1], groups: [f.daily], replicasPerCluster: 2 } })), 'placement')[0].message).toMatch(/matches no cluster/);
    expect(only(problemsWith((f) => ({ release: Release.canary({ grayPercent: 10 }), placement: { clusters: [f.newK8s], replicasPerCluster: 1 } })), 'placement-replicas')[0].message).toMatch(/canary needs 2/);
    expect(only(problemsWith((f) => ({ placement: { clusters: [f.newK8s, f.oldK8s, f.peak1], totalReplicas: 2 } })), 'placement-replicas')[0].message).toMatch(/gets 0 replica/);
  });

  test('placement naming another estate\'s cluster', () => {
    const other = fixtureEstate();
    expect(only(problemsWith(() => ({ placement: { clusters: [other.newK8s], replicasPerCluster: 1 } })), 'placement')[0].message).toMatch(/another estate/);
  });

  test('a peak profile of another estate\'s promotion', () => {
    const other = fixtureEstate();
    expect(only(problemsWith(() => ({ peak: { promotion: other.promotion } })), 'peak-profile')[0].message).toMatch(/another estate/);
  });

  test('native sidecars forced on an old cluster', () => {
    const found = only(problemsWith((f) => ({ sidecarMode: SidecarMode.NATIVE, placement: { clusters: [f.oldK8s], replicasPerCluster: 2 } })), 'native-sidecars');
    expect(found[0].message).toContain('old-k8s');
  });

  test('two apps whose Deployments would collide in one namespace', () => {
    const problems = problemsWith(() => ({ namespace: 'web', release: Release.blueGreen({ active: ReleaseChannel.BLUE }) }), (f) => {
      new AppTemplate(f.estate, 'shop-blue', shopProps(f, { namespace: 'web' }));
    });
    expect(only(problems, 'unique-names')[0].message).toMatch(/both create Deployment "shop-blue" in namespace web of cluster new-k8s/);
  });

  test('a stale cluster in the placement and an unused IDC weight are warnings', () => {
    const problems = problemsWith((f) => ({ placement: {
      clusters: [f.newK8s, f.oldK8s],
      totalReplicas: 4,
      idcWeights: { dc1: 1, dc9: 2 },
    } }), (f) => {
      f.daily.node.tryRemoveChild('old-k8s');
    });
    expect(problems.map((p) => [p.rule, p.severity])).toEqual([['placement-replicas', 'warning'], ['placement-stale', 'warning']]);
  });

  test('missing required props are definition errors, thrown at once', () => {
    const f = fixtureEstate();
    expect(() => new AppTemplate(f.estate, 'x', { ...shopProps(f), image: undefined as never })).toThrow(EstateDefinitionError);
    expect(() => new AppTemplate(f.estate, 'x', shopProps(f))).not.toThrow();
    expect(() => new AppTemplate(f.estate, 'x', shopProps(f))).toThrow(/already exists/);
  });

  test('app names must fit the objects derived from them', () => {
    const f = fixtureEstate();
    new AppTemplate(f.estate, 'Shop_Web', shopProps(f));
    new AppTemplate(f.estate, 'a'.repeat(41), shopProps(f));
    const found = validateEstate(f.estate).filter((p) => p.rule === 'name-syntax');
    expect(found.map((p) => [p.path, p.message.split(' ')[0]])).toEqual([['shopfloor/Shop_Web', 'app'], ['shopfloor/Shop_Web', 'namespace'], [`shopfloor/${'a'.repeat(41)}`, 'app']]);
  });
});
