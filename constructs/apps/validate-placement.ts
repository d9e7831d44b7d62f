import { parseKubernetesVersion } from '../estate/kubernetes-version';
import { ProblemCollector } from '../estate/problems';
import { Estate } from '../estate/topology';
import type { AppTemplate, ResolvedPlacement } from './app-template';
import { ClusterIndex } from './placement';
import { NATIVE_SIDECAR_MINOR, SidecarMode } from './sidecars';

/** Replicas per cluster below which an app cannot survive a node drain (the policy require-min-replicas agrees). */
const HA_REPLICAS_PER_CLUSTER = 2;

/** Rules of an app's placement: what it chooses, the replicas each cluster gets, and what each cluster must offer. */
export function checkPlacement(app: AppTemplate, index: ClusterIndex, placed: ResolvedPlacement, estate: Estate, problems: ProblemCollector): void {
  const path = app.node.path;
  const p = app.placement;
  const s = app.spec;
  if (!p.clusters && !p.groups && !p.idcs) {
    problems.error(path, 'placement', 'the placement chooses no cluster', 'give placement.clusters, placement.groups or placement.idcs', p);
    return;
  }
  // A team looks clusters up by name in the platform's estate: a name that is not there arrives here as undefined.
  const known = { cluster: () => [...index.keys()], group: () => [...new Set(estate.clusters.map((c) => c.group.name))], IDC: () => estate.idcs.map((i) => i.name) };
  let unknown = false;
  for (const [what, field, list] of [['cluster', 'clusters', p.clusters], ['group', 'groups', p.groups], ['IDC', 'idcs', p.idcs]] as const) {
    (list ?? []).forEach((c, i) => {
      if (!c) {
        unknown = true;
        problems.error(path, 'placement-unknown', `placement.${field}[${i}] is ${c === null ? 'null' : 'undefined'}: no such ${what} in estate ${estate.name} (a lookup by name found nothing)`, `use one of estate ${estate.name}'s ${what}s: ${known[what]().join(', ') || 'none'}`, c);
      } else if (c.node.root !== estate) {
        problems.error(path, 'placement', `placement.${field}[${i}] is ${what} ${c.name} of another estate object`, `take the ${what} from the estate the app is added to (${estate.name}), not from a second copy of it`, c.node.path);
      }
    });
  }
  if (unknown) return;
  for (const c of p.clusters ?? []) {
    if (c && c.node.root === estate && !index.has(c.name)) problems.warning(path, 'placement-stale', `placement names cluster ${c.name}, which is no longer part of the estate`, `remove ${c.name} from placement.clusters`, c.name);
  }
  if ((p.replicasPerCluster === undefined) === (p.totalReplicas === undefined)) {
    problems.error(path, 'placement-replicas', 'give exactly one of replicasPerCluster and totalReplicas', 'state replicas per cluster, or a total split by IDC weight', { replicasPerCluster: p.replicasPerCluster, totalReplicas: p.totalReplicas });
    return;
  }
  const count = p.replicasPerCluster ?? p.totalReplicas!;
  if (!Number.isInteger(count) || count < 1) {
    problems.error(path, 'placement-replicas', 'replicas must be a whole number, 1 or more', 'state how many replicas the app needs', count);
    return;
  }
  if (placed.clusters.length === 0) {
    problems.error(path, 'placement', 'the placement matches no cluster: its selectors narrow one another (cluster and group and IDC)', 'check that the listed clusters belong to the listed groups and IDCs', undefined);
    return;
  }
  if (p.idcWeights) {
    const idcs = new Set(placed.clusters.map((c) => c.idc.name));
    for (const [idc, w] of Object.entries(p.idcWeights)) {
      if (!idcs.has(idc)) problems.warning(path, 'placement-replicas', `idcWeights names IDC "${idc}", where the app has no cluster: the weight is ignored`, `weigh only ${[...idcs].sort().join(', ')}`, idc);
      if (!(Number.isFinite(w) && w >= 0)) problems.error(path, 'placement-replicas', `the weight of IDC ${idc} must be a number, 0 or more`, 'use relative weights such as 1 and 2', w);
    }
    if (p.totalReplicas === undefined) problems.error(path, 'placement-replicas', 'idcWeights only split totalReplicas', 'give totalReplicas, or remove idcWeights', p.idcWeights);
  }
  const minPerCluster = s.releaseKind === 'canary' ? 2 : 1;
  for (const cluster of placed.clusters) {
    const replicas = placed.replicas.get(cluster.name) ?? 0;
    if (replicas < minPerCluster) {
      problems.error(path, 'placement-replicas', `cluster ${cluster.name} gets ${replicas} replica(s) from the split; ${s.releaseKind === 'canary' ? 'a canary needs 2 (one stable, one gray)' : 'every chosen cluster needs 1'}`, 'raise totalReplicas, adjust idcWeights, or narrow the placement', replicas);
    } else if (replicas < HA_REPLICAS_PER_CLUSTER) {
      // Synthesizes, but one pod per cluster means a node drain or a rollout leaves the cluster without a ready pod:
      // said here, at the app's path, before the policy gate (require-min-replicas, mandatory) refuses the rollout.
      const fix = p.totalReplicas !== undefined
        ? `raise totalReplicas to at least ${HA_REPLICAS_PER_CLUSTER * placed.clusters.length} (${HA_REPLICAS_PER_CLUSTER} on each of the ${placed.clusters.length} chosen clusters), adjust idcWeights, or narrow the placement`
        : `set replicasPerCluster to ${HA_REPLICAS_PER_CLUSTER} or more`;
      problems.warning(path, 'placement-single-replica', `cluster ${cluster.name} gets ${replicas} replica: a node drain or a rollout leaves the app without a ready pod there, and the policy require-min-replicas refuses it`, fix, replicas);
    }
    if (cluster.name === 'management') problems.error(path, 'target-name', 'cluster "management" would write its apps into the management target\'s folder', 'rename the cluster', cluster.name);
    const pool = cluster.nodePools.find((np) => np.name === s.nodePool);
    if (!pool) {
      problems.error(path, 'node-pool-missing', `node pool "${s.nodePool}" does not exist in cluster ${cluster.name} (it has: ${cluster.nodePools.map((np) => np.name).join(', ') || 'none'})`, `add a "${s.nodePool}" pool to ${cluster.name}, choose another nodePool, or leave ${cluster.name} out of the placement`, s.nodePool);
      continue;
    }
    if (s.sidecarMode === SidecarMode.NATIVE && s.sidecars.length > 0) {
      for (const [what, text] of [['control plane', cluster.kubernetesVersion], [`node pool ${pool.name}`, pool.kubernetesVersion]] as const) {
        const v = parseKubernetesVersion(text);
        if (v && v.major === 1 && v.minor < NATIVE_SIDECAR_MINOR) {
          problems.error(path, 'native-sidecars', `native sidecars need Kubernetes 1.${NATIVE_SIDECAR_MINOR}, but the ${what} of cluster ${cluster.name} runs ${text}`, 'use SidecarMode.AUTO (the documented fallback on older clusters), or upgrade the cluster', text);
        }
      }
    }
  }
}

/** Deployments of two apps in one namespace of one cluster must not share a name (`pay-gray` the app and `pay`'s gray). */
export function checkObjectNames(apps: readonly AppTemplate[], placements: ReadonlyMap<AppTemplate, ResolvedPlacement>, problems: ProblemCollector): void {
  const owners = new Map<string, string>();
  for (const app of apps) {
    for (const cluster of placements.get(app)!.clusters) {
      for (const c of app.spec.channels) {
        const key = `${cluster.name}/${app.spec.namespace}/${app.spec.name}${c.suffix}`;
        const previous = owners.get(key);
        if (previous !== undefined && previous !== app.name) {
          problems.error(app.node.path, 'unique-names', `apps ${previous} and ${app.name} would both create Deployment "${app.spec.name}${c.suffix}" in namespace ${app.spec.namespace} of cluster ${cluster.name}`, 'rename one app, or give it another namespace', `${app.spec.name}${c.suffix}`);
        }
        owners.set(key, app.name);
      }
    }
  }
}
