/**
 * `estate diff --base REF` in a git checkout: a temporary repository holds this project's committed sources (git
 * archive of HEAD, read-only for the project's repository) and two commits; each side is synthesized by its own
 * revision's CLI, in a temporary worktree for the base.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo } from '../../../stacks/cli/io';
import { diffCommand } from '../../../stacks/cli/diff-command';
import { DiffReport } from '../../../stacks/diff';

const ROOT = path.resolve(__dirname, '../../..');
const AS_OF = '2026-09-01T00:00:00+08:00';
const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit && process.env.CI === 'true') throw new Error('git is required for the estate diff --base tests');
const describeGit = hasGit ? describe : describe.skip;
// eslint-disable-next-line no-console -- a skip says why in the run's output
if (!hasGit) console.warn('skipping estate diff --base tests: git is not installed');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=estate-test', '-c', 'user.email=estate-test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

function capture(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), cwd, stdout: () => out, stderr: () => err };
}

/**
 * A stand-in `estate check` for the temporary repository (the real one may not be committed yet): it prints the
 * findings of `policy-findings.json` at the checkout's root, in the shape `estate check --format json` prints.
 */
const FAKE_CHECK = `import * as fs from 'fs';
import * as path from 'path';
import { CommandRegistration } from './io';
export const registerFakeCheck: CommandRegistration = (program, io, setExitCode) => {
  program.command('check').option('--estate <e>').option('--as-of <t>').option('--format <f>').action(() => {
    const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '../../policy-findings.json'), 'utf8'));
    io.out(JSON.stringify(doc));
    setExitCode(doc.findings.some((f: { enforcement: string }) => f.enforcement === 'mandatory') ? 1 : 0);
  });
};
`;

function finding(policy: string): object {
  return { policy, enforcement: 'mandatory', severity: 'high', target: 'management', object: { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', namespace: 'trade-sz1', name: 'trade-sz1' }, message: `${policy} fails` };
}

/** Adds the stand-in `estate check` to a checkout's CLI. */
function addFakeCheck(dir: string, findings: object[]): void {
  fs.writeFileSync(path.join(dir, 'stacks/cli/fake-check.ts'), FAKE_CHECK);
  const main = path.join(dir, 'stacks/cli/main.ts');
  const text = fs.readFileSync(main, 'utf8').replace(/const COMMANDS: CommandRegistration\[\] = \[/, "import { registerFakeCheck } from './fake-check';\nconst COMMANDS: CommandRegistration[] = [registerFakeCheck, ")
    // The fake stands in for the real `estate check`, whose findings the test cannot choose.
    .replace(/registerCheckCommand, /, '');
  fs.writeFileSync(main, text);
  fs.writeFileSync(path.join(dir, 'policy-findings.json'), JSON.stringify({ findings, summary: {} }));
}

/** A repository with this project's committed sources as its first commit (`node_modules` linked, not committed). */
function projectRepo(dir: string, extraFirstCommit?: (dir: string) => void, beforeCommit?: (dir: string) => void): void {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  if (extraFirstCommit) extraFirstCommit(dir);
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', 'HEAD', 'constructs', 'stacks', 'policies', 'package.json', 'package-lock.json', 'tsconfig.json'], { maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist/\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (beforeCommit) beforeCommit(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'the project');
}

describeGit('estate diff --base REF', () => {
  let tmp: string;
  let repo: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-diff-git-'));
    repo = path.join(tmp, 'repo');
    projectRepo(repo, undefined, (dir) => addFakeCheck(dir, [finding('require-a'), finding('require-b')]));
    // The second commit: trade-sz1's general pool grows from 4 to 5 machines per zone (autoscaler floor), a new
    // estate module appears, and one policy finding is resolved while another is introduced.
    fs.writeFileSync(path.join(repo, 'policy-findings.json'), JSON.stringify({ findings: [finding('require-b'), finding('require-c')], summary: {} }));
    const reference = path.join(repo, 'stacks/estates/reference.ts');
    const text = fs.readFileSync(reference, 'utf8');
    const changed = text.replace("tradeCluster(daily, 'trade-sz1', sz1, 2, { general: 4,", "tradeCluster(daily, 'trade-sz1', sz1, 2, { general: 5,");
    expect(changed).not.toBe(text);
    fs.writeFileSync(reference, changed);
    fs.mkdirSync(path.join(repo, 'test/fixtures/estates'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/estates/small.js'), path.join(repo, 'test/fixtures/estates/small.js'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'grow trade-sz1, add a small estate');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('HEAD~1: each revision synthesizes itself; the diff shows exactly the pool change and its capacity', () => {
    const io = capture(repo);
    expect(diffCommand({ base: 'HEAD~1', asOf: AS_OF, format: 'json' }, io)).toBe(0);
    const report = JSON.parse(io.stdout()) as DiffReport;
    expect(report.base.label).toMatch(/^HEAD~1 \([0-9a-f]{7}\)$/);
    expect(report.head.label).toMatch(/^working tree \(HEAD [0-9a-f]{7}\)$/);
    expect(report.changes.filter((c) => c.target === 'management').map((c) => `${c.action} ${c.ref.kind} ${c.ref.name}`)).toEqual(['a', 'b', 'c'].map((z) => `update MachineDeployment trade-sz1-general-sz1-${z}`));
    // Each revision's own `estate check` ran: require-a resolved, require-c introduced, require-b unchanged.
    expect(report.policies).toMatchObject({ mandatoryAfter: 2, advisoryAfter: 0 });
    expect(report.policies!.introduced.map((f) => f.policy)).toEqual(['require-c']);
    expect(report.policies!.resolved.map((f) => f.policy)).toEqual(['require-a']);
    expect(report.changes[0].fields).toEqual([
      { path: 'metadata.annotations["cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size"]', op: 'change', before: '12', after: '15' },
      { path: 'metadata.annotations["cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size"]', op: 'change', before: '4', after: '5' },
    ]);
    expect(report.capacity!.byRegion.find((r) => r.name === 'cn-south')!.delta).toMatchObject({ machines: 3, maxMachines: 9, vcpu: 96 });
    expect(report.base.asOf).toBe('2026-08-31T16:00:00.000Z');
    expect(report.head.asOf).toBe(report.base.asOf);
    // The temporary worktree is gone.
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('an estate module that does not exist at the base: everything is created, and the comment says why', () => {
    const io = capture(repo);
    expect(diffCommand({ base: 'HEAD~1', asOf: AS_OF, estate: 'test/fixtures/estates/small.js' }, io)).toBe(0);
    const md = io.stdout();
    expect(md).toMatch(/\*\*1 stack changes · 0 destructive · capacity \+9 nodes \/ \+96 vCPU · policies: 2 mandatory \(\+2 new\)\*\*/);
    expect(md).toContain('test/fixtures/estates/small.js does not exist at the base revision: every object counts as created');
  });

  test('a new etcd heartbeat in the working tree: the head, synthesized against the base, warns etcd-settings-not-applied as estate check does', () => {
    const reference = path.join(repo, 'stacks/estates/reference.ts');
    const text = fs.readFileSync(reference, 'utf8');
    const changed = text.replace('etcd: { members: 3, memberSubnet: network(4).etcd }', 'etcd: { members: 3, memberSubnet: network(4).etcd, heartbeatIntervalMs: 150 }');
    expect(changed).not.toBe(text);
    fs.writeFileSync(reference, changed);
    try {
      const io = capture(repo);
      expect(diffCommand({ base: 'HEAD', asOf: AS_OF, policies: false, format: 'json' }, io)).toBe(0);
      const report = JSON.parse(io.stdout()) as DiffReport;
      expect(report.transitions!.refused).toEqual([]);
      expect(report.transitions!.warnings).toHaveLength(1);
      expect(report.transitions!.warnings[0]).toMatchObject({ rule: 'etcd-settings-not-applied', path: 'reference/daily/charging-sh1/Etcd', severity: 'warning' });
      expect(report.transitions!.warnings[0].fix).toContain('--replace-etcd-member charging-sh1-etcd-0');
    } finally {
      fs.writeFileSync(reference, text);
    }
  });

  test('--no-policies skips the checks', () => {
    const io = capture(repo);
    expect(diffCommand({ base: 'HEAD~1', asOf: AS_OF, policies: false, format: 'json' }, io)).toBe(0);
    expect(JSON.parse(io.stdout()).policies).toBeUndefined();
  });

  test('an unknown revision is bad input with the fix', () => {
    const io = capture(repo);
    expect(diffCommand({ base: 'no-such-branch', asOf: AS_OF }, io)).toBe(2);
    expect(io.stderr()).toMatch(/unknown revision "no-such-branch".*fetch-depth: 0/);
  });

  test('a base revision that predates the CLI says so and names the first commit that has it', () => {
    const old = path.join(tmp, 'old');
    projectRepo(old, (dir) => {
      fs.writeFileSync(path.join(dir, 'README.md'), 'before the CLI\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'before the CLI');
    });
    const first = git(old, 'log', '--diff-filter=A', '--format=%h', '--', 'stacks/cli/main.ts').trim();
    const io = capture(old);
    expect(diffCommand({ base: 'HEAD~1', asOf: AS_OF }, io)).toBe(2);
    expect(io.stderr()).toContain('predates the estate CLI (it has no stacks/cli/main.ts), so it cannot synthesize itself');
    expect(io.stderr()).toContain(`commit ${first}`);
    expect(git(old, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  test('outside a git checkout: bad input, pointing at --base-dir', () => {
    const io = capture(os.tmpdir());
    expect(diffCommand({ base: 'HEAD', asOf: AS_OF }, io)).toBe(2);
    expect(io.stderr()).toMatch(/not inside a git checkout.*--base-dir/);
  });
});
