import { injectionLabel, type MeshSpec } from '../mesh/mesh';
import { PhaseAt, PromotionPhase } from '../estate/promotion';
import type { ObjectPatch } from '../estate/cluster';
import { InstanceSpec } from '../estate/instance';
import { KubernetesVersion, parseKubernetesVersion } from '../estate/kubernetes-version';
import type { AutoscalingBounds, Taint } from '../estate/node-pool';
import { ResolvedImage } from './image';
import {
  APP_COMPONENT, APP_MANAGED_BY, APP_NAME, APP_PART_OF, LABEL_APP, LABEL_CLUSTER, LABEL_ENV, LABEL_IDC,
  MANAGED_BY, ReleaseChannel,
} from './labels';
import { planWorkloads, replicaBounds } from './replicas';
import { nativeSidecars } from './sidecars';
import { AppSpec } from './spec';

/**
 * What an app instance needs to know about its cluster at the as-of time. The synthesis's ClusterPlan is one.
 * @internal
 */
export interface ClusterFacts {
  readonly name: string;
  readonly group: string;
  readonly region: string;
  readonly idc: string;
  readonly kubernetesVersion: string;
  /** Set for clusters of a peak group: the promotion's phase decides their size. */
  readonly promotion?: { readonly name: string; readonly phase: PhaseAt };
  readonly pools: readonly PoolFacts[];
  /** The cluster's service mesh; undefined: none. */
  readonly mesh?: MeshSpec;
}

/**
 * A node pool at the as-of time.
 * @internal
 */
export interface PoolFacts {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly instance: InstanceSpec;
  readonly taints: readonly Taint[];
  readonly zones: readonly { readonly zone: string; readonly replicas?: number; readonly autoscaling?: AutoscalingBounds }[];
}

/**
 * Where and when an app instance is planned.
 * @internal
 */
export interface InstanceContext {
  readonly estate: string;
  readonly environment: string;
  /** The app's construct path, for problems. */
  readonly path: string;
  readonly cluster: ClusterFacts;
  /** The placement's replicas for this cluster: the normal minimum. */
  readonly baseReplicas: number;
  /** The phase of every promotion at the as-of time, by name. */
  readonly phases: ReadonlyMap<string, PhaseAt>;
  /** @default [] */
  readonly patches?: readonly ObjectPatch[];
}

/**
 * One Deployment of an instance. Exactly one of `replicas` and `autoscaling` is set.
 */
export interface WorkloadPlan {
  readonly name: string;
  readonly channel: ReleaseChannel;
  readonly image: ResolvedImage;
  readonly replicas?: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number };
}

/**
 * How the Service keeps traffic in the caller's zone, by what the cluster's version supports.
 */
export enum ZoneRouting {
  /** `spec.trafficDistribution: PreferClose` (Kubernetes 1.31+, beta and on by default). */
  TRAFFIC_DISTRIBUTION = 'traffic-distribution',
  /** The `service.kubernetes.io/topology-mode: Auto` annotation (1.27 to 1.30). */
  TOPOLOGY_MODE = 'topology-mode',
  /** The `service.kubernetes.io/topology-aware-hints: auto` annotation (before 1.27). */
  TOPOLOGY_HINTS = 'topology-hints',
}

/**
 * One app on one cluster at one as-of time: every decision made, ready to render. Plain data.
 */
export interface AppInstancePlan {
  readonly app: string;
  readonly path: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly spec: AppSpec;
  /** Labels of every object of the instance (channel, instance and version are added per Deployment). */
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly WorkloadPlan[];
  readonly nativeSidecars: boolean;
  readonly zoneRouting: ZoneRouting;
  /** `unhealthyPodEvictionPolicy: AlwaysAllow` on the disruption budget (Kubernetes 1.27+). */
  readonly alwaysAllowUnhealthyEviction: boolean;
  readonly pool: { readonly name: string; readonly taints: readonly Taint[] };
  /** The phase that sized this instance, for the report. */
  readonly phase?: string;
  readonly patches: readonly ObjectPatch[];
  /** Set when the app is in the mesh of its cluster: the pod labels that make the mesh inject its proxy, and where istiod runs. */
  readonly mesh?: { readonly injection: Readonly<Record<string, string>>; readonly rootNamespace: string };
}

function atLeast(v: KubernetesVersion | undefined, minor: number): boolean {
  return v !== undefined && (v.major > 1 || v.minor >= minor);
}

/**
 * Plans one app on one cluster. Pure. The pool must exist in the cluster (validation checks it first).
 * @internal
 */
export function planAppInstance(spec: AppSpec, context: InstanceContext): AppInstancePlan {
  const cluster = context.cluster;
  const pool = cluster.pools.find((p) => p.name === spec.nodePool);
  if (!pool) throw new Error(`app ${spec.name}: node pool ${spec.nodePool} does not exist in cluster ${cluster.name}`);
  const controlPlane = parseKubernetesVersion(cluster.kubernetesVersion);
  const oldestKubelet = cluster.pools.map((p) => parseKubernetesVersion(p.kubernetesVersion)).reduce<KubernetesVersion | undefined>(
    (a, b) => (a === undefined || b === undefined
      ? undefined
      : (b.major < a.major || (b.major === a.major && b.minor < a.minor) ? b : a)),
    controlPlane);
  const bounds = replicaBounds(spec, context.baseReplicas, cluster, context.phases);
  const labels: Record<string, string> = {
    ...spec.labels,
    [LABEL_APP]: spec.name,
    [LABEL_CLUSTER]: cluster.name,
    [LABEL_ENV]: context.environment,
    [LABEL_IDC]: cluster.idc,
    [APP_NAME]: spec.name,
    [APP_COMPONENT]: spec.component,
    [APP_PART_OF]: spec.partOf,
    [APP_MANAGED_BY]: MANAGED_BY,
  };
  const peakPhase = spec.peak ? context.phases.get(spec.peak.promotion)?.phase : undefined;
  return {
    app: spec.name,
    path: context.path,
    cluster: cluster.name,
    namespace: spec.namespace,
    spec,
    labels,
    workloads: planWorkloads(spec, bounds),
    nativeSidecars: nativeSidecars(spec.sidecarMode, [controlPlane, parseKubernetesVersion(pool.kubernetesVersion)]),
    zoneRouting: atLeast(oldestKubelet, 31) ? ZoneRouting.TRAFFIC_DISTRIBUTION
      : atLeast(oldestKubelet, 27) ? ZoneRouting.TOPOLOGY_MODE
        : ZoneRouting.TOPOLOGY_HINTS,
    alwaysAllowUnhealthyEviction: atLeast(controlPlane, 27),
    pool: { name: pool.name, taints: pool.taints },
    ...(cluster.promotion ? { phase: cluster.promotion.phase.phase } : peakPhase && peakPhase !== PromotionPhase.DORMANT ? { phase: peakPhase } : {}),
    patches: context.patches ?? [],
    ...(spec.mesh && cluster.mesh ? { mesh: { injection: injectionLabel(cluster.mesh), rootNamespace: cluster.mesh.rootNamespace } } : {}),
  };
}

/** Pods of an instance at its minimum and maximum. */
export function instancePods(plan: AppInstancePlan): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const w of plan.workloads) {
    min += w.replicas ?? w.autoscaling!.minReplicas;
    max += w.replicas ?? w.autoscaling!.maxReplicas;
  }
  return { min, max };
}
