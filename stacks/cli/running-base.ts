/**
 * The running estate a command judges a change against: a folder that `estate synth` wrote (`--base-dir`), read as
 * what runs. Every management object of it is read (`readRunningEstate`).
 */
import * as path from 'path';
import { MANAGEMENT_TARGET, readRunningEstate, RunningEstate } from '../../constructs/internal';
import { fileObjects, loadSnapshotDir, Snapshot, targetOf } from '../diff';

/** A base folder, loaded. */
export interface RunningBase {
  readonly dir: string;
  readonly snapshot: Snapshot;
  readonly running: RunningEstate;
}

/** Loads a base folder (`<out>/<estate>` or `<out>`, as `estate diff --base-dir` takes it). Throws EstateInputError. */
export function loadRunningBase(dir: string, cwd: string, estate?: string): RunningBase {
  const absolute = path.resolve(cwd, dir);
  const snapshot = loadSnapshotDir(absolute, estate);
  const objects = snapshot.files.filter((f) => targetOf(f) === MANAGEMENT_TARGET).flatMap((f) => [...fileObjects(f)]);
  return { dir: absolute, snapshot, running: readRunningEstate(snapshot.estate, objects) };
}
