/**
 * The `estate` command keeps working after a clean build and from the packed tarball. tsc creates files without the
 * execute bit, so after `npm run clean && npm run build` (what `npm pack` runs through `prepack`) the compiled bin
 * used to be mode 0644: `npx estate` then failed with "Permission denied" once npm had linked the package before,
 * and so did the bin of a tarball packed from that build.
 *
 * Runs in a copy of the sources: a clean build here would delete lib/ under the other test files' feet. npm runs
 * offline with a cache of its own, so npx links the package afresh and nothing outside the copy changes.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildPackage, installTarball } from './build';
import { REPO } from './public-api';

const BIN = 'lib/stacks/cli/main.js';
/** What `npm run build` needs: the sources, the configurations and the build's own scripts. */
const SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', '.ci', 'constructs', 'policies', 'stacks', 'README.md', 'CHANGELOG.md'];

let temp: string;
let copy: string;
let npmEnv: NodeJS.ProcessEnv;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const executable = (file: string) => (fs.statSync(file).mode & 0o111) === 0o111;

beforeAll(() => {
  buildPackage();
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-bin-'));
  copy = path.join(temp, 'cluster-estate');
  for (const entry of SOURCES) fs.cpSync(path.join(REPO, entry), path.join(copy, entry), { recursive: true });
  fs.cpSync(path.join(REPO, 'lib'), path.join(copy, 'lib'), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  npmEnv = {
    ...process.env,
    npm_config_cache: path.join(temp, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // The developer ran `npx estate` once before: npm linked the package (and made the bin executable then).
  ok(run('npx', ['estate', '--help'], copy), 'npx estate --help before the clean build');
  ok(run('npm', ['run', 'clean'], copy), 'npm run clean');
  expect(fs.existsSync(path.join(copy, 'lib'))).toBe(false);
  ok(run('npm', ['run', 'build'], copy), 'npm run build');
}, 300_000);

afterAll(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

describe('after npm run clean && npm run build', () => {
  test('the compiled bin starts with #! and is executable', () => {
    const bin = path.join(copy, BIN);
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(executable(bin)).toBe(true);
  });

  test('npx estate --help works where npm had linked the package before', () => {
    const r = run('npx', ['estate', '--help'], copy);
    expect(r.stderr).not.toMatch(/Permission denied/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: estate \[options\] \[command\]/);
  }, 120_000);
});

describe('the tarball packed from that build', () => {
  let installed: string;

  beforeAll(() => {
    // `npm pack` would run prepack (clean, then build) again: the build above is exactly what it leaves.
    const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp], copy), 'npm pack');
    const { filename } = (JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[])[0];
    const listing = ok(run('tar', ['-tvzf', path.join(temp, filename)], temp), 'listing the tarball');
    expect(listing).toMatch(new RegExp(`^-rwxr-xr-x .* package/${BIN.replace(/\./g, '\\.')}$`, 'm'));
    installed = installTarball(path.join(temp, filename), path.join(temp, 'team'));
  }, 120_000);

  test('has the bin package.json names, executable as unpacked', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ estate: BIN });
    expect(executable(path.join(installed, BIN))).toBe(true);
  });

  test('runs as a command, without naming node', () => {
    const r = run(path.join(installed, BIN), ['--help'], path.join(temp, 'team'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: estate \[options\] \[command\]/);
  });
});
