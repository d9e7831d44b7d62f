/**
 * Day 2 under the real Pulumi engine (render mode, no API server): the management stack reads what it applied last
 * through a StackReference to itself, and takes charging-sh1's etcd from 3 to 5 members one controller step per
 * `pulumi up`, saying which operator step comes first; a refused transition stops an update before it applies
 * anything.
 *
 * Needs PULUMI_BIN, PULUMI_LANGUAGE_NODEJS_BIN and PULUMI_RESOURCE_KUBERNETES_BIN (bash test/engines/provide.sh).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ProcessTracker } from '../../helpers/processes';
import { describeWithBuiltEngines } from '../engines-env';
import { buildOnce, PULUMI_KEYS, PulumiWorkspace } from './pulumi-cli';

const FIXTURE = path.join(__dirname, 'fixtures', 'reference-etcd.js');
const DORMANT = '2026-09-01T00:00:00+08:00';

interface Rendered {
  readonly machines: number[];
  readonly endpoints: number;
}

/** charging-sh1's etcd member Machines and the control plane's etcd endpoints, as the provider rendered them. */
function rendered(dir: string): Rendered {
  const machines: number[] = [];
  let endpoints = -1;
  const manifests = path.join(dir, '1-manifest');
  for (const f of fs.existsSync(manifests) ? fs.readdirSync(manifests) : []) {
    if (!f.includes('-charging-sh1-')) continue;
    const o = yaml.load(fs.readFileSync(path.join(manifests, f), 'utf8')) as { kind: string; metadata: { name: string }; spec: Record<string, any> };
    const member = /^charging-sh1-etcd-(\d+)$/.exec(o.metadata.name);
    if (o.kind === 'Machine' && member) machines.push(Number(member[1]));
    if (o.kind === 'KubeadmControlPlane') endpoints = o.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints.length;
  }
  return { machines: machines.sort(), endpoints };
}

describeWithBuiltEngines('day 2 under the real Pulumi engine', PULUMI_KEYS, (bins) => {
  const tracker = new ProcessTracker();
  let ws: PulumiWorkspace;
  const dir = () => path.join(ws.dir, 'rendered-day2');

  beforeAll(async () => {
    buildOnce();
    ws = PulumiWorkspace.create(bins, tracker, 'estate-day2-');
    ws.useStackFile('day2', 'management');
    await ws.stackInit('day2');
    await ws.configSet('day2', 'cluster-estate:asOf', DORMANT);
    await ws.configSet('day2', 'cluster-estate:renderYamlToDirectory', dir());
  });

  afterAll(async () => {
    await tracker.stopAll();
    expect(tracker.alivePids()).toEqual([]);
    ws?.remove();
  });

  test('3 -> 5 etcd members: one controller step per pulumi up, read back from the stack\'s own output', async () => {
    const up = async (members: number) => ws.run(['up', '--yes'], { stack: 'day2', env: { ETCD_MEMBERS: String(members) } });
    await ws.configSet('day2', 'cluster-estate:estate', FIXTURE);
    await up(3);
    expect(rendered(dir())).toEqual({ machines: [0, 1, 2], endpoints: 3 });
    const running = (await ws.outputs('day2', true)).running as { clusters: { name: string; etcd: { members: unknown[] } }[] };
    expect(running.clusters.find((c) => c.name === 'charging-sh1')!.etcd.members).toHaveLength(3);

    const states: Rendered[] = [];
    const outputs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await up(5);
      states.push(rendered(dir()));
      outputs.push(r.output);
    }
    expect(states).toEqual([
      { machines: [0, 1, 2, 3], endpoints: 3 },
      { machines: [0, 1, 2, 3], endpoints: 4 },
      { machines: [0, 1, 2, 3, 4], endpoints: 4 },
      { machines: [0, 1, 2, 3, 4], endpoints: 5 },
      { machines: [0, 1, 2, 3, 4], endpoints: 5 },
    ]);
    // The program's warnings (pulumi prints them as `warning:`); the stack's `notices` output repeats them as `warn:`.
    expect(outputs[0]).toMatch(/warning: etcd of charging-sh1: this update applies step 2 of 8/);
    expect(outputs[0]).toMatch(/etcdctl member add charging-sh1-etcd-3 --learner/);
    expect(outputs[3]).toMatch(/warning: etcd of charging-sh1: this update applies step \d+ of \d+: add charging-sh1-etcd-4's endpoint .*This is the last step/);
    expect(outputs[4]).not.toMatch(/warning: etcd of charging-sh1/);
    // The joiner's bootstrap, as rendered: it joins the running cluster.
    const file = fs.readdirSync(path.join(dir(), '1-manifest')).find((f) => f.includes('secret-charging-sh1-charging-sh1-etcd-4-bootstrap'))!;
    const secret = yaml.load(fs.readFileSync(path.join(dir(), '1-manifest', file), 'utf8')) as { stringData?: { value?: string }; data?: { value?: string } };
    const cloudInit = secret.stringData?.value ?? Buffer.from(secret.data?.value ?? '', 'base64').toString('utf8');
    expect(cloudInit).toContain('initial-cluster-state: existing');
  });

  test('a refused transition (a new pod CIDR on a running cluster) stops the update before it applies anything', async () => {
    const before = rendered(dir());
    const r = await ws.run(['up', '--yes'], { stack: 'day2', allowFailure: true, env: { ETCD_MEMBERS: '5', POD_CIDR: '10.240.0.0/14' } });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/refused transition/);
    expect(r.output).toMatch(/immutable-field at reference\/daily\/charging-sh1: Cluster\.podCidr cannot change/);
    expect(rendered(dir())).toEqual(before);
  });
});
