import { MANAGEMENT_TARGET, synthesize } from '../../../constructs';
import type {
  AWSCluster, AWSMachine, AWSMachineTemplate, Cluster, KubeadmConfig, KubeadmConfigSpec, KubeadmConfigTemplate,
  KubeadmControlPlane, Machine, MachineDeployment, MachineHealthCheck, Metal3Cluster, Metal3Machine, Metal3MachineTemplate,
  TypedObject,
} from '../../../constructs/synth/capi';
import { buildEstate, estateSpec } from '../../bench/generate-estate';
import { CrdSchemaSet, describeWithSharedCrds, fieldsNotInSchema, MANAGEMENT_CRDS_DIRS } from '../../helpers/crd-schemas';
import { REFERENCE_TIMES, referenceSynthesis } from '../../helpers/reference';

/**
 * Every optional field made required, all the way down: a sample typed so must give every field of the interface, so
 * a field added to an interface and not to its sample here fails to compile, and every field is walked.
 */
type Complete<T> = T extends string | number | boolean ? T
  : T extends readonly (infer U)[] ? readonly Complete<U>[]
  : { readonly [K in keyof T]-?: Complete<NonNullable<T[K]>> };

/** One sample per typed object; `spec` complete, the rest as in the interface. */
type Sample<T> = T extends TypedObject<infer A, infer K, infer S> ? { apiVersion: A; kind: K; metadata: T['metadata']; spec: Complete<S> } : never;

const metadata = { name: 'trade-hz1', namespace: 'trade-hz1' };
const ref = { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'Metal3MachineTemplate', name: 'trade-hz1-control-plane-0123456789' };
const args = [{ name: 'profiling', value: 'false' }];
const nodeRegistration = { kubeletExtraArgs: [{ name: 'node-labels', value: 'topology.kubernetes.io/zone=hz1-a' }], taints: [{ key: 'dedicated', value: 'search', effect: 'NoSchedule' as const }] };
const kubeadmConfigSpec: Complete<KubeadmConfigSpec> = {
  clusterConfiguration: {
    apiServer: { extraArgs: args, extraVolumes: [{ name: 'audit-log', hostPath: '/var/log/kubernetes/audit', mountPath: '/var/log/kubernetes/audit', readOnly: false, pathType: 'DirectoryOrCreate' }] },
    controllerManager: { extraArgs: args },
    scheduler: { extraArgs: args },
    etcd: { external: { endpoints: ['https://10.0.0.1:2379'], caFile: '/etc/kubernetes/pki/etcd/ca.crt', certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt', keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key' } },
  },
  initConfiguration: { nodeRegistration },
  joinConfiguration: { nodeRegistration },
  // One file carries both content sources, only so that the walk reaches both (kubeadm takes one of them).
  files: [{ path: '/etc/kubernetes/encryption/config.yaml', owner: 'root:root', permissions: '0600', content: 'x', contentFrom: { secret: { name: 'trade-hz1-encryption-config', key: 'config' } } }],
};
const machineSpec = {
  clusterName: 'trade-hz1',
  bootstrap: { configRef: { apiGroup: 'bootstrap.cluster.x-k8s.io', kind: 'KubeadmConfigTemplate', name: 'trade-hz1-general-hz1-a-0123456789' }, dataSecretName: 'trade-hz1-etcd-0-bootstrap' },
  infrastructureRef: ref,
  version: 'v1.33.1',
  failureDomain: 'hz1-a',
};
const endpoint = { host: '10.0.0.10', port: 6443 };
const metal3Spec = { image: { url: 'https://images/os.qcow2', checksum: 'https://images/os.qcow2.sha256', checksumType: 'sha256' as const, diskFormat: 'qcow2' as const }, hostSelector: { matchLabels: { 'cluster-estate.io/zone': 'hz1-a' } } };
const awsSpec = { instanceType: 'm6i.2xlarge', iamInstanceProfile: 'nodes.cluster-api-provider-aws.sigs.k8s.io', sshKeyName: 'ops', rootVolume: { size: 100 } };

const SAMPLES = {
  Cluster: {
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata,
    spec: {
      clusterNetwork: { pods: { cidrBlocks: ['10.64.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/16'] }, serviceDomain: 'cluster.local' },
      controlPlaneEndpoint: endpoint,
      controlPlaneRef: { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'trade-hz1-control-plane' },
      infrastructureRef: { apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'Metal3Cluster', name: 'trade-hz1' },
    },
  } satisfies Sample<Cluster>,
  Machine: { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine', metadata, spec: machineSpec } satisfies Sample<Machine>,
  MachineDeployment: {
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineDeployment', metadata,
    spec: { clusterName: 'trade-hz1', replicas: 3, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' }, annotations: { c: 'd' } }, spec: machineSpec } },
  } satisfies Sample<MachineDeployment>,
  MachineHealthCheck: {
    apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'MachineHealthCheck', metadata,
    spec: {
      clusterName: 'trade-hz1',
      selector: { matchLabels: { a: 'b' } },
      checks: { nodeStartupTimeoutSeconds: 900, unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeoutSeconds: 300 }] },
      remediation: { triggerIf: { unhealthyLessThanOrEqualTo: '40%' } },
    },
  } satisfies Sample<MachineHealthCheck>,
  KubeadmControlPlane: {
    apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', metadata,
    spec: { replicas: 3, version: 'v1.33.1', machineTemplate: { metadata: { labels: { a: 'b' }, annotations: { c: 'd' } }, spec: { infrastructureRef: ref } }, kubeadmConfigSpec },
  } satisfies Sample<KubeadmControlPlane>,
  KubeadmConfigTemplate: {
    apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfigTemplate', metadata,
    spec: { template: { spec: kubeadmConfigSpec } },
  } satisfies Sample<KubeadmConfigTemplate>,
  KubeadmConfig: { apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2', kind: 'KubeadmConfig', metadata, spec: kubeadmConfigSpec } satisfies Sample<KubeadmConfig>,
  Metal3Cluster: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'Metal3Cluster', metadata, spec: { controlPlaneEndpoint: endpoint, cloudProviderEnabled: false } } satisfies Sample<Metal3Cluster>,
  Metal3Machine: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'Metal3Machine', metadata, spec: metal3Spec } satisfies Sample<Metal3Machine>,
  Metal3MachineTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'Metal3MachineTemplate', metadata, spec: { template: { spec: metal3Spec } } } satisfies Sample<Metal3MachineTemplate>,
  AWSCluster: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'AWSCluster', metadata, spec: { region: 'ap-southeast-1', controlPlaneEndpoint: endpoint } } satisfies Sample<AWSCluster>,
  AWSMachine: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'AWSMachine', metadata, spec: awsSpec } satisfies Sample<AWSMachine>,
  AWSMachineTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'AWSMachineTemplate', metadata, spec: { template: { spec: awsSpec } } } satisfies Sample<AWSMachineTemplate>,
};

describe('fieldsNotInSchema (the walk behind the tests below)', () => {
  const schema = {
    type: 'object',
    properties: {
      size: { 'x-kubernetes-int-or-string': true },
      mode: { type: 'string', enum: ['a', 'b'] },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };

  it('accepts every path the schema has, with its type', () => {
    expect(fieldsNotInSchema({ size: '40%', mode: 'a', labels: { x: 'y' }, items: [{ name: 'n' }], open: { anything: [1] } }, schema)).toEqual([]);
    expect(fieldsNotInSchema({ size: 3 }, schema)).toEqual([]);
  });

  it('names each unknown field, wrong type and value outside the enum by its path', () => {
    expect(fieldsNotInSchema({ sise: 1, mode: 'c', labels: { x: 1 }, items: [{ nmae: 'n' }], size: true }, schema).sort()).toEqual([
      'items[].nmae: not in the schema',
      'labels{}: integer where the schema has string',
      'mode: "c" is not one of ["a","b"]',
      'sise: not in the schema',
      'size: boolean where the schema takes an integer or a string',
    ]);
  });
});

describeWithSharedCrds('the Cluster API object types agree with the v1beta2 CRDs', () => {
  const schemas = CrdSchemaSet.load(MANAGEMENT_CRDS_DIRS);
  const specSchema = (
    apiVersion: string,
    kind: string,
  ) => (schemas.openApiSchema(apiVersion, kind)?.properties as Record<string, unknown> | undefined)?.spec;

  test.each(Object.entries(SAMPLES))('every field of %s is in its CRD, with a compatible type', (_, sample) => {
    expect(schemas.has(sample.apiVersion, sample.kind)).toBe(true);
    expect(schemas.isDeprecated(sample.apiVersion, sample.kind)).toBe(false);
    expect(fieldsNotInSchema(sample.spec, specSchema(sample.apiVersion, sample.kind), 'spec')).toEqual([]);
  });

  it('the fields typed as enums are those the CRDs give enums', () => {
    // Walk each sample's spec and list the schema nodes with an enum that it reaches.
    const enums = new Set<string>();
    const visit = (value: unknown, node: unknown, at: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (Array.isArray(n.enum)) enums.add(at);
      if (Array.isArray(value)) value.forEach((v) => visit(v, n.items, `${at}[]`));
      else if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) visit(v, (n.properties as Record<string, unknown> | undefined)?.[k], `${at}.${k}`);
      }
    };
    for (const sample of Object.values(SAMPLES)) visit(sample.spec, specSchema(sample.apiVersion, sample.kind), sample.kind);
    // Metal3Image's checksumType and diskFormat are the unions Metal3ChecksumType and Metal3DiskFormat.
    expect([...enums].sort()).toEqual([
      'Metal3Machine.image.checksumType', 'Metal3Machine.image.diskFormat',
      'Metal3MachineTemplate.template.spec.image.checksumType', 'Metal3MachineTemplate.template.spec.image.diskFormat',
    ]);
  });

  it('a sample with a v1beta1 field is caught (the walk can fail)', () => {
    const v1beta1Image = { ...SAMPLES.Metal3Machine.spec, image: { url: 'https://images/os.qcow2', format: 'qcow2' } };
    expect(fieldsNotInSchema(v1beta1Image, specSchema(SAMPLES.Metal3Machine.apiVersion, 'Metal3Machine'), 'spec')).toEqual(['spec.image.format: not in the schema']);
  });

  const management = (objects: readonly { apiVersion: string; kind: string; spec?: unknown }[]) => objects.filter((o) => schemas.has(
    o.apiVersion,
    o.kind,
  ));

  test.each(Object.entries(REFERENCE_TIMES))('every field the renderer writes for the reference estate is in its CRD (%s)', (_, asOf) => {
    const objects = management(referenceSynthesis(asOf).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap((o) => fieldsNotInSchema(o.spec, specSchema(o.apiVersion, o.kind), `${o.kind} spec`))).toEqual([]);
  });

  it('every field the renderer writes for the bench\'s generated estate is in its CRD', () => {
    const estate = buildEstate(estateSpec(12));
    const objects = management(synthesize(estate, { asOf: REFERENCE_TIMES.peak }).targets.find((t) => t.name === MANAGEMENT_TARGET)!.objects);
    expect(new Set(objects.map((o) => o.kind)).size).toBeGreaterThanOrEqual(7);
    expect(objects.flatMap((o) => fieldsNotInSchema(o.spec, specSchema(o.apiVersion, o.kind), `${o.kind} spec`))).toEqual([]);
    expect(objects.flatMap((o) => schemas.validate(o))).toEqual([]);
  });
}, MANAGEMENT_CRDS_DIRS);
