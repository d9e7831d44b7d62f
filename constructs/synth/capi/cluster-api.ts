import type { APIEndpoint, ContractVersionedObjectReference, LabelSelector, TemplateObjectMeta, TypedObject } from './meta';

/** The apiVersion of Cluster API's core kinds written here. */
export const CLUSTER_API_VERSION = 'cluster.x-k8s.io/v1beta2';
export type ClusterApiVersion = typeof CLUSTER_API_VERSION;

// ---------------------------------------------------------------------------------------------------------------
// Cluster

/** NetworkRanges is a list of CIDR blocks. */
export interface NetworkRanges {
  /** cidrBlocks is required: 1-100 CIDRs, each 1-43 characters. */
  readonly cidrBlocks: readonly string[];
}

/** ClusterNetwork is the cluster's network configuration. */
export interface ClusterNetwork {
  /** pods is optional: the network ranges pod IPs are allocated from. */
  readonly pods?: NetworkRanges;
  /** services is optional: the network ranges service VIPs are allocated from. */
  readonly services?: NetworkRanges;
  /** serviceDomain is optional: the domain of services, for example `cluster.local`. 1-253 characters. */
  readonly serviceDomain?: string;
}

/** ClusterSpec is the desired state of a Cluster. */
export interface ClusterSpec {
  /** clusterNetwork is optional: the cluster's networks. */
  readonly clusterNetwork?: ClusterNetwork;
  /** controlPlaneEndpoint is optional: where the API server is reached (the control plane's load balancer). */
  readonly controlPlaneEndpoint?: APIEndpoint;
  /** controlPlaneRef is optional: the control plane object, here a KubeadmControlPlane. */
  readonly controlPlaneRef?: ContractVersionedObjectReference;
  /** infrastructureRef is optional: the provider's cluster object (Metal3Cluster, AWSCluster, ...). */
  readonly infrastructureRef?: ContractVersionedObjectReference;
}

/** Cluster is a workload cluster. */
export type Cluster = TypedObject<ClusterApiVersion, 'Cluster', ClusterSpec>;

// ---------------------------------------------------------------------------------------------------------------
// Machine

/**
 * Bootstrap says how a Machine gets its bootstrap data: from a bootstrap provider's config object (`configRef`), or
 * from a Secret that already holds it (`dataSecretName`), as the etcd members' cloud-init does.
 */
export interface Bootstrap {
  /** configRef is optional: the bootstrap config (a KubeadmConfig, or in a template a KubeadmConfigTemplate). */
  readonly configRef?: ContractVersionedObjectReference;
  /** dataSecretName is optional: a Secret in the Machine's namespace whose `value` key is the bootstrap data. At most 253 characters. */
  readonly dataSecretName?: string;
}

/** MachineSpec is the desired state of a Machine (and the spec of a MachineDeployment's machine template). */
export interface MachineSpec {
  /** clusterName is required: the Cluster the Machine belongs to. 1-63 characters. */
  readonly clusterName: string;
  /** bootstrap is required: where the Machine's bootstrap data comes from. */
  readonly bootstrap: Bootstrap;
  /** infrastructureRef is required: the provider's machine object (or, in a template, machine template). */
  readonly infrastructureRef: ContractVersionedObjectReference;
  /** version is optional: the Kubernetes version the kubelet runs, for example `v1.33.1`. 1-256 characters. */
  readonly version?: string;
  /** failureDomain is optional: the failure domain (zone) the Machine is placed in. 1-256 characters. */
  readonly failureDomain?: string;
}

/** Machine is one machine of a cluster; here the dedicated etcd members, which no MachineDeployment owns. */
export type Machine = TypedObject<ClusterApiVersion, 'Machine', MachineSpec>;

// ---------------------------------------------------------------------------------------------------------------
// MachineDeployment

/** MachineTemplateSpec is the template a MachineDeployment makes Machines from. */
export interface MachineTemplateSpec {
  /** metadata is optional: labels and annotations of the Machines. */
  readonly metadata?: TemplateObjectMeta;
  /** spec is required: the Machines' spec. */
  readonly spec: MachineSpec;
}

/** MachineDeploymentSpec is the desired state of a MachineDeployment. */
export interface MachineDeploymentSpec {
  /** clusterName is required: the Cluster the Machines belong to. 1-63 characters. */
  readonly clusterName: string;
  /**
   * replicas is optional: how many Machines to run. Left out when the cluster autoscaler owns the count (its
   * min/max annotations are on the MachineDeployment instead).
   */
  readonly replicas?: number;
  /** selector is required: the labels of the Machines the MachineDeployment owns; the template's labels must match it. */
  readonly selector: LabelSelector;
  /** template is required: what each Machine is made from. */
  readonly template: MachineTemplateSpec;
}

/** MachineDeployment runs a set of Machines from one template, as a Deployment runs Pods: here one per node pool and zone. */
export type MachineDeployment = TypedObject<ClusterApiVersion, 'MachineDeployment', MachineDeploymentSpec>;

// ---------------------------------------------------------------------------------------------------------------
// MachineHealthCheck

/** UnhealthyNodeCondition is a Node condition that, held for `timeoutSeconds`, makes a Machine unhealthy. */
export interface UnhealthyNodeCondition {
  /** type is required: the condition type, for example `Ready`. At least 1 character. */
  readonly type: string;
  /** status is required: the condition status, for example `False` or `Unknown`. At least 1 character. */
  readonly status: string;
  /** timeoutSeconds is required: how long the condition must hold, at least 0. */
  readonly timeoutSeconds: number;
}

/** MachineHealthCheckChecks says when a Machine is unhealthy. */
export interface MachineHealthCheckChecks {
  /** nodeStartupTimeoutSeconds is optional: how long a Machine may take to get a Node, at least 0. */
  readonly nodeStartupTimeoutSeconds?: number;
  /** unhealthyNodeConditions is optional: 1-100 conditions, any of which makes the Machine unhealthy. */
  readonly unhealthyNodeConditions?: readonly UnhealthyNodeCondition[];
}

/** MachineHealthCheckRemediationTriggerIf limits remediation. */
export interface MachineHealthCheckRemediationTriggerIf {
  /**
   * unhealthyLessThanOrEqualTo is optional: remediation runs only while at most this many (an integer) or this share
   * (a percentage such as `40%`) of the selected Machines are unhealthy.
   */
  readonly unhealthyLessThanOrEqualTo?: number | string;
}

/** MachineHealthCheckRemediation says how unhealthy Machines are remediated. */
export interface MachineHealthCheckRemediation {
  /** triggerIf is optional: when remediation may run. */
  readonly triggerIf?: MachineHealthCheckRemediationTriggerIf;
}

/** MachineHealthCheckSpec is the desired state of a MachineHealthCheck. */
export interface MachineHealthCheckSpec {
  /** clusterName is required: the Cluster whose Machines are checked. 1-63 characters. */
  readonly clusterName: string;
  /** selector is required: the labels of the Machines checked. */
  readonly selector: LabelSelector;
  /** checks is optional: what makes a Machine unhealthy. */
  readonly checks?: MachineHealthCheckChecks;
  /** remediation is optional: how unhealthy Machines are replaced. */
  readonly remediation?: MachineHealthCheckRemediation;
}

/** MachineHealthCheck replaces the selected Machines when their Nodes stay unhealthy. */
export type MachineHealthCheck = TypedObject<ClusterApiVersion, 'MachineHealthCheck', MachineHealthCheckSpec>;
