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
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
