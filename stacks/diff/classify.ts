/**
 * Which changes cannot happen in place (replacements) and which objects must not be lost (destructive changes).
 *
 * Immutable fields, by source:
 *  - Kubernetes API validation: Deployment / ReplicaSet / DaemonSet `spec.selector`; StatefulSet everything but
 *    replicas, template, update strategy, ordinals, PVC retention and minReadySeconds; Job `spec.template`,
 *    `spec.selector`, `spec.completionMode`; Service `spec.clusterIP(s)`, `spec.loadBalancerClass`; PVC storage
 *    class, access modes, volume mode / name, selector and data source; StorageClass provisioner, parameters,
 *    reclaim policy and binding mode; RoleBinding `roleRef`; Secret `type`; the data of immutable ConfigMaps and
 *    Secrets.
 *  - Cluster API v1beta2 webhooks (internal/webhooks, controlplane/kubeadm/internal/webhooks): `spec.clusterName`
 *    of Machine, MachineDeployment and MachineHealthCheck; KubeadmControlPlane accepts updates only on a fixed list
 *    of paths (replicas, version, rollout / remediation / naming strategies, the machine template's metadata,
 *    infrastructure ref and deletion timeouts, and in kubeadmConfigSpec: etcd, dns, imageRepository, featureGates,
 *    apiServer, controllerManager, scheduler, init/join nodeRegistration, patches, skipPhases, files, commands,
 *    users, ntp, disk setup, mounts, format, verbosity...): any other path is "cannot be modified".
 *  - Cluster API semantics (the API accepts the update but nothing reconciles it, so only a new object applies
 *    it): a Machine's bootstrap, infrastructure ref, version and failure domain; a MachineDeployment's selector;
 *    a Cluster's clusterNetwork (fixed at `kubeadm init`), controlPlaneRef / infrastructureRef (a Cluster cannot
 *    move to another control plane) and controlPlaneEndpoint (in every kubeconfig and certificate;
 *    kubernetes-sigs/cluster-api#9228); infrastructure machine templates (immutable by the provider contract: clone
 *    under a new name) and provider machines (a provisioned host is not changed in place); AWSCluster `spec.region`.
 */
import { ChangeAction, ObjectRef } from './model';
import { deepEqual, fieldPath, RawFieldChange } from './structural';

type Plain = Record<string, unknown>;

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

interface ImmutableFields {
  readonly group: string | RegExp;
  readonly kind: string | RegExp;
  /** Paths (dotted) whose value may not change. */
  readonly paths: readonly string[];
  readonly reason: string;
  /** Applies only when this holds for the object before the change. */
  readonly when?: (before: Plain) => boolean;
}

interface MutableOnly {
  readonly group: string | RegExp;
  readonly kind: string | RegExp;
  /** Everything under this path is immutable except the `mutable` paths (and what is under them). */
  readonly scope: string;
  readonly mutable: readonly string[];
  readonly reason: string;
}

const CAPI = 'cluster.x-k8s.io';
const INFRA = 'infrastructure.cluster.x-k8s.io';
const CONTROL_PLANE = 'controlplane.cluster.x-k8s.io';

const IMMUTABLE_FIELDS: readonly ImmutableFields[] = [
  { group: 'apps', kind: /^(Deployment|ReplicaSet|DaemonSet)$/, paths: ['spec.selector'], reason: 'spec.selector is immutable (apps/v1)' },
  {
    group: 'apps', kind: 'StatefulSet', paths: ['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates', 'spec.podManagementPolicy'],
    reason: 'a StatefulSet accepts updates only to replicas, template, updateStrategy, ordinals, persistentVolumeClaimRetentionPolicy and minReadySeconds',
  },
  { group: 'batch', kind: 'Job', paths: ['spec.template', 'spec.selector', 'spec.completionMode'], reason: "a Job's pod template and selector are immutable" },
  { group: '', kind: 'Service', paths: ['spec.clusterIP', 'spec.clusterIPs', 'spec.loadBalancerClass'], reason: "a Service's clusterIP and loadBalancerClass are immutable" },
  {
    group: '', kind: 'PersistentVolumeClaim', paths: ['spec.storageClassName', 'spec.accessModes', 'spec.volumeMode', 'spec.volumeName', 'spec.selector', 'spec.dataSource', 'spec.dataSourceRef'],
    reason: "a bound claim's storage class, access modes, volume and data source are immutable",
  },
  { group: '', kind: 'Secret', paths: ['type'], reason: "a Secret's type is immutable" },
  { group: '', kind: /^(Secret|ConfigMap)$/, paths: ['data', 'stringData', 'binaryData'], reason: 'the object is marked immutable: true', when: (b) => b.immutable === true },
  { group: 'storage.k8s.io', kind: 'StorageClass', paths: ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'], reason: "a StorageClass's provisioner, parameters, reclaim policy and binding mode are immutable" },
  { group: 'rbac.authorization.k8s.io', kind: /^(Cluster)?RoleBinding$/, paths: ['roleRef'], reason: 'roleRef is immutable' },
  { group: CAPI, kind: 'Cluster', paths: ['spec.clusterNetwork'], reason: 'pod and service networks are fixed when the cluster is created (kubeadm init); Cluster API does not reconcile a change' },
  { group: CAPI, kind: 'Cluster', paths: ['spec.controlPlaneRef', 'spec.infrastructureRef'], reason: 'Cluster API does not move a Cluster to another control plane or infrastructure object' },
  { group: CAPI, kind: 'Cluster', paths: ['spec.controlPlaneEndpoint'], reason: 'the API endpoint is in every kubeconfig and serving certificate; it cannot change once set' },
  { group: CAPI, kind: /^(MachineDeployment|MachineSet|MachineHealthCheck|MachinePool)$/, paths: ['spec.clusterName'], reason: 'spec.clusterName is immutable (Cluster API webhook)' },
  { group: CAPI, kind: /^(MachineDeployment|MachineSet)$/, paths: ['spec.selector'], reason: 'the selector ties the MachineDeployment to its MachineSets and Machines; changing it orphans them' },
  { group: INFRA, kind: /MachineTemplate$/, paths: ['spec'], reason: 'infrastructure machine templates are immutable (Cluster API contract): clone under a new name and point the owner at it' },
  { group: INFRA, kind: /Machine$/, paths: ['spec'], reason: 'a provisioned machine is not changed in place by its provider' },
  { group: INFRA, kind: 'AWSCluster', paths: ['spec.region', 'spec.controlPlaneEndpoint'], reason: "an AWSCluster's region and control-plane endpoint are immutable" },
  { group: INFRA, kind: /^(?!AWSCluster$).*Cluster$/, paths: ['spec.controlPlaneEndpoint'], reason: 'the control-plane endpoint cannot change once set' },
];

const MUTABLE_ONLY: readonly MutableOnly[] = [
  {
    group: CAPI, kind: 'Machine', scope: 'spec',
    mutable: ['spec.deletion', 'spec.minReadySeconds', 'spec.readinessGates', 'spec.taints', 'spec.nodeDrainTimeout', 'spec.nodeDrainTimeoutSeconds',
      'spec.nodeVolumeDetachTimeout', 'spec.nodeVolumeDetachTimeoutSeconds', 'spec.nodeDeletionTimeout', 'spec.nodeDeletionTimeoutSeconds'],
    reason: "a Machine is immutable: Cluster API never changes a running machine's bootstrap, infrastructure, version or failure domain (clusterName: webhook)",
  },
  {
    group: CONTROL_PLANE, kind: 'KubeadmControlPlane', scope: 'spec',
    mutable: [
      'spec.replicas', 'spec.version', 'spec.remediation', 'spec.remediationStrategy', 'spec.machineNaming', 'spec.machineNamingStrategy',
      'spec.rollout', 'spec.rolloutAfter', 'spec.rolloutBefore', 'spec.rolloutStrategy',
      'spec.machineTemplate.metadata', 'spec.machineTemplate.spec.infrastructureRef', 'spec.machineTemplate.spec.deletion',
      'spec.machineTemplate.spec.readinessGates', 'spec.machineTemplate.infrastructureRef', 'spec.machineTemplate.nodeDrainTimeout',
      'spec.machineTemplate.nodeVolumeDetachTimeout', 'spec.machineTemplate.nodeDeletionTimeout',
      'spec.kubeadmConfigSpec.clusterConfiguration.etcd.local', 'spec.kubeadmConfigSpec.clusterConfiguration.etcd.external',
      'spec.kubeadmConfigSpec.clusterConfiguration.dns', 'spec.kubeadmConfigSpec.clusterConfiguration.imageRepository',
      'spec.kubeadmConfigSpec.clusterConfiguration.featureGates', 'spec.kubeadmConfigSpec.clusterConfiguration.apiServer',
      'spec.kubeadmConfigSpec.clusterConfiguration.controllerManager', 'spec.kubeadmConfigSpec.clusterConfiguration.scheduler',
      'spec.kubeadmConfigSpec.clusterConfiguration.certificateValidityPeriodDays', 'spec.kubeadmConfigSpec.clusterConfiguration.encryptionAlgorithm',
      'spec.kubeadmConfigSpec.initConfiguration.nodeRegistration', 'spec.kubeadmConfigSpec.initConfiguration.patches',
      'spec.kubeadmConfigSpec.initConfiguration.skipPhases', 'spec.kubeadmConfigSpec.initConfiguration.bootstrapTokens',
      'spec.kubeadmConfigSpec.initConfiguration.localAPIEndpoint', 'spec.kubeadmConfigSpec.initConfiguration.timeouts',
      'spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration', 'spec.kubeadmConfigSpec.joinConfiguration.patches',
      'spec.kubeadmConfigSpec.joinConfiguration.skipPhases', 'spec.kubeadmConfigSpec.joinConfiguration.caCertPath',
      'spec.kubeadmConfigSpec.joinConfiguration.controlPlane', 'spec.kubeadmConfigSpec.joinConfiguration.discovery',
      'spec.kubeadmConfigSpec.joinConfiguration.timeouts',
      'spec.kubeadmConfigSpec.bootCommands', 'spec.kubeadmConfigSpec.preKubeadmCommands', 'spec.kubeadmConfigSpec.postKubeadmCommands',
      'spec.kubeadmConfigSpec.files', 'spec.kubeadmConfigSpec.verbosity', 'spec.kubeadmConfigSpec.users', 'spec.kubeadmConfigSpec.ntp',
      'spec.kubeadmConfigSpec.ignition', 'spec.kubeadmConfigSpec.diskSetup', 'spec.kubeadmConfigSpec.format', 'spec.kubeadmConfigSpec.mounts',
    ],
    reason: 'the KubeadmControlPlane webhook accepts updates only on a fixed list of paths; this one "cannot be modified"',
  },
];

function matches(matcher: string | RegExp, value: string): boolean {
  return typeof matcher === 'string' ? matcher === value : matcher.test(value);
}

function valueAt(object: Plain, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Plain)[key];
  }
  return current;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

/** The outcome of classifying an update. */
export interface UpdateClass {
  readonly action: ChangeAction.UPDATE | ChangeAction.REPLACE;
  /** One line per rule that forces the replacement: `spec.selector: spec.selector is immutable (apps/v1)`. */
  readonly reasons: string[];
  /** For each field change (same order), the reason it is immutable, if it is. */
  readonly immutable: (string | undefined)[];
}

interface CompiledRules {
  readonly immutable: readonly { readonly rule: ImmutableFields; readonly paths: readonly (readonly [string, readonly string[]])[] }[];
  readonly mutableOnly: readonly {
    readonly rule: MutableOnly;
    readonly scope: readonly string[];
    readonly mutable: readonly (readonly string[])[];
  }[];
}

/** The rules that apply to one group and kind, with their paths split once (the differ classifies thousands of objects). */
const compiled = new Map<string, CompiledRules>();
function rulesFor(group: string, kind: string): CompiledRules {
  const key = `${group}/${kind}`;
  let c = compiled.get(key);
  if (!c) {
    c = {
      immutable: IMMUTABLE_FIELDS.filter((r) => matches(r.group, group) && matches(r.kind, kind)).map((rule) => ({ rule, paths: rule.paths.map((p) => [p, p.split('.')] as const) })),
      mutableOnly: MUTABLE_ONLY.filter((r) => matches(r.group, group) && matches(r.kind, kind)).map((rule) => ({ rule, scope: rule.scope.split('.'), mutable: rule.mutable.map((m) => m.split('.')) })),
    };
    compiled.set(key, c);
  }
  return c;
}

/** Decides whether changing `before` into `after` (field changes `changes`) is an update or a replacement. */
export function classifyUpdate(ref: ObjectRef, before: Plain, after: Plain, changes: readonly RawFieldChange[]): UpdateClass {
  const rules = rulesFor(apiGroup(ref.apiVersion), ref.kind);
  const reasons: string[] = [];
  const immutable: (string | undefined)[] = changes.map(() => undefined);
  if (rules.immutable.length === 0 && rules.mutableOnly.length === 0) return { action: ChangeAction.UPDATE, reasons, immutable };
  const paths = changes.map((c) => fieldPath(c.segments));
  for (const { rule, paths: rulePaths } of rules.immutable) {
    if (rule.when && !rule.when(before)) continue;
    for (const [dotted, prefix] of rulePaths) {
      if (deepEqual(valueAt(before, prefix), valueAt(after, prefix))) continue;
      reasons.push(`${dotted}: ${rule.reason}`);
      paths.forEach((p, i) => {
        if (startsWith(p, prefix) || startsWith(prefix, p)) immutable[i] ??= rule.reason;
      });
    }
  }
  for (const { rule, scope, mutable } of rules.mutableOnly) {
    const fired = new Set<string>();
    paths.forEach((p, i) => {
      if (!startsWith(p, scope)) return;
      if (mutable.some((m) => startsWith(p, m))) return;
      immutable[i] ??= rule.reason;
      // Report the field at the depth of the rule's paths (spec.bootstrap, not every leaf under it).
      fired.add(p.slice(0, scope.length + 1).join('.'));
    });
    for (const f of [...fired].sort()) reasons.push(`${f}: ${rule.reason}`);
  }
  return { action: reasons.length > 0 ? ChangeAction.REPLACE : ChangeAction.UPDATE, reasons: [...new Set(reasons)], immutable };
}

/** Labels the estate writes that the protection rules read. */
export const ESTATE_LABELS = {
  cluster: 'cluster-estate.io/cluster',
  group: 'cluster-estate.io/group',
  groupKind: 'cluster-estate.io/group-kind',
  machineRole: 'cluster-estate.io/machine-role',
  capiClusterName: 'cluster.x-k8s.io/cluster-name',
} as const;

/** What the protection rules know about the estate's clusters (from the Cluster objects of both sides). */
export interface ProtectionContext {
  /** Group kind (`daily`, `peak`) of each cluster, by name. */
  readonly groupKind: ReadonlyMap<string, string>;
  /** Clusters whose Cluster object is deleted by this change. */
  readonly clustersDeleted: ReadonlySet<string>;
}

function labels(object: Plain | undefined): Record<string, string> {
  const meta = object?.metadata as { labels?: Record<string, string> } | undefined;
  return meta?.labels ?? {};
}

/** The estate cluster an object belongs to: its labels, else (for per-cluster targets) the target. */
export function owningCluster(target: string, ref: ObjectRef, object: Plain | undefined, managementTarget: string): string | undefined {
  const l = labels(object);
  const fromLabel = l[ESTATE_LABELS.cluster] ?? l[ESTATE_LABELS.capiClusterName];
  if (fromLabel) return fromLabel;
  if (target === managementTarget) return ref.kind === 'Namespace' ? undefined : ref.namespace;
  return target;
}

/**
 * Why deleting or replacing this object is destructive, or undefined when it is not. Protected: etcd members
 * (their Machines and provider machines), control planes, daily clusters, namespaces, persistent volume claims and
 * CRDs. A peak-group cluster removed as a whole (its Cluster object deleted in the same change: the promotion is
 * over) is a planned removal, not a destructive one.
 */
export function destructiveReason(
  action: ChangeAction,
  ref: ObjectRef,
  object: Plain,
  cluster: string | undefined,
  context: ProtectionContext,
): string | undefined {
  if (action !== ChangeAction.DELETE && action !== ChangeAction.REPLACE) return undefined;
  const verb = action === ChangeAction.DELETE ? 'deleting' : 'replacing';
  const l = labels(object);
  const group = apiGroup(ref.apiVersion);
  const kindOfCluster = cluster ? context.groupKind.get(cluster) : undefined;
  const plannedPeakRemoval = action === ChangeAction.DELETE && cluster !== undefined && kindOfCluster === 'peak' && context.clustersDeleted.has(cluster);
  if (plannedPeakRemoval) return undefined;

  if (l[ESTATE_LABELS.machineRole] === 'etcd' && (ref.kind === 'Machine' || (group === INFRA && /Machine$/.test(ref.kind)))) {
    return `etcd member of ${cluster ?? 'its cluster'}: ${verb} it removes a member (and its data) from the quorum`;
  }
  if (group === CONTROL_PLANE && ref.kind === 'KubeadmControlPlane') {
    return `control plane of ${cluster ?? 'its cluster'}: ${verb} it ${action === ChangeAction.DELETE ? 'removes every API server' : 'rebuilds every API server'}`;
  }
  if (group === CAPI && ref.kind === 'Cluster') {
    const kind = l[ESTATE_LABELS.groupKind] ?? kindOfCluster;
    if (kind !== 'peak') return `${kind ?? 'unknown-group'} cluster ${ref.name}: ${verb} it tears down the whole cluster and every workload on it`;
    if (action === ChangeAction.REPLACE) return `peak cluster ${ref.name}: replacing it tears it down during its promotion`;
    return `peak cluster ${ref.name}: deleting it while its group still exists tears it down`;
  }
  if (group === '' && ref.kind === 'Namespace') return `namespace ${ref.name}: ${verb} it deletes every object in it`;
  if (group === '' && ref.kind === 'PersistentVolumeClaim') return `volume claim: ${verb} it can delete the volume and its data`;
  if (group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition') return `CRD ${ref.name}: ${verb} it deletes every custom resource of that kind`;
  return undefined;
}
