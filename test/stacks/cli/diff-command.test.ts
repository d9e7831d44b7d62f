/** `estate diff --base-dir/--head-dir`: options, formats, findings and errors, through the command's own functions. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { synthesize, writeSynthesis } from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { CliIo } from '../../../stacks/cli/io';
import { diffCommand, DiffCommandOptions, registerDiffCommand } from '../../../stacks/cli/diff-command';
import { REFERENCE_TIMES } from '../../helpers/reference';

function capture(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd, stdout: () => out, stderr: () => err };
}

/** Runs `estate <argv>` with only the diff command registered, as the CLI's main would. */
async function runDiffCli(argv: string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('estate').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerDiffCommand(program, io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

describe('estate diff --base-dir --head-dir', () => {
  let tmp: string;
  let before: string;
  let during: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-diff-cli-'));
    before = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.dormantBefore }), path.join(tmp, 'before'));
    during = writeSynthesis(synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }), path.join(tmp, 'during'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('before and during the promotion: the peak clusters are created, capacity added, verdict first, under 60,000 characters', async () => {
    const io = capture(tmp);
    expect(await runDiffCli(['diff', '--base-dir', 'before', '--head-dir', path.join('during', 'reference')], io)).toBe(0);
    const md = io.stdout();
    expect(md.split('\n')[3]).toMatch(/^\*\*\d+ stacks? changes? · 0 destructive · no machines replaced · 7 access widenings to review · capacity \+110 nodes \/ \+2,832 vCPU \(autoscaler max \+230 nodes \/ \+6,672 vCPU\) · policies: not checked\*\*$/);
    expect(md).toContain('<sub>before → during/reference</sub>');
    expect(md).toContain('| management | 102 | 0 | 0 | 0 | 274 |');
    expect(md).toContain('clusters added: `peak-bj1`, `peak-nx1`');
    expect(md).toContain('create · 51 objects created in management / peak-bj1');
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(io.stderr()).toBe('');
  });

  test('--format json and text carry the same report', async () => {
    const json = capture(tmp);
    expect(diffCommand({ baseDir: before, headDir: during, format: 'json' }, json)).toBe(0);
    const report = JSON.parse(json.stdout());
    expect(report.ok).toBe(true);
    expect(report.stacks[0]).toEqual({ target: 'management', create: 102, update: 0, replace: 0, delete: 0, unchanged: 274 });
    expect(report.capacity.clustersAdded).toEqual(['peak-bj1', 'peak-nx1']);
    const text = capture(tmp);
    expect(diffCommand({ baseDir: before, headDir: during, format: 'text' }, text)).toBe(0);
    expect(text.stdout()).toMatch(/^estate diff reference: .*before\/reference → .*during\/reference\n\d+ stacks? changes? · 0 destructive/);
    expect(text.stdout()).toContain('create Cluster peak-bj1/peak-bj1 in management');
  });

  test('findings files give the policy section; a checker given in-process is used on both folders', async () => {
    const finding = { policy: 'require-etcd-quorum', enforcement: 'mandatory', severity: 'critical', target: 'management', object: { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', namespace: 'peak-bj1', name: 'peak-bj1' }, message: 'x' };
    fs.writeFileSync(path.join(tmp, 'base-findings.json'), JSON.stringify({ findings: [] }));
    fs.writeFileSync(path.join(tmp, 'head-findings.json'), JSON.stringify({ findings: [finding], summary: { mandatory: 1 } }));
    const io = capture(tmp);
    expect(diffCommand({ baseDir: before, headDir: during, baseFindings: 'base-findings.json', headFindings: 'head-findings.json' }, io)).toBe(0);
    expect(io.stdout()).toContain('policies: 1 mandatory (+1 new)');

    const seen: string[] = [];
    const checked = capture(tmp);
    expect(diffCommand(
      { baseDir: before, headDir: during },
      checked,
      { checker: (dir) => (seen.push(path.relative(tmp, dir)), { findings: [] }) },
    )).toBe(0);
    expect(seen).toEqual([path.join('before', 'reference'), path.join('during', 'reference')]);
    expect(checked.stdout()).toContain('policies: 0 mandatory');
  });

  test.each<[string, DiffCommandOptions, RegExp]>([
    ['nothing to compare', {}, /nothing to compare.*Fix: give --base REF/],
    ['both modes', { base: 'HEAD', baseDir: 'before' }, /cannot be used together/],
    ['one folder', { baseDir: 'before' }, /--base-dir and --head-dir go together/],
    ['as-of with folders', { baseDir: 'before', headDir: 'during', asOf: '2026-11-11T00:00:00+08:00' }, /--as-of applies to --base only/],
    ['one findings file', { baseDir: 'before', headDir: 'during', baseFindings: 'x.json' }, /go together/],
    ['a missing folder', { baseDir: 'nope', headDir: 'during' }, /synthesis folder .*nope does not exist/],
    ['a folder without a synthesis', { baseDir: '.', headDir: 'during' }, /holds several estates|holds no synthesis/],
    ['a bad --max-chars', { baseDir: 'before', headDir: 'during', maxChars: '70000' }, /--max-chars "70000"/],
  ])('bad input (%s) exits 2 with the fix', (_name, options, message) => {
    const io = capture(tmp);
    expect(diffCommand(options, io)).toBe(2);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });

  test('a malformed findings file is bad input, reported as JSON with --format json', () => {
    fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify({ results: [] }));
    const io = capture(tmp);
    expect(diffCommand({ baseDir: before, headDir: during, baseFindings: 'bad.json', headFindings: 'bad.json', format: 'json' }, io)).toBe(2);
    expect(JSON.parse(io.stdout())).toMatchObject({ ok: false, problems: [{ rule: 'input', message: expect.stringMatching(/not a findings list/) }] });
  });

  test('a finding suppressed without a reason is bad input: a suppression is only as good as its reason', () => {
    const finding = { policy: 'require-probes', enforcement: 'mandatory', severity: 'high', target: 'trade-hz1', object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'trade', name: 'cart' }, message: 'x' };
    fs.writeFileSync(path.join(tmp, 'suppressed.json'), JSON.stringify({ findings: [{ ...finding, suppressed: {} }] }));
    fs.writeFileSync(path.join(tmp, 'none.json'), JSON.stringify({ findings: [] }));
    const io = capture(tmp);
    expect(diffCommand({ baseDir: before, headDir: during, baseFindings: 'none.json', headFindings: 'suppressed.json' }, io)).toBe(2);
    expect(io.stderr()).toMatch(/finding 0 is suppressed without a reason \(expected "suppressed": \{"reason": "\.\.\."\}\)/);
  });

  test('commander rejects an unknown format', async () => {
    const io = capture(tmp);
    expect(await runDiffCli(['diff', '--base-dir', 'before', '--head-dir', 'during', '--format', 'html'], io)).toBe(2);
    expect(io.stderr()).toMatch(/Allowed choices are markdown, json, text/);
  });
});
