import type { KubeObject, ObjectMeta } from '../kube-object';

/**
 * The typed Cluster API objects the management target holds, written by hand after the v1beta2 CRDs of Cluster API
 * (core, kubeadm bootstrap and control plane) and of the infrastructure providers (Metal3, AWS). They list only the
 * fields this project writes: a field the renderer does not write is left out rather than typed on trust, so every
 * field here is one the CRD test walks (test/constructs/synth/capi-types.test.ts). Comments follow Cluster API's API
 * types: the field's name first, then whether the CRD requires it.
 */

/**
 * A typed object of the management target. It extends KubeObject, so a list of typed objects is a list of
 * KubeObjects, while its `spec` (a closed interface) makes a misspelled field a compile error.
 */
export interface TypedObject<ApiVersion extends string, Kind extends string, Spec> extends KubeObject {
  /** apiVersion is required: the group and version the object is written in. */
  readonly apiVersion: ApiVersion;
  /** kind is required. */
  readonly kind: Kind;
  /** metadata is required: every synthesized object has a name and, in the management target, a namespace. */
  readonly metadata: ObjectMeta;
  /** spec is required: the desired state. */
  readonly spec: Spec;
}

/**
 * ContractVersionedObjectReference is Cluster API v1beta2's reference to an object of a provider or of another
 * Cluster API controller in the same namespace: the version is left to the API contract, so a provider can move to a
 * new version without the reference changing.
 */
export interface ContractVersionedObjectReference {
  /** apiGroup is required: the group of the referenced object, for example `infrastructure.cluster.x-k8s.io`. 1-253 characters. */
  readonly apiGroup: string;
  /** kind is required: the referenced object's kind. 1-63 characters. */
  readonly kind: string;
  /** name is required: the referenced object's name, in the referrer's namespace. 1-253 characters. */
  readonly name: string;
}

/** APIEndpoint is an address the API server of a workload cluster is reached at. */
export interface APIEndpoint {
  /** host is optional: a DNS name or IP address. At most 512 characters. */
  readonly host?: string;
  /** port is optional: the TCP port, 1-65535. */
  readonly port?: number;
}

/** LabelSelector selects objects by label, as Kubernetes' metav1.LabelSelector (only `matchLabels` is written here). */
export interface LabelSelector {
  /** matchLabels is optional: every label given must be on the object with the value given. */
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/** ObjectMeta of an embedded template: only labels and annotations, which Cluster API copies to what it creates. */
export interface TemplateObjectMeta {
  /** labels is optional: copied to the Machines (and, for some keys, the Nodes) made from the template. */
  readonly labels?: Readonly<Record<string, string>>;
  /** annotations is optional: copied to the Machines made from the template. */
  readonly annotations?: Readonly<Record<string, string>>;
}
