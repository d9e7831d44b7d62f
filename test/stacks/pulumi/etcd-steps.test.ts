/**
 * Day 2 in the management stack: each update judges the change against what the stack applied last (its own
 * `running` output) and applies one etcd membership step. Run as a sequence of updates under mocks, each fed the
 * previous update's output, as the real engine would.
 */
import * as pulumi from '@pulumi/pulumi';
import { Estate, RunningEstate, synthesize } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { REFERENCE_TIMES } from '../../helpers/reference';
import { managementSettings, testOptions } from './helpers/fixtures';
import { MockRun, RecordedResource, runMocked } from './helpers/mock-runtime';

const AS_OF = REFERENCE_TIMES.dormantBefore;

function withEtcd(members: number): Estate {
  const estate = referenceEstate();
  Object.assign(estate.clusters.find((c) => c.name === 'charging-sh1')!.etcd, { memberCount: members });
  return estate;
}

interface Update {
  readonly run: MockRun<EstateStackOutputs>;
  readonly running?: RunningEstate;
  readonly log: string[];
}

async function update(estate: Estate, applied: RunningEstate | undefined): Promise<Update> {
  const options = testOptions([], {
    loadEstate: () => estate,
    synthesize: (e: Estate, asOf: Date, base?: RunningEstate) => synthesize(e, { asOf, ...(base ? { base } : {}) }),
    readApplied: async () => applied,
  });
  const run = await runMocked(() => estateStack(managementSettings(AS_OF), options), { preview: false });
  const running = run.result?.running
    ? await new Promise<RunningEstate>((resolve) => (run.result!.running as pulumi.Output<RunningEstate>).apply((v) => (resolve(v), v)))
    : undefined;
  return { run, running, log: options.log.lines };
}

const member = (u: Update, n: number): RecordedResource | undefined => u.run.resources.find((r) => r.name === `Machine/charging-sh1/charging-sh1-etcd-${n}`);
const endpoints = (u: Update): string[] => {
  const kcp = u.run.resources.find((r) => r.name === 'KubeadmControlPlane/charging-sh1/charging-sh1-control-plane')!;
  type WithEndpoints = { spec: { kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: string[] } } } } } };
  return (kcp.inputs as WithEndpoints).spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints;
};

describe('etcd membership, one step per pulumi up', () => {
  let first: Update;
  beforeAll(async () => {
    first = await update(withEtcd(3), undefined);
  });

  test('the first update applies everything and exports what it applied', () => {
    expect(first.run.error).toBeUndefined();
    expect(first.running!.clusters.find((c) => c.name === 'charging-sh1')!.etcd.members).toHaveLength(3);
  });

  test('3 -> 5: four updates, each one controller step, then nothing left; the operator steps are named before each', async () => {
    const seen: { machines: number[]; endpoints: number }[] = [];
    let applied = first.running;
    const logs: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const u = await update(withEtcd(5), applied);
      expect(u.run.error).toBeUndefined();
      seen.push({ machines: [0, 1, 2, 3, 4].filter((n) => member(u, n) !== undefined), endpoints: endpoints(u).length });
      logs.push(u.log);
      applied = u.running;
    }
    expect(seen).toEqual([
      { machines: [0, 1, 2, 3], endpoints: 3 },
      { machines: [0, 1, 2, 3], endpoints: 4 },
      { machines: [0, 1, 2, 3, 4], endpoints: 4 },
      { machines: [0, 1, 2, 3, 4], endpoints: 5 },
      { machines: [0, 1, 2, 3, 4], endpoints: 5 },
    ]);
    expect(logs[0].join('\n')).toMatch(/etcd of charging-sh1: this update applies step 2 of 8: create charging-sh1-etcd-3's machine.*Before this update, the operator runs: step 1 .*etcdctl member add charging-sh1-etcd-3 --learner/);
    expect(logs[0].join('\n')).toContain('Next: step 3 (operator): promote charging-sh1-etcd-3');
    expect(logs[4].join('\n')).not.toMatch(/etcd of charging-sh1/);
  });

  test('5 -> 3: the leaving member loses its endpoint and its protection in one update, and is deleted in the next', async () => {
    let applied = (await update(withEtcd(5), undefined)).running;
    const u1 = await update(withEtcd(3), applied);
    expect(u1.run.error).toBeUndefined();
    expect(endpoints(u1)).toHaveLength(4);
    expect(member(u1, 4)).toMatchObject({ protect: false, retainOnDelete: false });
    expect(member(u1, 3)).toMatchObject({ protect: true });
    applied = u1.running;
    const u2 = await update(withEtcd(3), applied);
    expect(member(u2, 4)).toBeUndefined();
    expect(member(u2, 3)).toMatchObject({ protect: true });
    expect(u2.log.join('\n')).toContain('the operator runs: step 1 (remove charging-sh1-etcd-4 from the cluster (handing leadership to charging-sh1-etcd-0 first, should it lead))');
  });

  test('a member moved to another zone: released, deleted, started in its new zone, then given back to the API servers', async () => {
    const moved = () => {
      const estate = referenceEstate();
      const etcd = estate.clusters.find((c) => c.name === 'trade-hz1')!.etcd as unknown as { props: Record<string, unknown> };
      etcd.props = { ...etcd.props, memberZones: ['hz1-a', 'hz1-b', 'hz1-c', 'hz1-a', 'hz1-c'] };
      return estate;
    };
    const hz1 = (u: Update) => {
      const m = u.run.resources.find((r) => r.name === 'Machine/trade-hz1/trade-hz1-etcd-4');
      const kcp = u.run.resources.find((r) => r.name === 'KubeadmControlPlane/trade-hz1/trade-hz1-control-plane')!.inputs as { spec: { kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: string[] } } } } } };
      return { zone: (m?.inputs as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels?.['cluster-estate.io/zone'], protect: m?.protect, endpoints: kcp.spec.kubeadmConfigSpec.clusterConfiguration.etcd.external.endpoints.length };
    };
    let applied = first.running;
    const states = [];
    for (let i = 0; i < 5; i++) {
      const u = await update(moved(), applied);
      expect(u.run.error).toBeUndefined();
      states.push(hz1(u));
      applied = u.running;
    }
    expect(states).toEqual([
      { zone: 'hz1-b', protect: false, endpoints: 4 },
      { zone: undefined, protect: undefined, endpoints: 4 },
      { zone: 'hz1-c', protect: true, endpoints: 4 },
      { zone: 'hz1-c', protect: true, endpoints: 5 },
      { zone: 'hz1-c', protect: true, endpoints: 5 },
    ]);
  });

  test('a refused transition stops the update with every problem and its fix, and applies nothing', async () => {
    const estate = withEtcd(3);
    Object.assign(estate.clusters.find((c) => c.name === 'charging-sh1')!, { podCidr: '10.240.0.0/14' });
    const u = await update(estate, first.running);
    expect(u.run.error).toBeDefined();
    expect(String((u.run.error as Error).message)).toMatch(/refused transition.*\n.*immutable-field at reference\/daily\/charging-sh1: Cluster.podCidr cannot change/);
    expect(u.run.resources.filter((r) => r.type.startsWith('kubernetes:cluster.x-k8s.io'))).toEqual([]);
  });
});
