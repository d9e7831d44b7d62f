/**
 * Generated estates for the benchmarks. One arithmetic description (`EstateSpec`) of an estate of N clusters is
 * turned into either
 *  - an `Estate` built through the public construct API (`buildEstate`), or
 *  - the plain `ClusterPlan` data the planner would produce for it (`buildClusterPlans`), with no constructs,
 *    no validation and no cdk8s: the input of the plain-objects baseline.
 * Both come from the same spec, so the synthesized objects must be byte-identical; the bench checks that.
 */
import {
  Cluster, ClusterGroup, ClusterGroupKind, ClusterPlan, DEFAULT_CONTROL_PLANE_INSTANCE, DEFAULT_ETCD_INSTANCE,
  EtcdCompactionMode, EtcdMemberPlan, Estate, IdcKind, InfrastructureProvider, InstanceSpec, PoolPlan,
  Promotion, PromotionCalendar, PromotionPhase, SecretsEncryption, Taint, TaintEffect, phaseAt, timeoutsForRtt,
} from '../../constructs/internal';
import { GatewayProtocol, MeshProps, resolveMesh } from '../../constructs/mesh';
import { INSTANCE_TYPES } from '../../stacks/estates/instance-types';

/** Clusters that share one IDC (several clusters per IDC avoid one scheduler carrying a whole data center). */
const CLUSTERS_PER_IDC = 5;
/** One cluster in this many belongs to the promotion's peak group. */
const PEAK_EVERY = 5;
/** One cluster in this many is a large one: 5 etcd members and 5 API servers (the others run 3 and 3). */
const LARGE_EVERY = 3;
/** One IDC in this many is a public-cloud resource unit (AWS); the others are self-built (Metal3). */
const CLOUD_EVERY = 3;

const KUBERNETES_VERSION = 'v1.31.4';
const OLDER_POOL_VERSION = 'v1.30.8';

const { ingress: INGRESS, general: GENERAL, middleware: MIDDLEWARE } = INSTANCE_TYPES;

/** Address pools the per-cluster blocks are carved from, one block per cluster index, never overlapping. */
const POD_POOL = { base: ipv4(10, 0, 0, 0), prefix: 8 };
const SERVICE_POOL = { base: ipv4(172, 16, 0, 0), prefix: 12 };
const ETCD_POOL = { base: ipv4(100, 64, 0, 0), prefix: 10 };
/** Block sizes: pods /18 (16k addresses), services /22, etcd /27 -> room for 1,024 clusters in each pool. */
const POD_PREFIX = 18;
const SERVICE_PREFIX = 22;
const ETCD_PREFIX = 27;
/** The most clusters the address plan holds: the smallest pool decides (2^(18-8) = 2^(22-12) = 1,024). */
export const MAX_GENERATED_CLUSTERS = Math.min(
  2 ** (POD_PREFIX - POD_POOL.prefix),
  2 ** (SERVICE_PREFIX - SERVICE_POOL.prefix),
  2 ** (ETCD_PREFIX - ETCD_POOL.prefix),
);

/** Etcd settings the generator states (the same values the constructs default to, written out for the baseline). */
const ETCD = {
  version: '3.5.17',
  quotaBackendBytes: 8 * 1024 ** 3,
  snapshotCount: 10000,
  compactionMode: EtcdCompactionMode.PERIODIC,
  compactionRetention: '1',
  clientPort: 2379,
  peerPort: 2380,
  firstMemberOffset: 10,
};

export interface IdcSpec {
  readonly name: string;
  readonly kind: IdcKind;
  readonly zones: string[];
  readonly provider: 'metal3' | 'aws';
  readonly awsRegion: string;
  readonly interZoneRttMs: number;
}

export interface RegionSpec {
  readonly name: string;
  readonly idcs: IdcSpec[];
}

export interface PoolSpec {
  readonly name: string;
  readonly role: string;
  readonly instance: InstanceSpec;
  readonly replicasPerZone?: number;
  readonly autoscaling?: { readonly minPerZone: number; readonly maxPerZone: number };
  readonly labels?: Record<string, string>;
  readonly taints?: Taint[];
  readonly kubernetesVersion?: string;
}

export interface ClusterSpec {
  readonly name: string;
  /** The cluster's service mesh (every generated cluster runs one, with a public ingress gateway). */
  readonly mesh: MeshProps;
  readonly group: 'daily' | 'peak';
  readonly region: string;
  readonly idc: IdcSpec;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly etcdSubnet: string;
  readonly etcdMembers: number;
  readonly controlPlaneReplicas: number;
  readonly purpose: string;
  readonly pools: PoolSpec[];
}

/** The wildcard every generated cluster's public gateway serves: each app routed from the edge has a name below it. */
export const BENCH_PUBLIC_DOMAIN = 'shop.bench.example.com';
/** The name of every generated cluster's ingress gateway. */
export const BENCH_GATEWAY = 'public';

/**
 * The mesh of a generated cluster: Istio at a pinned revision, STRICT mTLS, and one public ingress gateway on the
 * ingress pool, serving the apps' edge names under one wildcard certificate, open to the balancer's range.
 */
function benchMesh(): MeshProps {
  return {
    revision: '1-30',
    ingressGateways: [{
      name: BENCH_GATEWAY,
      nodePool: 'ingress',
      sourceRanges: ['100.100.0.0/16'],
      listeners: [{ port: 443, protocol: GatewayProtocol.HTTPS, hosts: [`*.${BENCH_PUBLIC_DOMAIN}`], tlsCredentialName: 'shop-wildcard-cert' }],
    }],
  };
}

/** Everything about a generated estate, as plain data. */
export interface EstateSpec {
  readonly name: string;
  readonly dnsDomain: string;
  readonly environment: string;
  readonly asOf: Date;
  readonly promotion: { readonly name: string; readonly displayName: string; readonly calendar: PromotionCalendar };
  readonly groups: { readonly daily: string; readonly peak: string };
  readonly regions: RegionSpec[];
  readonly clusters: ClusterSpec[];
  readonly metal3: { readonly imageUrl: string; readonly imageChecksumUrl: string };
}

/**
 * A realistic estate of `clusterCount` clusters: ceil(N/5) IDCs of three zones (every third on a public cloud),
 * spread over about sqrt(IDCs) regions (at least two); a daily group and a Double 11 peak group (one cluster in
 * five) judged at the peak; one cluster in three with 5 etcd members and 5 API servers, the others 3 and 3; three
 * node pools per cluster (fixed ingress, autoscaled general, fixed middleware); disjoint pod, service and etcd blocks;
 * an Istio mesh on every cluster with a public ingress gateway on the ingress pool.
 */
export function estateSpec(clusterCount: number): EstateSpec {
  if (!Number.isInteger(clusterCount) || clusterCount < 1 || clusterCount > MAX_GENERATED_CLUSTERS) {
    throw new Error(`a generated estate has 1 to ${MAX_GENERATED_CLUSTERS} clusters (got ${clusterCount})`);
  }
  const idcCount = Math.ceil(clusterCount / CLUSTERS_PER_IDC);
  const regionCount = Math.min(idcCount, Math.max(2, Math.ceil(Math.sqrt(idcCount))));
  const regions: RegionSpec[] = [];
  const idcs: { region: string; idc: IdcSpec }[] = [];
  for (let r = 0; r < regionCount; r++) regions.push({ name: `region-${pad(r + 1, 2)}`, idcs: [] });
  for (let i = 0; i < idcCount; i++) {
    const region = regions[i % regionCount];
    const name = `dc${pad(i + 1, 3)}`;
    const cloud = i % CLOUD_EVERY === CLOUD_EVERY - 1;
    const idc: IdcSpec = {
      name,
      kind: cloud ? IdcKind.CLOUD : IdcKind.SELF_BUILT,
      zones: ['a', 'b', 'c'].map((z) => `${name}-${z}`),
      provider: cloud ? 'aws' : 'metal3',
      awsRegion: `ap-bench-${(i % 4) + 1}`,
      // Round trips between zones from 0.5 to 2.5 ms: etcd timeouts stay at etcd's defaults (heartbeat >= 1.5 RTT).
      interZoneRttMs: 0.5 + (i % 5) * 0.5,
    };
    region.idcs.push(idc);
    idcs.push({ region: region.name, idc });
  }

  const clusters: ClusterSpec[] = [];
  for (let k = 0; k < clusterCount; k++) {
    const { region, idc } = idcs[Math.floor(k / CLUSTERS_PER_IDC)];
    const peak = k % PEAK_EVERY === PEAK_EVERY - 1;
    const large = k % LARGE_EVERY === 0;
    const size = 1 + (k % 4); // 1..4: machines per zone vary between clusters
    clusters.push({
      name: `${peak ? 'peak' : 'trade'}-${pad(k + 1, 4)}`,
      mesh: benchMesh(),
      group: peak ? 'peak' : 'daily',
      region,
      idc,
      podCidr: block(POD_POOL.base, POD_PREFIX, k),
      serviceCidr: block(SERVICE_POOL.base, SERVICE_PREFIX, k),
      etcdSubnet: block(ETCD_POOL.base, ETCD_PREFIX, k),
      etcdMembers: large ? 5 : 3,
      controlPlaneReplicas: large ? 5 : 3,
      purpose: peak ? 'double 11 peak capacity: order and payment services' : 'trade: order, payment and promotion services',
      pools: [
        {
          name: 'ingress',
          role: 'ingress',
          instance: INGRESS,
          replicasPerZone: 1 + (size % 3),
          taints: [{ key: 'cluster-estate.io/dedicated', value: 'ingress', effect: TaintEffect.NO_SCHEDULE }],
        },
        {
          name: 'general',
          role: 'general',
          instance: GENERAL,
          autoscaling: { minPerZone: size, maxPerZone: size * 4 },
          labels: { 'cluster-estate.io/tier': 'online', 'node.cluster.x-k8s.io/workload': 'stateless' },
          kubernetesVersion: k % 7 === 3 ? OLDER_POOL_VERSION : undefined,
        },
        {
          name: 'middleware',
          role: 'middleware',
          instance: MIDDLEWARE,
          replicasPerZone: 1 + (k % 2),
          taints: [{ key: 'cluster-estate.io/dedicated', value: 'middleware', effect: TaintEffect.NO_SCHEDULE }],
        },
      ],
    });
  }

  return {
    name: 'bench',
    dnsDomain: 'k8s.bench.internal',
    environment: 'production',
    // At the peak: every cluster of the peak group exists at full size.
    asOf: new Date('2026-11-11T00:00:00+08:00'),
    promotion: {
      name: 'double-11',
      displayName: 'Double 11 shopping festival 2026',
      calendar: {
        timeZone: 'Asia/Shanghai',
        prepareFrom: '2026-10-20T00:00',
        peakFrom: '2026-11-10T18:00',
        peakTo: '2026-11-12T02:00',
        drainUntil: '2026-11-19T00:00',
        prepareBatches: 4,
        drainBatches: 4,
      },
    },
    groups: { daily: 'daily', peak: 'double-11-peak' },
    regions,
    clusters,
    metal3: {
      imageUrl: 'https://images.bench.internal/ubuntu-22.04-k8s.qcow2',
      imageChecksumUrl: 'https://images.bench.internal/ubuntu-22.04-k8s.qcow2.sha256sum',
    },
  };
}

/** One provider object per kind and cloud region, shared by the IDCs that use it (as an estate author would). */
function providers(spec: EstateSpec): (idc: IdcSpec) => InfrastructureProvider {
  const metal3 = InfrastructureProvider.metal3(spec.metal3);
  const aws = new Map<string, InfrastructureProvider>();
  return (idc) => {
    if (idc.provider === 'metal3') return metal3;
    let provider = aws.get(idc.awsRegion);
    if (!provider) aws.set(idc.awsRegion, (provider = InfrastructureProvider.aws({ region: idc.awsRegion })));
    return provider;
  };
}

/** The estate, written with the construct API as an estate author would. */
export function buildEstate(spec: EstateSpec): Estate {
  const estate = new Estate(spec.name, { dnsDomain: spec.dnsDomain, environment: spec.environment });
  const providerOf = providers(spec);
  const idcs = new Map<string, ReturnType<ReturnType<Estate['addRegion']>['addIdc']>>();
  for (const region of spec.regions) {
    const r = estate.addRegion(region.name);
    for (const idc of region.idcs) {
      idcs.set(
        idc.name,
        r.addIdc(idc.name, { kind: idc.kind, zones: idc.zones, infrastructure: providerOf(idc), interZoneRttMs: idc.interZoneRttMs }),
      );
    }
  }
  const promotion = new Promotion(estate, spec.promotion.name, { displayName: spec.promotion.displayName, ...spec.promotion.calendar });
  const daily = new ClusterGroup(estate, spec.groups.daily, { kind: ClusterGroupKind.DAILY });
  const peak = new ClusterGroup(estate, spec.groups.peak, { kind: ClusterGroupKind.PEAK, promotion });
  for (const c of spec.clusters) {
    const cluster = new Cluster(c.group === 'peak' ? peak : daily, c.name, {
      idc: idcs.get(c.idc.name)!,
      kubernetesVersion: KUBERNETES_VERSION,
      podCidr: c.podCidr,
      serviceCidr: c.serviceCidr,
      purpose: c.purpose,
      controlPlane: { replicas: c.controlPlaneReplicas },
      etcd: { members: c.etcdMembers, memberSubnet: c.etcdSubnet },
      mesh: c.mesh,
    });
    for (const pool of c.pools) {
      cluster.addNodePool(pool.name, {
        role: pool.role,
        instance: pool.instance,
        replicasPerZone: pool.replicasPerZone,
        autoscaling: pool.autoscaling,
        labels: pool.labels,
        taints: pool.taints,
        kubernetesVersion: pool.kubernetesVersion,
      });
    }
  }
  return estate;
}

/**
 * The plain plan of every cluster that exists at `spec.asOf`, built directly from the spec: what `planEstate`
 * returns for the estate `buildEstate(spec)` builds, sorted by name, without constructs or validation.
 */
export function buildClusterPlans(spec: EstateSpec): ClusterPlan[] {
  const providerOf = providers(spec);
  const phase = phaseAt(spec.promotion.calendar, spec.asOf);
  if (phase.phase !== PromotionPhase.PEAK) throw new Error('the baseline plans clusters at the peak only (full size, every cluster present)');
  const plans = spec.clusters.map((c): ClusterPlan => {
    const zones = c.idc.zones;
    const subnetBase = parseIpv4Block(c.etcdSubnet);
    const members: EtcdMemberPlan[] = [];
    for (let i = 0; i < c.etcdMembers; i++) {
      const address = ipv4Text(subnetBase + ETCD.firstMemberOffset + i);
      members.push({
        index: i,
        name: `${c.name}-etcd-${i}`,
        zone: zones[i % zones.length],
        failureDomain: zones[i % zones.length],
        address,
        clientUrl: `https://${address}:${ETCD.clientPort}`,
        peerUrl: `https://${address}:${ETCD.peerPort}`,
      });
    }
    const group = c.group === 'peak' ? spec.groups.peak : spec.groups.daily;
    const pools = c.pools.map((p): PoolPlan => ({
      name: p.name,
      role: p.role,
      instance: p.instance,
      kubernetesVersion: p.kubernetesVersion ?? KUBERNETES_VERSION,
      labels: p.labels ?? {},
      taints: p.taints ?? [],
      healthCheck: { nodeStartupTimeoutSeconds: 600, unhealthyTimeoutSeconds: 300, maxUnhealthy: '40%' },
      zones: zones.map((zone) => (p.autoscaling
        ? { zone, failureDomain: zone, autoscaling: { minPerZone: p.autoscaling.minPerZone, maxPerZone: p.autoscaling.maxPerZone } }
        : { zone, failureDomain: zone, replicas: p.replicasPerZone ?? 0 })),
    }));
    pools.sort((a, b) => compare(a.name, b.name));
    return {
      name: c.name,
      path: `${spec.name}/${group}/${c.name}`,
      upgrade: { wave: 0 },
      group,
      groupKind: c.group === 'peak' ? ClusterGroupKind.PEAK : ClusterGroupKind.DAILY,
      promotion: c.group === 'peak' ? { name: spec.promotion.name, phase } : undefined,
      region: c.region,
      idc: c.idc.name,
      idcKind: c.idc.kind,
      infrastructure: providerOf(c.idc),
      kubernetesVersion: KUBERNETES_VERSION,
      podCidr: c.podCidr,
      serviceCidr: c.serviceCidr,
      serviceDomain: 'cluster.local',
      purpose: c.purpose,
      nodeAutoRepair: true,
      controlPlane: {
        replicas: c.controlPlaneReplicas,
        endpoint: { host: `${c.name}-api.${spec.dnsDomain}`, port: 6443 },
        zones,
        failureDomains: zones,
        instance: DEFAULT_CONTROL_PLANE_INSTANCE,
        anonymousAuth: false,
        auditLog: { maxAgeDays: 30, maxBackups: 10, maxSizeMiB: 100 },
        secretsEncryption: SecretsEncryption.AESCBC,
        leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 },
        extraApiServerArgs: {},
      },
      etcd: {
        members,
        instance: DEFAULT_ETCD_INSTANCE,
        version: ETCD.version,
        // Members sit in every zone of the IDC, so the largest round trip between them is the IDC's inter-zone RTT.
        timeouts: timeoutsForRtt(zones.length > 1 ? c.idc.interZoneRttMs : 0),
        quotaBackendBytes: ETCD.quotaBackendBytes,
        snapshotCount: ETCD.snapshotCount,
        compactionMode: ETCD.compactionMode,
        compactionRetention: ETCD.compactionRetention,
        clientPort: ETCD.clientPort,
        peerPort: ETCD.peerPort,
      },
      pools,
      patches: [],
      mesh: resolveMesh(c.mesh),
    };
  });
  return plans.sort((a, b) => compare(a.name, b.name));
}

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function parseIpv4Block(text: string): number {
  const [a, b, c, d] = text.split('/')[0].split('.').map(Number);
  return ipv4(a, b, c, d);
}

/** The k-th block of `/prefix` after `base`. */
function block(base: number, prefix: number, k: number): string {
  return `${ipv4Text(base + k * 2 ** (32 - prefix))}/${prefix}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
