/**
 * The package as a product team gets it: `npm pack`, install the tarball into a new project outside this repository,
 * compile the team program of README.md ("Product teams") with TypeScript against the public API, run it, and check
 * that it synthesizes a valid app onto clusters of the reference estate.
 *
 * Offline install: the tarball is unpacked into the consumer's node_modules/cluster-estate (what `npm install` does),
 * and each dependency the packed package.json declares is linked from this repository's node_modules (installed by
 * `npm ci`), so no registry is needed. The consumer lives in the system temp folder: a module the package requires
 * without declaring it is not found, as it would not be in a team's repository.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { validateWithKubernetesModels } from '../constructs/apps/schema/kubernetes-models';
import { buildPackage, installTarball } from './build';
import { REPO } from './public-api';

interface PackResult { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }
// The packed library's objects, read back from JSON: the test indexes into them freely.
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [k: string]: any;
}

const TEAM_EXAMPLE = /<!-- team-example: (\S+) -->\s*```(?:ts|json)\n([\s\S]*?)```/g;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The team project's files, exactly as README.md shows them. */
function readmeTeamFiles(): Record<string, string> {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  return Object.fromEntries([...readme.matchAll(TEAM_EXAMPLE)].map((m) => [m[1], m[2]]));
}

let temp: string;
let pack: PackResult;
let consumer: string;

beforeAll(() => {
  buildPackage();
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-estate-consumer-'));
  const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp], REPO), 'npm pack');
  pack = (JSON.parse(out.slice(out.indexOf('['))) as PackResult[])[0];

  consumer = path.join(temp, 'checkout');
  // The package's declared dependencies, and what the team itself uses to build (TypeScript is run from this repo).
  installTarball(path.join(temp, pack.filename), consumer);
  for (const [file, text] of Object.entries(readmeTeamFiles())) {
    fs.mkdirSync(path.dirname(path.join(consumer, file)), { recursive: true });
    fs.writeFileSync(path.join(consumer, file), text);
  }
}, 120_000);

afterAll(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

describe('npm pack', () => {
  const files = () => pack.files.map((f) => f.path).sort();

  it('ships compiled JavaScript, declarations, the README, the CHANGELOG and the estate command, nothing else', () => {
    const unexpected = files().filter((f) => !(
      /^lib\/(constructs|policies|stacks\/(cli|diff|estates))\/.+\.(js|d\.ts)$/.test(f)
      || ['package.json', 'README.md', 'CHANGELOG.md'].includes(f)));
    expect(unexpected).toEqual([]);
  });

  it('has no TypeScript sources, tests, benches, build info or Pulumi program', () => {
    const forbidden = files().filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts'))
      || /(^|\/)(test|bench)\//.test(f) || f.includes('tsbuildinfo') || f.startsWith('lib/stacks/pulumi/') || f.startsWith('lib/docs/'));
    expect(forbidden).toEqual([]);
  });

  it('has every entry point of package.json "exports", with its declarations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>)
      .flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t))).map((t) => t.replace(/^\.\//, ''));
    expect(targets.filter((t) => !files().includes(t))).toEqual([]);
    expect(files()).toEqual(expect.arrayContaining(['lib/stacks/cli/main.js']));
    // Recorded for the report of the change: size and count.
    expect(pack.entryCount).toBe(pack.files.length);
    expect(pack.size).toBeLessThan(2_000_000);
  });
});

describe('a team project that installs the tarball', () => {
  it('README shows the team project in full (package.json, tsconfig.json, src/checkout.ts)', () => {
    expect(Object.keys(readmeTeamFiles()).sort()).toEqual(['package.json', 'src/checkout.ts', 'tsconfig.json']);
  });

  it('compiles against the public API (strict, node16 resolution through "exports"), runs, and synthesizes the app', () => {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
    ok(run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer), 'tsc (the team program)');
    const stdout = ok(run(process.execPath, ['lib/checkout.js', 'dist'], consumer), 'the team program');
    expect(stdout).toMatch(/^checkout: 2 cluster\(s\), policies pass$/m);

    const objects = ['trade-hz1', 'trade-sz1'].flatMap((cluster) => {
      const file = path.join(consumer, 'dist', 'reference', cluster, 'shop.yaml');
      return (yaml.loadAll(fs.readFileSync(file, 'utf8')) as KubeObject[]).map((o) => ({ cluster, o }));
    });
    const of = (cluster: string, kind: string) => objects.filter((x) => x.cluster === cluster && x.o.kind === kind && x.o.metadata.name === 'checkout').map((x) => x.o);
    const [deployment] = of('trade-hz1', 'Deployment');
    expect(deployment.metadata.labels).toMatchObject({ 'cluster-estate.io/app': 'checkout', 'cluster-estate.io/cluster': 'trade-hz1', 'cluster-estate.io/idc': 'hz1', 'app.kubernetes.io/part-of': 'shop' });
    const pod = deployment.spec.template.spec;
    const main = pod.containers.find((c: { name: string }) => c.name === 'checkout');
    expect(main.image).toBe('registry.estate.internal/shop/checkout:2.4.1');
    expect(main.lifecycle.postStart.exec.command.join(' ')).toContain('online');
    expect(main.lifecycle.preStop.exec.command.join(' ')).toContain('offline');
    expect(main.readinessProbe).toBeDefined();
    expect(main.startupProbe).toBeDefined();
    expect(main.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // trade-hz1 runs Kubernetes 1.31: the sidecars are native (init containers that keep running), started first.
    expect(pod.initContainers.map((c: { name: string; restartPolicy?: string }) => `${c.name}:${c.restartPolicy}`)).toEqual(expect.arrayContaining(['mesh-proxy:Always', 'ops-agent:Always']));
    expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toContain('topology.kubernetes.io/zone');
    expect(JSON.stringify(pod.affinity.nodeAffinity)).toContain('general');
    expect(deployment.spec.replicas).toBeUndefined(); // the autoscaler owns the replicas
    expect(of('trade-hz1', 'HorizontalPodAutoscaler')[0].spec).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
    expect(of('trade-hz1', 'PodDisruptionBudget')[0].spec.maxUnavailable).toBe('10%');
    expect(of('trade-hz1', 'Service')[0].spec.trafficDistribution).toBe('PreferClose');
    expect(of('trade-sz1', 'Deployment')).toHaveLength(1);

    const errors = validateWithKubernetesModels(objects.map((x) => x.o));
    expect(objects.map((x, i) => ({ id: `${x.cluster}/${x.o.kind}/${x.o.metadata.name}`, errors: errors[i] })).filter((r) => r.errors.length > 0)).toEqual([]);
  }, 120_000);

  it('cannot reach inside the package: only the entry points of "exports" resolve', () => {
    const probe = [
      "for (const id of ['cluster-estate', 'cluster-estate/policies', 'cluster-estate/estates', 'cluster-estate/lib/constructs/estate/estate', 'cluster-estate/lib/constructs/internal']) {",
      "  try { require(id); console.log(id, 'ok'); } catch (e) { console.log(id, e.code); }",
      '}',
    ].join('\n');
    const out = ok(run(process.execPath, ['-e', probe], consumer), 'resolving entry points');
    expect(out.trim().split('\n')).toEqual([
      'cluster-estate ok', 'cluster-estate/policies ok', 'cluster-estate/estates ok',
      'cluster-estate/lib/constructs/estate/estate ERR_PACKAGE_PATH_NOT_EXPORTED',
      'cluster-estate/lib/constructs/internal ERR_PACKAGE_PATH_NOT_EXPORTED',
    ]);
  });

  it('fails to compile when the program uses an export the package does not have', () => {
    fs.writeFileSync(path.join(consumer, 'src', 'missing.ts'), "import { requireScope } from 'cluster-estate';\nexport const used = requireScope;\n");
    try {
      const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
      const r = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], consumer);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/src\/missing\.ts.*has no exported member.*requireScope/);
    } finally {
      fs.rmSync(path.join(consumer, 'src', 'missing.ts'));
    }
  }, 60_000);

  it('runs the estate command from the tarball', () => {
    const installed = path.join(consumer, 'node_modules', 'cluster-estate');
    const bin = path.join(installed, JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).bin.estate);
    expect(fs.readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const out = ok(run(process.execPath, [bin, 'synth', '--estate', 'reference', '--as-of', '2026-06-01T00:00:00+08:00', '--out', path.join(temp, 'synth'), '--format', 'json'], consumer), 'estate synth');
    expect(out).toContain('"asOf"');
    expect(fs.existsSync(path.join(temp, 'synth', 'reference', 'management'))).toBe(true);
  }, 60_000);
});
