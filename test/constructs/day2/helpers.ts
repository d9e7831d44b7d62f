/**
 * Day-2 fixtures: the reference estate as it runs (its synthesis read back as a RunningEstate), and edited copies of
 * it, each made through the constructs as an edited estate file would build them.
 */
import { Cluster, Estate, MANAGEMENT_TARGET, readRunningEstate, RunningEstate, Synthesis, synthesize } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { REFERENCE_TIMES } from '../../helpers/reference';

/** Daily clusters only: the promotion is dormant. */
export const DAY2_AS_OF = REFERENCE_TIMES.dormantBefore;

export function clusterOf(estate: Estate, name: string): Cluster {
  const found = estate.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`no cluster ${name}`);
  return found;
}

/** The management objects of a synthesis, read as what runs. */
export function runningOf(synthesis: Synthesis): RunningEstate {
  return readRunningEstate(synthesis.plan.estate, synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects);
}

/** The reference estate, edited, synthesized against `base` when given (as `estate synth --base-dir` does). */
export function edited(edit: (estate: Estate) => void = () => undefined, base?: RunningEstate, asOf: Date = DAY2_AS_OF): Synthesis {
  const estate = referenceEstate();
  edit(estate);
  return synthesize(estate, { asOf, ...(base ? { base } : {}) });
}

/** Sets a constructed value, as an edited estate file would have built it. */
export function set<T extends object>(target: T, values: Partial<Record<keyof T, unknown>>): void {
  Object.assign(target as object, values);
}

/** Changes the etcd placement (memberZones) of a cluster. */
export function setMemberZones(cluster: Cluster, zones: string[]): void {
  const etcd = cluster.etcd as unknown as { props: Record<string, unknown> };
  etcd.props = { ...etcd.props, memberZones: zones };
}

/** Every node pool of a cluster gets this Kubernetes version. */
export function setPoolVersions(cluster: Cluster, version: string): void {
  for (const pool of cluster.nodePools) {
    const p = pool as unknown as { props: Record<string, unknown> };
    p.props = { ...p.props, kubernetesVersion: version };
  }
}
