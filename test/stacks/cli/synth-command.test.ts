import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../../stacks/cli/main';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/estates');

async function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

describe('estate synth', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-cli-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('renders the reference estate by default and prints targets, kinds, capacity and phase', async () => {
    const { code, out } = await run(['synth', '--as-of', '2026-11-11T00:00:00+08:00'], tmp);
    expect(code).toBe(0);
    expect(out).toContain('estate reference as of 2026-11-10T16:00:00.000Z');
    expect(out).toContain('promotion double-11: peak');
    expect(out).toMatch(/management: \d+ objects/);
    expect(out).toMatch(/KubeadmControlPlane\s+8/);
    expect(out).toMatch(/capacity by group:\n {2}daily .* machines · .* vCPU · .* GiB/);
    expect(out).toMatch(/capacity by region:\n {2}cn-east/);
    expect(fs.existsSync(path.join(tmp, 'dist/reference/management/trade-hz1.yaml'))).toBe(true);
  });

  test('--format json is stable: same input, same document', async () => {
    const args = ['synth', '--format', 'json', '--as-of', '2026-10-21T00:00:00+08:00', '--out', 'out'];
    const first = await run(args, tmp);
    const second = await run(args, tmp);
    expect(first.code).toBe(0);
    expect(second.out).toBe(first.out);
    const doc = JSON.parse(first.out);
    expect(doc.ok).toBe(true);
    expect(doc.outDir).toBe(path.join('out', 'reference'));
    expect(doc.summary.promotions[0]).toMatchObject({ name: 'double-11', phase: 'preparing', batch: 0 });
    expect(doc.summary.targets[0].name).toBe('management');
    expect(Object.keys(doc.summary.capacityByRegion)).toEqual(['cn-east', 'cn-north', 'cn-south']);
  });

  test('an invalid estate exits 2 and lists every problem', async () => {
    const { code, err } = await run(['synth', '--estate', path.join(FIXTURES, 'invalid.ts')], tmp);
    expect(code).toBe(2);
    for (const rule of ['etcd-odd-member-count', 'control-plane-replicas', 'cidr-overlap', 'version-skew']) expect(err).toContain(rule);
    expect(err).toContain('broken/daily/a/Etcd');
    expect(err).toContain('Fix:');
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('an invalid estate in JSON form lists the problems with path, rule, value and fix', async () => {
    const { code, out } = await run(['synth', '--format', 'json', '--estate', path.join(FIXTURES, 'invalid.ts')], tmp);
    expect(code).toBe(2);
    const doc = JSON.parse(out);
    expect(doc.ok).toBe(false);
    const etcd = doc.problems.find((p: { rule: string }) => p.rule === 'etcd-odd-member-count');
    expect(etcd).toMatchObject({ path: 'broken/daily/a/Etcd', severity: 'error', value: '4' });
    expect(etcd.fix).toMatch(/3, 5 or 7/);
  });

  test('an estate module in JavaScript loads by path', async () => {
    const { code, out } = await run(['synth', '--estate', path.join(FIXTURES, 'small.js'), '--format', 'json'], tmp);
    expect(code).toBe(0);
    expect(JSON.parse(out).summary.targets[0].byKind.Cluster).toBe(1);
  });

  test.each([
    [['synth', '--estate', 'nope'], /unknown estate "nope"/],
    [['synth', '--estate', path.join(FIXTURES, 'exports-nothing.ts')], /exports no Estate/],
    [['synth', '--estate', './missing/estate.ts'], /does not exist/],
    [['synth', '--as-of', 'next tuesday'], /not an ISO-8601 time/],
    [['synth', '--as-of', '2026-11-11'], /not an ISO-8601 time with an offset/],
    [['synth', '--format', 'xml'], /Allowed choices are text, json/],
    [['synth', '--bogus'], /unknown option/],
  ])('bad input %j exits 2 with a clear message', async (args, message) => {
    const { code, err } = await run(args as string[], tmp);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('the estate command as a process', () => {
  test('the installed command (compiled CLI) loads a TypeScript estate and reports every problem', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'lib/stacks/cli/main.js'), 'synth', '--estate', path.join(FIXTURES, 'invalid.ts'), '--format', 'json'], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(result.status).toBe(2);
    const rules = JSON.parse(result.stdout).problems.map((p: { rule: string }) => p.rule).sort();
    expect(rules).toEqual(['cidr-overlap', 'control-plane-replicas', 'etcd-odd-member-count', 'etcd-zone-survivability', 'version-skew']);
  });

  test('exit code reaches the shell', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'stacks/cli/main.ts'), 'synth', '--estate', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toContain('unknown estate');
    expect(result.status).toBe(2);
  });
});
