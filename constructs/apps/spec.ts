import { AppMeshProps, AppMeshSpec, resolveAppMesh } from '../mesh/traffic';
import { AccessIntent, AccessSpec, resolveAccess } from '../tenancy/access';
import { DebugProps } from './debug';
import { AppImage, ResolvedImage } from './image';
import { ReleaseChannel } from './labels';
import { LifecycleProps, LifecycleSpec, lifecycleSpec } from './lifecycle';
import { AppPriority } from './priority';
import { AppProbesProps, livenessProbe, ProbeSpec, readinessProbe, startupProbe } from './probes';
import { Release } from './release';
import { ContainerResources } from './resources';
import { ContainerPortSpec, Sidecar, SidecarMode, SidecarSpec } from './sidecars';
import { MeshReleaseSpec } from './release';

/** Autoscaling of an app's Deployments (a HorizontalPodAutoscaler each). */
export interface AutoscalingProps {
  /** False for a fixed replica count (the placement's). @default true */
  readonly enabled?: boolean;
  /** The upper bound as a multiple of the lower bound (the placement's replicas). @default 3 */
  readonly maxFactor?: number;
  /** Target average CPU use, in percent of the requests. @default 70 */
  readonly cpuUtilizationPercent?: number;
  /** Target average memory use, in percent of the requests. @default - memory is not a target */
  readonly memoryUtilizationPercent?: number;
}

/** The app-level properties that do not refer to other constructs: everything but placement and the peak profile. */
export interface AppSpecProps {
  /** The main container's image: pinned, or composed from layers (`AppImage.fromAppYaml`). */
  readonly image: AppImage;
  /** The main container's requests and limits. */
  readonly resources: ContainerResources;
  /** @default - the app's name */
  readonly namespace?: string;
  /** Container ports; the Service exposes each on the same number. @default [{ name: 'http', port: 8080 }] */
  readonly ports?: ContainerPortSpec[];
  /** Environment of the main container. @default {} */
  readonly env?: Record<string, string>;
  /** @default - readiness GET /ready, liveness GET /healthz, on the first port; no startup probe */
  readonly probes?: AppProbesProps;
  /** @default - the platform's lifecycle tool for every step, 15 s drain, 15 s for the steps, 10 s to exit */
  readonly lifecycle?: LifecycleProps;
  /** Started before the main container, in this order. @default [] */
  readonly sidecars?: Sidecar[];
  /** @default SidecarMode.AUTO */
  readonly sidecarMode?: SidecarMode;
  /** The labelled node pool the pods run on; it must exist in every cluster the app is placed on. @default 'general' */
  readonly nodePool?: string;
  /** @default AppPriority.STANDARD */
  readonly priority?: AppPriority;
  /** @default - autoscaled from the placement's replicas up to 3 times as many, at 70% CPU */
  readonly autoscaling?: AutoscalingProps;
  /** @default Release.stable() */
  readonly release?: Release;
  /** The disruption budget's maxUnavailable, in percent (at least one pod: Kubernetes rounds it up). @default 10 */
  readonly maxUnavailablePercent?: number;
  /** @default - off */
  readonly debug?: DebugProps;
  /** Mount the service account token (only for apps that call the Kubernetes API). @default false */
  readonly serviceAccountToken?: boolean;
  /** The user every container runs as unless a sidecar says otherwise: never root. @default 10001 */
  readonly runAsUser?: number;
  /** Size of the writable /tmp (the root filesystem is read-only). @default 256 */
  readonly tmpSizeMiB?: number;
  /** `app.kubernetes.io/component`. @default 'server' */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`. @default - the app's name */
  readonly partOf?: string;
  /** `app.kubernetes.io/version` of every Deployment and its pods. @default - each channel's image version (its tag, or the app.yaml's version), when it is a valid label value */
  readonly version?: string;
  /** Further labels on every object and pod. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Who may call the app and where it may call out to: one statement, rendered as NetworkPolicies (L4) and, where
   * the app is meshed, as the mesh's authorization (L7). Its namespace denies everything else by default.
   * @default - nobody may call the app; it may reach DNS, its sidecars' destinations and the apps that list it as a caller
   */
  readonly access?: AccessIntent;
  /**
   * Joins the service mesh of the clusters that run one (`ClusterProps.mesh`): the mesh injects its proxy, so the app
   * must not also declare `Sidecar.meshProxy()`. Its host gets a DestinationRule and a VirtualService.
   * @default - not in the mesh
   */
  readonly mesh?: AppMeshProps;
}

/** An app's Deployment for one release channel, resolved. */
export interface ChannelPlanSpec {
  readonly channel: ReleaseChannel;
  readonly suffix: string;
  readonly image: ResolvedImage;
  readonly percent?: number;
  readonly fixedReplicas?: number;
}

/** Everything about an app that does not depend on the cluster: its props with every default applied. Plain data. */
export interface AppSpec {
  readonly name: string;
  readonly namespace: string;
  readonly channels: readonly ChannelPlanSpec[];
  readonly releaseKind: Release['kind'];
  /** The channel the Service selects; undefined: every channel. */
  readonly serviceChannel?: ReleaseChannel;
  readonly resources: ContainerResources;
  readonly ports: readonly ContainerPortSpec[];
  readonly env: Readonly<Record<string, string>>;
  readonly readiness: ProbeSpec;
  readonly liveness: ProbeSpec;
  readonly startup?: ProbeSpec;
  /** What the startup probe allows, in seconds. */
  readonly maxStartupSeconds?: number;
  readonly lifecycle: LifecycleSpec;
  readonly sidecars: readonly SidecarSpec[];
  readonly sidecarMode: SidecarMode;
  readonly nodePool: string;
  readonly priority: AppPriority;
  /** Undefined: fixed replicas. */
  readonly autoscaling?: { readonly maxFactor: number; readonly cpuUtilizationPercent: number; readonly memoryUtilizationPercent?: number };
  /** Raises the minimum while the named promotion prepares and peaks. */
  readonly peak?: { readonly promotion: string; readonly factor: number };
  readonly maxUnavailablePercent: number;
  readonly debug?: { readonly reason?: string };
  readonly serviceAccountToken: boolean;
  readonly runAsUser: number;
  readonly tmpSizeMiB: number;
  readonly component: string;
  readonly partOf: string;
  /** `app.kubernetes.io/version` of every Deployment; undefined: each channel's image version. */
  readonly version?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Callers and destinations, resolved. */
  readonly access: AccessSpec;
  /** Undefined: the app is not in the mesh. */
  readonly mesh?: AppMeshSpec;
  /** How the release routes on a meshed cluster. */
  readonly meshRelease: MeshReleaseSpec;
}

/** The app's ports when `AppSpecProps.ports` is not given: `http` on 8080. */
export const DEFAULT_PORTS: readonly ContainerPortSpec[] = [{ name: 'http', port: 8080 }];
/** The node pool an app runs on when `AppSpecProps.nodePool` is not given. */
export const DEFAULT_NODE_POOL = 'general';

/**
 * Applies every default. Pure: the same name and props always give the same spec.
 * @internal
 */
export function resolveAppSpec(name: string, props: AppSpecProps, peak?: { promotion: string; factor?: number }): AppSpec {
  const ports = props.ports ?? DEFAULT_PORTS;
  const firstPort = ports[0]?.port ?? 8080;
  const release = props.release ?? Release.stable();
  const image = props.image.resolve(name);
  const readiness = readinessProbe(props.probes?.readiness, firstPort);
  const liveness = livenessProbe(props.probes?.liveness, firstPort);
  const autoscaling = props.autoscaling?.enabled === false ? undefined : {
    maxFactor: props.autoscaling?.maxFactor ?? 3,
    cpuUtilizationPercent: props.autoscaling?.cpuUtilizationPercent ?? 70,
    ...(props.autoscaling?.memoryUtilizationPercent !== undefined ? { memoryUtilizationPercent: props.autoscaling.memoryUtilizationPercent } : {}),
  };
  return {
    name,
    namespace: props.namespace ?? name,
    channels: release.channels.map((c) => ({
      channel: c.channel,
      suffix: c.suffix,
      image: c.image ? c.image.resolve(name) : image,
      ...(c.percent !== undefined ? { percent: c.percent } : {}),
      ...(c.fixedReplicas !== undefined ? { fixedReplicas: c.fixedReplicas } : {}),
    })),
    releaseKind: release.kind,
    serviceChannel: release.activeChannel,
    resources: props.resources,
    ports,
    env: props.env ?? {},
    readiness,
    liveness,
    startup: startupProbe(liveness, props.probes?.maxStartupSeconds),
    ...(props.probes?.maxStartupSeconds !== undefined ? { maxStartupSeconds: props.probes.maxStartupSeconds } : {}),
    lifecycle: lifecycleSpec(props.lifecycle),
    sidecars: (props.sidecars ?? []).map((s) => s.spec),
    sidecarMode: props.sidecarMode ?? SidecarMode.AUTO,
    nodePool: props.nodePool ?? DEFAULT_NODE_POOL,
    priority: props.priority ?? AppPriority.STANDARD,
    autoscaling,
    peak: peak ? { promotion: peak.promotion, factor: peak.factor ?? 2 } : undefined,
    maxUnavailablePercent: props.maxUnavailablePercent ?? 10,
    debug: props.debug ? { reason: props.debug.reason } : undefined,
    serviceAccountToken: props.serviceAccountToken ?? false,
    runAsUser: props.runAsUser ?? 10001,
    tmpSizeMiB: props.tmpSizeMiB ?? 256,
    component: props.component ?? 'server',
    partOf: props.partOf ?? name,
    ...(props.version !== undefined ? { version: props.version } : {}),
    labels: props.labels ?? {},
    access: resolveAccess(props.access),
    ...(props.mesh ? { mesh: resolveAppMesh(props.mesh) } : {}),
    meshRelease: release.mesh,
  };
}
