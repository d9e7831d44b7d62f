/**
 * The real Pulumi engine, language host and Kubernetes provider, with no API server: the provider's render mode
 * (`cluster-estate:renderYamlToDirectory`) writes each object as a YAML file instead of applying it. The engine still
 * diffs state, runs the policy pack, honours protect/retainOnDelete, and plans create/update/replace/delete exactly as
 * against a cluster; only what reaches a server differs. A file backend in a temporary folder and a passphrase.
 *
 * Needs PULUMI_BIN, PULUMI_LANGUAGE_NODEJS_BIN and PULUMI_RESOURCE_KUBERNETES_BIN (bash test/engines/provide.sh).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ProcessTracker } from '../../helpers/processes';
import { describeWithBuiltEngines } from '../engines-env';
import { buildOnce, PULUMI_KEYS, PulumiWorkspace, ROOT, StateResource, summaryCounts } from './pulumi-cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const PACK = path.join(ROOT, 'policies');
/** The Double 11 peak of the reference estate: every cluster, peak-bj1 included, exists. */
const PEAK = '2026-11-11T00:00:00+08:00';

/** Every YAML file the provider rendered under a directory, as `apiVersion/kind/namespace/name` keys. */
function renderedKeys(dir: string): string[] {
  const keys: string[] = [];
  for (const sub of ['0-crd', '1-manifest']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) {
      const o = yaml.load(fs.readFileSync(path.join(d, f), 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
      keys.push(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    }
  }
  return keys.sort();
}

/** The synthesized objects of one target, as `estate synth` writes them, keyed like renderedKeys. */
function synthesizedKeys(estate: string, asOf: string, target: string, outDir: string): string[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/stacks/cli/main.js'), 'synth', '--estate', estate, '--as-of', asOf, '--out', outDir], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`estate synth failed: ${r.stdout}${r.stderr}`);
  const keys: string[] = [];
  const walk = (d: string): void => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) {
        for (const o of yaml.loadAll(fs.readFileSync(p, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[]) {
          if (o) keys.push(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
        }
      }
    }
  };
  // estate synth writes <out>/<estate name>/<target>/
  const [estateName] = fs.readdirSync(outDir);
  walk(path.join(outDir, estateName, target));
  return keys.sort();
}

const kubernetesResources = (rs: readonly StateResource[] | undefined) => (rs ?? []).filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');

describeWithBuiltEngines('the real Pulumi engine in render-to-directory mode', PULUMI_KEYS, (bins) => {
  const tracker = new ProcessTracker();
  let ws: PulumiWorkspace;

  beforeAll(() => {
    buildOnce();
    ws = PulumiWorkspace.create(bins, tracker);
  });

  afterAll(async () => {
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    ws?.remove();
  });

  describe('the management stack of the reference estate', () => {
    let rendered: string;
    const policyEnv = { ESTATE_POLICY_ESTATE: 'reference', ESTATE_POLICY_AS_OF: PEAK };

    beforeAll(async () => {
      rendered = path.join(ws.dir, 'rendered-management');
      ws.useStackFile('management');
      await ws.stackInit('management');
      await ws.configSet('management', 'cluster-estate:asOf', PEAK);
      await ws.configSet('management', 'cluster-estate:renderYamlToDirectory', rendered);
    });

    test('pulumi preview --policy-pack policies runs the pack and passes the reference estate', async () => {
      const r = await ws.run(['preview', '--policy-pack', PACK], { stack: 'management', env: policyEnv });
      expect(r.output).toMatch(/cluster-estate@v0\.1\.0/);
      expect(r.output).not.toMatch(/mandatory/i);
      expect(summaryCounts(r.output)['to create']).toBeGreaterThan(100);
    });

    test('pulumi up renders every synthesized object of the target, and a second up changes nothing', async () => {
      const up = await ws.run(['up', '--yes', '--policy-pack', PACK], { stack: 'management', env: policyEnv });
      const outputs = await ws.outputs('management');
      const expected = synthesizedKeys('reference', PEAK, 'management', path.join(ws.dir, 'synth-management'));
      expect(outputs.objects).toBe(expected.length);
      expect(renderedKeys(rendered)).toEqual(expected);
      expect(summaryCounts(up.output).created).toBe(expected.length + 3); // objects, the provider, the component, the stack

      const again = await ws.run(['up', '--yes', '--expect-no-changes'], { stack: 'management' });
      expect(summaryCounts(again.output).unchanged).toBe(expected.length + 3);
    });

    test('pulumi destroy is refused for protected objects; the state and the rendered files stay', async () => {
      const before = await ws.exportState('management');
      const files = renderedKeys(rendered);
      const protectedTypes = new Set(kubernetesResources(before.deployment.resources).filter((r) => r.protect).map((r) => r.type.split(':').pop()));
      expect([...protectedTypes].sort()).toEqual(expect.arrayContaining(['Cluster', 'KubeadmControlPlane', 'Machine', 'Namespace', 'Secret']));

      const destroy = await ws.run(['destroy', '--yes'], { stack: 'management', allowFailure: true });
      expect(destroy.code).not.toBe(0);
      expect(destroy.output).toMatch(/protected/i);
      const after = await ws.exportState('management');
      const urns = (resources: typeof before.deployment.resources) => kubernetesResources(resources).map((r) => r.urn).sort();
      expect(urns(after.deployment.resources)).toEqual(urns(before.deployment.resources));
      expect(renderedKeys(rendered)).toEqual(files);
    });
  });

  describe('protection released on purpose', () => {
    test('listing every cluster in releaseProtection drops protect with the promised warning; destroy then goes through', async () => {
      const outputs = await ws.outputs('management');
      const clusters = Object.keys(outputs.clusters as Record<string, unknown>).sort();
      await ws.configSet('management', 'cluster-estate:releaseProtection', clusters.join(','));
      const up = await ws.run(['up', '--yes'], { stack: 'management' });
      for (const c of clusters) expect(up.output).toContain(`${c} (`);
      expect(up.output).toMatch(/protection released — listed in cluster-estate:releaseProtection/);
      const state = await ws.exportState('management');
      expect(kubernetesResources(state.deployment.resources).filter((r) => r.protect)).toEqual([]);
      expect(summaryCounts(up.output).updated ?? 0).toBe(0); // protect and retainOnDelete change no object

      await ws.run(['destroy', '--yes'], { stack: 'management' });
      const after = await ws.exportState('management');
      expect(kubernetesResources(after.deployment.resources)).toEqual([]);
      expect(renderedKeys(path.join(ws.dir, 'rendered-management'))).toEqual([]);
    });
  });

  // The promotion lifecycle (prepare, the batches, the final drain batch's release, deletion after drain-until) is
  // proven against a real API server in on-server.test.ts: the same updates, with every object read back.

  describe('pulumi preview and estate diff agree', () => {
    const revised = path.join(FIXTURES, 'reference-revised.js');

    /** `estate diff` between the reference estate and the revision, per stack: `<op> <Kind>/<namespace>/<name>`. */
    function estateDiff(): Map<string, string[]> {
      const out = path.join(ws.dir, 'diff');
      for (const [side, estate] of [['base', 'reference'], ['head', revised]]) {
        const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/stacks/cli/main.js'), 'synth', '--estate', estate, '--as-of', PEAK, '--out', path.join(out, side)], { cwd: ROOT, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`estate synth ${estate}: ${r.stdout}${r.stderr}`);
      }
      const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/stacks/cli/main.js'), 'diff', '--base-dir', path.join(out, 'base', 'reference'), '--head-dir', path.join(out, 'head', 'reference'), '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`estate diff: ${r.stdout}${r.stderr}`);
      const report = JSON.parse(r.stdout) as { changes: {
        target: string;
        action: string;
        ref: { kind: string; namespace?: string; name: string };
      }[] };
      const byStack = new Map<string, string[]>();
      for (const c of report.changes) {
        const name = c.ref.namespace ? `${c.ref.kind}/${c.ref.namespace}/${c.ref.name}` : `${c.ref.kind}/${c.ref.name}`;
        byStack.set(c.target, [...(byStack.get(c.target) ?? []), `${c.action} ${name}`].sort());
      }
      return byStack;
    }

    test('for an app image, an HPA bound and a pool size, per stack', async () => {
      const expected = estateDiff();
      const all = [...expected.values()].flat();
      expect(all).toEqual(expect.arrayContaining(['update Deployment/trade/order-api', 'update HorizontalPodAutoscaler/payment/payment-worker', 'update MachineDeployment/charging-sh1/charging-sh1-gateway-sh1-a']));
      // The stacks estate diff names, and one it does not (nothing may change there).
      const stacks = [...expected.keys(), 'charging-sh1'].filter((v, i, a) => a.indexOf(v) === i).sort();
      for (const stack of stacks) {
        const name = `diff-${stack}`;
        fs.writeFileSync(path.join(ws.projectDir, `Pulumi.${name}.yaml`), yaml.dump({ config: { 'cluster-estate:estate': 'reference', 'cluster-estate:target': stack } }));
        await ws.stackInit(name);
        await ws.configSet(name, 'cluster-estate:asOf', PEAK);
        await ws.configSet(name, 'cluster-estate:renderYamlToDirectory', path.join(ws.dir, `rendered-${name}`));
        await ws.run(['up', '--yes', '--skip-preview'], { stack: name });
        await ws.configSet(name, 'cluster-estate:estate', revised);
        const r = await ws.run(['preview', '--diff', '--json'], { stack: name });
        const steps = (JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
        const ops = steps
          .filter((st) => st.op !== 'same' && !st.urn.includes('pulumi:providers') && /[:$]kubernetes:/.test(st.urn))
          .map((st) => `${st.op === 'create-replacement' || st.op === 'replace' || st.op === 'delete-replaced' ? 'replace' : st.op} ${st.urn.split('::').pop()}`)
          .filter((v, i, a) => a.indexOf(v) === i)
          .sort();
        expect({ stack, ops }).toEqual({ stack, ops: expected.get(stack) ?? [] });
      }
    });
  });

  describe('the policy pack in the loop', () => {
    const fixture = path.join(FIXTURES, 'anonymous-api-server-estate.js');
    const env = { ESTATE_POLICY_ESTATE: fixture };

    beforeAll(async () => {
      fs.writeFileSync(path.join(ws.projectDir, 'Pulumi.bad.yaml'), yaml.dump({ config: { 'cluster-estate:estate': fixture, 'cluster-estate:target': 'management' } }));
      await ws.stackInit('bad');
      await ws.configSet('bad', 'cluster-estate:renderYamlToDirectory', path.join(ws.dir, 'rendered-bad'));
    });

    test('a mandatory violation fails the real preview and names the rule', async () => {
      const r = await ws.run(['preview', '--policy-pack', PACK], { stack: 'bad', env, allowFailure: true });
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/mandatory/);
      expect(r.output).toMatch(/harden-api-server/);
      expect(r.output).toMatch(/anonymous-auth is "true"/);
    });

    test('--policy-pack-config turns the rule advisory: the finding is printed and the preview passes', async () => {
      const config = path.join(ws.dir, 'policy-config.json');
      fs.writeFileSync(config, JSON.stringify({ 'harden-api-server': 'advisory' }));
      const r = await ws.run(['preview', '--policy-pack', PACK, '--policy-pack-config', config], { stack: 'bad', env });
      expect(r.output).toMatch(/advisory/);
      expect(r.output).toMatch(/harden-api-server/);
      expect(r.output).not.toMatch(/\bmandatory\b/);
    });
  });
});
