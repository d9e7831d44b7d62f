/**
 * Type-level tests of the Cluster API object types, checked by `tsc -p tsconfig.json` (npm test runs it first): each
 * `@ts-expect-error` marks a line that must NOT compile. If a type is loosened so that the misspelled field is
 * accepted, the directive is unused and tsc fails. Nothing here runs.
 */
import type {
  awsClusterSpec, awsMachineSpec, Metal3Options, metal3ClusterSpec, metal3MachineSpec,
} from '../../../constructs/estate/infrastructure';
import type { renderClusterManagementObjects } from '../../../constructs/synth/management';
import type {
  AWSMachineTemplate, Cluster, KubeadmConfigTemplate, KubeadmControlPlane, Machine, MachineDeployment, MachineHealthCheck,
  AWSClusterSpec, AWSMachineSpec, ManagementObject, Metal3ClusterSpec, Metal3Machine, Metal3MachineSpec,
} from '../../../constructs/synth/capi';

const metadata = { name: 'trade-hz1', namespace: 'trade-hz1' };
const ref = { apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'trade-hz1-control-plane' };

export const cluster: Cluster = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Cluster',
  metadata,
  spec: {
    // @ts-expect-error `clusterNetworks` is not a field of ClusterSpec (it is `clusterNetwork`)
    clusterNetworks: { pods: { cidrBlocks: ['10.0.0.0/16'] } },
    controlPlaneRef: ref,
  },
};

export const olderVersion: Cluster = {
  // @ts-expect-error the renderer writes v1beta2 only
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'Cluster',
  metadata,
  spec: {},
};

export const v1beta1Ref: Cluster = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Cluster',
  metadata,
  // @ts-expect-error a v1beta2 ref has apiGroup, not v1beta1's apiVersion
  spec: { controlPlaneRef: { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlane', name: 'cp' } },
};

export const kcp: KubeadmControlPlane = {
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
  kind: 'KubeadmControlPlane',
  metadata,
  spec: {
    version: 'v1.33.1',
    machineTemplate: { spec: { infrastructureRef: ref } },
    kubeadmConfigSpec: {
      clusterConfiguration: {
        // @ts-expect-error v1beta2 extraArgs are a list of {name, value}, not v1beta1's map
        apiServer: { extraArgs: { 'audit-log-path': '/var/log/audit.log' } },
        etcd: { external: { endpoints: ['https://10.0.0.1:2379'], caFile: 'ca', certFile: 'crt', keyFile: 'key' } },
      },
    },
  },
};

export const kcpWithoutVersion: KubeadmControlPlane = {
  apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
  kind: 'KubeadmControlPlane',
  metadata,
  // @ts-expect-error version is required
  spec: { machineTemplate: { spec: { infrastructureRef: ref } } },
};

export const md: MachineDeployment = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'MachineDeployment',
  metadata,
  spec: {
    clusterName: 'trade-hz1',
    // @ts-expect-error `replica` is misspelled
    replica: 3,
    selector: { matchLabels: {} },
    template: { spec: { clusterName: 'trade-hz1', bootstrap: {}, infrastructureRef: ref } },
  },
};

export const machine: Machine = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Machine',
  metadata,
  // @ts-expect-error `failureDomains` is misspelled (one Machine has one `failureDomain`)
  spec: { clusterName: 'trade-hz1', bootstrap: { dataSecretName: 's' }, infrastructureRef: ref, failureDomains: ['hz1-a'] },
};

export const mhc: MachineHealthCheck = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'MachineHealthCheck',
  metadata,
  spec: {
    clusterName: 'trade-hz1',
    selector: {},
    // @ts-expect-error v1beta2 says `timeoutSeconds`, a number, where v1beta1 said `timeout: 300s`
    checks: { unhealthyNodeConditions: [{ type: 'Ready', status: 'False', timeout: '300s' }] },
  },
};

export const kct: KubeadmConfigTemplate = {
  apiVersion: 'bootstrap.cluster.x-k8s.io/v1beta2',
  kind: 'KubeadmConfigTemplate',
  metadata,
  spec: {
    template: {
      spec: {
        joinConfiguration: {
          // @ts-expect-error a taint's effect is one of Kubernetes' three
          nodeRegistration: { taints: [{ key: 'dedicated', value: 'search', effect: 'NoScheduling' }] },
        },
      },
    },
  },
};

export const metal3: Metal3Machine = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine',
  metadata,
  spec: {
    // @ts-expect-error v1beta2 calls the image format `diskFormat` (v1beta1's `format` is pruned by the API server)
    image: { url: 'https://images/os.qcow2', format: 'qcow2' },
  },
};

export const metal3Checksum: Metal3Machine = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine',
  metadata,
  // @ts-expect-error checksumType is an enum of the CRD
  spec: { image: { url: 'https://images/os.qcow2', checksumType: 'sha1' } },
};

export const aws: AWSMachineTemplate = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'AWSMachineTemplate',
  metadata,
  // @ts-expect-error instanceType is required
  spec: { template: { spec: { iamInstanceProfile: 'nodes' } } },
};

/** The renderer's result stays typed: if it were loosened to KubeObject[] the condition below would be false. */
type Rendered = ReturnType<typeof renderClusterManagementObjects>[number];
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const rendererIsTyped: Exactly<Rendered, ManagementObject> = true;

/*
 * The built-in providers' spec builders return the typed specs, not open records, so what they write is checked field
 * by field. Were a builder's return type loosened to Record<string, unknown>, the misspelled fields below would
 * compile and each @ts-expect-error would be unused.
 */
export const metal3ClusterBuilt: ReturnType<typeof metal3ClusterSpec> = {
  // @ts-expect-error `cloudProviderEnable` is misspelled
  cloudProviderEnable: false,
};

export const metal3MachineBuilt: ReturnType<typeof metal3MachineSpec> = {
  // @ts-expect-error v1beta2 calls the image format `diskFormat`
  image: { url: 'https://images/os.qcow2', format: 'qcow2' },
};

export const awsClusterBuilt: ReturnType<typeof awsClusterSpec> = {
  // @ts-expect-error `regionName` is not a field of AWSClusterSpec (it is `region`)
  regionName: 'cn-north-1',
};

export const awsMachineBuilt: ReturnType<typeof awsMachineSpec> = {
  instanceType: 'm6i.2xlarge',
  // @ts-expect-error rootVolume's size is in GiB, a number
  rootVolume: { size: '100Gi' },
};

export const metal3ChecksumOption: Metal3Options = {
  imageUrl: 'https://images/os.qcow2',
  imageChecksumUrl: 'https://images/os.qcow2.sha256',
  // @ts-expect-error the option takes only the checksum types the Metal3Machine CRD accepts
  imageChecksumType: 'sha1',
};

/** Each builder returns exactly its provider's spec type. */
export const buildersAreTyped: [
  Exactly<ReturnType<typeof metal3ClusterSpec>, Metal3ClusterSpec>,
  Exactly<ReturnType<typeof metal3MachineSpec>, Metal3MachineSpec>,
  Exactly<ReturnType<typeof awsClusterSpec>, AWSClusterSpec>,
  Exactly<ReturnType<typeof awsMachineSpec>, AWSMachineSpec>,
] = [true, true, true, true];
