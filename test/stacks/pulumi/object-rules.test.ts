import { KubeObject } from '../../../constructs';
import { Guard, guardOf, indexTarget, logicalName, objectRules, resourceType, Tier } from '../../../stacks/pulumi';
import { clusterTargetObjects } from './helpers/fixtures';

/** The per-object rules, tested directly on plain objects. */

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: Partial<KubeObject> = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(extra.metadata ?? {}) }, ...extra }) as KubeObject;

describe('resource type and logical name', () => {
  test.each([
    ['v1', 'Namespace', 'kubernetes:core/v1:Namespace'],
    ['v1', 'Secret', 'kubernetes:core/v1:Secret'],
    ['apps/v1', 'Deployment', 'kubernetes:apps/v1:Deployment'],
    ['policy/v1', 'PodDisruptionBudget', 'kubernetes:policy/v1:PodDisruptionBudget'],
    ['scheduling.k8s.io/v1', 'PriorityClass', 'kubernetes:scheduling.k8s.io/v1:PriorityClass'],
    ['cluster.x-k8s.io/v1beta2', 'Cluster', 'kubernetes:cluster.x-k8s.io/v1beta2:Cluster'],
    ['infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3Cluster', 'kubernetes:infrastructure.cluster.x-k8s.io/v1beta1:Metal3Cluster'],
  ])('%s %s is %s', (apiVersion, kind, type) => {
    expect(resourceType({ apiVersion, kind })).toBe(type);
  });

  test('namespaced objects are <Kind>/<namespace>/<name>, cluster-scoped ones <Kind>/<name>; the version is left to the type', () => {
    expect(logicalName(obj('apps/v1', 'Deployment', 'order', 'trade'))).toBe('Deployment/trade/order');
    expect(logicalName(obj('v1', 'Service', 'order', 'trade'))).toBe('Service/trade/order');
    expect(logicalName(obj('v1', 'Namespace', 'trade'))).toBe('Namespace/trade');
    expect(logicalName(obj('cluster.x-k8s.io/v1beta2', 'Cluster', 'c', 'c'))).toBe(logicalName(obj('cluster.x-k8s.io/v1beta3', 'Cluster', 'c', 'c')));
  });
});

describe('guards', () => {
  const etcd = { metadata: { name: 'x', labels: { 'cluster-estate.io/machine-role': 'etcd' } } };
  test.each([
    [obj('v1', 'Namespace', 'trade'), Guard.NAMESPACE],
    [obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'rollouts.delivery.cluster-estate.io'), Guard.CUSTOM_RESOURCE_DEFINITION],
    [obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', 'c-control-plane', 'c'), Guard.CONTROL_PLANE],
    [obj('cluster.x-k8s.io/v1beta2', 'Cluster', 'c', 'c'), Guard.CLUSTER],
    [obj('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSCluster', 'c', 'c'), Guard.CLUSTER_INFRASTRUCTURE],
    [obj('cluster.x-k8s.io/v1beta2', 'Machine', 'c-etcd-0', 'c', etcd), Guard.ETCD_MEMBER],
    [obj('infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3Machine', 'c-etcd-0', 'c', etcd), Guard.ETCD_MEMBER],
    [obj('v1', 'Secret', 'c-etcd-0-bootstrap', 'c', etcd), Guard.ETCD_MEMBER],
  ])('%#: %j is guarded as %s', (o, guard) => {
    expect(guardOf(o)).toBe(guard);
  });

  test.each([
    obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'c-general-a', 'c'),
    obj('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSMachineTemplate', 'c-control-plane', 'c'),
    obj('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSClusterTemplate', 'c', 'c'),
    obj('cluster.x-k8s.io/v1beta2', 'Machine', 'c-worker', 'c'),
    obj('v1', 'Secret', 'app-config', 'trade'),
    obj('apps/v1', 'Deployment', 'order', 'trade'),
    // Same kind names in other groups are not Cluster API's.
    obj('example.com/v1', 'Cluster', 'c', 'c'),
    obj('example.com/v1', 'Namespace', 'n'),
  ])('%#: %j is not guarded', (o) => {
    expect(guardOf(o)).toBeUndefined();
  });
});

describe('controller-owned fields', () => {
  const md = (annotations?: Record<string, string>) => obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'c-general-a', 'c', { metadata: { name: 'c-general-a', namespace: 'c', annotations } } as Partial<KubeObject>);

  test('an autoscaled MachineDeployment leaves spec.replicas to the cluster autoscaler', () => {
    const rules = objectRules(md({ 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '3', 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '9' }), indexTarget([]));
    expect(rules.ignoreChanges).toEqual(['spec.replicas']);
    expect(rules.ignoreReason).toMatch(/autoscaler/);
    expect(objectRules(md(), indexTarget([])).ignoreChanges).toEqual([]);
  });

  test('a workload scaled by an HPA in its namespace leaves spec.replicas to it; the same name elsewhere does not', () => {
    const objects = clusterTargetObjects('c');
    const index = indexTarget(objects);
    const order = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'order')!;
    expect(objectRules(order, index)).toMatchObject({ ignoreChanges: ['spec.replicas'], ignoreReason: 'HorizontalPodAutoscaler order owns spec.replicas' });
    expect(objectRules({ ...order, metadata: { ...order.metadata, namespace: 'payments' } }, index).ignoreChanges).toEqual([]);
    expect(objectRules({ ...order, kind: 'StatefulSet' }, index).ignoreChanges).toEqual([]);
  });
});

describe('tiers and dependencies', () => {
  const objects = clusterTargetObjects('c');
  const index = indexTarget(objects);
  const rules = (kind: string, name: string) => objectRules(objects.find((o) => o.kind === kind && o.metadata.name === name)!, index);

  test('namespaces and CRDs form the foundation and depend on nothing', () => {
    expect(rules('Namespace', 'trade')).toMatchObject({ tier: Tier.FOUNDATION, dependsOn: [] });
    expect(rules('CustomResourceDefinition', 'rollouts.delivery.cluster-estate.io')).toMatchObject({ tier: Tier.FOUNDATION, dependsOn: [] });
  });

  test('objects depend on their namespace when the target creates it, custom resources on their CRD too', () => {
    expect(rules('Rollout', 'order')).toMatchObject({ tier: Tier.OBJECTS, dependsOn: ['v1/Namespace//trade', 'apiextensions.k8s.io/v1/CustomResourceDefinition//rollouts.delivery.cluster-estate.io'] });
    expect(rules('Service', 'ledger').dependsOn).toEqual(['v1/Namespace//payments']);
    expect(rules('PriorityClass', 'trade-critical').dependsOn).toEqual([]);
    expect(objectRules(obj('v1', 'ConfigMap', 'x', 'kube-system'), index).dependsOn).toEqual([]);
  });
});

describe('machine templates come before the objects that reference them', () => {
  const ns = obj('v1', 'Namespace', 'c');
  const infra = obj('infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3MachineTemplate', 'c-general-a-0123456789', 'c');
  const bootstrap = obj('bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate', 'c-general-a-9876543210', 'c');
  const cpTemplate = obj('infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3MachineTemplate', 'c-control-plane-abcdef0123', 'c');
  const unused = obj('infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3MachineTemplate', 'c-general-a-old', 'c');
  const md = obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', 'c-general-a', 'c', {
    spec: { template: { spec: {
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'Metal3MachineTemplate', name: infra.metadata.name },
      bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: bootstrap.metadata.name } },
    } } },
  });
  const kcp = obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', 'c-control-plane', 'c', {
    spec: { machineTemplate: { spec: { infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'Metal3MachineTemplate', name: cpTemplate.metadata.name } } } },
  });
  const index = indexTarget([ns, infra, bootstrap, cpTemplate, unused, md, kcp]);
  const key = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

  test('referenced templates form their own tier, after namespaces, and depend on their namespace only', () => {
    for (const t of [infra, bootstrap, cpTemplate]) expect(objectRules(t, index)).toMatchObject({ tier: Tier.TEMPLATES, dependsOn: [key(ns)] });
    // A template nothing references (one the update leaves behind, say) is an ordinary object.
    expect(objectRules(unused, index)).toMatchObject({ tier: Tier.OBJECTS, dependsOn: [key(ns)] });
  });

  test('a MachineDeployment depends on both its templates, a KubeadmControlPlane on its machine template', () => {
    expect(objectRules(md, index)).toMatchObject({ tier: Tier.OBJECTS, dependsOn: [key(ns), key(infra), key(bootstrap)] });
    expect(objectRules(kcp, index)).toMatchObject({ tier: Tier.OBJECTS, dependsOn: [key(ns), key(cpTemplate)] });
  });

  test('v1beta1 refs (apiVersion instead of apiGroup) count; refs to templates outside the target or in another namespace add nothing', () => {
    const v1beta1 = obj('controlplane.cluster.x-k8s.io/v1beta1', 'KubeadmControlPlane', 'c-control-plane', 'c', {
      spec: { machineTemplate: { infrastructureRef: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'Metal3MachineTemplate', name: cpTemplate.metadata.name } } },
    });
    expect(objectRules(v1beta1, indexTarget([ns, cpTemplate, v1beta1])).dependsOn).toEqual([key(ns), key(cpTemplate)]);
    expect(objectRules(md, indexTarget([ns, md])).dependsOn).toEqual([key(ns)]);
    const elsewhere = { ...infra, metadata: { ...infra.metadata, namespace: 'other' } };
    expect(objectRules(md, indexTarget([ns, elsewhere, md])).dependsOn).toEqual([key(ns)]);
    expect(objectRules(elsewhere, indexTarget([ns, elsewhere, md])).tier).toBe(Tier.OBJECTS);
  });
});
