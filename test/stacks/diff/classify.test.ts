import { KubeObject } from '../../../constructs';
import { ChangeAction, classifyUpdate, destructiveReason, diffObjects, diffSnapshots, ObjectRef, snapshotFromObjects } from '../../../stacks/diff';

type Plain = Record<string, unknown>;

function classify(before: KubeObject, after: KubeObject) {
  const ref: ObjectRef = { apiVersion: after.apiVersion, kind: after.kind, name: after.metadata.name, namespace: after.metadata.namespace };
  return classifyUpdate(ref, before as Plain, after as Plain, diffObjects(after.kind, before as Plain, after as Plain));
}

function obj(apiVersion: string, kind: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, spec, ...extra };
}

describe('replacements: immutable fields', () => {
  test.each([
    ['Deployment selector', obj('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'a' } }, replicas: 1 }), obj('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'a', tier: 'b' } }, replicas: 1 }), 'spec.selector'],
    ['Service clusterIP', obj('v1', 'Service', { clusterIP: '10.0.0.1' }), obj('v1', 'Service', { clusterIP: '10.0.0.2' }), 'spec.clusterIP'],
    ['Job template', obj('batch/v1', 'Job', { template: { spec: { containers: [{ name: 'm', image: 'a' }] } } }), obj('batch/v1', 'Job', { template: { spec: { containers: [{ name: 'm', image: 'b' }] } } }), 'spec.template'],
    ['PVC storage class', obj('v1', 'PersistentVolumeClaim', { storageClassName: 'ssd' }), obj('v1', 'PersistentVolumeClaim', { storageClassName: 'nvme' }), 'spec.storageClassName'],
    ['MachineDeployment clusterName', obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { clusterName: 'a' }), obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { clusterName: 'b' }), 'spec.clusterName'],
    ['MachineDeployment selector', obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { selector: { matchLabels: { a: '1' } } }), obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { selector: { matchLabels: { a: '2' } } }), 'spec.selector'],
    ['Machine failure domain', obj('cluster.x-k8s.io/v1beta2', 'Machine', { failureDomain: 'a' }), obj('cluster.x-k8s.io/v1beta2', 'Machine', { failureDomain: 'b' }), 'spec.failureDomain'],
    ['Cluster pod network', obj('cluster.x-k8s.io/v1beta2', 'Cluster', { clusterNetwork: { pods: { cidrBlocks: ['10.0.0.0/16'] } } }), obj('cluster.x-k8s.io/v1beta2', 'Cluster', { clusterNetwork: { pods: { cidrBlocks: ['10.8.0.0/16'] } } }), 'spec.clusterNetwork'],
    ['Cluster controlPlaneRef', obj('cluster.x-k8s.io/v1beta2', 'Cluster', { controlPlaneRef: { name: 'a' } }), obj('cluster.x-k8s.io/v1beta2', 'Cluster', { controlPlaneRef: { name: 'b' } }), 'spec.controlPlaneRef'],
    ['machine template', obj('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSMachineTemplate', { template: { spec: { instanceType: 'a' } } }), obj('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSMachineTemplate', { template: { spec: { instanceType: 'b' } } }), 'spec'],
    ['KubeadmControlPlane certificatesDir', obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { kubeadmConfigSpec: { clusterConfiguration: { certificatesDir: '/a' } } }), obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { kubeadmConfigSpec: { clusterConfiguration: { certificatesDir: '/b' } } }), 'spec.kubeadmConfigSpec'],
  ])('%s forces a replacement', (_name, before, after, field) => {
    const c = classify(before, after);
    expect(c.action).toBe(ChangeAction.REPLACE);
    expect(c.reasons.some((r) => r.startsWith(`${field}:`))).toBe(true);
    expect(c.immutable.some((r) => r !== undefined)).toBe(true);
  });

  test.each([
    ['Deployment template', obj('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'm', image: 'a' }] } } }), obj('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'm', image: 'b' }] } } })],
    ['MachineDeployment replicas', obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { replicas: 1 }), obj('cluster.x-k8s.io/v1beta2', 'MachineDeployment', { replicas: 3 })],
    ['Machine labels', { ...obj('cluster.x-k8s.io/v1beta2', 'Machine', { failureDomain: 'a' }), metadata: { name: 'x', labels: { a: '1' } } }, { ...obj('cluster.x-k8s.io/v1beta2', 'Machine', { failureDomain: 'a' }), metadata: { name: 'x', labels: { a: '2' } } }],
    ['KubeadmControlPlane external etcd endpoints and replicas', obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { replicas: 3, kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: ['a'] } } } } }), obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { replicas: 5, kubeadmConfigSpec: { clusterConfiguration: { etcd: { external: { endpoints: ['a', 'b'] } } } } })],
    ['KubeadmControlPlane API server args', obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs: [{ name: 'a', value: '1' }] } } } }), obj('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane', { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs: [{ name: 'a', value: '2' }] } } } })],
    ['ConfigMap data (not immutable)', obj('v1', 'ConfigMap', {}, { data: { a: '1' } }), obj('v1', 'ConfigMap', {}, { data: { a: '2' } })],
  ])('%s is an update', (_name, before, after) => {
    expect(classify(before, after).action).toBe(ChangeAction.UPDATE);
  });

  test('an immutable ConfigMap is replaced when its data changes', () => {
    expect(classify(obj('v1', 'ConfigMap', {}, { immutable: true, data: { a: '1' } }), obj('v1', 'ConfigMap', {}, { immutable: true, data: { a: '2' } })).action).toBe(ChangeAction.REPLACE);
  });
});

describe('destructive changes: protected objects', () => {
  const context = { groupKind: new Map([['d1', 'daily'], ['p1', 'peak']]), clustersDeleted: new Set(['p1']) };
  const capi = (kind: string, name: string, labels: Record<string, string> = {}) => ({ apiVersion: kind === 'KubeadmControlPlane' ? 'controlplane.cluster.x-k8s.io/v1beta2' : 'cluster.x-k8s.io/v1beta2', kind, metadata: { name, namespace: 'd1', labels } });
  const reason = (o: ReturnType<typeof capi>, action: ChangeAction, cluster = 'd1') => destructiveReason(action, { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: 'd1' }, o as Plain, cluster, context);

  test('etcd member Machines, control planes and daily Clusters, deleted or replaced', () => {
    expect(reason(capi('Machine', 'd1-etcd-0', { 'cluster-estate.io/machine-role': 'etcd' }), ChangeAction.DELETE)).toMatch(/etcd member of d1/);
    expect(reason(capi('Machine', 'd1-etcd-0', { 'cluster-estate.io/machine-role': 'etcd' }), ChangeAction.REPLACE)).toMatch(/replacing it/);
    expect(reason(capi('KubeadmControlPlane', 'd1-control-plane'), ChangeAction.DELETE)).toMatch(/control plane of d1/);
    expect(reason(capi('Cluster', 'd1', { 'cluster-estate.io/group-kind': 'daily' }), ChangeAction.DELETE)).toMatch(/daily cluster d1/);
  });

  test('workers, updates and a peak cluster removed as a whole are not destructive', () => {
    expect(reason(capi('Machine', 'd1-etcd-0', { 'cluster-estate.io/machine-role': 'etcd' }), ChangeAction.UPDATE)).toBeUndefined();
    expect(reason(capi('MachineDeployment', 'd1-general-a', { 'cluster-estate.io/machine-role': 'worker' }), ChangeAction.DELETE)).toBeUndefined();
    expect(reason(capi('KubeadmControlPlane', 'p1-control-plane'), ChangeAction.DELETE, 'p1')).toBeUndefined();
    expect(reason(capi('Cluster', 'p1', { 'cluster-estate.io/group-kind': 'peak' }), ChangeAction.DELETE, 'p1')).toBeUndefined();
  });

  test('a peak cluster losing its control plane while the cluster stays is destructive', () => {
    const stays = { ...context, clustersDeleted: new Set<string>() };
    const o = capi('KubeadmControlPlane', 'p1-control-plane');
    expect(destructiveReason(ChangeAction.DELETE, { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }, o as Plain, 'p1', stays)).toMatch(/control plane of p1/);
  });

  test('an apiVersion move is one updated object, not a destructive delete and a create', () => {
    const v1 = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Machine', metadata: { name: 'd1-etcd-0', namespace: 'd1', labels: { 'cluster-estate.io/machine-role': 'etcd', 'cluster-estate.io/cluster': 'd1' } }, spec: { clusterName: 'd1' } };
    const v2 = { ...v1, apiVersion: 'cluster.x-k8s.io/v1beta2' };
    const report = diffSnapshots(snapshotFromObjects('e', { management: [v1] }), snapshotFromObjects('e', { management: [v2] }));
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ action: ChangeAction.UPDATE, apiVersionChange: { from: 'cluster.x-k8s.io/v1beta1', to: 'cluster.x-k8s.io/v1beta2' } });
    expect(report.changes[0].destructive).toBeUndefined();
  });
});
