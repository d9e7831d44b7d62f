/**
 * Builds lib/ once at a time: jest runs test files in parallel workers, and the package tests need the compiled
 * package. tsc is incremental (lib/.tsbuildinfo), so after `npm test`'s own build this takes a few seconds and writes
 * nothing. A lock directory serializes builds between workers.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO } from './public-api';

const LOCK = path.join(os.tmpdir(), `cluster-estate-build-${crypto.createHash('sha256').update(REPO).digest('hex').slice(0, 12)}.lock`);
const STALE_MS = 180_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function buildPackage(): void {
  const deadline = Date.now() + STALE_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS || Date.now() > deadline) fs.rmSync(LOCK, { recursive: true, force: true });
      sleep(200);
    }
  }
  try {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
    // What `npm run build` runs, without npm: tsc, then the bin's execute bit (lost when tsc creates the file anew).
    for (const args of [[tsc, '-p', 'tsconfig.build.json'], [path.join(REPO, '.ci/make-bins-executable.js')]]) {
      const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Installs a packed tarball into `project` offline, as `npm install` would lay it out: unpacked (modes kept) into
 * node_modules/cluster-estate, with each dependency its package.json declares (and @types/node, for a team's own
 * build) linked from this repository's node_modules. Returns the installed package's folder.
 */
export function installTarball(tarball: string, project: string): string {
  const installed = path.join(project, 'node_modules', 'cluster-estate');
  fs.mkdirSync(installed, { recursive: true });
  const r = spawnSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unpacking ${tarball} failed:\n${r.stdout}${r.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  for (const dep of [...Object.keys(manifest.dependencies ?? {}), '@types/node']) {
    const link = path.join(project, 'node_modules', dep);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules', dep), link, 'dir');
  }
  return installed;
}
