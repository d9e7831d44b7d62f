import type { Cluster } from '../estate/cluster';
import type { ClusterGroup } from '../estate/cluster-group';
import type { Estate, Idc } from '../estate/estate';

/**
 * Where an app runs and how many replicas it has there. The selectors narrow one another: a cluster is chosen when
 * it is listed in `clusters` (if given), belongs to one of `groups` (if given) and sits in one of `idcs` (if given),
 * so `{ groups: [daily], idcs: [hz1, sz1] }` means the daily clusters of hz1 and sz1. At least one selector is needed.
 *
 * Replicas are the app's normal minimum per cluster: the autoscaler's lower bound (or the fixed count). Give either
 * `replicasPerCluster`, or `totalReplicas`, which is split over the chosen clusters' IDCs by `idcWeights` (largest
 * remainder), then evenly over the clusters of each IDC. The split covers every chosen cluster, whether its group
 * exists at the as-of time or not, so a cluster's share never jumps when a peak group comes and goes.
 */
export interface AppPlacementProps {
  /** @default - no restriction by cluster */
  readonly clusters?: Cluster[];
  /** @default - no restriction by group */
  readonly groups?: ClusterGroup[];
  /** @default - no restriction by IDC */
  readonly idcs?: Idc[];
  /** Replicas on every chosen cluster. Give this or `totalReplicas`. @default - none */
  readonly replicasPerCluster?: number;
  /** Replicas across all chosen clusters, split by IDC weight. @default - none */
  readonly totalReplicas?: number;
  /** Weight of each IDC (by name) in the split of `totalReplicas`. @default - every IDC of the chosen clusters weighs 1 */
  readonly idcWeights?: Record<string, number>;
}

/** The clusters a placement chooses, in estate order. */
export function placementClusters(estate: Estate, placement: AppPlacementProps): Cluster[] {
  return filterPlacement(estate.clusters, placement);
}

/**
 * `placementClusters` over a list of clusters already collected. Clusters, groups and IDCs are matched by name (names
 * are unique in an estate), so a cluster rebuilt under the same name stays chosen.
 */
export function filterPlacement(all: readonly Cluster[], placement: AppPlacementProps, index?: ClusterIndex): Cluster[] {
  const clusters = placement.clusters ? new Set(placement.clusters.map((c) => c?.name)) : undefined;
  const groups = placement.groups ? new Set(placement.groups.map((g) => g?.name)) : undefined;
  const idcs = placement.idcs ? new Set(placement.idcs.map((i) => i?.name)) : undefined;
  if (!clusters && !groups && !idcs) return [];
  const keep = (c: Cluster) => (!groups || groups.has(c.group.name)) && (!idcs || idcs.has(c.idc.name));
  if (clusters && index) {
    // Listed clusters: look them up instead of scanning the estate (in estate order all the same).
    const found: [number, Cluster][] = [];
    for (const name of clusters) {
      const at = name === undefined ? undefined : index.get(name);
      if (at && keep(at.cluster)) found.push([at.position, at.cluster]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  }
  return all.filter((c) => (!clusters || clusters.has(c.name)) && keep(c));
}

/**
 * The estate's clusters by name, with their position in estate order.
 * @internal
 */
export type ClusterIndex = ReadonlyMap<string, { readonly cluster: Cluster; readonly position: number }>;

/** Indexes clusters by name (the first of a name wins, as validation reports duplicates). */
export function indexClusters(all: readonly Cluster[]): ClusterIndex {
  const index = new Map<string, { cluster: Cluster; position: number }>();
  all.forEach((cluster, position) => {
    if (!index.has(cluster.name)) index.set(cluster.name, { cluster, position });
  });
  return index;
}

/**
 * A cluster as the split sees it.
 * @internal
 */
export interface SplitCluster {
  readonly name: string;
  readonly idc: string;
}

/**
 * Splits `total` replicas over clusters: first over their IDCs by weight (largest remainder; ties go to the IDC that
 * sorts first), then evenly over the clusters of each IDC (the first by name get one more). Pure and deterministic.
 * @internal
 */
export function splitReplicas(total: number, clusters: readonly SplitCluster[], weights: Readonly<Record<string, number>> = {}): Map<string, number> {
  const byIdc = new Map<string, string[]>();
  for (const c of clusters) {
    const list = byIdc.get(c.idc) ?? [];
    list.push(c.name);
    byIdc.set(c.idc, list);
  }
  const idcs = [...byIdc.keys()].sort();
  const weight = (idc: string) => weights[idc] ?? 1;
  const sum = idcs.reduce((s, idc) => s + weight(idc), 0);
  const shares = new Map<string, number>();
  if (sum <= 0) {
    for (const idc of idcs) shares.set(idc, 0);
  } else {
    const exact = idcs.map((idc) => ({ idc, exact: (total * weight(idc)) / sum }));
    let given = 0;
    for (const e of exact) {
      shares.set(e.idc, Math.floor(e.exact));
      given += Math.floor(e.exact);
    }
    const byRemainder = [...exact].sort((a, b) => (b.exact - Math.floor(b.exact)) - (a.exact - Math.floor(a.exact)) || (a.idc < b.idc ? -1 : 1));
    for (let i = 0; given < total && i < byRemainder.length; i++, given++) shares.set(byRemainder[i].idc, shares.get(byRemainder[i].idc)! + 1);
  }
  const out = new Map<string, number>();
  for (const idc of idcs) {
    const names = [...byIdc.get(idc)!].sort();
    const share = shares.get(idc)!;
    names.forEach((name, i) => out.set(name, Math.floor(share / names.length) + (i < share % names.length ? 1 : 0)));
  }
  return out;
}
