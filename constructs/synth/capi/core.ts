import type { KubeObject, ObjectMeta } from '../kube-object';

/** Namespace is the Kubernetes namespace that holds one cluster's management objects. */
export interface Namespace extends KubeObject {
  /** apiVersion is required. */
  readonly apiVersion: 'v1';
  /** kind is required. */
  readonly kind: 'Namespace';
  /** metadata is required: the namespace's name (the cluster's) and labels, Pod Security admission's among them. */
  readonly metadata: ObjectMeta;
}

/** The Secret type Cluster API gives bootstrap data Secrets. */
export const CLUSTER_API_SECRET_TYPE = 'cluster.x-k8s.io/secret';

/** The bootstrap data of a machine, as a Machine's `bootstrap.dataSecretName` Secret carries it. */
export interface BootstrapData {
  /** format is required: how the machine reads `value`; `cloud-config` for cloud-init. */
  readonly format: 'cloud-config';
  /** value is required: the bootstrap data itself. */
  readonly value: string;
}

/**
 * EtcdBootstrapSecret is the bootstrap data of one etcd member: a cloud-config that installs the member's etcd
 * configuration and unit. Written as `stringData`, which the API server stores base64-encoded under `data`.
 */
export interface EtcdBootstrapSecret extends KubeObject {
  /** apiVersion is required. */
  readonly apiVersion: 'v1';
  /** kind is required. */
  readonly kind: 'Secret';
  /** metadata is required. */
  readonly metadata: ObjectMeta;
  /** type is required here: Cluster API's bootstrap Secret type. */
  readonly type: typeof CLUSTER_API_SECRET_TYPE;
  /** stringData is required here: the bootstrap data. */
  readonly stringData: BootstrapData;
}
