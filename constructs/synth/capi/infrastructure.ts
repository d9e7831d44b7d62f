import type { KubeObject, ObjectMeta } from '../kube-object';
import type { AWSCluster, AWSMachine, AWSMachineTemplate } from './aws';
import type { Metal3Cluster, Metal3Machine, Metal3MachineTemplate } from './metal3';

/**
 * The spec an infrastructure provider renders. Any provider may be plugged in (InfrastructureProvider.custom), so the
 * management renderer cannot know its fields: the built-in providers' specs are typed in metal3.ts and aws.ts, and
 * every object they render is checked against the provider's CRD in the tests.
 */
export type ProviderSpec = Readonly<Record<string, unknown>>;

/** An object of an infrastructure provider whose kind is known only at run time: cluster or machine. */
export interface InfrastructureObject extends KubeObject {
  /** apiVersion is required: the provider's group and version. */
  readonly apiVersion: string;
  /** kind is required: the provider's cluster or machine kind. */
  readonly kind: string;
  /** metadata is required. */
  readonly metadata: ObjectMeta;
  /** spec is required: what the provider rendered. */
  readonly spec: ProviderSpec;
}

/** A provider's machine template whose kind is known only at run time. */
export interface InfrastructureMachineTemplate extends KubeObject {
  /** apiVersion is required: the provider's group and version. */
  readonly apiVersion: string;
  /** kind is required: the provider's machine template kind. */
  readonly kind: string;
  /** metadata is required. */
  readonly metadata: ObjectMeta;
  /** spec is required. */
  readonly spec: {
    /** template is required. */
    readonly template: {
      /** spec is required: what the provider rendered for one machine. */
      readonly spec: ProviderSpec;
    };
  };
}

/** The objects of the built-in providers, Metal3 and AWS. */
export type BuiltInInfrastructureObject = Metal3Cluster | Metal3Machine | Metal3MachineTemplate | AWSCluster | AWSMachine | AWSMachineTemplate;
