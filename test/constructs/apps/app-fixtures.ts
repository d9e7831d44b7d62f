/**
 * A small estate for application tests: one region, one self-built IDC (zones a, b, c); a daily group with cluster
 * `new-k8s` (v1.31.4) and cluster `old-k8s` (v1.28.9), each with a `general` pool and a tainted `gateway` pool; a
 * peak group with cluster `peak-1` (v1.31.4) for a promotion in November 2026; and one app, `shop`, whose props each
 * test changes in one place.
 */
import {
  AppImage, AppTemplate, AppTemplateProps, Cluster, ClusterGroup, ClusterGroupKind, Estate, IdcKind,
  InfrastructureProvider, KubeObject, MeshProps, Promotion, Sidecar, synthesize, Synthesis, TaintEffect,
} from '../../../constructs';

export const METAL3 = InfrastructureProvider.metal3({
  imageUrl: 'https://images.example.internal/ubuntu-22.04.qcow2',
  imageChecksumUrl: 'https://images.example.internal/ubuntu-22.04.qcow2.sha256sum',
});

/** Times around the fixture's promotion (UTC+8). */
export const TIMES = {
  normal: new Date('2026-09-01T00:00:00+08:00'),
  preparingFirstBatch: new Date('2026-10-21T00:00:00+08:00'),
  peak: new Date('2026-11-11T00:00:00+08:00'),
  draining: new Date('2026-11-13T00:00:00+08:00'),
} as const;

export interface Fixture {
  readonly estate: Estate;
  readonly daily: ClusterGroup;
  readonly peak: ClusterGroup;
  readonly promotion: Promotion;
  readonly newK8s: Cluster;
  readonly oldK8s: Cluster;
  readonly peak1: Cluster;
}

export interface FixtureOptions {
  /** @default 'production' */
  readonly environment?: string;
  /** @default 4 (per zone) */
  readonly generalPerZone?: number;
  /** The service mesh of cluster new-k8s. @default - none */
  readonly mesh?: MeshProps;
}

/** The estate without apps. */
export function fixtureEstate(o: FixtureOptions = {}): Fixture {
  const estate = new Estate('shopfloor', { environment: o.environment ?? 'production' });
  const idc = estate.addRegion('r1').addIdc('dc1', { kind: IdcKind.SELF_BUILT, zones: ['dc1-a', 'dc1-b', 'dc1-c'], infrastructure: METAL3 });
  const promotion = estate.addPromotion('sale', {
    timeZone: 'Asia/Shanghai', prepareFrom: '2026-10-20T00:00', peakFrom: '2026-11-10T00:00', peakTo: '2026-11-12T00:00', drainUntil: '2026-11-16T00:00',
  });
  const daily = estate.addClusterGroup('daily', { kind: ClusterGroupKind.DAILY });
  const peak = estate.addClusterGroup('sale-peak', { kind: ClusterGroupKind.PEAK, promotion });
  const cluster = (group: ClusterGroup, name: string, k: number, version: string) => {
    const c = group.addCluster(name, {
      ...(name === 'new-k8s' && o.mesh ? { mesh: o.mesh } : {}),
      idc,
      kubernetesVersion: version,
      podCidr: `10.${k * 4}.0.0/16`,
      serviceCidr: `10.${k * 4 + 1}.0.0/20`,
      etcd: { members: 3, memberSubnet: `10.${k * 4 + 2}.0.0/27` },
    });
    c.addNodePool('general', { role: 'general', instance: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 }, autoscaling: { minPerZone: o.generalPerZone ?? 4, maxPerZone: (o.generalPerZone ?? 4) * 2 } });
    c.addNodePool('gateway', {
      role: 'gateway',
      instance: { model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 },
      replicasPerZone: 2,
      taints: [{ key: 'example.com/dedicated', value: 'gateway', effect: TaintEffect.NO_SCHEDULE }],
    });
    return c;
  };
  const newK8s = cluster(daily, 'new-k8s', 1, 'v1.31.4');
  const oldK8s = cluster(daily, 'old-k8s', 2, 'v1.28.9');
  const peak1 = cluster(peak, 'peak-1', 3, 'v1.31.4');
  return { estate, daily, peak, promotion, newK8s, oldK8s, peak1 };
}

/** The `shop` app's props: on new-k8s, 6 replicas, a log shipper and an ops agent. */
export function shopProps(f: Fixture, change: Partial<AppTemplateProps> = {}): AppTemplateProps {
  return {
    image: AppImage.pinned('registry.example.internal/shop/web:2.3.1'),
    resources: { cpuMillis: { request: 500, limit: 1000 }, memoryMiB: { request: 1024, limit: 2048 } },
    sidecars: [Sidecar.logShipper({ brokers: ['kafka-0.logs.svc:9092'], topic: 'shop-logs' }), Sidecar.opsAgent()],
    placement: { clusters: [f.newK8s], replicasPerCluster: 6 },
    ...change,
  };
}

/** The fixture with the `shop` app. */
export function withShop(change: (f: Fixture) => Partial<AppTemplateProps> = () => ({}), o: FixtureOptions = {}): Fixture & { app: AppTemplate } {
  const f = fixtureEstate(o);
  const app = new AppTemplate(f.estate, 'shop', shopProps(f, change(f)));
  return { ...f, app };
}

/** Synthesizes and returns the objects of one target. */
export function targetObjects(synthesis: Synthesis, target: string): KubeObject[] {
  const t = synthesis.targets.find((x) => x.name === target);
  if (!t) throw new Error(`no target ${target}; targets: ${synthesis.targets.map((x) => x.name).join(', ')}`);
  return t.objects;
}

/** The objects of the `shop` app on `cluster` (default new-k8s) at `asOf` (default a normal day). */
export function shopObjects(change: (f: Fixture) => Partial<AppTemplateProps> = () => ({}), cluster = 'new-k8s', asOf: Date = TIMES.normal, o: FixtureOptions = {}): KubeObject[] {
  return targetObjects(synthesize(withShop(change, o).estate, { asOf }), cluster);
}

/** Typed access to a Deployment's pod spec. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function podSpecOf(deployment: KubeObject): Json {
  return (deployment as Json).spec.template.spec;
}
