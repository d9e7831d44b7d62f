/**
 * `estate check`, through its commander registration (the same path `estate` takes once main.ts lists it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from '../../../stacks/cli/check-command';

const ROOT = path.resolve(__dirname, '../../..');
const YAML = path.join(ROOT, 'test/fixtures/yaml');

async function run(args: string[], cwd: string = ROOT) {
  let out = '';
  let err = '';
  let code = 0;
  const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (err += `${t}\n`), cwd };
  const program = new Command('estate').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerCheckCommand(program, io, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  }
  return { code, out, err };
}

describe('estate check', () => {
  test('the reference estate exits 0 with no mandatory finding', async () => {
    const { code, out } = await run(['check', '--as-of', '2026-11-11T00:00:00+08:00']);
    expect(code).toBe(0);
    expect(out).toMatch(/^estate check: estate reference as of 2026-11-10T16:00:00.000Z · \d+ target\(s\) · [\d,]+ object\(s\) · 47 policies/);
    // The only suppressions are the mesh gateways' injection placeholder image (`auto`), each with its reason.
    expect(out).toMatch(/\n0 mandatory, \d+ advisory, \d+ suppressed: PASS\n$/);
    const suppressed = [...out.matchAll(/^SUPPRESSED +(\S+) .* Deployment (\S+)$/gm)].map((m) => `${m[1]} ${m[2].split('/')[0]}`);
    expect(new Set(suppressed)).toEqual(new Set(['require-pinned-image-tags ingress-gateway']));
  });

  test('the reference estate in JSON: findings and a summary with the estate and as-of', async () => {
    const { code, out } = await run(['check', '--estate', 'reference', '--as-of', '2026-10-21T00:00:00+08:00', '--format', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.findings.filter((f: { enforcement: string; suppressed?: unknown }) => f.enforcement === 'mandatory' && !f.suppressed)).toEqual([]);
    for (const f of doc.findings.filter((x: { suppressed?: unknown }) => x.suppressed)) expect(f).toMatchObject({ policy: 'require-pinned-image-tags', object: { kind: 'Deployment', namespace: 'ingress-gateway' }, suppressed: { reason: expect.stringContaining('auto') } });
    expect(doc.summary).toMatchObject({ estate: 'reference', asOf: '2026-10-20T16:00:00.000Z', pass: true, mandatory: 0 });
  });

  test('a privileged, latest-tagged, probe-less Deployment without a disruption budget exits 1 and names each broken rule and the object', async () => {
    const { code, out } = await run(['check', 'test/fixtures/yaml/bad-deployment.yaml', '--format', 'json']);
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    const broken = new Set(doc.findings.map((f: { policy: string }) => f.policy));
    for (const policy of ['forbid-privileged-containers', 'require-pinned-image-tags', 'require-distinct-probes', 'require-pod-disruption-budget']) expect(broken).toContain(policy);
    for (const f of doc.findings) {
      expect(f.object).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'billing', name: 'legacy-billing' });
      expect(f).toMatchObject({ target: 'test/fixtures/yaml/bad-deployment.yaml', source: { file: 'test/fixtures/yaml/bad-deployment.yaml', line: 3 } });
    }
    expect(doc.summary).toMatchObject({ files: ['test/fixtures/yaml/bad-deployment.yaml'], pass: false });
    expect(doc.summary.mandatory).toBeGreaterThanOrEqual(4);
  });

  test('the same file in text names the rules and the object with file and line', async () => {
    const { code, out } = await run(['check', path.join(YAML, 'bad-deployment.yaml')], os.tmpdir());
    expect(code).toBe(1);
    for (const policy of ['forbid-privileged-containers', 'require-pinned-image-tags', 'require-distinct-probes', 'require-pod-disruption-budget']) {
      expect(out).toMatch(new RegExp(`MANDATORY  ${policy} \\(\\w+\\) · .*bad-deployment.yaml:3 · Deployment billing/legacy-billing\\n`));
    }
    expect(out).toContain('container "billing" runs privileged: it is root on the node');
    expect(out).toContain('uses the moving tag "latest"');
    expect(out).toContain('FAIL (mandatory violations)');
  });

  test('files are checked together: a budget in one file covers a Deployment in another; suppressions are reported', async () => {
    const { code, out } = await run(['check', 'test/fixtures/yaml/compliant-app.yaml', 'test/fixtures/yaml/suppressed.yaml', '--format', 'json']);
    expect(code).toBe(1); // the suppression with the reason "n/a" does not count
    const doc = JSON.parse(out);
    expect(doc.findings.filter((f: { object: { name: string } }) => f.object.name === 'checkout')).toEqual([]);
    expect(doc.findings.map((f: { policy: string; suppressed?: unknown }) => [f.policy, f.suppressed !== undefined])).toEqual([['require-min-replicas', true], ['require-pod-disruption-budget', false]]);
    expect(doc.summary).toMatchObject({ mandatory: 1, suppressed: 1 });
  });

  test('hand-written tenancy YAML: no default deny, no quota, a policy open to every namespace, a team made cluster-admin', async () => {
    const { code, out } = await run(['check', 'test/fixtures/yaml/open-tenancy.yaml', '--format', 'json']);
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    const tenancy = doc.findings.filter((f: { policy: string }) => ['require-default-deny-network-policy', 'require-resource-quota', 'forbid-open-network-policy', 'forbid-broad-team-rbac'].includes(f.policy))
      .map((f: { policy: string; object: { kind: string }; message: string; source: { line: number } }) => [
        f.policy,
        f.object.kind,
        f.source.line,
        f.message,
      ]);
    expect(tenancy).toEqual([
      ['forbid-broad-team-rbac', 'ClusterRoleBinding', 34, 'it grants group finance-deployers ClusterRole cluster-admin: the built-in cluster-admin role grants every verb on every resource'],
      ['forbid-broad-team-rbac', 'ClusterRoleBinding', 34, 'it grants group finance-deployers cluster-wide rights (ClusterRole cluster-admin) in every namespace, other teams\' included'],
      ['require-default-deny-network-policy', 'Deployment', 3, 'namespace finance has no default-deny NetworkPolicy for ingress and egress: its pods accept connections from and open them to any pod of the cluster'],
      ['require-resource-quota', 'Deployment', 3, 'namespace finance has no ResourceQuota: its workloads may take any share of the cluster'],
      ['forbid-open-network-policy', 'NetworkPolicy', 21, 'ingress rule 1 allows from everywhere: namespaceSelector {} (every pod of every namespace)'],
    ]);
  });

  test('hand-written objects are judged on their own: a bare Pod behind a Service, budgets and an HPA whose workloads are elsewhere', async () => {
    const { code, out } = await run(['check', 'test/fixtures/yaml/hand-written.yaml', '--format', 'json']);
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    const found = doc.findings.map((f: { policy: string; object: { kind: string; name: string }; source: { line: number }; message: string }) => [f.policy, `${f.object.kind} ${f.object.name}:${f.source.line}`, f.message]);
    expect(found).toEqual([
      ['require-existing-hpa-target', 'HorizontalPodAutoscaler cart:62', 'scaleTargetRef Deployment cart is not in namespace shop of the target: the HPA scales nothing'],
      ['require-min-replicas', 'HorizontalPodAutoscaler cart:62', 'minReplicas 1 lets Deployment cart scale down to 1 replica(s); at least 2 needed'],
      ['forbid-host-access', 'Pod legacy-quote:4', 'container "quote" binds host port 8080: the pod listens on the node\'s own address'],
      // A namespace of hand-written workloads has no tenancy either: the tenancy rules say so on its first workload.
      ['require-default-deny-network-policy', 'Pod legacy-quote:4', 'namespace shop has no default-deny NetworkPolicy for ingress and egress: its pods accept connections from and open them to any pod of the cluster'],
      ['require-distinct-probes', 'Pod legacy-quote:4', 'container "quote" has no readiness and no liveness probe'],
      ['require-prestop-hook', 'Pod legacy-quote:4', 'container "quote" serves traffic but has no preStop hook: requests fail while it stops'],
      ['require-resource-quota', 'Pod legacy-quote:4', 'namespace shop has no ResourceQuota: its workloads may take any share of the cluster'],
      ['require-pod-disruption-budget', 'PodDisruptionBudget payments:42', 'maxUnavailable 0 allows no eviction of any pod it selects: every node drain that reaches one of them blocks'],
      ['require-pod-disruption-budget', 'PodDisruptionBudget search:52', 'minAvailable 100% allows no eviction of any pod it selects: every node drain that reaches one of them blocks'],
    ]);
    expect(doc.summary).toMatchObject({ pass: false, mandatory: 9, advisory: 0 });
  });

  test('a policy configuration file changes enforcement', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'estate-check-'));
    try {
      fs.writeFileSync(path.join(tmp, 'policy.json'), JSON.stringify({ 'require-pod-disruption-budget': 'advisory' }));
      const { code, out } = await run(['check', path.join(YAML, 'compliant-app.yaml'), path.join(YAML, 'suppressed.yaml'), '--policy-config', path.join(tmp, 'policy.json')]);
      expect(code).toBe(0);
      expect(out).toMatch(/ADVISORY   require-pod-disruption-budget/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test.each([
    [['check', 'test/fixtures/yaml/malformed.yaml'], /^estate: test\/fixtures\/yaml\/malformed.yaml:14: malformed YAML: /],
    [['check', 'test/fixtures/yaml/not-kubernetes.yaml'], /^estate: test\/fixtures\/yaml\/not-kubernetes.yaml:7: not a Kubernetes object/],
    [['check', 'test/fixtures/yaml/missing.yaml'], /^estate: test\/fixtures\/yaml\/missing.yaml: no such file/],
    [['check', '--estate', 'nope'], /unknown estate "nope"/],
    [['check', '--estate', 'reference', 'test/fixtures/yaml/compliant-app.yaml'], /give either --estate or YAML files, not both/],
    [['check', 'test/fixtures/yaml/compliant-app.yaml', '--as-of', '2026-11-11T00:00:00+08:00'], /--as-of applies to an estate/],
    [['check', '--as-of', 'tomorrow'], /not an ISO-8601 time/],
    [['check', 'test/fixtures/yaml/compliant-app.yaml', '--policy-config', 'test/fixtures/yaml/compliant-app.yaml'], /compliant-app.yaml: not JSON/],
    [['check', '--format', 'xml'], /Allowed choices are text, json/],
  ])('bad input %j exits 2 with a clear message', async (args, message) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test('bad input in JSON form names the file and line', async () => {
    const { code, out } = await run(['check', 'test/fixtures/yaml/malformed.yaml', '--format', 'json']);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ ok: false, problems: [{ path: 'test/fixtures/yaml/malformed.yaml', line: 14, rule: 'input', severity: 'error' }] });
  });
});

describe('estate check as a process (the installed command)', () => {
  const bin = path.join(ROOT, 'lib/stacks/cli/main.js');
  const built = fs.existsSync(path.join(ROOT, 'lib/stacks/cli/check-command.js'));
  (built ? test : test.skip).each([
    [['check', path.join(YAML, 'compliant-app.yaml')], 0, /PASS/],
    [['check', path.join(YAML, 'bad-deployment.yaml')], 1, /forbid-privileged-containers/],
    [['check', path.join(YAML, 'malformed.yaml')], 2, /malformed.yaml:14: malformed YAML/],
  ])('%j exits %d', (args, status, output) => {
    const result = spawnSync(process.execPath, [bin, ...(args as string[])], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(result.status).toBe(status);
    expect(`${result.stdout}${result.stderr}`).toMatch(output as RegExp);
  });
});
