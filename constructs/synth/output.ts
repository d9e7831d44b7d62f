import * as path from 'path';
import { summarize } from './summary';
import { Synthesis } from './synthesize';
import { OutputFile, SUMMARY_FILE, targetFiles, writeFiles } from './writer';

/** Every file of a synthesis: each target's objects, and the summary (as-of, phases, capacity) as `estate.json`. */
export function synthesisFiles(synthesis: Synthesis): OutputFile[] {
  const files = synthesis.targets.flatMap((t) => targetFiles(t.name, t.objects));
  files.push({ path: SUMMARY_FILE, text: `${JSON.stringify(summarize(synthesis), null, 2)}\n` });
  return files;
}

/** Writes a synthesis to `<outDir>/<estate>/` and returns that folder. */
export function writeSynthesis(synthesis: Synthesis, outDir: string): string {
  const dir = path.join(outDir, synthesis.plan.estate);
  writeFiles(dir, synthesisFiles(synthesis));
  return dir;
}
