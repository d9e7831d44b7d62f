import { KubeObject, MANAGEMENT_TARGET, synthesize } from '../../../constructs';
import { referenceEstate } from '../../../stacks/estates';
import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { templateRefsOf } from '../../helpers/objects';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { capiKubeconfigSecrets, CLIENT_KEY, managementSettings, MANAGEMENT_KUBECONFIG, referenceEndpoint, testOptions, TOKEN } from './helpers/fixtures';
import { MockRun, plainStrings, RecordedResource, runMocked, secretValues, unwrapSecrets } from './helpers/mock-runtime';

/** The management stack of the reference estate at the Double 11 peak, as the engine would receive it. */

const EXPORTED = ['trade-hz1', 'peak-bj1'];
let run: MockRun<EstateStackOutputs>;
let objects: KubeObject[];
let log: string[];

beforeAll(async () => {
  const options = testOptions();
  run = await runMocked(() => estateStack(managementSettings(REFERENCE_TIMES.peak, { exportKubeconfigs: EXPORTED }), options), {
    secrets: capiKubeconfigSecrets(EXPORTED),
  });
  log = options.log.lines;
  objects = referenceSynthesis(REFERENCE_TIMES.peak).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
});

const byType = (type: string) => run.resources.filter((r) => r.type === type);
const one = (type: string, name: string): RecordedResource => {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
};
/** The type token written out independently of the code under test. */
const typeOf = (o: KubeObject) => `kubernetes:${o.apiVersion === 'v1' ? 'core/v1' : o.apiVersion}:${o.kind}`;
const nameOf = (o: KubeObject) => (o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`);
const resourceOf = (o: KubeObject) => one(typeOf(o), nameOf(o));

describe('the management stack of the reference estate', () => {
  test('runs without error and registers under one EstateTarget component', () => {
    expect(run.error).toBeUndefined();
    const stack = one('pulumi:pulumi:Stack', 'cluster-estate-test');
    const component = one('cluster-estate:index:EstateTarget', 'management');
    expect(run.resources.filter((r) => r.parent === stack.urn).map((r) => r.urn)).toEqual([component.urn]);
    const children = run.resources.filter((r) => r.parent === component.urn);
    expect(children).toHaveLength(1 + objects.length + EXPORTED.length);
    expect(children.filter((r) => !r.type.startsWith('kubernetes:') || r.read).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:core/v1:Secret peak-bj1-kubeconfig',
      'kubernetes:core/v1:Secret trade-hz1-kubeconfig',
      'pulumi:providers:kubernetes management-k8s',
    ]);
  });

  test('registers every synthesized object exactly once, as a typed resource named <Kind>/<namespace>/<name>', () => {
    const registered = run.resources.filter((r) => r.type.startsWith('kubernetes:') && !r.read);
    expect(registered).toHaveLength(objects.length);
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual(objects.map((o) => `${typeOf(o)} ${nameOf(o)}`).sort());
    expect(byType('kubernetes:cluster.x-k8s.io/v1beta2:Cluster').map((r) => r.name)).toContain('Cluster/trade-hz1/trade-hz1');
    expect(byType('kubernetes:infrastructure.cluster.x-k8s.io/v1beta2:Metal3Cluster').map((r) => r.name)).toContain('Metal3Cluster/trade-hz1/trade-hz1');
    expect(byType('kubernetes:controlplane.cluster.x-k8s.io/v1beta2:KubeadmControlPlane')).toHaveLength(8);
    expect(byType('kubernetes:core/v1:Namespace')).toHaveLength(8);
    expect(run.resources.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')).toEqual([]);
  });

  test('each resource carries its object unchanged, and the synthesis itself is left untouched', () => {
    // (A Secret's stringData goes to the engine inside a secret envelope, as @pulumi/kubernetes marks it.)
    for (const o of objects) expect(unwrapSecrets(resourceOf(o).inputs)).toEqual(JSON.parse(JSON.stringify(o)));
    expect(secretValues(one('kubernetes:core/v1:Secret', 'Secret/trade-hz1/trade-hz1-etcd-0-bootstrap').inputs)).toHaveLength(1);
    const fresh = synthesize(referenceEstate(), { asOf: REFERENCE_TIMES.peak }).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects;
    expect(objects).toEqual(fresh);
  });

  test('every object is a child of the component, on the management provider, which has a fixed cluster identifier', () => {
    const component = one('cluster-estate:index:EstateTarget', 'management');
    const provider = one('pulumi:providers:kubernetes', 'management-k8s');
    expect(provider.inputs.clusterIdentifier).toBe('reference/management');
    for (const o of objects) {
      const r = resourceOf(o);
      expect(r.parent).toBe(component.urn);
      expect(r.provider).toBe(`${provider.urn}::management-k8s-id`);
    }
  });

  test('namespaces come first: every object depends on its own Namespace, MachineDeployments and control planes on their templates too', () => {
    for (const o of objects) {
      const r = resourceOf(o);
      if (o.kind === 'Namespace') {
        expect(r.dependencies).toEqual([]);
        continue;
      }
      const referenced = (ref: { kind: string; name: string }) =>
        objects.find((t) => t.kind === ref.kind && t.metadata.name === ref.name && t.metadata.namespace === o.metadata.namespace)!;
      const templates = templateRefsOf(o).map((ref) => resourceOf(referenced(ref)).urn);
      if (o.kind === 'MachineDeployment' || o.kind === 'KubeadmControlPlane') expect(templates.length).toBeGreaterThan(0);
      expect(r.dependencies).toEqual([one('kubernetes:core/v1:Namespace', `Namespace/${o.metadata.namespace}`).urn, ...templates].sort());
    }
  });

  test('etcd members and their secrets, control planes, clusters (and their provider objects) and namespaces are protected and retained', () => {
    const guarded = (o: KubeObject) =>
      ['Namespace', 'Cluster', 'KubeadmControlPlane', 'Metal3Cluster', 'AWSCluster'].includes(o.kind) || o.metadata.labels?.['cluster-estate.io/machine-role'] === 'etcd';
    const protectedOnes = objects.filter(guarded);
    // 8 clusters: namespace, Cluster, provider cluster, control plane; 36 etcd members: Machine, provider machine, bootstrap Secret.
    expect(protectedOnes).toHaveLength(8 * 4 + 36 * 3);
    for (const o of objects) {
      const r = resourceOf(o);
      expect({ object: nameOf(o), kind: o.kind, protect: r.protect, retainOnDelete: r.retainOnDelete })
        .toEqual({ object: nameOf(o), kind: o.kind, protect: guarded(o), retainOnDelete: guarded(o) });
    }
    expect(one('kubernetes:cluster.x-k8s.io/v1beta2:Machine', 'Machine/trade-hz1/trade-hz1-etcd-0').protect).toBe(true);
    expect(one('kubernetes:core/v1:Secret', 'Secret/trade-hz1/trade-hz1-etcd-0-bootstrap').protect).toBe(true);
    expect(one('kubernetes:cluster.x-k8s.io/v1beta2:MachineDeployment', 'MachineDeployment/trade-hz1/trade-hz1-general-hz1-a').protect).toBe(false);
  });

  test('the autoscaler owns the replicas of autoscaled MachineDeployments: spec.replicas is ignored there, and only there', () => {
    const machineDeployments = objects.filter((o) => o.kind === 'MachineDeployment');
    const autoscaled = machineDeployments.filter((o) => 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size' in (o.metadata.annotations ?? {}));
    expect(autoscaled.length).toBeGreaterThan(0);
    expect(autoscaled.length).toBeLessThan(machineDeployments.length);
    for (const o of objects) expect([nameOf(o), resourceOf(o).ignoreChanges]).toEqual([nameOf(o), autoscaled.includes(o) ? ['spec.replicas'] : []]);
  });

  test('reads each exported cluster\'s Cluster API kubeconfig Secret through the management provider, after its namespace', () => {
    const provider = one('pulumi:providers:kubernetes', 'management-k8s');
    for (const cluster of EXPORTED) {
      const read = one('kubernetes:core/v1:Secret', `${cluster}-kubeconfig`);
      expect(read).toMatchObject({ read: true, id: `${cluster}/${cluster}-kubeconfig`, provider: `${provider.urn}::management-k8s-id` });
      expect(read.dependencies).toEqual([one('kubernetes:core/v1:Namespace', `Namespace/${cluster}`).urn]);
    }
  });

  test('outputs per cluster the API endpoint, group, promotion phase and capacity', () => {
    const out = run.stackOutputs!;
    expect(out).toMatchObject({ estate: 'reference', target: 'management', asOf: '2026-11-10T16:00:00.000Z', objects: objects.length, resources: objects.length + 1 + EXPORTED.length });
    const clusters = out.clusters as Record<string, Record<string, unknown>>;
    expect(Object.keys(clusters).sort()).toEqual(['charging-sh1', 'ops-nx1', 'peak-bj1', 'peak-nx1', 'trade-bj1', 'trade-hz1', 'trade-hz2', 'trade-sz1']);
    expect(clusters['trade-hz1']).toMatchObject({ apiEndpoint: referenceEndpoint('trade-hz1'), group: 'daily', groupKind: 'daily', protection: 'protected', capacity: { total: { machines: 43 } } });
    // 5 API servers + 5 etcd members + ingress 2×3 + general (autoscaled, lower bound) 6×3 + middleware 3×3 = 43.
    expect(clusters['trade-hz1'].promotionPhase).toBeUndefined();
    expect(clusters['peak-bj1']).toMatchObject({ group: 'double-11-peak', promotion: 'double-11', promotionPhase: 'peak', scale: 1 });
    expect((out.objectsByKind as Record<string, number>).Cluster).toBe(8);
    expect(out.clusterFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('kubeconfigs are outputs only as secrets: no credential appears in plain text anywhere in the outputs', () => {
    const out = run.stackOutputs!;
    const secrets = secretValues(out.kubeconfigs);
    expect(secrets).toHaveLength(1);
    expect(Object.keys(secrets[0] as object).sort()).toEqual(EXPORTED.sort());
    expect((secrets[0] as Record<string, string>)['trade-hz1']).toContain(referenceEndpoint('trade-hz1'));
    const text = plainStrings(out).join('\n');
    for (const credential of [TOKEN, CLIENT_KEY, 'client-key-data', MANAGEMENT_KUBECONFIG]) expect(text).not.toContain(credential);
    // The provider's own kubeconfig goes to the engine as a secret too.
    expect(plainStrings(one('pulumi:providers:kubernetes', 'management-k8s').inputs).join('\n')).not.toContain(TOKEN);
    expect(secretValues(one('pulumi:providers:kubernetes', 'management-k8s').inputs)).toEqual([MANAGEMENT_KUBECONFIG]);
  });

  test('tells which clusters\' kubeconfigs are not exported yet', () => {
    expect(log.join('\n')).toMatch(/kubeconfigs not exported: charging-sh1, ops-nx1, peak-nx1, trade-bj1, trade-hz2, trade-sz1/);
  });
});
