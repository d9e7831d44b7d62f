import type { ContractVersionedObjectReference, TemplateObjectMeta, TypedObject } from './meta';

/** The apiVersion of the kubeadm control plane provider's kinds written here. */
export const KUBEADM_CONTROL_PLANE_API_VERSION = 'controlplane.cluster.x-k8s.io/v1beta2';
export type KubeadmControlPlaneApiVersion = typeof KUBEADM_CONTROL_PLANE_API_VERSION;
/** The apiVersion of the kubeadm bootstrap provider's kinds written here. */
export const KUBEADM_BOOTSTRAP_API_VERSION = 'bootstrap.cluster.x-k8s.io/v1beta2';
export type KubeadmBootstrapApiVersion = typeof KUBEADM_BOOTSTRAP_API_VERSION;

/**
 * Arg is one command-line argument of a kubeadm-managed component. v1beta2 writes them as a list (v1beta1 had a
 * map), so an argument may repeat and keeps its order.
 */
export interface Arg {
  /** name is required: the flag's name without dashes, for example `audit-log-path`. 1-256 characters. */
  readonly name: string;
  /** value is required: the flag's value, possibly empty. At most 1024 characters. */
  readonly value: string;
}

/** HostPathType is the type check kubelet applies to a hostPath volume (as corev1.HostPathType). */
export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

/** HostPathMount is a host path mounted into a static control-plane pod. */
export interface HostPathMount {
  /** name is required: the volume's name in the pod. 1-512 characters. */
  readonly name: string;
  /** hostPath is required: the path on the machine. 1-512 characters. */
  readonly hostPath: string;
  /** mountPath is required: the path in the pod. 1-512 characters. */
  readonly mountPath: string;
  /** readOnly is optional: mount read-only. */
  readonly readOnly?: boolean;
  /** pathType is optional: what must be at hostPath. */
  readonly pathType?: HostPathType;
}

/** APIServer configures the kube-apiserver static pod. */
export interface APIServer {
  /** extraArgs is optional: 1-100 extra flags of kube-apiserver. */
  readonly extraArgs?: readonly Arg[];
  /** extraVolumes is optional: 1-100 host paths mounted into the pod. */
  readonly extraVolumes?: readonly HostPathMount[];
}

/** ControlPlaneComponent configures the kube-controller-manager or kube-scheduler static pod. */
export interface ControlPlaneComponent {
  /** extraArgs is optional: 1-100 extra flags. */
  readonly extraArgs?: readonly Arg[];
}

/** ExternalEtcd is an etcd cluster kubeadm does not run: here each cluster's dedicated etcd members. */
export interface ExternalEtcd {
  /** endpoints is required: 1-50 client URLs of the members. */
  readonly endpoints: readonly string[];
  /** caFile is required: the CA the members' certificates are checked against, on the control-plane machine. */
  readonly caFile: string;
  /** certFile is required: the API server's etcd client certificate. */
  readonly certFile: string;
  /** keyFile is required: its key. */
  readonly keyFile: string;
}

/** Etcd says where the cluster's etcd is. Only `external` is written: this estate runs etcd on machines of its own. */
export interface Etcd {
  /** external is optional: an etcd cluster outside the control-plane machines. */
  readonly external?: ExternalEtcd;
}

/** ClusterConfiguration is kubeadm's cluster-wide configuration. */
export interface ClusterConfiguration {
  /** apiServer is optional: the API server's flags and volumes. */
  readonly apiServer?: APIServer;
  /** controllerManager is optional: the controller manager's flags. */
  readonly controllerManager?: ControlPlaneComponent;
  /** scheduler is optional: the scheduler's flags. */
  readonly scheduler?: ControlPlaneComponent;
  /** etcd is optional: where etcd is. */
  readonly etcd?: Etcd;
}

/** TaintEffect is what a taint does to pods that do not tolerate it (as corev1.TaintEffect). */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** Taint is a taint kubeadm registers the Node with. */
export interface Taint {
  /** key is required: the taint's key. */
  readonly key: string;
  /** value is optional: the taint's value. */
  readonly value?: string;
  /** effect is required: what the taint does. */
  readonly effect: TaintEffect;
}

/** NodeRegistrationOptions says how kubeadm registers the Node. */
export interface NodeRegistrationOptions {
  /** kubeletExtraArgs is optional: 1-100 extra kubelet flags, for example `node-labels`. */
  readonly kubeletExtraArgs?: readonly Arg[];
  /** taints is optional: at most 100 taints the Node registers with. */
  readonly taints?: readonly Taint[];
}

/** InitConfiguration is kubeadm's configuration of the first control-plane machine. */
export interface InitConfiguration {
  /** nodeRegistration is optional: how the Node registers. */
  readonly nodeRegistration?: NodeRegistrationOptions;
}

/** JoinConfiguration is kubeadm's configuration of every machine that joins the cluster. */
export interface JoinConfiguration {
  /** nodeRegistration is optional: how the Node registers. */
  readonly nodeRegistration?: NodeRegistrationOptions;
}

/** SecretFileSource is a file's content read from a key of a Secret in the object's namespace. */
export interface SecretFileSource {
  /** name is required: the Secret's name. 1-253 characters. */
  readonly name: string;
  /** key is required: the key whose value is the content. 1-256 characters. */
  readonly key: string;
}

/** FileSource is where a file's content comes from. */
export interface FileSource {
  /** secret is required: the Secret key holding the content. */
  readonly secret: SecretFileSource;
}

/** File is a file cloud-init writes on the machine before kubeadm runs. Give `content` or `contentFrom`, not both. */
export interface File {
  /** path is required: where the file is written. 1-512 characters. */
  readonly path: string;
  /** owner is optional: `user:group`. 1-256 characters. */
  readonly owner?: string;
  /** permissions is optional: the mode in octal, for example `0600`. 1-16 characters. */
  readonly permissions?: string;
  /** content is optional: the file's text, at most 10240 characters. */
  readonly content?: string;
  /** contentFrom is optional: a Secret key the content is read from, so key material stays out of the manifests. */
  readonly contentFrom?: FileSource;
}

/** KubeadmConfigSpec is what kubeadm and cloud-init are told on a machine. */
export interface KubeadmConfigSpec {
  /** clusterConfiguration is optional: kubeadm's cluster-wide configuration (control plane only). */
  readonly clusterConfiguration?: ClusterConfiguration;
  /** initConfiguration is optional: the first control-plane machine's configuration. */
  readonly initConfiguration?: InitConfiguration;
  /** joinConfiguration is optional: the configuration of every machine that joins. */
  readonly joinConfiguration?: JoinConfiguration;
  /** files is optional: 1-200 files written before kubeadm runs. */
  readonly files?: readonly File[];
}

// ---------------------------------------------------------------------------------------------------------------
// KubeadmControlPlane

/** KubeadmControlPlaneMachineTemplateSpec is the spec of the control plane's machines. */
export interface KubeadmControlPlaneMachineTemplateSpec {
  /** infrastructureRef is required: the provider's machine template the control-plane machines are made from. */
  readonly infrastructureRef: ContractVersionedObjectReference;
}

/** KubeadmControlPlaneMachineTemplate is the template of the control-plane machines. */
export interface KubeadmControlPlaneMachineTemplate {
  /** metadata is optional: labels and annotations of the control-plane Machines. */
  readonly metadata?: TemplateObjectMeta;
  /** spec is required: the machines' spec. */
  readonly spec: KubeadmControlPlaneMachineTemplateSpec;
}

/** KubeadmControlPlaneSpec is the desired state of a KubeadmControlPlane. */
export interface KubeadmControlPlaneSpec {
  /** replicas is optional: how many control-plane machines run; odd, so that a stacked etcd would keep its quorum. */
  readonly replicas?: number;
  /** version is required: the Kubernetes version of the control plane, for example `v1.33.1`. 1-256 characters. */
  readonly version: string;
  /** machineTemplate is required: what each control-plane machine is made from. */
  readonly machineTemplate: KubeadmControlPlaneMachineTemplate;
  /** kubeadmConfigSpec is optional: what kubeadm and cloud-init are told on the control-plane machines. */
  readonly kubeadmConfigSpec?: KubeadmConfigSpec;
}

/** KubeadmControlPlane runs a cluster's control plane on machines kubeadm sets up. */
export type KubeadmControlPlane = TypedObject<KubeadmControlPlaneApiVersion, 'KubeadmControlPlane', KubeadmControlPlaneSpec>;

// ---------------------------------------------------------------------------------------------------------------
// KubeadmConfigTemplate and KubeadmConfig

/** KubeadmConfigTemplateResource is the template a KubeadmConfig is made from. */
export interface KubeadmConfigTemplateResource {
  /** spec is optional: the KubeadmConfigs' spec. */
  readonly spec?: KubeadmConfigSpec;
}

/** KubeadmConfigTemplateSpec is the desired state of a KubeadmConfigTemplate. */
export interface KubeadmConfigTemplateSpec {
  /** template is required: what each machine's KubeadmConfig is made from. */
  readonly template: KubeadmConfigTemplateResource;
}

/** KubeadmConfigTemplate is the bootstrap template of a MachineDeployment's machines. Immutable: named after its content. */
export type KubeadmConfigTemplate = TypedObject<KubeadmBootstrapApiVersion, 'KubeadmConfigTemplate', KubeadmConfigTemplateSpec>;

/**
 * KubeadmConfig is the bootstrap of one machine. The management target writes none today: the etcd members are not
 * kubeadm nodes and boot from a cloud-config Secret (`Machine.spec.bootstrap.dataSecretName`, see EtcdBootstrapSecret);
 * a machine that joins as a node takes `bootstrap.configRef` to one of these.
 */
export type KubeadmConfig = TypedObject<KubeadmBootstrapApiVersion, 'KubeadmConfig', KubeadmConfigSpec>;
