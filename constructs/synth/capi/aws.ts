import type { APIEndpoint, TypedObject } from './meta';

/** The apiVersion of the AWS kinds written here (Cluster API Provider AWS). */
export const AWS_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta2';
export type AwsApiVersion = typeof AWS_API_VERSION;

/** AWSClusterSpec is the desired state of an AWSCluster. */
export interface AWSClusterSpec {
  /** region is optional: the AWS region the cluster runs in, for example `ap-southeast-1`. */
  readonly region?: string;
  /** controlPlaneEndpoint is optional: where the workload cluster's API server is reached. */
  readonly controlPlaneEndpoint?: APIEndpoint;
}

/** AWSCluster is the AWS infrastructure of a cluster. */
export type AWSCluster = TypedObject<AwsApiVersion, 'AWSCluster', AWSClusterSpec>;

/** Volume is an EBS volume of an instance. */
export interface AWSVolume {
  /** size is required: the volume's size in GiB, at least 8. */
  readonly size: number;
}

/** AWSMachineSpec is the desired state of an AWSMachine (and the spec of an AWSMachineTemplate's template). */
export interface AWSMachineSpec {
  /** instanceType is required: the EC2 instance type, for example `m6i.2xlarge`. At least 2 characters. */
  readonly instanceType: string;
  /** iamInstanceProfile is optional: the IAM instance profile of the instance. */
  readonly iamInstanceProfile?: string;
  /** sshKeyName is optional: the EC2 key pair; none when absent. */
  readonly sshKeyName?: string;
  /** rootVolume is optional: the root volume. */
  readonly rootVolume?: AWSVolume;
}

/** AWSMachine is the EC2 instance of one Machine: here an etcd member. */
export type AWSMachine = TypedObject<AwsApiVersion, 'AWSMachine', AWSMachineSpec>;

/** AWSMachineTemplateResource is the template an AWSMachine is made from. */
export interface AWSMachineTemplateResource {
  /** spec is required: the AWSMachines' spec. */
  readonly spec: AWSMachineSpec;
}

/** AWSMachineTemplateSpec is the desired state of an AWSMachineTemplate. */
export interface AWSMachineTemplateSpec {
  /** template is required: what each AWSMachine is made from. */
  readonly template: AWSMachineTemplateResource;
}

/** AWSMachineTemplate is the EC2 template of a MachineDeployment or the control plane. Immutable: named after its content. */
export type AWSMachineTemplate = TypedObject<AwsApiVersion, 'AWSMachineTemplate', AWSMachineTemplateSpec>;
