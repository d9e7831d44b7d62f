/**
 * Random estates for property-based tests: a fast-check arbitrary of estate *specs* (plain, JSON-serializable data,
 * so fast-check can print a counterexample) and `buildEstate(spec)`, which builds the spec through the public
 * constructs API.
 *
 * Every choice that can break a rule is a "knob": a good and a bad value and a roll. Each spec draws a bad
 * percentage (from `badPercents`) and a knob takes its bad value when its roll falls in that percentage, so specs
 * range from clean (synthesize) to riddled with problems; shrinking moves rolls towards the good value.
 *
 * Names are unique within their construct scope (so building never throws), but may repeat across scopes when the
 * spec's `dupNames` knob is bad (two clusters "trade" in two groups, two IDCs "hz1" in two regions, and so the
 * zones "hz1-a" of both): validation must catch those. Nothing here depends on the clock or on Math.random.
 */
import * as fc from 'fast-check';
import {
  Cluster, ClusterGroup, ClusterGroupKind, Estate, Idc, IdcKind, InfrastructureProvider, NodePoolProps, Promotion,
} from '../../constructs';

/** An IDC: zones are named `<idc>-a`, `<idc>-b`, ... */
export interface IdcSpec {
  readonly name: string;
  readonly kind: 'self-built' | 'cloud';
  readonly zones: string[];
  readonly interZoneRttMs: number;
}

export interface RegionSpec {
  readonly name: string;
  readonly idcs: IdcSpec[];
}

export interface PromotionSpec {
  readonly name: string;
  readonly timeZone: string;
  readonly prepareFrom: string;
  readonly peakFrom: string;
  readonly peakTo: string;
  readonly drainUntil: string;
  readonly prepareBatches: number;
  readonly drainBatches: number;
}

export interface PoolSpec {
  readonly name: string;
  readonly role: string;
  readonly zones?: string[];
  readonly replicasPerZone?: number;
  readonly autoscaling?: { readonly minPerZone: number; readonly maxPerZone: number };
  readonly labels: Record<string, string>;
  readonly kubernetesVersion?: string;
}

export interface EtcdSpec {
  readonly members: number;
  readonly memberSubnet: string;
  readonly memberZones?: string[];
  readonly heartbeatIntervalMs?: number;
  readonly electionTimeoutMs?: number;
}

export interface ClusterSpec {
  readonly name: string;
  /** Index into `idcsOf(spec)`: every IDC of every region, in order. */
  readonly idc: number;
  readonly kubernetesVersion: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly etcd: EtcdSpec;
  readonly controlPlane: { readonly replicas: number; readonly zones?: string[] };
  readonly pools: PoolSpec[];
}

export interface GroupSpec {
  readonly name: string;
  readonly kind: 'daily' | 'peak';
  /** Name of a promotion of the spec. */
  readonly promotion?: string;
  readonly clusters: ClusterSpec[];
}

export interface EstateSpec {
  readonly name: string;
  /** The share of knobs (percent) that took their bad value: 0 for a spec meant to be clean. */
  readonly badPercent: number;
  readonly regions: RegionSpec[];
  readonly promotions: PromotionSpec[];
  readonly groups: GroupSpec[];
}

export interface EstateSpecOptions {
  /** Bad percentages a spec draws from. @default [0, 0, 2, 5, 15, 40] */
  readonly badPercents?: readonly number[];
  /** Chance (percent) that a cluster states its etcd memberZones explicitly, at random. @default 30 */
  readonly memberZonesPercent?: number;
  /** @default 2 */
  readonly maxClustersPerGroup?: number;
}

/** Every IDC of the spec, in the order `ClusterSpec.idc` indexes them. */
export function idcsOf(spec: EstateSpec): IdcSpec[] {
  return spec.regions.flatMap((r) => r.idcs);
}

/** Every cluster of the spec, with its group. */
export function clustersOf(spec: EstateSpec): { group: GroupSpec; cluster: ClusterSpec }[] {
  return spec.groups.flatMap((group) => group.clusters.map((cluster) => ({ group, cluster })));
}

const METAL3 = InfrastructureProvider.metal3({
  imageUrl: 'https://images.example.internal/ubuntu-22.04.qcow2',
  imageChecksumUrl: 'https://images.example.internal/ubuntu-22.04.qcow2.sha256sum',
});
const AWS = InfrastructureProvider.aws({ region: 'cn-north-1' });

const INSTANCES: Record<string, NodePoolProps['instance']> = {
  general: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 },
  ingress: { model: 'c7.4xlarge', vcpu: 16, memoryGiB: 32 },
  middleware: { model: 'r7.8xlarge', vcpu: 32, memoryGiB: 256 },
};

/** Builds the spec through the public constructs API. Throws only if the spec repeats a name within one scope. */
export function buildEstate(spec: EstateSpec): Estate {
  const estate = new Estate(spec.name);
  const idcs: Idc[] = [];
  for (const r of spec.regions) {
    const region = estate.addRegion(r.name);
    for (const i of r.idcs) {
      idcs.push(region.addIdc(i.name, {
        kind: i.kind === 'cloud' ? IdcKind.CLOUD : IdcKind.SELF_BUILT,
        zones: i.zones,
        infrastructure: i.kind === 'cloud' ? AWS : METAL3,
        interZoneRttMs: i.interZoneRttMs,
      }));
    }
  }
  const promotions = new Map<string, Promotion>();
  for (const p of spec.promotions) {
    const { name, ...props } = p;
    promotions.set(name, new Promotion(estate, name, props));
  }
  for (const g of spec.groups) {
    const group = new ClusterGroup(estate, g.name, {
      kind: g.kind === 'peak' ? ClusterGroupKind.PEAK : ClusterGroupKind.DAILY,
      promotion: g.promotion === undefined ? undefined : promotions.get(g.promotion),
    });
    for (const c of g.clusters) {
      const cluster = new Cluster(group, c.name, {
        idc: idcs[c.idc],
        kubernetesVersion: c.kubernetesVersion,
        podCidr: c.podCidr,
        serviceCidr: c.serviceCidr,
        etcd: { ...c.etcd },
        controlPlane: { ...c.controlPlane },
      });
      for (const p of c.pools) {
        cluster.addNodePool(p.name, {
          role: p.role,
          instance: INSTANCES[p.role] ?? INSTANCES.general,
          zones: p.zones,
          replicasPerZone: p.replicasPerZone,
          autoscaling: p.autoscaling,
          labels: p.labels,
          kubernetesVersion: p.kubernetesVersion,
        });
      }
    }
  }
  return estate;
}

// ---------------------------------------------------------------------------------------------------------------
// The raw arbitrary: knobs and picks, resolved into a spec.

interface Knob<T> {
  readonly roll: number;
  readonly good: T;
  readonly bad: T;
}

function knob<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<Knob<T>> {
  return fc.record({ roll: fc.integer({ min: 0, max: 99 }), good, bad });
}

type CidrPlan = 'own' | 'shared-pod' | 'wide-pod' | 'service-in-pod' | 'etcd-in-pod' | 'shared-etcd' | 'small-etcd';
type Scaling =
  | { readonly kind: 'fixed'; readonly replicas: number }
  | { readonly kind: 'auto'; readonly min: number; readonly max: number }
  | { readonly kind: 'both' | 'neither' | 'negative' };
type Timeouts = { readonly heartbeatIntervalMs?: number; readonly electionTimeoutMs?: number };
type PoolVersion = 'same' | 'older-1' | 'older-3' | 'unset' | 'newer-minor' | 'newer-patch' | 'older-4' | 'garbage';

interface RawPool {
  readonly name: string;
  readonly badName: Knob<boolean>;
  readonly role: Knob<string>;
  readonly zones: Knob<'default' | 'subset' | 'unknown' | 'twice' | 'empty'>;
  readonly zoneMask: number;
  readonly scaling: Knob<Scaling>;
  readonly labels: Knob<Record<string, string>>;
  readonly version: Knob<PoolVersion>;
}

interface RawCluster {
  readonly name: string;
  readonly idcPick: number;
  readonly version: Knob<string>;
  readonly cidrs: Knob<CidrPlan>;
  readonly cidrSyntax: Knob<string | undefined>;
  readonly cidrSyntaxWhich: number;
  readonly members: Knob<number>;
  readonly memberZonesRoll: number;
  readonly memberZonePicks: number[];
  readonly memberZonesLength: Knob<number>;
  readonly timeouts: Knob<Timeouts>;
  readonly cpReplicas: Knob<number>;
  readonly cpZones: Knob<'default' | 'all' | 'one' | 'unknown'>;
  readonly noPools: Knob<boolean>;
  readonly pools: RawPool[];
}

interface RawGroup {
  readonly name: string;
  readonly promotionPick: number;
  readonly promotion: Knob<'right' | 'none' | 'daily-with'>;
  readonly clusters: RawCluster[];
}

interface RawPromotion {
  readonly name: string;
  readonly timeZone: Knob<string>;
  readonly startDay: number;
  readonly prepareDays: number;
  readonly peakHours: number;
  readonly drainDays: number;
  readonly order: Knob<'ordered' | 'swapped' | 'equal' | 'reversed' | 'garbled'>;
  readonly batches: Knob<[number, number]>;
}

interface RawIdc {
  readonly name: string;
  readonly cloud: boolean;
  readonly zoneCount: number;
  readonly rtt: Knob<number>;
}

interface RawEstate {
  readonly badPercent: number;
  readonly name: Knob<string>;
  readonly dupNames: Knob<boolean>;
  readonly regions: { readonly name: string; readonly idcs: RawIdc[] }[];
  readonly promotions: RawPromotion[];
  readonly groups: RawGroup[];
}

const rawPool: fc.Arbitrary<RawPool> = fc.record({
  name: fc.constantFrom('general', 'ingress', 'middleware', 'gateway', 'batch'),
  badName: knob(fc.constant(false), fc.constant(true)),
  role: knob(fc.constantFrom('general', 'ingress', 'middleware'), fc.constantFrom('Front End', '')),
  zones: knob(fc.constantFrom<'default' | 'subset'>('default', 'default', 'subset'), fc.constantFrom<'unknown' | 'twice' | 'empty'>('unknown', 'twice', 'empty')),
  zoneMask: fc.integer({ min: 1, max: 15 }),
  scaling: knob<Scaling>(
    fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((replicas): Scaling => ({ kind: 'fixed', replicas })),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 })).map(([min, extra]): Scaling => ({ kind: 'auto', min, max: min + extra })),
    ),
    fc.oneof(
      fc.constantFrom<Scaling>({ kind: 'both' }, { kind: 'neither' }, { kind: 'negative' }),
      fc.constantFrom<Scaling>({ kind: 'auto', min: 0, max: 3 }, { kind: 'auto', min: 3, max: 2 }),
    ),
  ),
  labels: knob(
    fc.constantFrom<Record<string, string>>({}, {}, { 'example.com/tier': 'gold' }, { 'node-role.kubernetes.io/edge': '' }, { team: 'trade', 'node.kubernetes.io/disk': 'nvme' }),
    fc.constantFrom<Record<string, string>>({ 'kubernetes.io/foo': 'bar' }, { 'bad key': 'x' }, { 'example.com/long': 'v'.repeat(64) }, { 'Example.COM/x': 'y' }),
  ),
  version: knob(
    fc.constantFrom<PoolVersion>('unset', 'unset', 'same', 'older-1', 'older-3'),
    fc.constantFrom<PoolVersion>('newer-minor', 'newer-patch', 'older-4', 'garbage'),
  ),
});

function rawCluster(maxPools: number): fc.Arbitrary<RawCluster> {
  return fc.record({
    name: fc.constantFrom('trade', 'pay', 'ops', 'search', 'charging'),
    idcPick: fc.nat(99),
    version: knob(fc.constantFrom('v1.29.3', 'v1.30.8', 'v1.31.4'), fc.constantFrom('1.31.4', 'v1.31', 'latest')),
    cidrs: knob(fc.constant<CidrPlan>('own'), fc.constantFrom<CidrPlan>('shared-pod', 'wide-pod', 'service-in-pod', 'etcd-in-pod', 'shared-etcd', 'small-etcd')),
    cidrSyntax: knob(fc.constant(undefined), fc.constantFrom('10.0.0.1/16', 'not-a-cidr', '10.0.0.0/33', '', '10.0.0.0', '192.168.0.5/27')),
    cidrSyntaxWhich: fc.integer({ min: 0, max: 2 }),
    members: knob(fc.constantFrom(3, 5, 7), fc.integer({ min: 1, max: 8 })),
    memberZonesRoll: fc.integer({ min: 0, max: 99 }),
    memberZonePicks: fc.array(fc.nat(99), { minLength: 9, maxLength: 9 }),
    memberZonesLength: knob(fc.constant(0), fc.constantFrom(-1, 1)),
    timeouts: knob<Timeouts>(
      fc.constantFrom<Timeouts>({}, {}, {}, { heartbeatIntervalMs: 150, electionTimeoutMs: 1500 }),
      fc.constantFrom<Timeouts>(
        { heartbeatIntervalMs: 100, electionTimeoutMs: 400 },
        { heartbeatIntervalMs: 0 },
        { heartbeatIntervalMs: 100, electionTimeoutMs: 60000 },
      ),
    ),
    cpReplicas: knob(fc.constantFrom(3, 5), fc.constantFrom(1, 2, 4)),
    cpZones: knob(fc.constantFrom<'default' | 'all'>('default', 'default', 'all'), fc.constantFrom<'one' | 'unknown'>('one', 'unknown')),
    noPools: knob(fc.constant(false), fc.constant(true)),
    pools: fc.uniqueArray(rawPool, { minLength: 1, maxLength: maxPools, selector: (p) => p.name }),
  });
}

const rawPromotion: fc.Arbitrary<RawPromotion> = fc.record({
  name: fc.constantFrom('double-11', 'mid-year'),
  timeZone: knob(fc.constantFrom('Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'), fc.constantFrom('Mars/Olympus_Mons', 'Asia/Atlantis')),
  startDay: fc.integer({ min: 0, max: 45 }),
  prepareDays: fc.integer({ min: 1, max: 30 }),
  peakHours: fc.integer({ min: 1, max: 72 }),
  drainDays: fc.integer({ min: 1, max: 14 }),
  order: knob(fc.constant<'ordered'>('ordered'), fc.constantFrom<'swapped' | 'equal' | 'reversed' | 'garbled'>('swapped', 'equal', 'reversed', 'garbled')),
  batches: knob(
    fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })),
    fc.constantFrom<[number, number]>([0, 4], [4, 101], [2.5, 4]),
  ),
});

function rawIdc(): fc.Arbitrary<RawIdc> {
  return fc.record({
    name: fc.constantFrom('hz1', 'sh1', 'bj1'),
    cloud: fc.boolean(),
    zoneCount: fc.constantFrom(1, 2, 3, 3, 3, 3, 4, 4),
    rtt: knob(fc.constantFrom(0.5, 1, 1.8, 5), fc.constantFrom(400, 4000, -1)),
  });
}

/** The arbitrary of estate specs. */
export function estateSpecArbitrary(options: EstateSpecOptions = {}): fc.Arbitrary<EstateSpec> {
  const badPercents = options.badPercents ?? [0, 0, 2, 5, 15, 40];
  const memberZonesPercent = options.memberZonesPercent ?? 30;
  const maxClusters = options.maxClustersPerGroup ?? 2;
  const raw: fc.Arbitrary<RawEstate> = fc.record({
    badPercent: fc.constantFrom(...badPercents),
    name: knob(fc.constantFrom('e', 'lab'), fc.constantFrom('Bad_Estate', 'e.x')),
    dupNames: knob(fc.constant(false), fc.constant(true)),
    regions: fc.uniqueArray(
      fc.record({ name: fc.constantFrom('cn-east', 'cn-north', 'cn-south'), idcs: fc.uniqueArray(rawIdc(), { minLength: 1, maxLength: 2, selector: (i) => i.name }) }),
      { minLength: 1, maxLength: 3, selector: (r) => r.name },
    ),
    promotions: fc.uniqueArray(rawPromotion, { minLength: 0, maxLength: 2, selector: (p) => p.name }),
    groups: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('daily', 'daily-2', 'peak', 'peak-2'),
        promotionPick: fc.nat(99),
        promotion: knob(fc.constant<'right'>('right'), fc.constantFrom<'none' | 'daily-with'>('none', 'daily-with')),
        clusters: fc.uniqueArray(rawCluster(3), { minLength: 0, maxLength: maxClusters, selector: (c) => c.name }),
      }),
      { minLength: 1, maxLength: 3, selector: (g) => g.name },
    ),
  });
  return raw.map((r) => resolve(r, memberZonesPercent));
}

/** The default arbitrary: a mix of clean and broken specs. */
export const arbitraryEstateSpec: fc.Arbitrary<EstateSpec> = estateSpecArbitrary();

const DAY = 86_400_000;
const HOUR = 3_600_000;
const LETTERS = 'abcd';

function localDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

function resolve(raw: RawEstate, memberZonesPercent: number): EstateSpec {
  const bad = <T>(k: Knob<T>): T => (k.roll >= 100 - raw.badPercent ? k.bad : k.good);
  const duplicates = bad(raw.dupNames);
  const unique = (used: Set<string>, name: string): string => {
    let candidate = name;
    for (let n = 2; !duplicates && used.has(candidate); n++) candidate = `${name}-${n}`;
    used.add(candidate);
    return candidate;
  };

  const idcNames = new Set<string>();
  const regions: RegionSpec[] = raw.regions.map((r) => ({
    name: r.name,
    idcs: r.idcs.map((i) => {
      const name = unique(idcNames, i.name);
      return {
        name,
        kind: i.cloud ? 'cloud' : 'self-built',
        zones: Array.from({ length: i.zoneCount }, (_, z) => `${name}-${LETTERS[z]}`),
        interZoneRttMs: bad(i.rtt),
      };
    }),
  }));
  const idcs = regions.flatMap((r) => r.idcs);

  const promotions: PromotionSpec[] = raw.promotions.map((p) => {
    const prepareFrom = Date.UTC(2026, 9, 1) + p.startDay * DAY;
    const peakFrom = prepareFrom + p.prepareDays * DAY;
    const peakTo = peakFrom + p.peakHours * HOUR;
    const drainUntil = peakTo + p.drainDays * DAY;
    let dates = [prepareFrom, peakFrom, peakTo, drainUntil].map(localDateTime);
    switch (bad(p.order)) {
      case 'swapped': dates = [dates[0], dates[2], dates[1], dates[3]]; break;
      case 'equal': dates = [dates[0], dates[1], dates[2], dates[2]]; break;
      case 'reversed': dates = [...dates].reverse(); break;
      case 'garbled': dates = [dates[0], 'the 11th of November', dates[2], dates[3]]; break;
      default: break;
    }
    const [prepareBatches, drainBatches] = bad(p.batches);
    return {
      name: p.name,
      timeZone: bad(p.timeZone),
      prepareFrom: dates[0],
      peakFrom: dates[1],
      peakTo: dates[2],
      drainUntil: dates[3],
      prepareBatches,
      drainBatches,
    };
  });

  const clusterNames = new Set<string>();
  let index = 0;
  const groups: GroupSpec[] = raw.groups.map((g) => {
    let kind: 'daily' | 'peak' = g.name.startsWith('peak') ? 'peak' : 'daily';
    let promotion: string | undefined;
    const choice = bad(g.promotion);
    const picked = promotions.length > 0 ? promotions[g.promotionPick % promotions.length].name : undefined;
    if (kind === 'peak') {
      promotion = choice === 'none' ? undefined : picked;
      // Clean specs keep a peak group only when there is a promotion for it.
      if (promotion === undefined && choice !== 'none') kind = 'daily';
    } else if (choice === 'daily-with') {
      promotion = picked;
    }
    return { name: g.name, kind, promotion, clusters: g.clusters.map((c) => resolveCluster(c, index++, unique(clusterNames, c.name))) };
  });

  function resolveCluster(c: RawCluster, i: number, name: string): ClusterSpec {
    const idcIndex = c.idcPick % idcs.length;
    const zones = idcs[idcIndex].zones;
    let pod = `10.${4 * i}.0.0/14`;
    let service = `172.16.${16 * i}.0/20`;
    let etcd = `192.168.${i}.0/27`;
    switch (bad(c.cidrs)) {
      case 'shared-pod': pod = `10.${4 * Math.max(0, i - 1)}.0.0/14`; break;
      case 'wide-pod': pod = '10.0.0.0/8'; break;
      case 'service-in-pod': service = `10.${4 * i}.16.0/20`; break;
      case 'etcd-in-pod': etcd = `10.${4 * i + 3}.255.0/27`; break;
      case 'shared-etcd': etcd = '192.168.0.0/27'; break;
      case 'small-etcd': etcd = `192.168.${i}.0/29`; break;
      default: break;
    }
    const malformed = bad(c.cidrSyntax);
    if (malformed !== undefined) {
      if (c.cidrSyntaxWhich === 0) pod = malformed;
      else if (c.cidrSyntaxWhich === 1) service = malformed;
      else etcd = malformed;
    }
    const members = bad(c.members);
    const memberZones = c.memberZonesRoll < memberZonesPercent
      ? c.memberZonePicks.slice(0, Math.max(0, members + bad(c.memberZonesLength))).map((pick) => zones[pick % zones.length])
      : undefined;
    const version = bad(c.version);
    const cpZones = bad(c.cpZones);
    const controlPlane = {
      replicas: bad(c.cpReplicas),
      ...(cpZones === 'all' ? { zones: [...zones].reverse() } : cpZones === 'one' ? { zones: [zones[0]] } : cpZones === 'unknown' ? { zones: [...zones, 'nowhere'] } : {}),
    };
    const pools = bad(c.noPools) ? [] : c.pools.map((p) => resolvePool(p, zones, version));
    return {
      name,
      idc: idcIndex,
      kubernetesVersion: version,
      podCidr: pod,
      serviceCidr: service,
      etcd: { members, memberSubnet: etcd, ...(memberZones ? { memberZones } : {}), ...bad(c.timeouts) },
      controlPlane,
      pools,
    };
  }

  function resolvePool(p: RawPool, zones: string[], clusterVersion: string): PoolSpec {
    const zoneChoice = bad(p.zones);
    const subset = zones.filter((_, z) => p.zoneMask & (1 << z));
    const poolZones =
      zoneChoice === 'subset' ? (subset.length > 0 ? subset : [zones[0]])
        : zoneChoice === 'unknown' ? [zones[0], 'nowhere']
          : zoneChoice === 'twice' ? [zones[0], zones[0]]
            : zoneChoice === 'empty' ? []
              : undefined;
    const scaling = bad(p.scaling);
    const sizing: Pick<PoolSpec, 'replicasPerZone' | 'autoscaling'> =
      scaling.kind === 'fixed' ? { replicasPerZone: scaling.replicas }
        : scaling.kind === 'auto' ? { autoscaling: { minPerZone: scaling.min, maxPerZone: scaling.max } }
          : scaling.kind === 'both' ? { replicasPerZone: 2, autoscaling: { minPerZone: 1, maxPerZone: 3 } }
            : scaling.kind === 'negative' ? { replicasPerZone: -1 }
              : {};
    const version = poolVersion(clusterVersion, bad(p.version));
    return {
      // A bad name stays unique within the cluster: it is derived from the (unique) good one.
      name: bad(p.badName) ? `${p.name}_X` : p.name,
      role: bad(p.role),
      ...(poolZones ? { zones: poolZones } : {}),
      ...sizing,
      labels: bad(p.labels),
      ...(version !== undefined ? { kubernetesVersion: version } : {}),
    };
  }

  return { name: bad(raw.name), badPercent: raw.badPercent, regions, promotions, groups };
}

function poolVersion(clusterVersion: string, choice: PoolVersion): string | undefined {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(clusterVersion);
  const minor = m ? Number(m[1]) : 31;
  const patch = m ? Number(m[2]) : 4;
  switch (choice) {
    case 'unset': return undefined;
    case 'same': return clusterVersion;
    case 'older-1': return `v1.${minor - 1}.9`;
    case 'older-3': return `v1.${minor - 3}.0`;
    case 'newer-minor': return `v1.${minor + 1}.0`;
    case 'newer-patch': return `v1.${minor}.${patch + 1}`;
    case 'older-4': return `v1.${minor - 4}.2`;
    case 'garbage': return 'v1.x';
  }
}
