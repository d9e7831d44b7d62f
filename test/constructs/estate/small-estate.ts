import {
  Cluster, ClusterGroup, ClusterGroupKind, ClusterProps, ControlPlaneProps, Estate, EstateValidationError,
  EtcdClusterProps, formatProblem, Idc, IdcKind, InfrastructureProvider, KubeObject, NodePool, NodePoolProps, Problem,
  ProblemSeverity, PromotionProps, Region, synthesize, Synthesis,
} from '../../../constructs';

/**
 * The small valid estate the validation tests break in one place each (one region, one IDC with three zones, a daily
 * group, one cluster with one node pool), and the assertions they share.
 */
export const METAL3 = InfrastructureProvider.metal3({
  imageUrl: 'https://images.example.internal/ubuntu-22.04.qcow2',
  imageChecksumUrl: 'https://images.example.internal/ubuntu-22.04.qcow2.sha256sum',
});

export const POOL: NodePoolProps = { role: 'general', instance: { model: 'g7.2xlarge', vcpu: 8, memoryGiB: 32 }, replicasPerZone: 2 };

/** A time no promotion of these tests is active at. */
export const AS_OF = new Date('2026-06-01T00:00:00Z');

export interface SmallOptions {
  zones?: string[];
  interZoneRttMs?: number;
  cluster?: Partial<Omit<ClusterProps, 'idc' | 'etcd'>>;
  controlPlane?: ControlPlaneProps;
  etcd?: Partial<EtcdClusterProps>;
  pool?: Partial<NodePoolProps>;
}

export interface Small {
  estate: Estate;
  region: Region;
  idc: Idc;
  daily: ClusterGroup;
  cluster: Cluster;
  pool: NodePool;
}

/** The small valid estate `e`: region r1, IDC idc1 (zones a, b, c), group daily, cluster c1 with pool general. */
export function smallEstate(o: SmallOptions = {}): Small {
  const estate = new Estate('e');
  const region = estate.addRegion('r1');
  const idc = region.addIdc('idc1', { kind: IdcKind.SELF_BUILT, zones: o.zones ?? ['a', 'b', 'c'], infrastructure: METAL3, interZoneRttMs: o.interZoneRttMs });
  const daily = new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY });
  const cluster = new Cluster(daily, 'c1', {
    idc,
    kubernetesVersion: 'v1.31.4',
    podCidr: '10.0.0.0/16',
    serviceCidr: '10.1.0.0/20',
    controlPlane: o.controlPlane,
    ...o.cluster,
    etcd: { members: 3, memberSubnet: '10.2.0.0/27', ...o.etcd },
  });
  const pool = cluster.addNodePool('general', { ...POOL, ...o.pool });
  return { estate, region, idc, daily, cluster, pool };
}

/** A second, valid cluster with its own networks. */
export function addCluster(group: ClusterGroup, idc: Idc, id: string, overrides: Partial<ClusterProps> = {}): Cluster {
  const cluster = new Cluster(group, id, {
    idc,
    kubernetesVersion: 'v1.31.4',
    podCidr: '10.10.0.0/16',
    serviceCidr: '10.11.0.0/20',
    etcd: { members: 3, memberSubnet: '10.12.0.0/27' },
    ...overrides,
  });
  cluster.addNodePool('general', POOL);
  return cluster;
}

export const DOUBLE_11_PROPS: PromotionProps = {
  timeZone: 'Asia/Shanghai',
  prepareFrom: '2026-10-20T00:00',
  peakFrom: '2026-11-10T18:00',
  peakTo: '2026-11-12T02:00',
  drainUntil: '2026-11-19T00:00',
};

export const PATHS = {
  estate: 'e',
  idc: 'e/r1/idc1',
  group: 'e/daily',
  cluster: 'e/daily/c1',
  controlPlane: 'e/daily/c1/ControlPlane',
  etcd: 'e/daily/c1/Etcd',
  pool: 'e/daily/c1/general',
};

/** The distinct rule ids of problems of severity error, sorted. */
export function errorRules(problems: readonly Problem[]): string[] {
  return [...new Set(problems.filter((p) => p.severity === ProblemSeverity.ERROR).map((p) => p.rule))].sort();
}

/** A problem's message and fix are sentences of their own: present, distinct, with no leaked `undefined`/object text. */
export function expectMeaningful(p: Problem): void {
  for (const text of [p.message, p.fix]) {
    expect(typeof text).toBe('string');
    expect(text.trim().length).toBeGreaterThan(8);
    expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
  }
  expect(p.fix).not.toBe(p.message);
  // Lowercase, unless the sentence starts with an acronym such as "IDC".
  expect(p.message).toMatch(/^([^A-Z]|[A-Z]{2,}\b)/);
  expect(formatProblem(p)).toContain(p.rule);
}

/** Exactly one problem of `rule` at `path`, with that severity and a meaningful message and fix. */
export function expectProblem(problems: readonly Problem[], rule: string, path: string, severity: ProblemSeverity = ProblemSeverity.ERROR): Problem {
  const found = problems.filter((p) => p.rule === rule && p.path === path);
  expect(found.map((p) => ({ rule: p.rule, path: p.path, severity: p.severity }))).toEqual([{ rule, path, severity }]);
  expectMeaningful(found[0]);
  return found[0];
}

/** The EstateValidationError `synthesize` throws (fails the test when it returns or throws anything else). */
export function synthesisError(estate: Estate): EstateValidationError {
  let synthesis: Synthesis | undefined;
  try {
    synthesis = synthesize(estate, { asOf: AS_OF });
  } catch (e) {
    expect(e).toBeInstanceOf(EstateValidationError);
    return e as EstateValidationError;
  }
  throw new Error(`synthesize succeeded with ${synthesis.targets[0].objects.length} objects; expected an EstateValidationError`);
}

export function objectsOf(synthesis: Synthesis, kind: string): KubeObject[] {
  return synthesis.targets.flatMap((t) => t.objects).filter((o) => o.kind === kind);
}
