import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatWorkloads } from '../../../stacks/cli/format';
import { runCli } from '../../../stacks/cli/main';
import { referenceSynthesis, REFERENCE_TIMES } from '../../helpers/reference';
import { summarize } from '../../../constructs';

async function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

describe('estate synth with applications', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-apps-cli-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('writes every cluster target and reports app capacity per cluster and pool', async () => {
    const { code, out } = await run(['synth', '--as-of', '2026-11-11T00:00:00+08:00'], tmp);
    expect(code).toBe(0);
    // The mesh adds the public gateway (its namespace and quota, three NetworkPolicies, ServiceAccount, Deployment, Service,
    // disruption budget, Gateway and VirtualService), the apps' authorization and order-api's token check; the
    // worker's gray release adds a Deployment and its autoscaler.
    expect(out).toMatch(/ {2}trade-hz1: 59 objects\n {4}AuthorizationPolicy\s+2\n {4}Deployment\s+5\n/);
    expect(out).toContain('app capacity (requests at autoscaler min-max of allocatable at pool min-max; limit 100% of the pool at its largest):');
    expect(out).toMatch(/ {2}trade-hz1: order-api, payment-worker\n {4}general {6}\d+-\d+ pods · [\d.,]+-[\d.,]+ of [\d.,]+-[\d.,]+ vCPU · [\d.,]+-[\d.,]+ of [\d.,]+-[\d.,]+ GiB · committed [\d.]+% \(at max [\d.]+%\)/);
    expect(out).toMatch(/ {2}peak-bj1 \(peak\): promotion-engine\n/);
    expect(fs.readdirSync(path.join(tmp, 'dist', 'reference')).sort()).toEqual(['charging-sh1', 'estate.json', 'management', 'peak-bj1', 'peak-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1']);
    const summary = JSON.parse(fs.readFileSync(path.join(tmp, 'dist', 'reference', 'estate.json'), 'utf8'));
    expect(summary.workloads.map((w: { cluster: string }) => w.cluster)).toEqual(['charging-sh1', 'peak-bj1', 'peak-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1']);
  });

  test('an estate with broken apps: exit 2, every problem at once, estate and apps alike', async () => {
    const estate = path.join(__dirname, 'fixtures', 'broken-apps.ts');
    const text = await run(['synth', '--estate', estate], tmp);
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/^the estate is invalid: \d+ error\(s\)/);
    const json = await run(['synth', '--estate', estate, '--format', 'json'], tmp);
    expect(json.code).toBe(2);
    const problems = JSON.parse(json.out).problems as { path: string; rule: string }[];
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'shopfloor/api image-pinned',
      'shopfloor/api log-shipper',
      'shopfloor/daily/new-k8s/tiny instance-spec',
      'shopfloor/shop debug-in-production',
      'shopfloor/shop node-pool-missing',
    ]);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('the text report reads as a table', () => {
    const lines = formatWorkloads(summarize(referenceSynthesis(REFERENCE_TIMES.peak)).workloads, 100);
    expect(lines[0]).toMatch(/^app capacity/);
    expect(lines).toContain('  charging-sh1: charging-gateway');
    expect(lines.find((l) => l.startsWith('    gateway'))).toMatch(/^ {4}gateway {6}10-18 pods · 22.5-40.5 of 378.6 vCPU · 43.1-77.6 of 692.1 GiB · committed 6.2% \(at max 11.2%\)$/);
  });
});
