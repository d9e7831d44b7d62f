import type { APIEndpoint, LabelSelector, TypedObject } from './meta';

/** The apiVersion of the Metal3 kinds written here: v1beta2, CAPM3's storage version (v1beta1 is deprecated). */
export const METAL3_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta2';
export type Metal3ApiVersion = typeof METAL3_API_VERSION;

/** Metal3ClusterSpec is the desired state of a Metal3Cluster. */
export interface Metal3ClusterSpec {
  /** controlPlaneEndpoint is optional: where the workload cluster's API server is reached. */
  readonly controlPlaneEndpoint?: APIEndpoint;
  /** cloudProviderEnabled is optional: whether an external cloud provider sets the Nodes' provider IDs. */
  readonly cloudProviderEnabled?: boolean;
}

/** Metal3Cluster is the bare-metal infrastructure of a cluster. */
export type Metal3Cluster = TypedObject<Metal3ApiVersion, 'Metal3Cluster', Metal3ClusterSpec>;

/** ChecksumType is the hash algorithm of an image's checksum. */
export type Metal3ChecksumType = 'md5' | 'sha256' | 'sha512';

/** DiskFormat is the format of an image, as Ironic writes it to the disk. */
export type Metal3DiskFormat = 'raw' | 'qcow2' | 'vdi' | 'vmdk' | 'live-iso';

/** Image is the operating system image a host is provisioned with. */
export interface Metal3Image {
  /** url is required: where the image is downloaded from. 1-512 characters. */
  readonly url: string;
  /** checksum is optional: the checksum, or the URL of a file holding it. At most 512 characters. */
  readonly checksum?: string;
  /** checksumType is optional: the checksum's algorithm. */
  readonly checksumType?: Metal3ChecksumType;
  /** diskFormat is optional: the image's format (v1beta1 called it `format`). */
  readonly diskFormat?: Metal3DiskFormat;
}

/** Metal3MachineSpec is the desired state of a Metal3Machine (and the spec of a Metal3MachineTemplate's template). */
export interface Metal3MachineSpec {
  /** image is optional: the image the chosen host is provisioned with. */
  readonly image?: Metal3Image;
  /** hostSelector is optional: which BareMetalHosts may be chosen (here by machine model, IDC and zone). */
  readonly hostSelector?: LabelSelector;
}

/** Metal3Machine is the bare-metal host of one Machine: here an etcd member. */
export type Metal3Machine = TypedObject<Metal3ApiVersion, 'Metal3Machine', Metal3MachineSpec>;

/** Metal3MachineTemplateResource is the template a Metal3Machine is made from. */
export interface Metal3MachineTemplateResource {
  /** spec is required: the Metal3Machines' spec. */
  readonly spec: Metal3MachineSpec;
}

/** Metal3MachineTemplateSpec is the desired state of a Metal3MachineTemplate. */
export interface Metal3MachineTemplateSpec {
  /** template is required: what each Metal3Machine is made from. */
  readonly template: Metal3MachineTemplateResource;
}

/** Metal3MachineTemplate is the bare-metal template of a MachineDeployment or the control plane. Immutable: named after its content. */
export type Metal3MachineTemplate = TypedObject<Metal3ApiVersion, 'Metal3MachineTemplate', Metal3MachineTemplateSpec>;
