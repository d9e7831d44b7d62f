/**
 * The one table of what a live cluster cannot change in place, and why. Each entry is either refused by
 * `validateTransition` (the change cannot be applied safely at all) or shown as destructive by `estate diff` (the
 * change means a new cluster, and the old one is deleted: protected, so the deletion must be released on purpose).
 */
import type { ValidationRuleId } from '../estate/rules';
import { RunningCluster } from './running-state';

/** What happens to a change of an immutable field. */
export enum ImmutableFieldHandling {
  /** `validateTransition` refuses it (rule `immutable-field`): `estate check --base` exits 1. */
  REFUSED = 'refused',
  /** The cluster is a new one: the diff shows the old cluster's protected objects deleted (destructive). */
  DESTRUCTIVE = 'destructive',
}

/** One field of a cluster that cannot change while it runs. */
export interface ImmutableClusterField {
  /** The estate property, as a user writes it: `Cluster.podCidr`. */
  readonly field: string;
  /** Where it lands in the synthesized objects. */
  readonly renders: string;
  /** Why a running cluster cannot take a new value. */
  readonly why: string;
  /** What to do instead. */
  readonly fix: string;
  readonly handling: ImmutableFieldHandling;
  /** The transition rule that refuses a change (REFUSED entries). */
  readonly rule?: ValidationRuleId;
  /** The field's value on a running cluster (REFUSED entries; compared between base and head). */
  readonly read?: (cluster: RunningCluster) => unknown;
}

const REBUILD = 'or rebuild on purpose: retire the cluster (remove it and list it in releaseProtection), then add it back with the new value';

/** Every field of the estate that a live cluster cannot change in place. */
export const IMMUTABLE_CLUSTER_FIELDS: readonly ImmutableClusterField[] = [
  {
    field: 'Cluster.idc',
    renders: 'Cluster labels cluster-estate.io/idc and region; machines\' failure domains and provider placement',
    why: 'machines cannot move between data centers: every control-plane, etcd and worker machine would be re-provisioned elsewhere',
    fix: `keep the IDC; to move, add a new cluster in the target IDC, move the apps, then retire this one, ${REBUILD}`,
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => `${c.region}/${c.idc}`,
  },
  {
    field: 'Cluster.infrastructure',
    renders: 'Cluster.spec.infrastructureRef and every provider machine and template kind',
    why: 'a Cluster cannot move to another infrastructure provider: Cluster API never reconciles a new infrastructureRef kind',
    fix: `keep the provider; to migrate, build a new cluster on the new provider and retire this one, ${REBUILD}`,
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => c.providerKind,
  },
  {
    field: 'Cluster.podCidr',
    renders: 'Cluster.spec.clusterNetwork.pods.cidrBlocks',
    why: 'the pod network is fixed at kubeadm init: every node\'s pod range and every running pod address come from it',
    fix: `revert podCidr to the running value; a new pod network needs a new cluster, ${REBUILD}`,
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => c.podCidrs,
  },
  {
    field: 'Cluster.serviceCidr',
    renders: 'Cluster.spec.clusterNetwork.services.cidrBlocks',
    why: 'Service cluster IPs are allocated from it and kept by every Service; the API server certificate names the first address',
    fix: `revert serviceCidr to the running value; a new service network needs a new cluster, ${REBUILD}`,
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => c.serviceCidrs,
  },
  {
    field: 'Cluster.serviceDomain',
    renders: 'Cluster.spec.clusterNetwork.serviceDomain',
    why: 'kubelets, CoreDNS and every client configured with the old domain keep resolving it; kubeadm fixes it at init',
    fix: 'revert serviceDomain to the running value',
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => c.serviceDomain,
  },
  {
    field: 'ControlPlane endpoint (estate dnsDomain, cluster name)',
    renders: 'Cluster.spec.controlPlaneEndpoint',
    why: 'the endpoint is written into every kubeconfig and API server certificate; Cluster API never moves it',
    fix: 'keep the endpoint host and port of a running cluster',
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'immutable-field',
    read: (c) => c.controlPlaneEndpoint,
  },
  {
    field: 'EtcdCluster.memberSubnet (and each member\'s address)',
    renders: 'etcd member bootstrap configuration (peer and client URLs), provider machine addresses, KubeadmControlPlane etcd endpoints',
    why: 'running members keep their addresses and peer certificates: re-addressing more than one member at once leaves the API servers pointed at endpoints that never serve, an outage',
    fix: `keep the member subnet; move etcd member by member: give one member its new address with etcd.memberAddresses per change (it leaves and joins again at it), then set memberSubnet once every member runs in it; ${REBUILD}`,
    handling: ImmutableFieldHandling.REFUSED,
    rule: 'etcd-member-readdress',
    // Compared member by member by the `etcd-member-readdress` rule: scaling changes the list, re-addressing does not.
  },
  {
    field: 'Cluster name (construct id)',
    renders: 'the cluster\'s namespace and the name of every object',
    why: 'a new name is a new cluster: the old cluster\'s objects, its etcd and control plane included, are deleted',
    fix: 'keep the name; to retire a cluster on purpose, remove it and list it in releaseProtection',
    handling: ImmutableFieldHandling.DESTRUCTIVE,
  },
  {
    field: 'Cluster namespace on the management cluster',
    renders: 'metadata.namespace of every Cluster API object of the cluster (the cluster name)',
    why: 'Cluster API objects cannot move between namespaces: the objects are deleted and created again',
    fix: 'keep the cluster name, which is its namespace',
    handling: ImmutableFieldHandling.DESTRUCTIVE,
  },
];
