import { KubeObject } from '../../../constructs';
import { EstateStackOutputs, estateStack } from '../../../stacks/pulumi';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';
import { destinationRulesRoutedBy } from '../../helpers/istio-routing';
import {
  CLIENT_KEY, clusterSettings, clusterTargetObjects, kubeconfig, managementStackFixture, MANAGEMENT_STACK, referenceEndpoint, stackWarnings,
  testOptions, TOKEN,
} from './helpers/fixtures';
import { MockRun, objectOf, plainStrings, RecordedResource, runMocked, secretValues } from './helpers/mock-runtime';

/**
 * A cluster stack of the reference estate (trade-hz1, daily group) with a cluster target as the application
 * templates will synthesize it: its own provider, whose kubeconfig comes from the management stack's secret output.
 */

const CLUSTER = 'trade-hz1';
let run: MockRun<EstateStackOutputs>;
let log: string[];

beforeAll(async () => {
  const options = testOptions([CLUSTER, 'trade-hz2']);
  run = await runMocked(() => estateStack(clusterSettings(CLUSTER, REFERENCE_TIMES.peak), options), {
    stackReferences: { [MANAGEMENT_STACK]: managementStackFixture(['trade-hz1', 'trade-hz2']) },
  });
  log = options.log.lines;
});

const one = (type: string, name: string): RecordedResource => {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
};

describe('a cluster stack of the reference estate', () => {
  test('reads the management stack, then registers its own provider and its target\'s objects under one EstateTarget', () => {
    expect(run.error).toBeUndefined();
    const stack = one('pulumi:pulumi:Stack', 'cluster-estate-test');
    const reference = one('pulumi:pulumi:StackReference', MANAGEMENT_STACK);
    const component = one('cluster-estate:index:EstateTarget', CLUSTER);
    expect(reference).toMatchObject({ read: true, parent: stack.urn });
    expect(component.parent).toBe(stack.urn);
    const children = run.resources.filter((r) => r.parent === component.urn);
    expect(children).toHaveLength(1 + clusterTargetObjects(CLUSTER).length);
    expect(children.filter((r) => !r.type.startsWith('kubernetes:')).map((r) => `${r.type} ${r.name}`)).toEqual([`pulumi:providers:kubernetes ${CLUSTER}-k8s`]);
  });

  test('the provider is that cluster\'s: its kubeconfig from the management stack, kept secret, and a fixed cluster identifier', () => {
    const provider = one('pulumi:providers:kubernetes', `${CLUSTER}-k8s`);
    expect(provider.inputs.clusterIdentifier).toBe(`reference/${CLUSTER}`);
    expect(secretValues(provider.inputs)).toEqual([kubeconfig(referenceEndpoint(CLUSTER), { name: CLUSTER })]);
    expect(plainStrings(provider.inputs).join('\n')).not.toContain(TOKEN);
  });

  test('registers every object of the target, typed, named <Kind>/<namespace>/<name>, on the cluster\'s provider', () => {
    const provider = one('pulumi:providers:kubernetes', `${CLUSTER}-k8s`);
    const component = one('cluster-estate:index:EstateTarget', CLUSTER);
    const registered = run.resources.filter((r) => r.parent === component.urn && r.type.startsWith('kubernetes:'));
    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition CustomResourceDefinition/rollouts.delivery.cluster-estate.io',
      'kubernetes:apps/v1:Deployment Deployment/payments/ledger',
      'kubernetes:apps/v1:Deployment Deployment/trade/order',
      'kubernetes:autoscaling/v2:HorizontalPodAutoscaler HorizontalPodAutoscaler/trade/order',
      'kubernetes:core/v1:Namespace Namespace/payments',
      'kubernetes:core/v1:Namespace Namespace/trade',
      'kubernetes:core/v1:Service Service/payments/ledger',
      'kubernetes:core/v1:Service Service/trade/order',
      'kubernetes:delivery.cluster-estate.io/v1:Rollout Rollout/trade/order',
      'kubernetes:policy/v1:PodDisruptionBudget PodDisruptionBudget/payments/ledger',
      'kubernetes:policy/v1:PodDisruptionBudget PodDisruptionBudget/trade/order',
      'kubernetes:scheduling.k8s.io/v1:PriorityClass PriorityClass/trade-critical',
    ]);
    for (const r of registered) expect([r.name, r.provider]).toEqual([r.name, `${provider.urn}::${CLUSTER}-k8s-id`]);
  });

  test('namespaces and the CRD are protected and retained; apps are not', () => {
    const guarded = run.resources.filter((r) => r.protect);
    expect(guarded.map((r) => r.name).sort()).toEqual(['CustomResourceDefinition/rollouts.delivery.cluster-estate.io', 'Namespace/payments', 'Namespace/trade']);
    for (const r of run.resources) expect(r.retainOnDelete).toBe(r.protect);
  });

  test('the HPA owns the replicas of the Deployment it scales: spec.replicas is ignored there only', () => {
    expect(one('kubernetes:apps/v1:Deployment', 'Deployment/trade/order').ignoreChanges).toEqual(['spec.replicas']);
    expect(one('kubernetes:apps/v1:Deployment', 'Deployment/payments/ledger').ignoreChanges).toEqual([]);
    expect(run.resources.filter((r) => r.ignoreChanges.length > 0).map((r) => r.name)).toEqual(['Deployment/trade/order']);
  });

  test('namespaces and CRDs come first: objects depend on their namespace, custom resources on their CRD too', () => {
    const ns = (name: string) => one('kubernetes:core/v1:Namespace', `Namespace/${name}`).urn;
    const crd = one('kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition', 'CustomResourceDefinition/rollouts.delivery.cluster-estate.io').urn;
    expect(one('kubernetes:delivery.cluster-estate.io/v1:Rollout', 'Rollout/trade/order').dependencies).toEqual([crd, ns('trade')].sort());
    expect(one('kubernetes:apps/v1:Deployment', 'Deployment/trade/order').dependencies).toEqual([ns('trade')]);
    expect(one('kubernetes:core/v1:Service', 'Service/payments/ledger').dependencies).toEqual([ns('payments')]);
    expect(one('kubernetes:scheduling.k8s.io/v1:PriorityClass', 'PriorityClass/trade-critical').dependencies).toEqual([]);
    expect(one('kubernetes:core/v1:Namespace', 'Namespace/trade').dependencies).toEqual([]);
  });

  test('outputs the cluster\'s endpoint, phase and capacity, and never a kubeconfig', () => {
    const out = run.stackOutputs!;
    expect(out).toMatchObject({ target: CLUSTER, objects: 12, resources: 13, kubeconfigServer: referenceEndpoint(CLUSTER) });
    expect(Object.keys(out.clusters as object)).toEqual([CLUSTER]);
    expect((out.clusters as Record<string, unknown>)[CLUSTER]).toMatchObject({ apiEndpoint: referenceEndpoint(CLUSTER), group: 'daily', protection: 'protected' });
    expect(out.kubeconfigs).toBeUndefined();
    expect(secretValues(out)).toEqual([]);
    const text = plainStrings(out).join('\n');
    for (const credential of [TOKEN, CLIENT_KEY]) expect(text).not.toContain(credential);
  });

  test('prints no warning for a daily cluster at peak', () => {
    expect(stackWarnings(log)).toEqual([]);
  });
});

describe('a cluster stack whose target is not synthesized (no app runs there)', () => {
  test('registers its provider and nothing else, and says why', async () => {
    const options = testOptions([], {
      synthesize: (_estate, asOf) => {
        const s = referenceSynthesis(asOf);
        return { ...s, targets: s.targets.filter((t) => t.name !== 'trade-hz2') };
      },
    });
    const r = await runMocked(() => estateStack(clusterSettings('trade-hz2', REFERENCE_TIMES.peak), options), {
      stackReferences: { [MANAGEMENT_STACK]: managementStackFixture(['trade-hz2']) },
    });
    expect(r.error).toBeUndefined();
    expect(r.resources.filter((x) => x.type.startsWith('kubernetes:')).map((x) => x.name)).toEqual([]);
    expect(r.resources.map((x) => x.type)).toContain('pulumi:providers:kubernetes');
    expect(options.log.lines.join('\n')).toMatch(/synthesizes no objects for cluster trade-hz2/);
  });
});

describe('the cluster targets the reference estate synthesizes itself (its app templates)', () => {
  const synthesis = referenceSynthesis(REFERENCE_TIMES.peak);
  const targets = synthesis.targets.filter((t) => t.name !== 'management');

  test.each(synthesis.plan.clusters.map((c) => c.name))('%s: every object of its target is one typed resource, with the same rules', async (cluster) => {
    const objects = targets.find((t) => t.name === cluster)?.objects ?? [];
    const options = testOptions([], { synthesize: (_estate, asOf) => referenceSynthesis(asOf) });
    const r = await runMocked(() => estateStack(clusterSettings(cluster, REFERENCE_TIMES.peak), options), {
      stackReferences: { [MANAGEMENT_STACK]: managementStackFixture([cluster]) },
    });
    expect(r.error).toBeUndefined();
    const provider = r.resources.find((x) => x.type === 'pulumi:providers:kubernetes')!;
    const registered = r.resources.filter((x) => x.type.startsWith('kubernetes:'));
    const typeOf = (o: Pick<KubeObject, 'apiVersion' | 'kind'>) => `kubernetes:${o.apiVersion === 'v1' ? 'core/v1' : o.apiVersion}:${o.kind}`;
    const nameOf = (o: KubeObject) => (o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`);
    expect(registered.map((x) => `${x.type} ${x.name}`).sort()).toEqual(objects.map((o) => `${typeOf(o)} ${nameOf(o)}`).sort());
    const scaled = new Set(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => {
      const ref = (o as unknown as { spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string } } }).spec.scaleTargetRef;
      return `${typeOf(ref)} ${ref.kind}/${o.metadata.namespace}/${ref.name}`;
    }));
    const namespaces = new Map(registered.filter((x) => x.type === 'kubernetes:core/v1:Namespace').map((x) => [x.name, x.urn]));
    for (const x of registered) {
      expect(x.provider).toBe(`${provider.urn}::${cluster}-k8s-id`);
      const isNamespace = x.type === 'kubernetes:core/v1:Namespace';
      expect([x.name, x.protect, x.retainOnDelete]).toEqual([x.name, isNamespace, isNamespace]);
      expect([x.name, x.ignoreChanges]).toEqual([x.name, scaled.has(`${x.type} ${x.name}`) ? ['spec.replicas'] : []]);
      const namespace = objectOf(x).namespace;
      const ns = namespace ? namespaces.get(`Namespace/${namespace}`) : undefined;
      // A VirtualService also waits for the DestinationRules of the hosts it routes to (an app's own, or those of the
      // apps behind a gateway, in their namespaces): subsets before routes.
      const isRoute = x.type === 'kubernetes:networking.istio.io/v1:VirtualService';
      const routed = isRoute ? destinationRulesRoutedBy(objects, objects.find((o) => nameOf(o) === x.name)) : [];
      const subsets = registered.filter((d) => routed.includes(d.name)).map((d) => d.urn);
      if (isRoute) expect([x.name, subsets.length > 0]).toEqual([x.name, true]);
      expect([x.name, x.dependencies]).toEqual([x.name, [...(ns ? [ns] : []), ...subsets].sort()]);
    }
  });
});
