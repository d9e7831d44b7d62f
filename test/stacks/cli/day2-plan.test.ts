/**
 * The day-2 commands, as a user runs them: `estate synth --base-dir` (joiners rendered, day2.json and runbook.md),
 * `estate check --base-dir` (exit 1 on a refused transition, 2 on bad input) and `estate etcd plan`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../../stacks/cli/main';

const ROOT = path.resolve(__dirname, '../../..');
const AS_OF = '2026-09-01T00:00:00+08:00';

async function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd });
  return { code, out, err };
}

/** An estate module: the reference estate with one edit, as a user's edited estate file. */
function estateModule(dir: string, name: string, edit: string): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, [
    `import { referenceEstate } from '${path.join(ROOT, 'stacks/estates')}';`,
    'export default function build() {',
    '  const estate = referenceEstate();',
    "  const charging = estate.clusters.find((c) => c.name === 'charging-sh1')!;",
    `  ${edit}`,
    '  return estate;',
    '}',
    '',
  ].join('\n'));
  return file;
}

describe('day-2 commands', () => {
  let tmp: string;
  let base: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-day2-'));
    expect((await run(['synth', '--as-of', AS_OF, '--out', 'base'], tmp)).code).toBe(0);
    base = path.join(tmp, 'base', 'reference');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('estate check --base-dir: a new pod CIDR and etcd subnet on a live cluster exit 1 with path, rule and fix', async () => {
    const estate = estateModule(tmp, 'readdressed', "Object.assign(charging, { podCidr: '10.240.0.0/14' }); Object.assign(charging.etcd, { memberSubnet: '10.250.99.0/27' });");
    const text = await run(['check', '--estate', estate, '--as-of', AS_OF, '--base-dir', base], tmp);
    expect(text.code).toBe(1);
    expect(text.out).toContain('refused transitions (2):');
    expect(text.out).toMatch(/error etcd-member-readdress at reference\/daily\/charging-sh1\/Etcd: .*Fix: keep the member subnet/);
    const json = await run(['check', '--estate', estate, '--as-of', AS_OF, '--base-dir', base, '--format', 'json'], tmp);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).transitions.refused.map((p: { rule: string }) => p.rule).sort()).toEqual(['etcd-member-readdress', 'immutable-field']);
  });

  test('estate check --base-dir: a new etcd heartbeat on a live cluster warns etcd-settings-not-applied with path and fix, and exits 0', async () => {
    // As editing the estate file's `etcd: { …, heartbeatIntervalMs: 150 }` would (the timeouts are read from the props).
    const estate = estateModule(tmp, 'heartbeat', "Object.assign(Reflect.get(charging.etcd, 'props'), { heartbeatIntervalMs: 150 });");
    const text = await run(['check', '--estate', estate, '--as-of', AS_OF, '--base-dir', base], tmp);
    // A warning is not a refusal: the check passes (README: exit 1 only on a refused transition).
    expect(text.code).toBe(0);
    expect(text.out).toContain('transitions: none refused');
    expect(text.out).toContain('risky transitions (1):');
    expect(text.out).toMatch(/warning etcd-settings-not-applied at reference\/daily\/charging-sh1\/Etcd: .*heartbeat-interval/);
    expect(text.out).toMatch(/Fix: .*estate synth --base-dir <what runs> --replace-etcd-member charging-sh1-etcd-0/);
    const json = await run(['check', '--estate', estate, '--as-of', AS_OF, '--base-dir', base, '--format', 'json'], tmp);
    expect(json.code).toBe(0);
    const transitions = JSON.parse(json.out).transitions;
    expect(transitions.refused).toEqual([]);
    expect(transitions.warnings).toHaveLength(1);
    expect(transitions.warnings[0]).toMatchObject({ rule: 'etcd-settings-not-applied', path: 'reference/daily/charging-sh1/Etcd', severity: 'warning' });
    expect(transitions.warnings[0].value).toContain('heartbeat-interval: 100 -> 150');
    expect(transitions.warnings[0].fix).toContain('--replace-etcd-member charging-sh1-etcd-0');
  });

  test('estate check --base-dir on the unchanged estate passes; a missing folder is bad input (2)', async () => {
    expect((await run(['check', '--as-of', AS_OF, '--base-dir', base], tmp)).code).toBe(0);
    const missing = await run(['check', '--as-of', AS_OF, '--base-dir', path.join(tmp, 'nowhere')], tmp);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('does not exist');
  });

  test('estate synth --base-dir renders joiners to join, keeps running members, and writes day2.json and runbook.md', async () => {
    const estate = estateModule(tmp, 'grown', 'Object.assign(charging.etcd, { memberCount: 5 });');
    expect((await run(['synth', '--estate', estate, '--as-of', AS_OF, '--out', 'head', '--base-dir', base], tmp)).code).toBe(0);
    const dir = path.join(tmp, 'head', 'reference');
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'day2.json'), 'utf8'));
    expect(plan.refused).toEqual([]);
    expect(plan.operationalImpact.etcdProcedures[0].steps).toHaveLength(8);
    const runbook = fs.readFileSync(path.join(dir, 'runbook.md'), 'utf8');
    expect(runbook).toContain('## etcd of charging-sh1: 3 -> 5 members');
    expect(runbook).toContain('etcdctl member add charging-sh1-etcd-3 --learner --peer-urls=https://10.250.4.13:2380');
    const yaml = fs.readFileSync(path.join(dir, 'management', 'charging-sh1.yaml'), 'utf8');
    const baseYaml = fs.readFileSync(path.join(base, 'management', 'charging-sh1.yaml'), 'utf8');
    expect(yaml.match(/initial-cluster-state: existing/g)).toHaveLength(2);
    expect(yaml.match(/initial-cluster-state: new/g)).toHaveLength(3);
    // The running members' bootstrap Secrets are byte-identical to the base's.
    const secret = (text: string, n: number) => text.split('\n---\n').find((d) => d.includes(`name: charging-sh1-etcd-${n}-bootstrap`));
    for (const n of [0, 1, 2]) expect(secret(yaml, n)).toBe(secret(baseYaml, n));
  });

  test('estate etcd plan: the steps with runbook lines; --replace adds a repaired member', async () => {
    const estate = estateModule(tmp, 'grown2', 'Object.assign(charging.etcd, { memberCount: 5 });');
    const grown = await run(['etcd', 'plan', '--estate', estate, '--as-of', AS_OF, '--base-dir', base], tmp);
    expect(grown.code).toBe(0);
    expect(grown.out).toContain('etcd of charging-sh1 (reference/daily/charging-sh1): 3 -> 5 members, 8 steps');
    expect(grown.out).toContain('[operator] promote charging-sh1-etcd-4');
    const repaired = await run(['etcd', 'plan', '--as-of', AS_OF, '--base-dir', base, '--cluster', 'trade-hz1', '--replace', 'trade-hz1-etcd-2', '--format', 'json'], tmp);
    expect(repaired.code).toBe(0);
    const procedures = JSON.parse(repaired.out).procedures;
    expect(procedures).toHaveLength(1);
    expect(procedures[0].steps.map((s: { action: string }) => s.action)).toEqual(['remove-endpoint', 'remove-member', 'delete-machine', 'add-learner', 'start-member', 'promote', 'add-endpoint']);
    const unknown = await run(['etcd', 'plan', '--as-of', AS_OF, '--base-dir', base, '--replace', 'trade-hz1-etcd-9'], tmp);
    expect(unknown.code).toBe(2);
  });
});

describe('a repaired etcd member', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-repair-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('estate synth --base-dir --replace-etcd-member renders it to join again, with the leave-and-join steps and move-leader first', async () => {
    expect((await run(['synth', '--as-of', AS_OF, '--out', 'base'], tmp)).code).toBe(0);
    const base = path.join(tmp, 'base', 'reference');
    const r = await run(['synth', '--as-of', AS_OF, '--out', 'head', '--base-dir', base, '--replace-etcd-member', 'charging-sh1-etcd-1'], tmp);
    expect(r.code).toBe(0);
    const dir = path.join(tmp, 'head', 'reference');
    const yaml = fs.readFileSync(path.join(dir, 'management', 'charging-sh1.yaml'), 'utf8');
    const secret = yaml.split('\n---\n').find((d) => d.includes('name: charging-sh1-etcd-1-bootstrap'))!;
    expect(secret).toContain('initial-cluster-state: existing');
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'day2.json'), 'utf8'));
    const steps = plan.operationalImpact.etcdProcedures[0].steps;
    expect(steps.map((s: { action: string }) => s.action)).toEqual(['remove-endpoint', 'remove-member', 'delete-machine', 'add-learner', 'start-member', 'promote', 'add-endpoint']);
    expect(steps[1].runbook).toMatch(/etcdctl --endpoints=https:\/\/10\.250\.4\.11:2379 move-leader .*charging-sh1-etcd-0.* \|\| true; etcdctl member remove/);
    expect(fs.readFileSync(path.join(dir, 'runbook.md'), 'utf8')).toContain('etcdserver: unhealthy cluster');
    expect((await run(['synth', '--as-of', AS_OF, '--out', 'x', '--replace-etcd-member', 'charging-sh1-etcd-1'], tmp)).code).toBe(2);
  });
});
