/**
 * Revisions of the reference estate, and a fixture application target, for the diff tests. Each revision is the
 * reference estate with one change made through the constructs, as a pull request would make it.
 */
import {
  Cluster, ClusterGroup, ClusterGroupKind, Estate, IdcKind, InfrastructureProvider, KubeObject, Promotion, synthesisFiles, synthesize,
} from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { Snapshot, snapshotFromFiles } from '../../../stacks/diff';

function clusterOf(estate: Estate, name: string): Cluster {
  const found = estate.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`no cluster ${name} in ${estate.name}`);
  return found;
}

/** Revision: a cluster (trade-hz1 by default) gets a `batch` node pool, 2 fixed machines per zone. */
export function withNodePool(estate: Estate = referenceEstate(), cluster = 'trade-hz1'): Estate {
  clusterOf(estate, cluster).addNodePool('batch', { role: 'batch', instance: { model: 'c7.8xlarge', vcpu: 32, memoryGiB: 64 }, replicasPerZone: 2 });
  return estate;
}

/**
 * Revision: the cluster's dedicated etcd grows to `members`. The constructs take the member count when the cluster
 * is built; the revision sets it on the built estate, as an edited estate file would have built it.
 */
export function withEtcdMembers(name: string, members: number, estate: Estate = referenceEstate()): Estate {
  (clusterOf(estate, name).etcd as { memberCount: number }).memberCount = members;
  return estate;
}

/** Revision: a daily cluster is removed from the estate. */
export function withoutCluster(name: string, estate: Estate = referenceEstate()): Estate {
  const cluster = clusterOf(estate, name);
  if (!cluster.group.node.tryRemoveChild(name)) throw new Error(`could not remove ${name}`);
  return estate;
}

/** A side: the estate synthesized at `asOf`, as its files (what `estate synth` writes), plus extra objects per target. */
export function side(estate: Estate, asOf: Date, extraTargets: Readonly<Record<string, readonly KubeObject[]>> = {}): Snapshot {
  const files = synthesisFiles(synthesize(estate, { asOf }));
  const snapshot = snapshotFromFiles(files);
  const extra = Object.keys(extraTargets).sort().map((t) => ({ path: `${t}/*`, objects: extraTargets[t] }));
  return { ...snapshot, files: [...snapshot.files, ...extra] };
}

/** Options of the fixture application. */
export interface AppFixture {
  readonly image?: string;
  /** Extra selector labels (a selector change). @default - app label only */
  readonly selector?: Record<string, string>;
  readonly replicas?: number;
}

/**
 * The `checkout` application on cluster trade-hz1, as a per-cluster target holds it: Namespace, Deployment (main
 * container plus a log-shipper sidecar, env and ports), Service, HPA and PDB.
 */
export function appTarget(options: AppFixture = {}): KubeObject[] {
  const ns = 'checkout';
  const selector = { app: 'checkout', ...(options.selector ?? {}) };
  const labels = { ...selector, 'cluster-estate.io/cluster': 'trade-hz1', release: 'stable' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'cluster-estate.io/cluster': 'trade-hz1' } } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'checkout', namespace: ns, labels },
      spec: {
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            initContainers: [{ name: 'log-shipper', image: 'registry.estate.internal/fluent-bit:3.1', restartPolicy: 'Always' }],
            containers: [
              {
                name: 'main',
                image: options.image ?? 'registry.estate.internal/checkout:1.4.2',
                env: [{ name: 'REGION', value: 'cn-east' }, { name: 'TIER', value: 'trade' }],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'checkout', namespace: ns, labels }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }], clusterIP: '10.200.1.20' } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'checkout', namespace: ns }, spec: { minReplicas: options.replicas ?? 6, maxReplicas: 30, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' } } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'checkout', namespace: ns }, spec: { maxUnavailable: '10%', selector: { matchLabels: selector } } },
  ];
}

/**
 * A small estate of this test's own for the golden comment (so that the golden file changes only when the diff or
 * the Cluster API rendering changes, not whenever the reference estate grows): two regions, three daily clusters,
 * one peak cluster for a promotion.
 */
export function goldenEstate(): Estate {
  const estate = new Estate('golden', { dnsDomain: 'k8s.golden.internal', environment: 'production' });
  const metal = InfrastructureProvider.metal3({ imageUrl: 'https://images.golden.internal/ubuntu.qcow2', imageChecksumUrl: 'https://images.golden.internal/ubuntu.qcow2.sha256sum' });
  const hz = estate.addRegion('cn-east').addIdc('hz1', { kind: IdcKind.SELF_BUILT, zones: ['hz1-a', 'hz1-b', 'hz1-c'], infrastructure: metal, interZoneRttMs: 0.8 });
  const bj = estate.addRegion('cn-north').addIdc('bj1', { kind: IdcKind.CLOUD, zones: ['cn-north-1a', 'cn-north-1b', 'cn-north-1d'], infrastructure: InfrastructureProvider.aws({ region: 'cn-north-1' }), interZoneRttMs: 1.5 });
  const sale = new Promotion(estate, 'sale', { timeZone: 'Asia/Shanghai', prepareFrom: '2026-10-20T00:00', peakFrom: '2026-11-10T18:00', peakTo: '2026-11-12T02:00', drainUntil: '2026-11-19T00:00' });
  const daily = new ClusterGroup(estate, 'daily', { kind: ClusterGroupKind.DAILY });
  const peak = new ClusterGroup(estate, 'sale-peak', { kind: ClusterGroupKind.PEAK, promotion: sale });
  const cluster = (group: ClusterGroup, name: string, idc: typeof hz, k: number, members: number) => {
    const c = new Cluster(group, name, { idc, kubernetesVersion: 'v1.31.4', podCidr: `10.${16 + 4 * k}.0.0/14`, serviceCidr: `10.200.${16 * k}.0/20`, etcd: { members, memberSubnet: `10.250.${k}.0/27` } });
    c.addNodePool('general', { role: 'general', instance: { model: 'g7.8xlarge', vcpu: 32, memoryGiB: 128 }, autoscaling: { minPerZone: 2, maxPerZone: 6 } });
    return c;
  };
  cluster(daily, 'shop-hz1', hz, 0, 3);
  cluster(daily, 'shop-hz2', hz, 1, 3);
  cluster(daily, 'shop-bj1', bj, 2, 5);
  cluster(peak, 'sale-bj1', bj, 3, 3);
  return estate;
}
