/** Label and annotation keys the estate writes, in one place so every part of the product agrees on them. */

/** This project's own label domain. */
export const ESTATE_DOMAIN = 'cluster-estate.io';

/** Label: the estate an object belongs to. */
export const LABEL_ESTATE = `${ESTATE_DOMAIN}/estate`;
/** Label: the region of a cluster, machine or node. */
export const LABEL_REGION = `${ESTATE_DOMAIN}/region`;
/** Label: the IDC (data center or cloud resource unit) of a cluster, machine, node or pod. */
export const LABEL_IDC = `${ESTATE_DOMAIN}/idc`;
/** Label: the zone (failure domain) of a machine or node. */
export const LABEL_ZONE = `${ESTATE_DOMAIN}/zone`;
/** Label: the cluster an object belongs to or runs in. */
export const LABEL_CLUSTER = `${ESTATE_DOMAIN}/cluster`;
/** Label: the cluster group (`daily`, or a promotion's peak group) of a cluster. */
export const LABEL_GROUP = `${ESTATE_DOMAIN}/group`;
/** Label: the kind of a cluster's group (`daily` or `peak`). */
export const LABEL_GROUP_KIND = `${ESTATE_DOMAIN}/group-kind`;
/** Label: what a machine is for (control plane, etcd member, worker). */
export const LABEL_ROLE = `${ESTATE_DOMAIN}/machine-role`;
/** Label: the role of the node pool a node belongs to. */
export const LABEL_POOL_ROLE = `${ESTATE_DOMAIN}/pool-role`;
/** Label: the instance model of a machine or node. */
export const LABEL_MACHINE_MODEL = `${ESTATE_DOMAIN}/machine-model`;
/** Label: the name of the etcd member a machine runs. */
export const LABEL_ETCD_MEMBER = `${ESTATE_DOMAIN}/etcd-member`;
/**
 * Label on every provider machine template and KubeadmConfigTemplate: the name of the MachineDeployment or
 * KubeadmControlPlane that references it. Templates are named after their content (`<owner>-<hash>`), so a change
 * gives a template a new name; this label, which stays the same, is what pairs the new template with the old one.
 */
export const LABEL_TEMPLATE_OWNER = `${ESTATE_DOMAIN}/template-owner`;
/** Label beside LABEL_TEMPLATE_OWNER: the owner's kind, `MachineDeployment` or `KubeadmControlPlane`. */
export const LABEL_TEMPLATE_OWNER_KIND = `${ESTATE_DOMAIN}/template-owner-kind`;

/** Annotation: the promotion a peak cluster exists for. */
export const ANNOTATION_PROMOTION = `${ESTATE_DOMAIN}/promotion`;
/** Annotation: the promotion's phase at the as-of time of the synthesis. */
export const ANNOTATION_PHASE = `${ESTATE_DOMAIN}/promotion-phase`;
/** Annotation: what a cluster is for, from `ClusterProps.purpose`. */
export const ANNOTATION_PURPOSE = `${ESTATE_DOMAIN}/purpose`;
/** Annotation: the zones a control plane spreads over, comma-separated. */
export const ANNOTATION_ZONES = `${ESTATE_DOMAIN}/zones`;
export const ANNOTATION_ETCD_SECRETS = `${ESTATE_DOMAIN}/etcd-client-secrets`;
export const ANNOTATION_ETCD_PLACEMENT = `${ESTATE_DOMAIN}/etcd-placement`;

/** Cluster API labels. */
export const CAPI_CLUSTER_NAME = 'cluster.x-k8s.io/cluster-name';
export const CAPI_DEPLOYMENT_NAME = 'cluster.x-k8s.io/deployment-name';
export const CAPI_CONTROL_PLANE = 'cluster.x-k8s.io/control-plane';
export const CAPI_AUTOSCALER_MIN = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size';
export const CAPI_AUTOSCALER_MAX = 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size';

/** Node labels Kubernetes defines and the kubelet may set on its own Node. */
export const NODE_REGION = 'topology.kubernetes.io/region';
export const NODE_ZONE = 'topology.kubernetes.io/zone';
export const NODE_INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
export const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
/** The pool label Cluster API propagates from Machine to Node. */
export const NODE_POOL = 'node.cluster.x-k8s.io/pool';

/**
 * Label key prefixes that Cluster API copies from a Machine to its Node. Labels with other prefixes reach the Node
 * only through the kubelet's `--node-labels`.
 */
export const CAPI_PROPAGATED_PREFIXES = ['node-role.kubernetes.io', 'node-restriction.kubernetes.io', 'node.cluster.x-k8s.io'];

/**
 * How a node label reaches the Node: copied from the Machine by Cluster API, set by the kubelet, or not at all
 * (the NodeRestriction admission plugin forbids the kubelet to set other `kubernetes.io` / `k8s.io` labels).
 */
export enum NodeLabelRoute {
  MACHINE = 'machine',
  KUBELET = 'kubelet',
  UNREACHABLE = 'unreachable',
}

const KUBELET_ALLOWED_KUBERNETES_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
]);
const KUBELET_ALLOWED_KUBERNETES_PREFIXES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** Decides the route by which a node label reaches its Node. */
export function nodeLabelRoute(key: string): NodeLabelRoute {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  if (CAPI_PROPAGATED_PREFIXES.some((p) => prefix === p || prefix.endsWith(`.${p}`))) return NodeLabelRoute.MACHINE;
  const kubernetesNamespace = [prefix].some((p) => p === 'kubernetes.io' || p.endsWith('.kubernetes.io') || p === 'k8s.io' || p.endsWith('.k8s.io'));
  if (!kubernetesNamespace) return NodeLabelRoute.KUBELET;
  if (KUBELET_ALLOWED_KUBERNETES_LABELS.has(key)) return NodeLabelRoute.KUBELET;
  if (KUBELET_ALLOWED_KUBERNETES_PREFIXES.some((p) => prefix === p || prefix.endsWith(`.${p}`))) return NodeLabelRoute.KUBELET;
  return NodeLabelRoute.UNREACHABLE;
}
