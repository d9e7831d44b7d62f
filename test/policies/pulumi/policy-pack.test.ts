/**
 * The policy pack in-process: the resources a program registers under pulumi.runtime.setMocks, analyzed by
 * @pulumi/policy's own RPC handlers as `pulumi preview --policy-pack policies` would (see ../harness/pulumi-runner).
 */
import * as path from 'path';
import type { KubeObject } from '../../../constructs';
import { estateContextProvider, pulumiPolicies, readManifestFile, RULES, SUPPRESSIONS_POLICY } from '../../../policies/api';
import { loadEstate } from '../../../stacks/estates';
import { managementObjects, pick, REFERENCE_TIMES } from '../fixtures/estate';
import { broken, compliantApp, compliantAutoscaler, compliantBarePod, compliantDeployment, compliantDisruptionBudget, podContainerOf, podSpecOf } from '../fixtures/workloads';
import { analyzeStack, recordStack, RecordedResource } from '../harness/pulumi-runner';

const UNKNOWN_STRING = '04da6b54-80e4-46f7-96ec-b56ff0331ba9'; // the engine's marker for a value unknown during preview

/** A stack applying `objects` through a ConfigGroup, as a target's stack does. */
function record(objects: readonly KubeObject[], options: Parameters<typeof recordStack>[1] = {}): Promise<RecordedResource[]> {
  return recordStack(async () => {
    const k8s = await import('@pulumi/kubernetes');
    new k8s.yaml.ConfigGroup('target', { objs: objects as unknown as Record<string, unknown>[] });
  }, options);
}

const badDeployment = () => readManifestFile(path.resolve(__dirname, '../../fixtures/yaml/bad-deployment.yaml')).map((m) => m.object);

describe('the policy pack under the engine\'s calls', () => {
  jest.setTimeout(120_000);

  test('the pack describes every policy to the engine: names, levels, severities, config schemas', async () => {
    const { info } = await analyzeStack(pulumiPolicies(), []);
    const policies = info.getPoliciesList();
    expect(policies.map((p) => p.getName())).toEqual([...RULES.map((r) => r.id), SUPPRESSIONS_POLICY]);
    const minReplicas = policies.find((p) => p.getName() === 'require-min-replicas')!;
    expect(minReplicas.getEnforcementlevel()).toBe(1); // mandatory
    expect(minReplicas.getConfigschema()!.getProperties()!.toJavaScript()).toMatchObject({ minReplicas: { type: 'integer', default: 2, minimum: 1 } });
    expect(policies.find((p) => p.getName() === 'require-pod-labels')!.getEnforcementlevel()).toBe(0); // advisory
  });

  test('the reference estate\'s management stack passes: no diagnostic at all', async () => {
    const resources = await record(managementObjects(REFERENCE_TIMES.peak));
    expect(resources.filter((r) => r.type.startsWith('kubernetes:cluster.x-k8s.io/v1beta2:')).length).toBeGreaterThan(50);
    const run = await analyzeStack(pulumiPolicies(), resources);
    expect(run.diagnostics).toEqual([]);
    // Stack policies ran on the Cluster API objects (they are not "not applicable" for lack of them).
    const stackNotApplicable = run.notApplicable.filter((n) => n.urn === undefined).map((n) => n.policy);
    expect(stackNotApplicable).not.toContain('require-odd-etcd-members');
    expect(stackNotApplicable).toContain('fit-requested-capacity'); // needs the estate context, not configured here
  });

  test('broken management objects are reported by resource policies (on inputs) and stack policies (on outputs), with their URNs', async () => {
    const objects = managementObjects(REFERENCE_TIMES.peak);
    const kcp = pick(objects, 'KubeadmControlPlane', 'trade-hz1-control-plane') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs.find((a: { name: string }) => a.name === 'anonymous-auth').value = 'true';
    (pick(objects, 'Machine', 'trade-hz1-etcd-1') as any).spec.failureDomain = 'hz1-a'; // eslint-disable-line @typescript-eslint/no-explicit-any
    const resources = await record(objects);
    const kcpUrn = resources.find((r) => r.type === 'kubernetes:controlplane.cluster.x-k8s.io/v1beta2:KubeadmControlPlane' && r.name === 'trade-hz1/trade-hz1-control-plane')!.urn;
    const run = await analyzeStack(pulumiPolicies(), resources);
    expect(run.diagnostics.map((d) => [d.phase, d.policy, d.enforcement, d.severity, d.urn])).toEqual([
      ['analyze', 'harden-api-server', 'mandatory', 'high', kcpUrn],
      ['analyzeStack', 'keep-etcd-quorum-on-zone-loss', 'mandatory', 'critical', kcpUrn],
    ]);
    // The SDK prefixes the policy's description; our message names the object.
    expect(run.diagnostics[0].message).toBe(`${RULES.find((r) => r.id === 'harden-api-server')!.description}\nKubeadmControlPlane trade-hz1/trade-hz1-control-plane: anonymous-auth is "true": anonymous requests are allowed`);
  });

  test('a workload stack: the compliant app passes, the bad Deployment is reported by each broken policy, suppressions are reported as advisory', async () => {
    const suppressedSingleton = broken(compliantDeployment('ledger'), (d) => {
      d.spec.replicas = 1;
      d.metadata.annotations = { 'suppress.policy.cluster-estate.io/require-min-replicas': 'singleton by design: it holds a lease (OPS-2211)' };
    });
    const resources = await record([...compliantApp(), ...badDeployment(), suppressedSingleton, compliantDisruptionBudget('ledger')]);
    const run = await analyzeStack(pulumiPolicies(), resources);
    const urnOf = (name: string) => resources.find((r) => r.type === 'kubernetes:apps/v1:Deployment' && r.name.endsWith(`/${name}`))!.urn;
    expect(run.diagnostics.filter((d) => d.urn === urnOf('checkout'))).toEqual([]);
    const bad = run.diagnostics.filter((d) => d.urn === urnOf('legacy-billing'));
    expect(new Set(bad.map((d) => d.policy))).toEqual(new Set([
      'forbid-privileged-containers', 'require-pinned-image-tags', 'require-distinct-probes', 'require-pod-disruption-budget', 'require-prestop-hook',
      'require-resources', 'require-restricted-security-context', 'spread-over-zones-and-hosts', 'require-pod-labels',
      // Its namespace (billing) has neither a default deny nor a quota.
      'require-default-deny-network-policy', 'require-resource-quota',
    ]));
    expect(bad.find((d) => d.policy === 'forbid-privileged-containers')).toMatchObject({ phase: 'analyze', enforcement: 'mandatory', severity: 'critical' });
    expect(bad.find((d) => d.policy === 'require-pod-disruption-budget')).toMatchObject({ phase: 'analyzeStack', enforcement: 'mandatory' });
    expect(bad.find((d) => d.policy === 'require-pod-labels')).toMatchObject({ enforcement: 'advisory' });
    const ledger = run.diagnostics.filter((d) => d.urn === urnOf('ledger'));
    expect(ledger.map((d) => [d.policy, d.enforcement])).toEqual([[SUPPRESSIONS_POLICY, 'advisory']]);
    expect(ledger[0].message).toMatch(/Deployment shop\/ledger: \[suppressed\] require-min-replicas: 1 replica\(s\); at least 2 needed \(reason: singleton by design: it holds a lease \(OPS-2211\)\)$/);
  });

  test('hand-written objects whose workloads are elsewhere: the budget, the HPA and the bare Pod are reported on themselves', async () => {
    const pdb = broken(compliantDisruptionBudget('payments'), (p) => (p.spec.maxUnavailable = 0));
    const pod = broken(compliantBarePod('quote'), (p) => {
      delete podContainerOf(p).lifecycle;
      podContainerOf(p).ports[0].hostPort = 8080;
    });
    const resources = await record([pdb, compliantAutoscaler('cart', 1), pod]);
    const run = await analyzeStack(pulumiPolicies(), resources);
    const kindOf = (urn: string | undefined) => resources.find((r) => r.urn === urn)?.type.split(':').pop();
    expect(run.diagnostics.filter((d) => d.enforcement === 'mandatory').map((d) => [d.phase, d.policy, kindOf(d.urn)]).sort()).toEqual([
      ['analyze', 'forbid-host-access', 'Pod'],
      ['analyze', 'require-prestop-hook', 'Pod'],
      // The namespace has no tenancy either: the tenancy rules say so on the bare Pod, its one workload.
      ['analyzeStack', 'require-default-deny-network-policy', 'Pod'],
      ['analyzeStack', 'require-existing-hpa-target', 'HorizontalPodAutoscaler'],
      ['analyzeStack', 'require-min-replicas', 'HorizontalPodAutoscaler'],
      ['analyzeStack', 'require-pod-disruption-budget', 'PodDisruptionBudget'],
      ['analyzeStack', 'require-resource-quota', 'Pod'],
    ]);
  });

  test('fields the API server fills in, unknown during a preview, never stop a policy; an unknown spec value is reported as the SDK does', async () => {
    const unknownStatus = await record(
      compliantApp(),
      { outputs: (args) => ({ ...args.inputs, status: UNKNOWN_STRING, metadata: { ...args.inputs.metadata, uid: UNKNOWN_STRING } }) },
    );
    expect((await analyzeStack(pulumiPolicies(), unknownStatus)).diagnostics).toEqual([]);
    const unknownReplicas = await record([broken(compliantDeployment(), (d) => (d.spec.replicas = 2))], { outputs: (args) => (args.type === 'kubernetes:apps/v1:Deployment' ? { ...args.inputs, spec: { ...args.inputs.spec, replicas: UNKNOWN_STRING } } : args.inputs) });
    const cannotRun = (await analyzeStack(pulumiPolicies(), unknownReplicas)).diagnostics.filter((d) => /can't run policy/.test(d.message));
    // Only the policies that judge or read Deployments cannot run (the stack has no Service or HPA to judge); the
    // tenancy rules judge Deployments (their namespace's deny and quota), and the mesh's probe rule reads the
    // PeerAuthentications around them, so they cannot run either.
    expect(cannotRun.map((d) => d.policy).sort()).toEqual(['forbid-probe-rewrite-off-under-strict', 'forbid-replicas-under-hpa', 'require-default-deny-network-policy', 'require-min-replicas', 'require-pod-disruption-budget', 'require-resource-quota']);
    expect(cannotRun.every((d) => d.enforcement === 'advisory')).toBe(true);
    expect(cannotRun[0].message).toMatch(/^can't run policy '[a-z-]+' from policy pack 'cluster-estate@v0.1.0' during preview: string value at \.spec\.replicas can't be known during preview$/);
  });

  test('enforcement and thresholds set through the adapter\'s configuration', async () => {
    const resources = await record([broken(compliantDeployment(), (d) => (d.spec.replicas = 2)), ...compliantApp().slice(2)]);
    const strict = await analyzeStack(pulumiPolicies({ config: { 'require-min-replicas': { enforcementLevel: 'advisory', minReplicas: 3 } } }), resources);
    expect(strict.diagnostics.map((d) => [d.policy, d.enforcement])).toEqual([['require-min-replicas', 'advisory']]);
    const off = await analyzeStack(pulumiPolicies({ config: { all: 'disabled' } }), resources);
    expect(off.diagnostics).toEqual([]);
  });

  test('with the estate configured (ESTATE_POLICY_ESTATE), rules that need it run in a cluster stack', async () => {
    const wrongPool = broken(compliantDeployment(), (d) => (podSpecOf(d).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = ['gateway']));
    const resources = await record([wrongPool]);
    const without = await analyzeStack(pulumiPolicies(), resources);
    expect(without.diagnostics.filter((d) => d.policy === 'match-node-affinity-to-pool')).toEqual([]);
    expect(without.notApplicable).toContainEqual(expect.objectContaining({ policy: 'match-node-affinity-to-pool', reason: expect.stringMatching(/ESTATE_POLICY_ESTATE/) }));
    const context = estateContextProvider({ estate: 'reference', asOf: REFERENCE_TIMES.peak }, loadEstate);
    const withEstate = await analyzeStack(pulumiPolicies({ context }), resources);
    expect(withEstate.diagnostics.filter((d) => d.policy === 'match-node-affinity-to-pool').map((d) => d.message.split('\n')[1])).toEqual([
      'Deployment shop/checkout: no node pool of cluster trade-hz1 (general, ingress, middleware) has nodes its nodeSelector / node affinity matches: every replica stays Pending',
    ]);
  });

  test('custom resources are told apart by type token, which is why validateResourceOfType(CustomResource, …) never matches them', async () => {
    const k8s = await import('@pulumi/kubernetes');
    const resources = await record(managementObjects(REFERENCE_TIMES.peak).filter((o) => o.kind === 'Cluster'));
    const cluster = resources.find((r) => r.type.endsWith(':Cluster'))!;
    expect(cluster.type).toBe('kubernetes:cluster.x-k8s.io/v1beta2:Cluster');
    expect((k8s.apiextensions.CustomResource as unknown as { __pulumiType?: string }).__pulumiType ?? 'kubernetes:apiextensions.k8s.io:CustomResource').not.toBe(cluster.type);
  });
});
