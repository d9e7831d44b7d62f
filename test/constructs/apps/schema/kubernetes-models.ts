import { spawnSync } from 'child_process';
import * as path from 'path';

const SCRIPT = path.join(__dirname, 'validate-with-kubernetes-models.mjs');

/**
 * Validates objects with `kubernetes-models` (ESM only) in a child `node` process: for each object, the schema errors
 * (empty when valid). One process for the whole list.
 */
export function validateWithKubernetesModels(objects: readonly object[]): string[][] {
  const run = spawnSync(process.execPath, [SCRIPT], { input: JSON.stringify(objects), cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`kubernetes-models validation failed to run (exit ${run.status}): ${run.stderr}`);
  const results = JSON.parse(run.stdout) as string[][];
  if (results.length !== objects.length) throw new Error(`kubernetes-models validated ${results.length} of ${objects.length} objects`);
  return results;
}
