/**
 * Generated applications for the `apps` bench stage: on the generated estate of N clusters (test/bench/generate-estate),
 * 2N apps, each placed on five neighbouring clusters, so every cluster runs 10 app instances: 10,000 instances at
 * 1,000 clusters. The apps vary the way a real estate's do: stable, canary and blue/green releases; one to three
 * sidecars; pinned and composed images; a tainted pool for some; totals split by IDC; peak profiles; fixed replicas.
 * Three apps in five are in their clusters' mesh (the others keep a hand-built proxy or none): each with circuit
 * breaking, a timeout and retries, the app before it as its caller (an AuthorizationPolicy, methods and paths for
 * some), canaries routed by header or by community at weight steps, and one app in ten routed from the edge through
 * the cluster's public gateway: DestinationRules, VirtualServices and AuthorizationPolicies beside the apps' objects.
 *
 * The same description is turned into
 *  - AppTemplates on the estate built with the construct API (`addApps`), for "ours", and
 *  - plain plans, with no constructs, no validation and no cdk8s (`appPlans`), for both baselines.
 */
import {
  AppImage, AppInstancePlan, AppPriority, AppSpecProps, AppTemplate, Caller, ClusterPlan, Estate, phaseAt, planAppInstance,
  PromotionPhase, Release, ReleaseChannel, resolveAppSpec, Sidecar, sortInstances, splitReplicas,
} from '../../../constructs/internal';
import { CanaryRoute, AppMeshProps } from '../../../constructs/mesh';
import { BENCH_GATEWAY, BENCH_PUBLIC_DOMAIN, EstateSpec } from '../generate-estate';

/** Apps per cluster: 2, each on 5 clusters, make 10 instances per cluster. */
export const APPS_PER_CLUSTER = 2;
export const CLUSTERS_PER_APP = 5;
export const INSTANCES_PER_CLUSTER = APPS_PER_CLUSTER * CLUSTERS_PER_APP;

const PRIORITIES = [AppPriority.HIGH, AppPriority.STANDARD, AppPriority.CRITICAL, AppPriority.STANDARD, AppPriority.BATCH];
const LOGS = { brokers: ['kafka-logs-0.logging.svc.cluster.local:9092', 'kafka-logs-1.logging.svc.cluster.local:9092'] };

/** A residential community's id, as the clients send it. */
function community(k: number): string {
  return `c-${String(k % 97).padStart(4, '0')}`;
}

/** One generated app: its props (no construct references), where it runs and how many replicas. */
export interface GeneratedApp {
  readonly name: string;
  readonly props: AppSpecProps;
  /** Indexes into `spec.clusters`. */
  readonly clusters: number[];
  readonly replicasPerCluster?: number;
  readonly totalReplicas?: number;
  readonly peakFactor?: number;
}

/**
 * A total to split over the clusters by IDC (equal weights) that leaves every cluster at least 2 replicas, as a team
 * would choose it (validation warns below 2: placement-single-replica): 3 per cluster, or more when one IDC holds
 * many of the clusters, since each IDC gets an equal share.
 */
function splitTotal(spec: EstateSpec, clusters: readonly number[]): number {
  const perIdc = new Map<string, number>();
  for (const i of clusters) perIdc.set(spec.clusters[i].idc.name, (perIdc.get(spec.clusters[i].idc.name) ?? 0) + 1);
  return Math.max(3 * clusters.length, 2 * perIdc.size * Math.max(...perIdc.values()));
}

/** The apps of an estate of `spec.clusters.length` clusters. Pure: the same spec gives the same apps. */
export function generateApps(spec: EstateSpec): GeneratedApp[] {
  const n = spec.clusters.length;
  const apps: GeneratedApp[] = [];
  for (let j = 0; j < APPS_PER_CLUSTER * n; j++) {
    const first = Math.floor(j / APPS_PER_CLUSTER);
    const clusters = [...new Set(Array.from({ length: Math.min(CLUSTERS_PER_APP, n) }, (_, t) => (first + t) % n))];
    const name = `app-${String(j + 1).padStart(5, '0')}`;
    const team = `team-${String(j % 17).padStart(2, '0')}`;
    const version = `1.${j % 50}.${j % 7}`;
    const image = j % 4 === 0
      ? AppImage.fromLayers({ stack: 'registry.bench.internal/stacks/ubuntu:22.04-20241001', runtime: `registry.bench.internal/runtimes/openjdk:${17 + (j % 2) * 4}.0.${j % 9}`, entrypoint: ['/opt/runtime/bin/java', '-jar', `/app/${name}.jar`], version, registry: 'registry.bench.internal/apps' })
      : AppImage.pinned(`registry.bench.internal/${team}/${name}:${version}`);
    // Three apps in five join the mesh, canaries (j % 10 == 3) and blue/green releases (j % 10 == 7) among them.
    const meshed = j % 5 === 0 || j % 5 === 2 || j % 5 === 3;
    const edge = j % 10 === 0;
    const logs = j % 3 !== 2 ? [Sidecar.logShipper({ ...LOGS, topic: `${name}-logs` })] : [];
    const sidecars = [...(j % 3 === 0 && !meshed ? [Sidecar.meshProxy()] : []), ...logs, Sidecar.opsAgent()];
    const grayImage = AppImage.pinned(`registry.bench.internal/${team}/${name}:${version}-rc.1`);
    const release = j % 10 === 3 ? Release.canary({
      grayPercent: 10,
      grayImage,
      route: j % 20 === 3 ? CanaryRoute.header('x-canary', 'yes') : CanaryRoute.communities([community(j), community(j + 31)]),
      weightSteps: [5, 20, 50, 100],
      currentStep: j % 3,
    })
      : j % 10 === 7 ? Release.blueGreen({ active: ReleaseChannel.BLUE, greenImage: AppImage.pinned(`registry.bench.internal/${team}/${name}:1.${(j % 50) + 1}.0`), idleReplicas: 1 })
        : Release.stable();
    const mesh: AppMeshProps | undefined = meshed ? {
      circuitBreaker: {
        maxConnections: 1024 + (j % 4) * 512, consecutive5xxErrors: 3 + (j % 3), intervalMs: 10_000, baseEjectionMs: 30_000, maxEjectionPercent: 20,
      },
      timeoutMs: 2000 + (j % 3) * 1000,
      retries: { attempts: 2, perTryTimeoutMs: 1000 },
      ...(edge ? { gateways: [{ gateway: BENCH_GATEWAY, hosts: [`${name}.${BENCH_PUBLIC_DOMAIN}`] }] } : {}),
    } : undefined;
    // The app before it calls it (on the clusters both run on); the edge's gateway too for the edge apps.
    const callers = meshed ? [
      ...(j > 0 ? [Caller.app(`app-${String(j).padStart(5, '0')}`, { ports: ['http'], ...(j % 4 === 0 ? { methods: ['GET', 'POST'], paths: ['/api/*'] } : {}) })] : []),
      ...(edge ? [Caller.ingressGateway({ namespace: 'ingress-gateway', podLabels: { 'app.kubernetes.io/name': BENCH_GATEWAY }, ports: ['http'] })] : []),
    ] : [];
    const props: AppSpecProps = {
      namespace: team,
      image,
      resources: {
        cpuMillis: { request: 250 + (j % 4) * 250, limit: 1000 + (j % 4) * 500 },
        memoryMiB: { request: 512 + (j % 3) * 512, limit: 1024 + (j % 3) * 1024 },
      },
      ports: j % 5 === 2 ? [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9090 }] : [{ name: 'http', port: 8080 }],
      env: { APP_NAME: name, TEAM: team, ...(j % 2 === 0 ? { JAVA_TOOL_OPTIONS: '-XX:MaxRAMPercentage=70' } : {}) },
      probes: j % 5 === 0 ? { maxStartupSeconds: 60 + (j % 3) * 60 } : undefined,
      lifecycle: j % 9 === 2 ? { drainSeconds: 120, stepsSeconds: 30 } : undefined,
      sidecars,
      nodePool: j % 13 === 5 ? 'ingress' : 'general',
      priority: PRIORITIES[j % PRIORITIES.length],
      autoscaling: j % 11 === 6 ? { enabled: false } : { maxFactor: 2 + (j % 3), cpuUtilizationPercent: 60 + (j % 3) * 10 },
      release,
      partOf: team,
      ...(mesh ? { mesh } : {}),
      ...(callers.length > 0 ? { access: { allowFrom: callers } } : {}),
    };
    apps.push({
      name,
      props,
      clusters,
      ...(j % 6 === 4 ? { totalReplicas: splitTotal(spec, clusters) } : { replicasPerCluster: 2 + (j % 4) }),
      ...(j % 4 === 1 ? { peakFactor: 2 } : {}),
    });
  }
  return apps;
}

/** Adds the apps to an estate built by `buildEstate(spec)`, through the construct API. */
export function addApps(estate: Estate, spec: EstateSpec, apps: readonly GeneratedApp[]): void {
  const byName = new Map(estate.clusters.map((c) => [c.name, c]));
  const promotion = estate.node.findChild(spec.promotion.name) as import('../../../constructs').Promotion;
  for (const app of apps) {
    new AppTemplate(estate, app.name, {
      ...app.props,
      placement: {
        clusters: app.clusters.map((i) => byName.get(spec.clusters[i].name)!),
        ...(app.totalReplicas !== undefined ? { totalReplicas: app.totalReplicas } : { replicasPerCluster: app.replicasPerCluster }),
      },
      ...(app.peakFactor !== undefined ? { peak: { promotion, factor: app.peakFactor } } : {}),
    });
  }
}

/**
 * The plain plan of every app instance at `spec.asOf`, built directly: what `planEstate(...).apps` holds for the
 * estate `addApps` builds, from the plain cluster plans and the same pure planning functions, with no constructs,
 * no validation and no cdk8s.
 */
export function appPlans(spec: EstateSpec, apps: readonly GeneratedApp[], clusters: readonly ClusterPlan[]): AppInstancePlan[] {
  const phase = phaseAt(spec.promotion.calendar, spec.asOf);
  if (phase.phase !== PromotionPhase.PEAK) throw new Error('the app baselines plan at the peak only (every cluster present)');
  const phases = new Map([[spec.promotion.name, phase]]);
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const out: AppInstancePlan[] = [];
  for (const app of apps) {
    const appSpec = resolveAppSpec(
      app.name,
      app.props,
      app.peakFactor !== undefined ? { promotion: spec.promotion.name, factor: app.peakFactor } : undefined,
    );
    const placed = app.clusters.map((i) => spec.clusters[i]);
    const replicas = app.totalReplicas !== undefined
      ? splitReplicas(app.totalReplicas, placed.map((c) => ({ name: c.name, idc: c.idc.name })))
      : new Map(placed.map((c) => [c.name, app.replicasPerCluster!]));
    for (const c of placed) {
      out.push(planAppInstance(appSpec, {
        estate: spec.name,
        environment: spec.environment,
        path: `${spec.name}/${app.name}`,
        cluster: byName.get(c.name)!,
        baseReplicas: replicas.get(c.name)!,
        phases,
      }));
    }
  }
  return sortInstances(out);
}
