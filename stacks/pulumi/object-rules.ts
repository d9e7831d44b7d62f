import { CAPI_AUTOSCALER_MAX, CAPI_AUTOSCALER_MIN, KubeObject, LABEL_ROLE, MachineRole } from '../../constructs/internal';
import { meshHostKey } from '../../policies/engine/mesh';

/**
 * How each synthesized object becomes a Pulumi resource: its type token and logical name, whether it is guarded
 * against deletion, which fields controllers own, and which objects it needs first. Pure functions over plain
 * objects, tested directly.
 */

/** Why an object is guarded (protect + retainOnDelete) by default. */
export enum Guard {
  /** An etcd member: its Machine, its provider machine, its bootstrap Secret. Losing members loses quorum, then data. */
  ETCD_MEMBER = 'etcd-member',
  /** A KubeadmControlPlane: deleting it deletes every control-plane machine. */
  CONTROL_PLANE = 'control-plane',
  /** A Cluster API Cluster: deleting it deletes every object the cluster owns. */
  CLUSTER = 'cluster',
  /** The provider's cluster object (Metal3Cluster, AWSCluster): deleting it tears down the cluster's network and load balancer. */
  CLUSTER_INFRASTRUCTURE = 'cluster-infrastructure',
  /** A Namespace: deleting it deletes everything in it. */
  NAMESPACE = 'namespace',
  /** A CustomResourceDefinition: deleting it deletes every object of its kind. */
  CUSTOM_RESOURCE_DEFINITION = 'custom-resource-definition',
}

/** The registration tiers, registered in this order; objects of a later tier may depend on objects of an earlier one. */
export enum Tier {
  /** Namespaces and CustomResourceDefinitions. */
  FOUNDATION = 'foundation',
  /**
   * Machine templates and KubeadmConfigTemplates that a MachineDeployment (or MachineSet) or KubeadmControlPlane of
   * the target references. Their owners depend on them, so a template renamed after its new content is created
   * before its owner is repointed at it, and the old template (no longer in the program) is deleted by Pulumi at
   * the end of the update, after the owner has moved off it.
   */
  TEMPLATES = 'templates',
  /** Everything else. */
  OBJECTS = 'objects',
}

/** What `pulumi.CustomResourceOptions` an object gets, as plain data. */
export interface ObjectRules {
  readonly tier: Tier;
  /** Set when the object is guarded by default; whether the guard holds in this update is the cluster's lifecycle. */
  readonly guard?: Guard;
  /** Fields owned by a controller, left out of diffs (Pulumi property paths). */
  readonly ignoreChanges: readonly string[];
  /** Why each field is ignored, for reports. */
  readonly ignoreReason?: string;
  /** Objects of the same target that must exist first, by `objectKey`. */
  readonly dependsOn: readonly string[];
}

/** The identity by which objects are matched: `apiVersion/kind/namespace/name`. */
export function objectKey(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The API group of an `apiVersion` (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The Pulumi type token of the resource an object becomes: `kubernetes:core/v1:Namespace`,
 * `kubernetes:apps/v1:Deployment`, `kubernetes:cluster.x-k8s.io/v1beta2:Cluster` (custom resources keep their
 * group): the token @pulumi/kubernetes gives the typed class of that kind, or `CustomResource` for any other.
 */
export function resourceType(o: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `kubernetes:${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;
}

/**
 * The logical name of the resource: `<Kind>/<namespace>/<name>`, or `<Kind>/<name>` for cluster-scoped objects
 * (`Deployment/trade/order`, `Namespace/trade`). It leaves out the API group and version, which the type token
 * carries: the URN (type and name) is the object's identity, and the name alone still tells a Service from the
 * Deployment of the same name in previews and policy reports. Stable for as long as kind, namespace and name are.
 */
export function logicalName(o: KubeObject): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

/** The guard of an object, if it has one. */
export function guardOf(o: KubeObject): Guard | undefined {
  const group = apiGroup(o.apiVersion);
  if (o.kind === 'Namespace' && group === '') return Guard.NAMESPACE;
  if (o.kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io') return Guard.CUSTOM_RESOURCE_DEFINITION;
  if (o.kind === 'KubeadmControlPlane' && group === 'controlplane.cluster.x-k8s.io') return Guard.CONTROL_PLANE;
  if (o.kind === 'Cluster' && group === 'cluster.x-k8s.io') return Guard.CLUSTER;
  if (group === 'infrastructure.cluster.x-k8s.io' && o.kind.endsWith('Cluster')) return Guard.CLUSTER_INFRASTRUCTURE;
  if (o.metadata.labels?.[LABEL_ROLE] === MachineRole.ETCD) return Guard.ETCD_MEMBER;
  return undefined;
}

/** Kinds whose `spec.replicas` a HorizontalPodAutoscaler may own. */
const SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'MachineDeployment', 'MachineSet']);

/** What the rules need to know about the other objects of the same target. */
export interface TargetIndex {
  /** Namespaces the target itself creates, by name → object key. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** CustomResourceDefinitions of the target, by `<group>/<kind>` → object key. */
  readonly crds: ReadonlyMap<string, string>;
  /** Objects whose replicas a HorizontalPodAutoscaler of the target owns: `<namespace>/<kind>/<name>` → HPA name. */
  readonly hpaTargets: ReadonlyMap<string, string>;
  /** Templates a Cluster API object of the target references, by `templateRefKey` → object key. */
  readonly templates: ReadonlyMap<string, string>;
  /** Istio DestinationRules of the target, by `meshHostKey` of their host → object keys. @default - none */
  readonly destinationRules?: ReadonlyMap<string, readonly string[]>;
}

const ISTIO_NETWORKING = 'networking.istio.io';

/** The `meshHostKey`s a VirtualService routes or mirrors traffic to, in order of first appearance. */
export function virtualServiceDestinations(o: KubeObject): string[] {
  const spec = (o as { spec?: Record<string, unknown> }).spec ?? {};
  const hosts: string[] = [];
  const add = (destination: unknown) => {
    const host = destination !== null && typeof destination === 'object' ? (destination as { host?: unknown }).host : undefined;
    if (typeof host !== 'string' || host === '') return;
    const key = meshHostKey(host, o.metadata.namespace);
    if (!hosts.includes(key)) hosts.push(key);
  };
  for (const section of ['http', 'tcp', 'tls']) {
    const rules = spec[section];
    if (!Array.isArray(rules)) continue;
    for (const rule of rules as Record<string, unknown>[]) {
      for (const route of Array.isArray(rule?.route) ? (rule.route as Record<string, unknown>[]) : []) add(route?.destination);
      add(rule?.mirror);
    }
  }
  return hosts;
}

/**
 * Where Cluster API objects reference their templates: a MachineDeployment's or MachineSet's infrastructure and
 * bootstrap templates, and a KubeadmControlPlane's machine template (v1beta2, then v1beta1).
 */
const TEMPLATE_REF_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template', 'spec', 'infrastructureRef'],
  ['spec', 'template', 'spec', 'bootstrap', 'configRef'],
  ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
  ['spec', 'machineTemplate', 'infrastructureRef'],
];
const TEMPLATE_OWNER_KINDS = new Set(['MachineDeployment', 'MachineSet', 'KubeadmControlPlane']);

/** `<namespace>/<group>/<kind>/<name>` of an object, or of what a ref names in a namespace. */
function templateRefKey(namespace: string | undefined, group: string, kind: string, name: string): string {
  return `${namespace ?? ''}/${group}/${kind}/${name}`;
}

/**
 * The `templateRefKey`s of the templates a Cluster API object references: refs are `{apiGroup, kind, name}` in
 * v1beta2 and `{apiVersion, kind, name}` in v1beta1, always in the object's own namespace.
 */
export function templateRefs(o: KubeObject): string[] {
  if (!TEMPLATE_OWNER_KINDS.has(o.kind)) return [];
  const keys: string[] = [];
  for (const path of TEMPLATE_REF_PATHS) {
    let v: unknown = o;
    for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    const ref = v as { apiGroup?: unknown; apiVersion?: unknown; kind?: unknown; name?: unknown } | undefined;
    if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
    const group = typeof ref.apiGroup === 'string' ? ref.apiGroup : typeof ref.apiVersion === 'string' ? apiGroup(ref.apiVersion) : undefined;
    if (group !== undefined) keys.push(templateRefKey(o.metadata.namespace, group, ref.kind, ref.name));
  }
  return keys;
}

/** Indexes the objects of one target. */
export function indexTarget(objects: readonly KubeObject[]): TargetIndex {
  const namespaces = new Map<string, string>();
  const crds = new Map<string, string>();
  const hpaTargets = new Map<string, string>();
  const destinationRules = new Map<string, string[]>();
  const referenced = new Set<string>();
  for (const o of objects) {
    for (const ref of templateRefs(o)) referenced.add(ref);
    const group = apiGroup(o.apiVersion);
    if (o.kind === 'Namespace' && group === '') namespaces.set(o.metadata.name, objectKey(o));
    else if (o.kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io') {
      const spec = (o as { spec?: { group?: string; names?: { kind?: string } } }).spec;
      if (spec?.group && spec.names?.kind) crds.set(`${spec.group}/${spec.names.kind}`, objectKey(o));
    } else if (o.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') {
      const ref = (o as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec?.scaleTargetRef;
      if (ref?.kind && ref.name) hpaTargets.set(`${o.metadata.namespace ?? ''}/${ref.kind}/${ref.name}`, o.metadata.name);
    } else if (o.kind === 'DestinationRule' && group === ISTIO_NETWORKING) {
      const host = (o as { spec?: { host?: unknown } }).spec?.host;
      if (typeof host === 'string' && host !== '') {
        const key = meshHostKey(host, o.metadata.namespace);
        const list = destinationRules.get(key);
        if (list) list.push(objectKey(o));
        else destinationRules.set(key, [objectKey(o)]);
      }
    }
  }
  const templates = new Map<string, string>();
  if (referenced.size > 0) {
    for (const o of objects) {
      const key = templateRefKey(o.metadata.namespace, apiGroup(o.apiVersion), o.kind, o.metadata.name);
      if (referenced.has(key)) templates.set(key, objectKey(o));
    }
  }
  return { namespaces, crds, hpaTargets, templates, destinationRules };
}

/** The rules of one object of a target. */
export function objectRules(o: KubeObject, index: TargetIndex): ObjectRules {
  const guard = guardOf(o);
  const group = apiGroup(o.apiVersion);
  const tier = guard === Guard.NAMESPACE || guard === Guard.CUSTOM_RESOURCE_DEFINITION
    ? Tier.FOUNDATION
    : index.templates.has(templateRefKey(o.metadata.namespace, group, o.kind, o.metadata.name)) ? Tier.TEMPLATES : Tier.OBJECTS;

  let ignoreChanges: string[] = [];
  let ignoreReason: string | undefined;
  const annotations = o.metadata.annotations ?? {};
  if (o.kind === 'MachineDeployment' && group === 'cluster.x-k8s.io' && (CAPI_AUTOSCALER_MIN in annotations || CAPI_AUTOSCALER_MAX in annotations)) {
    ignoreChanges = ['spec.replicas'];
    ignoreReason = 'the cluster autoscaler owns spec.replicas between the node-group bounds';
  } else if (SCALABLE_KINDS.has(o.kind)) {
    const hpa = index.hpaTargets.get(`${o.metadata.namespace ?? ''}/${o.kind}/${o.metadata.name}`);
    if (hpa !== undefined) {
      ignoreChanges = ['spec.replicas'];
      ignoreReason = `HorizontalPodAutoscaler ${hpa} owns spec.replicas`;
    }
  }

  const dependsOn: string[] = [];
  if (tier !== Tier.FOUNDATION) {
    const ns = o.metadata.namespace ? index.namespaces.get(o.metadata.namespace) : undefined;
    if (ns !== undefined) dependsOn.push(ns);
    const crd = index.crds.get(`${group}/${o.kind}`);
    if (crd !== undefined) dependsOn.push(crd);
  }
  if (tier === Tier.OBJECTS) {
    // A template an owner references must exist before the owner points at it (see Tier.TEMPLATES).
    for (const ref of templateRefs(o)) {
      const template = index.templates.get(ref);
      if (template !== undefined && !dependsOn.includes(template)) dependsOn.push(template);
    }
    // Make before break (istio.io): the subsets a route names exist before the route, so no apply window sends a
    // request to a subset Envoy does not know (503 NR); on deletion Pulumi removes the route before its subsets.
    if (o.kind === 'VirtualService' && group === ISTIO_NETWORKING && index.destinationRules) {
      for (const host of virtualServiceDestinations(o)) {
        for (const dr of index.destinationRules.get(host) ?? []) if (!dependsOn.includes(dr)) dependsOn.push(dr);
      }
    }
  }
  return { tier, guard, ignoreChanges, ignoreReason, dependsOn };
}
