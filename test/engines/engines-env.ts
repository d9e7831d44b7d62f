/**
 * The real engines of `npm run test:engines`, as test/engines/provide.sh left them: the pinned versions
 * (test/engines/versions.env) and the absolute path of each binary (`engines.env` in the engines cache). A suite asks
 * for the binaries it needs with `describeWithBuiltEngines`: when one is missing, with `CI=true` the suite fails with
 * the reason provide.sh recorded; anywhere else it is skipped, and the skipped test's name carries the reason.
 */
import { existsSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isCi } from '../helpers/engines';

/** test/engines/versions.env. */
export const VERSIONS_FILE = path.resolve(__dirname, 'versions.env');

/** Parses `KEY=value` lines (comments and blank lines ignored). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** The pinned versions. */
export function pinnedVersions(): Record<string, string> {
  return parseEnvFile(readFileSync(VERSIONS_FILE, 'utf8'));
}

/** The engines cache root, as provide.sh computes it. */
export function enginesCache(): string {
  return process.env.ENGINES_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cluster-estate', 'engines');
}

/** The file provide.sh writes: `KEY=/abs/path` and `MISSING_<NAME>=reason` lines. */
export function enginesEnvFile(): string {
  return path.join(enginesCache(), 'engines.env');
}

/** What provide.sh recorded, or an empty record when it has not run. */
export function providedEngines(): Record<string, string> {
  const file = enginesEnvFile();
  return existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
}

/** Keys of the binaries the control-plane suites use. */
export type ControlPlaneBinary = 'ETCD_BIN' | 'KUBE_APISERVER_BIN' | 'KUBE_CONTROLLER_MANAGER_BIN' | 'KUBE_SCHEDULER_BIN' | 'KWOK_BIN' | 'KWOK_STAGES';

/** The result of looking up binaries: their paths, or why some are missing. */
export interface BuiltEngines<K extends string> {
  readonly paths: Partial<Record<K, string>>;
  readonly message: string;
}

/** Looks up each key in engines.env (an environment variable of the same name wins); never throws. */
export function findBuiltEngines<K extends string>(keys: readonly K[]): BuiltEngines<K> {
  const provided = providedEngines();
  const paths: Partial<Record<K, string>> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const p = process.env[key] ?? provided[key];
    if (p && existsSync(p)) {
      paths[key] = p;
      continue;
    }
    const name = key.replace(/_BIN$/, '');
    const reasons = Object.entries(provided).filter(([k]) => k.startsWith('MISSING_')).map(([k, v]) => `${k.slice(8)}: ${v}`);
    problems.push(p ? `${key}=${p} does not exist` : `${name} was not provided${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
  }
  const message = problems.length === 0 ? '' : `${[...new Set(problems)].join('; ')} - run: bash test/engines/provide.sh (paths in ${enginesEnvFile()})`;
  return { paths, message };
}

/** `describe` for a suite that needs built engines: fails in CI when one is missing, skips (saying why) elsewhere. */
export function describeWithBuiltEngines<K extends string>(
  name: string,
  keys: readonly K[],
  body: (bins: Readonly<Record<K, string>>) => void,
): void {
  const found = findBuiltEngines(keys);
  if (!found.message) {
    describe(name, () => body(found.paths as Record<K, string>));
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it(`needs ${keys.join(', ')}`, () => {
        throw new Error(`CI=true and ${found.message}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`[skipped] ${name}: ${found.message} (set CI=true to make this a failure)`);
  describe(name, () => {
    it.skip(`SKIPPED - ${found.message}`, () => undefined);
  });
}
