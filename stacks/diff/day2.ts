/**
 * The day-2 view of a diff: the base is taken as what runs. Transitions a running estate cannot take are refused,
 * and what the change does to running machines (rollouts, etcd membership steps, upgrades by wave) is listed.
 * Only the management files that differ are parsed: an unchanged cluster neither transitions nor rolls.
 */
import {
  KubeObject, MANAGEMENT_TARGET, OperationalImpact, operationalImpact, ProblemSeverity, readRunningEstate,
  RunningEstate, validateTransition,
} from '../../constructs/internal';
import { TransitionReport } from './model';
import { DocumentCache, fileObjects, Snapshot, SnapshotFile, targetOf } from './snapshot';

/** What the diff says about a running estate. */
export interface Day2Report {
  readonly transitions: TransitionReport;
  readonly impact: OperationalImpact;
}

function managementFiles(snapshot: Snapshot, target: string): Map<string, SnapshotFile> {
  return new Map(snapshot.files.filter((f) => targetOf(f) === target).map((f) => [f.path, f]));
}

/**
 * The documents the running state reads, in groups. A group is read for a cluster only when one of its documents
 * differs between the sides (an unchanged etcd has no membership step, unchanged pools roll nothing), except the
 * cluster and its control plane, which every rule needs. Parsing dominates the cost of a diff.
 */
const KIND_LINE = /^kind: (\S+)$/m;
function groupOf(kind: string): 'always' | 'etcd' | 'pools' | undefined {
  if (kind === 'Cluster' || kind === 'KubeadmControlPlane') return 'always';
  if (kind === 'Machine' || kind === 'Secret') return 'etcd';
  if (kind === 'MachineDeployment' || kind === 'KubeadmConfigTemplate' || kind.endsWith('MachineTemplate')) return 'pools';
  return undefined;
}

function isInfrastructureTemplate(kind: string): boolean {
  return kind.endsWith('MachineTemplate');
}

function templateKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.name}`;
}

/**
 * The running estates of both sides, read from the management files that differ (every file with `all`, for the
 * cluster and control plane only), each file reading only the groups of documents that differ in it.
 */
export function runningSides(
  base: Snapshot,
  head: Snapshot,
  all = false,
  target = MANAGEMENT_TARGET,
  cache = new DocumentCache(),
): { base: RunningEstate; head: RunningEstate } {
  const b = managementFiles(base, target);
  const h = managementFiles(head, target);
  const baseObjects: KubeObject[] = [];
  const headObjects: KubeObject[] = [];
  // A pool whose documents are the same on both sides rolls nothing: only the pools' documents that differ are read.
  // An infrastructure machine template whose name is not on the other side is known to roll its machines by its name
  // alone (templates are named after their content), so only its metadata is read.
  const read = (file: SnapshotFile, groups: ReadonlySet<string>, into: KubeObject[], unchanged?: readonly boolean[], other?: ReadonlySet<string>) => {
    if (file.text === undefined) {
      into.push(...fileObjects(file));
      return;
    }
    cache.documents(file).forEach((doc, i) => {
      const kind = KIND_LINE.exec(doc)?.[1] ?? '';
      const group = groupOf(kind);
      if (group === undefined || !groups.has(group) || (group === 'pools' && unchanged?.[i])) return;
      if (other && isInfrastructureTemplate(kind)) {
        const header = cache.headers(file, i);
        if (header.length === 1 && !other.has(templateKey(header[0]))) {
          into.push(header[0]);
          return;
        }
      }
      into.push(...cache.objects(file, i));
    });
  };
  /** The infrastructure machine templates among a file's documents that differ, by kind and name. */
  const templatesThatDiffer = (file: SnapshotFile, unchanged: readonly boolean[]): Set<string> => {
    const out = new Set<string>();
    cache.documents(file).forEach((doc, i) => {
      if (unchanged[i] || !isInfrastructureTemplate(KIND_LINE.exec(doc)?.[1] ?? '')) return;
      for (const o of cache.headers(file, i)) out.add(templateKey(o));
    });
    return out;
  };
  const everything = new Set(['always', 'etcd', 'pools']);
  for (const path of new Set([...b.keys(), ...h.keys()])) {
    const bf = b.get(path);
    const hf = h.get(path);
    if (!bf || !hf || bf.text === undefined || hf.text === undefined) {
      if (bf) read(bf, everything, baseObjects);
      if (hf) read(hf, everything, headObjects);
      continue;
    }
    if (bf.text === hf.text) {
      if (!all) continue;
      read(bf, new Set(['always']), baseObjects);
      read(hf, new Set(['always']), headObjects);
      continue;
    }
    const groups = new Set(['always']);
    const match = cache.match(bf, hf);
    for (const [docs, unchanged] of [[cache.documents(bf), match.inBase], [cache.documents(hf), match.inHead]] as const) {
      docs.forEach((doc, i) => {
        if (unchanged[i]) return;
        const group = groupOf(KIND_LINE.exec(doc)?.[1] ?? '');
        if (group) groups.add(group);
      });
    }
    if (groups.has('pools')) {
      read(bf, groups, baseObjects, match.inBase, templatesThatDiffer(hf, match.inHead));
      read(hf, groups, headObjects, match.inHead, templatesThatDiffer(bf, match.inBase));
    } else {
      read(bf, groups, baseObjects, match.inBase);
      read(hf, groups, headObjects, match.inHead);
    }
  }
  const estate = head.estate || base.estate;
  return { base: readRunningEstate(estate, baseObjects), head: readRunningEstate(estate, headObjects) };
}

/**
 * Judges the change from `base` (taken as running) to `head`. An empty base (a new estate) has nothing running:
 * no transition, no impact.
 */
export function day2Analysis(base: Snapshot, head: Snapshot, target = MANAGEMENT_TARGET, cache = new DocumentCache()): Day2Report {
  let sides = runningSides(base, head, false, target, cache);
  let impact = operationalImpact(sides.base, sides.head);
  // The wave rules compare an upgraded cluster with the clusters of earlier waves, whose files may be unchanged.
  if (impact.versionUpgrades.length > 0) {
    sides = runningSides(base, head, true, target, cache);
    impact = operationalImpact(sides.base, sides.head);
  }
  const problems = validateTransition(sides.base, sides.head);
  return {
    transitions: {
      refused: problems.filter((p) => p.severity === ProblemSeverity.ERROR),
      warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING),
    },
    impact,
  };
}
