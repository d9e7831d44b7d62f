/**
 * Real engines for the integration tests (etcd, etcdctl, haproxy, openssl): where their binaries are, and what a
 * suite does when one is missing. With `CI=true` a missing binary fails the suite with a message that says which
 * binary and how to install it; anywhere else the suite is skipped, and the skipped test's name carries the same
 * message, so a missing engine is never a silent pass.
 */
import { accessSync, constants, statSync } from 'fs';
import * as path from 'path';

/** The binaries the integration tests run. */
export type Engine = 'etcd' | 'etcdctl' | 'haproxy' | 'openssl';

/** Debian package that ships each binary (`.ci/run` installs them when missing). */
export const ENGINE_PACKAGES: Readonly<Record<Engine, string>> = {
  etcd: 'etcd-server',
  etcdctl: 'etcd-client',
  haproxy: 'haproxy',
  openssl: 'openssl',
};

/**
 * Directories searched after PATH: Debian puts haproxy in /usr/sbin, which an unprivileged user's PATH often lacks.
 */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Environment variable that points at a binary explicitly, e.g. `ETCD_BIN=/opt/etcd/etcd`. */
export function engineEnvVar(engine: Engine): string {
  return `${engine.toUpperCase()}_BIN`;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of an engine's binary: `<ENGINE>_BIN` when set, else the first match on PATH, then the sbin dirs. */
export function findEngine(engine: Engine): string | undefined {
  const explicit = process.env[engineEnvVar(engine)];
  if (explicit) return isExecutableFile(explicit) ? path.resolve(explicit) : undefined;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, engine);
    if (isExecutableFile(candidate)) return path.resolve(candidate);
  }
  return undefined;
}

/** Whether the tests run in CI, where a missing engine is a failure rather than a skip. */
export function isCi(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci === 'true' || ci === '1';
}

/** The outcome of looking for a set of engines. */
export interface EngineCheck {
  /** Absolute path of each binary found. */
  readonly paths: Partial<Record<Engine, string>>;
  readonly missing: Engine[];
  /** Empty when nothing is missing; otherwise says what is missing and how to install it. */
  readonly message: string;
}

/** Looks for each engine; never throws. */
export function checkEngines(engines: readonly Engine[]): EngineCheck {
  const paths: Partial<Record<Engine, string>> = {};
  const missing: Engine[] = [];
  for (const engine of engines) {
    const found = findEngine(engine);
    if (found) paths[engine] = found;
    else missing.push(engine);
  }
  const packages = [...new Set(missing.map((e) => ENGINE_PACKAGES[e]))];
  const why = (e: Engine) => {
    const variable = engineEnvVar(e);
    const explicit = process.env[variable];
    return explicit ? `${e} (${variable}=${explicit} is not an executable file)` : `${e} (not on PATH nor in ${EXTRA_DIRS.join(':')}; ${variable} not set)`;
  };
  const message = missing.length === 0 ? '' :
    `missing engine binar${missing.length === 1 ? 'y' : 'ies'}: ${missing.map(why).join(', ')}; ` +
    `install with: apt-get install -y ${packages.join(' ')}`;
  return { paths, missing, message };
}

/** The resolved binaries handed to a suite's body. */
export type Engines<E extends Engine> = Readonly<Record<E, string>>;

/**
 * `describe` for a suite that needs real engines. When every binary is found, `body` runs with their paths. When one
 * is missing: with `CI=true` the suite holds a single test that fails with the message; elsewhere a single skipped
 * test whose name is the message (Jest lists it as skipped), and the message is also printed once.
 */
export function describeWithEngines<E extends Engine>(name: string, engines: readonly E[], body: (bins: Engines<E>) => void): void {
  const check = checkEngines(engines);
  if (check.missing.length === 0) {
    describe(name, () => body(check.paths as Engines<E>));
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it(`needs ${engines.join(', ')}`, () => {
        throw new Error(`CI=true and ${check.message}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`[skipped] ${name}: ${check.message} (set CI=true to make this a failure)`);
  describe(name, () => {
    it.skip(`SKIPPED - ${check.message}`, () => undefined);
  });
}
