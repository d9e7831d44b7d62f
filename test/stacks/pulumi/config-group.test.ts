import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KubeObject } from '../../../constructs';
import { resourceClass } from '../../../stacks/pulumi';
import { clusterTargetObjects } from './helpers/fixtures';
import { runMocked } from './helpers/mock-runtime';

/**
 * How objects become resources, and why. Under `pulumi.runtime.setMocks`:
 *  - `k8s.yaml.v2.ConfigGroup` registers itself and nothing below it: it is a component implemented inside the
 *    provider binary, so unit tests (and anything else program-side) never see the objects. Ruled out.
 *  - `k8s.yaml.ConfigGroup` (v1) with `objs` registers one typed child per object in process. It would do; but it
 *    builds each child inside an Output of its own, which doubled the memory and added 60% CPU for a cluster stack of
 *    1,000 apps (the pulumi-cluster-stack bench stage measures the program against bare resources; ≤ 1.2× is the bar).
 *  - So EstateTarget registers each object directly with the class ConfigGroup v1 would have picked
 *    (`resourceClass`): the same typed resources, proven here on objects of every sort the estate synthesizes.
 */

const objects: KubeObject[] = [
  ...clusterTargetObjects('trade-hz1'),
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'trade' }, type: 'Opaque', stringData: { a: 'b' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'trade' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'trade' }, rules: [] },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'trade' }, spec: { podSelector: {} } },
  { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: 'trade-hz1', namespace: 'trade-hz1' }, spec: {} },
  { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata: { name: 'cp', namespace: 'trade-hz1' }, spec: {} },
  { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'Metal3Cluster', metadata: { name: 'trade-hz1', namespace: 'trade-hz1' }, spec: {} },
];

async function register(make: (provider: k8s.Provider) => void) {
  return runMocked(async () => {
    const provider = new k8s.Provider('p', { kubeconfig: pulumi.secret('{}') });
    make(provider);
    return {};
  });
}

describe('k8s.yaml ConfigGroup under pulumi.runtime.setMocks', () => {
  test('v1 with objs registers one typed child per object, in process, under the group and with its provider', async () => {
    const run = await register((provider) => new k8s.yaml.ConfigGroup('v1', { objs: objects.slice(0, 3) }, { provider }));
    expect(run.error).toBeUndefined();
    const group = run.resources.find((r) => r.type === 'kubernetes:yaml:ConfigGroup')!;
    const children = run.resources.filter((r) => r.parent === group.urn);
    expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:core/v1:Namespace payments',
      'kubernetes:core/v1:Namespace trade',
      'kubernetes:scheduling.k8s.io/v1:PriorityClass trade-critical',
    ]);
    const provider = run.resources.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    for (const c of children) expect([c.custom, c.provider]).toEqual([true, `${provider.urn}::p-id`]);
  });

  test('v2 registers the group alone: its children exist only inside the provider binary', async () => {
    const run = await register((provider) => new k8s.yaml.v2.ConfigGroup('v2', { objs: objects }, { provider }));
    expect(run.error).toBeUndefined();
    const group = run.resources.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')!;
    expect(group).toBeDefined();
    expect(run.resources.filter((r) => r.parent === group.urn)).toEqual([]);
    expect(run.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:yaml/v2:ConfigGroup')).toEqual([]);
  });

  test('resourceClass picks, for every object, the class ConfigGroup v1 picks: the same typed resources, directly', async () => {
    const viaGroup = await register((provider) => new k8s.yaml.ConfigGroup('v1', { objs: objects }, { provider }));
    const group = viaGroup.resources.find((r) => r.type === 'kubernetes:yaml:ConfigGroup')!;
    const groupTypes = viaGroup.resources.filter((r) => r.parent === group.urn).map((r) => `${r.type} ${r.name}`).sort();

    const direct = await register((provider) => {
      for (const o of objects) {
        const Resource = resourceClass(o.apiVersion, o.kind);
        new Resource(o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name, o as never, { provider });
      }
    });
    const directTypes = direct.resources.filter((r) => r.type.startsWith('kubernetes:')).map((r) => `${r.type} ${r.name}`).sort();
    expect(directTypes).toEqual(groupTypes);
    expect(directTypes).toHaveLength(objects.length);
    // Typed classes where the SDK has them, CustomResource for the rest.
    expect(resourceClass('apps/v1', 'Deployment')).toBe(k8s.apps.v1.Deployment);
    expect(resourceClass('v1', 'Secret')).toBe(k8s.core.v1.Secret);
    expect(resourceClass('scheduling.k8s.io/v1', 'PriorityClass')).toBe(k8s.scheduling.v1.PriorityClass);
    expect(resourceClass('cluster.x-k8s.io/v1beta2', 'Cluster')).toBe(k8s.apiextensions.CustomResource);
    expect(resourceClass('apps/v1', 'NoSuchKind')).toBe(k8s.apiextensions.CustomResource);
  });
});
