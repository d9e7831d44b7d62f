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
import { fileObjects, Snapshot, SnapshotFile, targetOf } from './snapshot';

/** What the diff says about a running estate. */
export interface Day2Report {
  readonly transitions: TransitionReport;
  readonly impact: OperationalImpact;
}

function managementFiles(snapshot: Snapshot, target: string): Map<string, SnapshotFile> {
  return new Map(snapshot.files.filter((f) => targetOf(f) === target).map((f) => [f.path, f]));
}

/** The running estates of both sides, read from the management files; only files that differ, unless `all`. */
export function runningSides(base: Snapshot, head: Snapshot, all = false, target = MANAGEMENT_TARGET): { base: RunningEstate; head: RunningEstate } {
  const b = managementFiles(base, target);
  const h = managementFiles(head, target);
  const pick = (own: Map<string, SnapshotFile>, other: Map<string, SnapshotFile>): KubeObject[] => {
    const objects: KubeObject[] = [];
    for (const [p, f] of own) {
      const o = other.get(p);
      const unchanged = o !== undefined && f.text !== undefined && f.text === o.text;
      if (all || !unchanged) objects.push(...fileObjects(f));
    }
    return objects;
  };
  const estate = head.estate || base.estate;
  return { base: readRunningEstate(estate, pick(b, h)), head: readRunningEstate(estate, pick(h, b)) };
}

/**
 * Judges the change from `base` (taken as running) to `head`. An empty base (a new estate) has nothing running:
 * no transition, no impact.
 */
export function day2Analysis(base: Snapshot, head: Snapshot, target = MANAGEMENT_TARGET): Day2Report {
  let sides = runningSides(base, head, false, target);
  let impact = operationalImpact(sides.base, sides.head);
  // The wave rules compare an upgraded cluster with the clusters of earlier waves, whose files may be unchanged.
  if (impact.versionUpgrades.length > 0) {
    sides = runningSides(base, head, true, target);
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
