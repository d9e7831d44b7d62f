import { parseKubernetesVersion } from '../estate/kubernetes-version';
import { ProblemCollector } from '../estate/problems';
import { Estate } from '../estate/estate';
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
    problems.error({
      path,
      rule: 'placement',
      message: 'the placement chooses no cluster',
      fix: 'give placement.clusters, placement.groups or placement.idcs',
      value: p,
    });
    return;
  }
  // A team looks clusters up by name in the platform's estate: a name that is not there arrives here as undefined.
  const known = {
    cluster: () => [...index.keys()],
    group: () => [...new Set(estate.clusters.map((c) => c.group.name))],
    IDC: () => estate.idcs.map((i) => i.name),
  };
  let unknown = false;
  for (const [what, field, list] of [['cluster', 'clusters', p.clusters], ['group', 'groups', p.groups], ['IDC', 'idcs', p.idcs]] as const) {
    (list ?? []).forEach((c, i) => {
      if (!c) {
        unknown = true;
        problems.error({
          path,
          rule: 'placement-unknown',
          message: `placement.${field}[${i}] is ${c === null ? 'null' : 'undefined'}: no such ${what} in estate ${estate.name} (a lookup by name found nothing)`,
          fix: `use one of estate ${estate.name}'s ${what}s: ${known[what]().join(', ') || 'none'}`,
          value: c,
        });
      } else if (c.node.root !== estate) {
        problems.error({
          path,
          rule: 'placement',
          message: `placement.${field}[${i}] is ${what} ${c.name} of another estate object`,
          fix: `take the ${what} from the estate the app is added to (${estate.name}), not from a second copy of it`,
          value: c.node.path,
        });
      }
    });
  }
  if (unknown) return;
  for (const c of p.clusters ?? []) {
    if (c && c.node.root === estate && !index.has(c.name)) problems.warning({
      path,
      rule: 'placement-stale',
      message: `placement names cluster ${c.name}, which is no longer part of the estate`,
      fix: `remove ${c.name} from placement.clusters`,
      value: c.name,
    });
  }
  if ((p.replicasPerCluster === undefined) === (p.totalReplicas === undefined)) {
    problems.error({
      path,
      rule: 'placement-replicas',
      message: 'give exactly one of replicasPerCluster and totalReplicas',
      fix: 'state replicas per cluster, or a total split by IDC weight',
      value: { replicasPerCluster: p.replicasPerCluster, totalReplicas: p.totalReplicas },
    });
    return;
  }
  const count = p.replicasPerCluster ?? p.totalReplicas!;
  if (!Number.isInteger(count) || count < 1) {
    problems.error({
      path,
      rule: 'placement-replicas',
      message: 'replicas must be a whole number, 1 or more',
      fix: 'state how many replicas the app needs',
      value: count,
    });
    return;
  }
  if (placed.clusters.length === 0) {
    problems.error({
      path,
      rule: 'placement',
      message: 'the placement matches no cluster: its selectors narrow one another (cluster and group and IDC)',
      fix: 'check that the listed clusters belong to the listed groups and IDCs',
    });
    return;
  }
  if (p.idcWeights) {
    const idcs = new Set(placed.clusters.map((c) => c.idc.name));
    for (const [idc, w] of Object.entries(p.idcWeights)) {
      if (!idcs.has(idc)) problems.warning({
        path,
        rule: 'placement-replicas',
        message: `idcWeights names IDC "${idc}", where the app has no cluster: the weight is ignored`,
        fix: `weigh only ${[...idcs].sort().join(', ')}`,
        value: idc,
      });
      if (!(Number.isFinite(w) && w >= 0)) problems.error({
        path,
        rule: 'placement-replicas',
        message: `the weight of IDC ${idc} must be a number, 0 or more`,
        fix: 'use relative weights such as 1 and 2',
        value: w,
      });
    }
    if (p.totalReplicas === undefined) problems.error({
      path,
      rule: 'placement-replicas',
      message: 'idcWeights only split totalReplicas',
      fix: 'give totalReplicas, or remove idcWeights',
      value: p.idcWeights,
    });
  }
  const minPerCluster = s.releaseKind === 'canary' ? 2 : 1;
  for (const cluster of placed.clusters) {
    const replicas = placed.replicas.get(cluster.name) ?? 0;
    if (replicas < minPerCluster) {
      problems.error({
        path,
        rule: 'placement-replicas',
        message: `cluster ${cluster.name} gets ${replicas} replica(s) from the split; ${s.releaseKind === 'canary' ? 'a canary needs 2 (one stable, one gray)' : 'every chosen cluster needs 1'}`,
        fix: 'raise totalReplicas, adjust idcWeights, or narrow the placement',
        value: replicas,
      });
    } else if (replicas < HA_REPLICAS_PER_CLUSTER) {
      // Synthesizes, but one pod per cluster means a node drain or a rollout leaves the cluster without a ready pod:
      // said here, at the app's path, before the policy gate (require-min-replicas, mandatory) refuses the rollout.
      const fix = p.totalReplicas !== undefined
        ? `raise totalReplicas to at least ${HA_REPLICAS_PER_CLUSTER * placed.clusters.length} (${HA_REPLICAS_PER_CLUSTER} on each of the ${placed.clusters.length} chosen clusters), adjust idcWeights, or narrow the placement`
        : `set replicasPerCluster to ${HA_REPLICAS_PER_CLUSTER} or more`;
      problems.warning({
        path,
        rule: 'placement-single-replica',
        message: `cluster ${cluster.name} gets ${replicas} replica: a node drain or a rollout leaves the app without a ready pod there, and the policy require-min-replicas refuses it`,
        fix,
        value: replicas,
      });
    }
    if (cluster.name === 'management') problems.error({
      path,
      rule: 'target-name',
      message: 'cluster "management" would write its apps into the management target\'s folder',
      fix: 'rename the cluster',
      value: cluster.name,
    });
    const pool = cluster.nodePools.find((np) => np.name === s.nodePool);
    if (!pool) {
      problems.error({
        path,
        rule: 'node-pool-missing',
        message: `node pool "${s.nodePool}" does not exist in cluster ${cluster.name} (it has: ${cluster.nodePools.map((np) => np.name).join(', ') || 'none'})`,
        fix: `add a "${s.nodePool}" pool to ${cluster.name}, choose another nodePool, or leave ${cluster.name} out of the placement`,
        value: s.nodePool,
      });
      continue;
    }
    if (s.sidecarMode === SidecarMode.NATIVE && s.sidecars.length > 0) {
      for (const [what, text] of [['control plane', cluster.kubernetesVersion], [`node pool ${pool.name}`, pool.kubernetesVersion]] as const) {
        const v = parseKubernetesVersion(text);
        if (v && v.major === 1 && v.minor < NATIVE_SIDECAR_MINOR) {
          problems.error({
            path,
            rule: 'native-sidecars',
            message: `native sidecars need Kubernetes 1.${NATIVE_SIDECAR_MINOR}, but the ${what} of cluster ${cluster.name} runs ${text}`,
            fix: 'use SidecarMode.AUTO (the documented fallback on older clusters), or upgrade the cluster',
            value: text,
          });
        }
      }
    }
  }
}

/** Deployments of two apps in one namespace of one cluster must not share a name (`pay-gray` the app and `pay`'s gray). */
export function checkObjectNames(
  apps: readonly AppTemplate[],
  placements: ReadonlyMap<AppTemplate, ResolvedPlacement>,
  problems: ProblemCollector,
): void {
  const owners = new Map<string, string>();
  for (const app of apps) {
    for (const cluster of placements.get(app)!.clusters) {
      for (const c of app.spec.channels) {
        const key = `${cluster.name}/${app.spec.namespace}/${app.spec.name}${c.suffix}`;
        const previous = owners.get(key);
        if (previous !== undefined && previous !== app.name) {
          problems.error({
            path: app.node.path,
            rule: 'unique-names',
            message: `apps ${previous} and ${app.name} would both create Deployment "${app.spec.name}${c.suffix}" in namespace ${app.spec.namespace} of cluster ${cluster.name}`,
            fix: 'rename one app, or give it another namespace',
            value: `${app.spec.name}${c.suffix}`,
          });
        }
        owners.set(key, app.name);
      }
    }
  }
}
