import type { MeshSpec } from '../mesh/mesh';
import { AppTemplate } from '../apps/app-template';
import { poolZoneSize, SystemReserve } from '../apps/capacity';
import { CapacityPolicy } from '../apps/capacity-policy';
import { AppInstancePlan } from '../apps/instance-plan';
import { planAppInstances } from '../apps/plan-apps';
import {
  AutoscalingBounds, ClusterGroupKind, EtcdCompactionMode, EtcdMember, EtcdTimeouts, IdcKind, InfrastructureProvider,
  InstanceSpec, PhaseAt, PromotionPhase, SecretsEncryption, Taint,
} from '../estate';
import { Cluster } from '../estate/cluster';
import type { ClusterGroup } from '../estate/cluster-group';
import { ObjectPatch } from '../estate/cluster';
import { Estate } from '../estate/estate';
import { clustersOf, promotionsOf } from '../estate/validate';

/**
 * The estate at one as-of time, as plain data: which clusters exist, at what size. Object rendering, capacity and
 * summaries all read this one plan, so they can never disagree.
 */
export interface EstatePlan {
  readonly estate: string;
  readonly environment: string;
  /** The as-of time, ISO-8601 in UTC. */
  readonly asOf: string;
  readonly promotions: PromotionStatus[];
  /** Clusters that exist at as-of, sorted by name. */
  readonly clusters: ClusterPlan[];
  /** Clusters of dormant peak groups, sorted by name. */
  readonly absentClusters: AbsentCluster[];
  /**
   * Every app on every cluster that exists at as-of, sorted by cluster, namespace and app. Its shape follows the
   * renderers and may change in any release: read the synthesized objects instead.
   * @internal
   */
  readonly apps: AppInstancePlan[];
  /** How capacity is judged (the estate's CapacityPolicy, or its defaults). */
  readonly capacity: { readonly maxCommitPercent: number; readonly reserve: SystemReserve };
}

/** A promotion at the as-of time: its calendar, phase, batch and scale. */
export interface PromotionStatus {
  readonly name: string;
  readonly displayName: string;
  readonly timeZone: string;
  readonly prepareFrom: string;
  readonly peakFrom: string;
  readonly peakTo: string;
  readonly drainUntil: string;
  readonly phase: PromotionPhase;
  readonly batch: number;
  readonly scale: number;
}

/** A cluster of a peak group that does not exist at the as-of time (its promotion is dormant). */
export interface AbsentCluster {
  readonly name: string;
  readonly group: string;
  readonly promotion: string;
}

/** A cluster that exists at the as-of time, with every default applied: what its Cluster API objects are built from. */
export interface ClusterPlan {
  readonly name: string;
  /** Construct path, for error messages. */
  readonly path: string;
  readonly group: string;
  readonly groupKind: ClusterGroupKind;
  readonly promotion?: { readonly name: string; readonly phase: PhaseAt };
  readonly region: string;
  readonly idc: string;
  readonly idcKind: IdcKind;
  readonly infrastructure: InfrastructureProvider;
  readonly kubernetesVersion: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly serviceDomain: string;
  readonly purpose?: string;
  readonly nodeAutoRepair: boolean;
  /** The upgrade wave, and why the cluster may be upgraded during its promotion when it may. */
  readonly upgrade: { readonly wave: number; readonly duringPromotionReason?: string };
  readonly controlPlane: ControlPlanePlan;
  readonly etcd: EtcdPlan;
  readonly pools: PoolPlan[];
  readonly patches: readonly ObjectPatch[];
  /** The cluster's service mesh; undefined: none. */
  readonly mesh?: MeshSpec;
}

/** A cluster's control plane with every default applied. */
export interface ControlPlanePlan {
  readonly replicas: number;
  readonly endpoint: { readonly host: string; readonly port: number };
  readonly zones: string[];
  /** The zones' failure domains, as the infrastructure provider names them. */
  readonly failureDomains: string[];
  readonly instance: InstanceSpec;
  readonly anonymousAuth: boolean;
  readonly auditLog: { readonly maxAgeDays: number; readonly maxBackups: number; readonly maxSizeMiB: number };
  readonly secretsEncryption: SecretsEncryption;
  readonly leaderElection: { readonly leaseDurationSeconds: number; readonly renewDeadlineSeconds: number; readonly retryPeriodSeconds: number };
  readonly extraApiServerArgs: Readonly<Record<string, string>>;
}

/** An etcd member with the failure domain its zone maps to. */
export interface EtcdMemberPlan extends EtcdMember {
  readonly failureDomain: string;
}

/** A cluster's dedicated etcd with every default applied, its members placed in zones. */
export interface EtcdPlan {
  readonly members: EtcdMemberPlan[];
  readonly instance: InstanceSpec;
  readonly version: string;
  readonly timeouts: EtcdTimeouts;
  readonly quotaBackendBytes: number;
  readonly snapshotCount: number;
  readonly compactionMode: EtcdCompactionMode;
  readonly compactionRetention: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** A node pool with every default applied, one entry per zone. */
export interface PoolPlan {
  readonly name: string;
  readonly role: string;
  readonly instance: InstanceSpec;
  readonly kubernetesVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly healthCheck: {
    readonly nodeStartupTimeoutSeconds: number;
    readonly unhealthyTimeoutSeconds: number;
    readonly maxUnhealthy: number | string;
  };
  readonly zones: PoolZonePlan[];
}

/** One pool in one zone: one MachineDeployment. Exactly one of `replicas` and `autoscaling` is set. */
export interface PoolZonePlan {
  readonly zone: string;
  readonly failureDomain: string;
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingBounds;
}

/** Plans a validated estate at `asOf`. */
export function planEstate(estate: Estate, asOf: Date): EstatePlan {
  const promotions = promotionsOf(estate).map((p): PromotionStatus => {
    const phase = p.phaseAt(asOf);
    return { name: p.name, displayName: p.displayName, ...p.calendar, ...phase };
  }).sort((a, b) => compare(a.name, b.name));
  const clusters: ClusterPlan[] = [];
  const absentClusters: AbsentCluster[] = [];
  const allClusters = clustersOf(estate);
  // A group's phase is a calendar computation: once per group, not once per cluster.
  const groupPhases = new Map<ClusterGroup, PhaseAt | undefined>();
  for (const cluster of allClusters) {
    const group = cluster.group;
    if (!groupPhases.has(group)) groupPhases.set(group, group.phaseAt(asOf));
    const phase = groupPhases.get(group);
    if (phase && phase.phase === PromotionPhase.DORMANT) {
      absentClusters.push({ name: cluster.name, group: group.name, promotion: group.promotion!.name });
      continue;
    }
    clusters.push(planCluster(cluster, phase));
  }
  clusters.sort((a, b) => compare(a.name, b.name));
  absentClusters.sort((a, b) => compare(a.name, b.name));
  const apps = planAppInstances(AppTemplate.appsOf(estate), allClusters, {
    estate: estate.name,
    environment: estate.environment,
    clusters,
    phases: new Map(promotions.map((p) => [p.name, { phase: p.phase, batch: p.batch, scale: p.scale }])),
  });
  const policy = CapacityPolicy.of(estate);
  const capacity = { maxCommitPercent: policy.maxCommitPercent, reserve: policy.reserve };
  return { estate: estate.name, environment: estate.environment, asOf: asOf.toISOString(), promotions, clusters, absentClusters, apps, capacity };
}

function planCluster(cluster: Cluster, phase: PhaseAt | undefined): ClusterPlan {
  const cp = cluster.controlPlane;
  const etcd = cluster.etcd;
  const failureDomains = new Map(cluster.idc.zones.map((z) => [z.name, z.failureDomain]));
  return {
    name: cluster.name,
    path: cluster.node.path,
    group: cluster.group.name,
    groupKind: cluster.group.kind,
    promotion: phase && cluster.group.promotion ? { name: cluster.group.promotion.name, phase } : undefined,
    region: cluster.idc.region.name,
    idc: cluster.idc.name,
    idcKind: cluster.idc.kind,
    infrastructure: cluster.infrastructure,
    kubernetesVersion: cluster.kubernetesVersion,
    podCidr: cluster.podCidr,
    serviceCidr: cluster.serviceCidr,
    serviceDomain: cluster.serviceDomain,
    purpose: cluster.purpose,
    nodeAutoRepair: cluster.nodeAutoRepair,
    ...(cluster.mesh ? { mesh: cluster.mesh } : {}),
    upgrade: {
      wave: cluster.upgradeWave,
      ...(cluster.upgradeDuringPromotionReason ? { duringPromotionReason: cluster.upgradeDuringPromotionReason } : {})
    },
    controlPlane: {
      replicas: cp.replicas,
      endpoint: cp.endpoint,
      zones: cp.zones,
      failureDomains: cp.zones.map((z) => failureDomains.get(z) ?? z),
      instance: cp.instance,
      anonymousAuth: cp.anonymousAuth,
      auditLog: cp.auditLog,
      secretsEncryption: cp.secretsEncryption,
      leaderElection: cp.leaderElection,
      extraApiServerArgs: cp.extraApiServerArgs,
    },
    etcd: {
      members: etcd.members.map((m) => ({ ...m, failureDomain: failureDomains.get(m.zone) ?? m.zone })),
      instance: etcd.instance,
      version: etcd.version,
      timeouts: etcd.timeouts,
      quotaBackendBytes: etcd.quotaBackendBytes,
      snapshotCount: etcd.snapshotCount,
      compactionMode: etcd.compactionMode,
      compactionRetention: etcd.compactionRetention,
      clientPort: etcd.clientPort,
      peerPort: etcd.peerPort,
    },
    pools: cluster.nodePools.map((pool): PoolPlan => ({
      name: pool.name,
      role: pool.role,
      instance: pool.instance,
      kubernetesVersion: pool.kubernetesVersion,
      labels: pool.labels,
      taints: pool.taints,
      healthCheck: pool.healthCheck,
      zones: pool.zones.map((zone): PoolZonePlan => ({ zone, failureDomain: failureDomains.get(zone) ?? zone, ...poolZoneSize(pool, phase) })),
    })).sort((a, b) => compare(a.name, b.name)),
    patches: cluster.objectPatches,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
