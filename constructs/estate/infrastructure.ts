// Type-only: the provider specs' types live beside the renderer that writes them; a value import would tie the
// estate model to the synthesis layer, which imports the estate.
import type { AWSClusterSpec, AWSMachineSpec, Metal3ClusterSpec, Metal3MachineSpec } from '../synth/capi';
import { InstanceSpec, DEFAULT_DISKS } from './instance';

/** What a machine is for. */
export enum MachineRole {
  CONTROL_PLANE = 'control-plane',
  ETCD = 'etcd',
  WORKER = 'worker',
}

/** What a provider is told about one machine (or one machine template) it must describe. */
export interface MachineContext {
  readonly estate: string;
  readonly region: string;
  readonly idc: string;
  readonly cluster: string;
  readonly role: MachineRole;
  readonly instance: InstanceSpec;
  /** Node pool name, for workers. */
  readonly pool?: string;
  /** Zone name, when the machine (template) belongs to one zone. */
  readonly zone?: string;
  /** Static address, for etcd members. */
  readonly address?: string;
}

/** What a provider is told about the cluster whose infrastructure object it describes. */
export interface InfrastructureClusterContext {
  readonly estate: string;
  readonly region: string;
  readonly idc: string;
  readonly cluster: string;
  /** The failure domains (zones) the cluster's machines spread over. */
  readonly failureDomains: readonly string[];
  readonly controlPlaneEndpoint: { readonly host: string; readonly port: number };
}

/** Properties of an infrastructure provider. */
export interface InfrastructureProviderProps {
  /** Short name shown in summaries, for example `metal3` or `aws`. */
  readonly name: string;
  /** API group of the provider's kinds. @default 'infrastructure.cluster.x-k8s.io' */
  readonly apiGroup?: string;
  /** API version of the provider's kinds, for example `v1beta2`. */
  readonly apiVersion: string;
  /** Kind of the provider's cluster object, for example `Metal3Cluster`. */
  readonly clusterKind: string;
  /** Kind of the provider's machine object, for example `Metal3Machine` (used for etcd members). */
  readonly machineKind: string;
  /** Kind of the provider's machine template. @default `${machineKind}Template` */
  readonly machineTemplateKind?: string;
  /** The provider-specific `spec` of the cluster object. */
  readonly clusterSpec: (context: InfrastructureClusterContext) => Record<string, unknown>;
  /** The provider-specific `spec` of a machine (and, wrapped in `template.spec`, of a machine template). */
  readonly machineSpec: (context: MachineContext) => Record<string, unknown>;
}

/** Options of the Metal3 (bare metal) provider, for self-built IDCs. */
export interface Metal3Options {
  /** URL of the operating system image the hosts are provisioned with. */
  readonly imageUrl: string;
  /** URL of its checksum file. */
  readonly imageChecksumUrl: string;
  /**
   * Algorithm of the checksum, one of the values the Metal3Machine CRD accepts.
   * @default 'sha256'
   */
  readonly imageChecksumType?: 'md5' | 'sha256' | 'sha512';
}

/** Options of the AWS provider. */
export interface AwsOptions {
  /** AWS region, for example `ap-southeast-1`. */
  readonly region: string;
  /** IAM instance profile of the nodes. @default 'nodes.cluster-api-provider-aws.sigs.k8s.io' */
  readonly iamInstanceProfile?: string;
  /** SSH key pair name. @default - no key pair */
  readonly sshKeyName?: string;
}

/*
 * The built-in providers' spec builders. Each returns the provider's typed spec (synth/capi), so a misspelled or
 * mistyped field fails tsc here, where the object is written, and not only in the CRD schema test. Not part of the
 * public API: they are how InfrastructureProvider.metal3 and .aws render.
 */

/** The spec of a Metal3Cluster: the control-plane endpoint; no external cloud provider sets provider IDs. */
export function metal3ClusterSpec(c: InfrastructureClusterContext): Metal3ClusterSpec {
  return {
    controlPlaneEndpoint: { host: c.controlPlaneEndpoint.host, port: c.controlPlaneEndpoint.port },
    cloudProviderEnabled: false,
  };
}

/** The spec of a Metal3Machine (and of a Metal3MachineTemplate's template): the image, and hosts of the machine's model, IDC and zone. */
export function metal3MachineSpec(options: Metal3Options, m: MachineContext): Metal3MachineSpec {
  return {
    image: { url: options.imageUrl, checksum: options.imageChecksumUrl, checksumType: options.imageChecksumType ?? 'sha256', diskFormat: 'qcow2' },
    hostSelector: {
      matchLabels: {
        'cluster-estate.io/machine-model': m.instance.model,
        'cluster-estate.io/idc': m.idc,
        ...(m.zone ? { 'cluster-estate.io/zone': m.zone } : {}),
      },
    },
  };
}

/** The spec of an AWSCluster: the region and the control-plane endpoint. */
export function awsClusterSpec(options: AwsOptions, c: InfrastructureClusterContext): AWSClusterSpec {
  return {
    region: options.region,
    controlPlaneEndpoint: { host: c.controlPlaneEndpoint.host, port: c.controlPlaneEndpoint.port },
  };
}

/** The spec of an AWSMachine (and of an AWSMachineTemplate's template): instance type, profile, key pair, root volume. */
export function awsMachineSpec(options: AwsOptions, m: MachineContext): AWSMachineSpec {
  return {
    instanceType: m.instance.model,
    iamInstanceProfile: options.iamInstanceProfile ?? 'nodes.cluster-api-provider-aws.sigs.k8s.io',
    // `satisfies` because a spread escapes the return type's excess-property check: a misspelled key would pass.
    ...(options.sshKeyName ? { sshKeyName: options.sshKeyName } satisfies Partial<AWSMachineSpec> : {}),
    rootVolume: { size: (m.instance.disks ?? DEFAULT_DISKS)[0].sizeGiB },
  };
}

/**
 * A Cluster API infrastructure provider, described by its kinds and by how it renders a cluster and a machine, so
 * that any provider works: bare metal in a self-built IDC as well as a public cloud.
 */
export class InfrastructureProvider {
  /** Any provider: give its kinds and spec renderers. */
  public static custom(props: InfrastructureProviderProps): InfrastructureProvider {
    return new InfrastructureProvider(props);
  }

  /** Metal3 bare metal: hosts are chosen from the IDC's BareMetalHosts by machine model and zone. */
  public static metal3(options: Metal3Options): InfrastructureProvider {
    return new InfrastructureProvider({
      name: 'metal3',
      // v1beta2: the storage version of CAPM3's CRDs; v1beta1 is deprecated (the API server warns on every request)
      // and, without CAPM3's conversion webhook, what it stores loses v1beta1-only fields such as image.format.
      apiVersion: 'v1beta2',
      clusterKind: 'Metal3Cluster',
      machineKind: 'Metal3Machine',
      // The spread opens each typed spec into the plain record every provider (custom ones too) hands the renderer.
      clusterSpec: (c) => ({ ...metal3ClusterSpec(c) }),
      machineSpec: (m) => ({ ...metal3MachineSpec(options, m) }),
    });
  }

  /** AWS (Cluster API Provider AWS). */
  public static aws(options: AwsOptions): InfrastructureProvider {
    return new InfrastructureProvider({
      name: 'aws',
      apiVersion: 'v1beta2',
      clusterKind: 'AWSCluster',
      machineKind: 'AWSMachine',
      clusterSpec: (c) => ({ ...awsClusterSpec(options, c) }),
      machineSpec: (m) => ({ ...awsMachineSpec(options, m) }),
    });
  }

  public readonly name: string;
  public readonly apiGroup: string;
  public readonly apiVersion: string;
  public readonly clusterKind: string;
  public readonly machineKind: string;
  public readonly machineTemplateKind: string;
  private readonly props: InfrastructureProviderProps;

  private constructor(props: InfrastructureProviderProps) {
    this.props = props;
    this.name = props.name;
    this.apiGroup = props.apiGroup ?? 'infrastructure.cluster.x-k8s.io';
    this.apiVersion = props.apiVersion;
    this.clusterKind = props.clusterKind;
    this.machineKind = props.machineKind;
    this.machineTemplateKind = props.machineTemplateKind ?? `${props.machineKind}Template`;
  }

  /** `apiGroup/apiVersion`, as written in `apiVersion` fields. */
  public get groupVersion(): string {
    return `${this.apiGroup}/${this.apiVersion}`;
  }

  /** The `spec` of the provider's cluster object (for example Metal3Cluster) of one cluster. */
  public renderClusterSpec(context: InfrastructureClusterContext): Record<string, unknown> {
    return this.props.clusterSpec(context);
  }

  /** The `spec` of the provider's machine object (or machine template) of one machine or node pool. */
  public renderMachineSpec(context: MachineContext): Record<string, unknown> {
    return this.props.machineSpec(context);
  }
}
