import {
  AbsentCluster, Capacity, ClusterGroupKind, ClusterPlan, clusterCapacity, KubeObject, LABEL_CLUSTER, MachineRole,
  parseCalendarDate, PromotionPhase, PromotionStatus, Synthesis,
} from '../../constructs/internal';
import { apiGroup, Guard, indexTarget, logicalName, objectKey, ObjectRules, objectRules, resourceType } from './object-rules';
import { CONFIG_KEYS, MANAGEMENT, PROJECT } from './settings';

/**
 * What one stack applies, decided from a synthesis before any Pulumi resource exists: the objects of its target with
 * their resource options, every cluster's lifecycle (whether its guarded objects are protected in this update), the
 * clusters that are absent and why, the kubeconfigs to export, and the notices to print. Pure and deterministic.
 */

/** Whether a cluster's guarded objects are protected in this update. */
export enum Protection {
  /** protect + retainOnDelete: Pulumi refuses to delete them, and would leave them running if told to forget them. */
  PROTECTED = 'protected',
  /** Neither: this update, or the next, may delete them. Always printed as a warning. */
  RELEASED = 'released',
}

/** One synthesized object as the stack registers it. */
export interface PlannedObject {
  readonly object: KubeObject;
  /** `apiVersion/kind/namespace/name`. */
  readonly key: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  /** Pulumi logical name, `<namespace>/<name>` or `<name>`. */
  readonly name: string;
  /** The cluster the object belongs to (its own cluster in the management target; the target in a cluster target). */
  readonly cluster?: string;
  readonly rules: ObjectRules;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

/** A cluster that exists at as-of, with its lifecycle in this update. */
export interface ClusterLifecycle {
  readonly cluster: string;
  readonly group: string;
  readonly groupKind: ClusterGroupKind;
  readonly promotion?: string;
  readonly phase?: PromotionPhase;
  /** Zero-based batch within preparing or draining. */
  readonly batch?: number;
  /** Share of peak size. */
  readonly scale?: number;
  readonly protection: Protection;
  readonly releaseReason?: string;
}

/** Why a cluster of the estate does not exist at as-of. */
export enum AbsenceReason {
  /** Its promotion's preparation has not started yet. */
  NOT_YET_CREATED = 'not-yet-created',
  /** Its promotion's drain-until has passed: the cluster is removed. */
  RETIRED = 'retired',
}

export interface AbsentClusterState extends AbsentCluster {
  readonly reason: AbsenceReason;
  /** When the cluster is created (not yet created) or was due for removal (retired), as the calendar writes it. */
  readonly at: string;
  readonly timeZone: string;
}

/** A Cluster API kubeconfig Secret the management stack reads and exports. */
export interface KubeconfigExport {
  readonly cluster: string;
  readonly namespace: string;
  readonly secretName: string;
}

export interface Notice {
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/** One cluster, as the stack outputs report it. */
export interface ClusterReport {
  readonly group: string;
  readonly groupKind: ClusterGroupKind;
  readonly region: string;
  readonly idc: string;
  readonly apiEndpoint: string;
  readonly promotion?: string;
  readonly promotionPhase?: PromotionPhase;
  readonly batch?: number;
  readonly scale?: number;
  readonly capacity: { readonly total: Capacity; readonly byRole: Record<MachineRole, Capacity> };
  readonly protection: Protection;
  readonly releaseReason?: string;
}

export interface TargetPlan {
  readonly estate: string;
  readonly target: string;
  readonly kind: 'management' | 'cluster';
  readonly asOf: string;
  /** False for a cluster target whose cluster does not exist at as-of: the stack then registers nothing. */
  readonly exists: boolean;
  /** In the order synthesis gave them. */
  readonly objects: readonly PlannedObject[];
  /** The clusters this stack reports on: every existing cluster (management), or the target's own. */
  readonly clusters: Readonly<Record<string, ClusterReport>>;
  readonly absentClusters: readonly AbsentClusterState[];
  readonly promotions: readonly PromotionStatus[];
  readonly kubeconfigExports: readonly KubeconfigExport[];
  /** The API endpoint the estate gives a cluster target. */
  readonly expectedEndpoint?: string;
  readonly notices: readonly Notice[];
}

export interface TargetPlanOptions {
  readonly target: string;
  /** Clusters whose guarded objects are released in this update. @default [] */
  readonly releaseProtection?: readonly string[];
  /** Management target: clusters whose `<cluster>-kubeconfig` Secret is exported. @default [] */
  readonly exportKubeconfigs?: readonly string[];
  /**
   * Keys (`apiVersion/kind/namespace/name`) of guarded objects released in this update on their own, whatever their
   * cluster's lifecycle: an etcd member that leaves, once the API servers no longer use it. @default []
   */
  readonly releaseObjects?: readonly string[];
}

/** Calendar fields a promotion status carries besides the ones its type declares. */
type PromotionWithBatches = PromotionStatus & { readonly drainBatches?: number };

/** The endpoint clients use to reach a cluster's API servers. */
export function apiEndpoint(cluster: ClusterPlan): string {
  const { host, port } = cluster.controlPlane.endpoint;
  return `https://${host}:${port}`;
}

/** The lifecycle of an existing cluster in this update. */
export function clusterLifecycle(
  cluster: ClusterPlan,
  promotions: readonly PromotionStatus[],
  releaseProtection: readonly string[] = [],
): ClusterLifecycle {
  const phase = cluster.promotion?.phase;
  const base = {
    cluster: cluster.name,
    group: cluster.group,
    groupKind: cluster.groupKind,
    ...(cluster.promotion && phase ? { promotion: cluster.promotion.name, phase: phase.phase, batch: phase.batch, scale: phase.scale } : {}),
  };
  if (releaseProtection.includes(cluster.name)) {
    return { ...base, protection: Protection.RELEASED, releaseReason: `listed in ${PROJECT}:${CONFIG_KEYS.releaseProtection}` };
  }
  // The final drain batch is the one at scale 0 (see phaseAt): the cluster is at its smallest and due for removal at
  // drain-until. Its protection is released now, so that the first update at or after drain-until can delete it.
  if (cluster.groupKind === ClusterGroupKind.PEAK && phase?.phase === PromotionPhase.DRAINING && phase.scale === 0) {
    const p = promotions.find((x) => x.name === cluster.promotion!.name);
    const until = p ? ` ${p.drainUntil} ${p.timeZone}` : '';
    return { ...base, protection: Protection.RELEASED, releaseReason: `final drain batch of ${cluster.promotion!.name}: deleted by the first update at or after drain-until${until}` };
  }
  return { ...base, protection: Protection.PROTECTED };
}

/** Why each absent cluster is absent at `asOf`. */
export function absentClusterStates(absent: readonly AbsentCluster[], promotions: readonly PromotionStatus[], asOf: Date): AbsentClusterState[] {
  return absent.map((c) => {
    const p = promotions.find((x) => x.name === c.promotion);
    const drainUntil = p ? parseCalendarDate(p.drainUntil, p.timeZone) : undefined;
    const retired = drainUntil !== undefined && asOf.getTime() >= drainUntil;
    return {
      ...c,
      reason: retired ? AbsenceReason.RETIRED : AbsenceReason.NOT_YET_CREATED,
      at: p ? (retired ? p.drainUntil : p.prepareFrom) : '',
      timeZone: p?.timeZone ?? '',
    };
  });
}

/** An instant inside the final drain batch of a promotion, as an as-of value, when the calendar gives its batches. */
export function finalDrainBatchAsOf(p: PromotionWithBatches): string | undefined {
  const peakTo = parseCalendarDate(p.peakTo, p.timeZone);
  const drainUntil = parseCalendarDate(p.drainUntil, p.timeZone);
  if (peakTo === undefined || drainUntil === undefined || !p.drainBatches || p.drainBatches < 1) return undefined;
  const start = peakTo + ((drainUntil - peakTo) * (p.drainBatches - 1)) / p.drainBatches;
  // A minute in: clear of rounding at the batch boundary, and long before drain-until.
  return new Date(Math.min(start + 60_000, drainUntil - 1)).toISOString();
}

function reportOf(cluster: ClusterPlan, lifecycle: ClusterLifecycle): ClusterReport {
  const capacity = clusterCapacity(cluster);
  return {
    group: cluster.group,
    groupKind: cluster.groupKind,
    region: cluster.region,
    idc: cluster.idc,
    apiEndpoint: apiEndpoint(cluster),
    ...(lifecycle.promotion ? {
      promotion: lifecycle.promotion,
      promotionPhase: lifecycle.phase,
      batch: lifecycle.batch,
      scale: lifecycle.scale,
    } : {}),
    capacity: { total: capacity.total, byRole: capacity.byRole },
    protection: lifecycle.protection,
    ...(lifecycle.releaseReason ? { releaseReason: lifecycle.releaseReason } : {}),
  };
}

function plannedObjects(
  objects: readonly KubeObject[],
  owner: (o: KubeObject) => string | undefined,
  lifecycles: ReadonlyMap<string, ClusterLifecycle>,
  releaseObjects: ReadonlySet<string> = new Set(),
): PlannedObject[] {
  const index = indexTarget(objects);
  const seen = new Set<string>();
  return objects.map((object) => {
    const key = objectKey(object);
    // One object in the cluster per group, kind, namespace and name, whatever the version: two versions of it would
    // be two Pulumi resources fighting over one object.
    const identity = `${apiGroup(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(identity)) throw new Error(`two synthesized objects are the same Kubernetes object ${identity}; synthesis must never produce that`);
    seen.add(identity);
    const rules = objectRules(object, index);
    const cluster = owner(object);
    const released = cluster !== undefined && lifecycles.get(cluster)?.protection === Protection.RELEASED;
    const guarded = rules.guard !== undefined && !released && !releaseObjects.has(key);
    return { object, key, type: resourceType(object), name: logicalName(object), cluster, rules, protect: guarded, retainOnDelete: guarded };
  });
}

/** The cluster a management-target object belongs to: its cluster label, else its namespace (a Namespace's own name). */
function managementOwner(o: KubeObject): string | undefined {
  return o.metadata.labels?.[LABEL_CLUSTER] ?? (o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace);
}

function releaseNotices(lifecycles: Iterable<ClusterLifecycle>): Notice[] {
  const notices: Notice[] = [];
  for (const l of lifecycles) {
    if (l.protection !== Protection.RELEASED) continue;
    notices.push({
      level: 'warn',
      message: `${l.cluster} (${l.group}): protection released — ${l.releaseReason}. Its guarded objects (Cluster, control plane, etcd members, namespaces, CRDs) lose protect and retainOnDelete in this update, so an update that no longer declares them deletes them`,
    });
  }
  return notices;
}

/** Plans the stack of one target. Throws only on a synthesis that breaks its own contract. */
export function planTarget(synthesis: Synthesis, options: TargetPlanOptions): TargetPlan {
  const { plan } = synthesis;
  const asOf = new Date(plan.asOf);
  const release = options.releaseProtection ?? [];
  const promotions = plan.promotions;
  const absent = absentClusterStates(plan.absentClusters, promotions, asOf);
  const lifecycles = new Map(plan.clusters.map((c) => [c.name, clusterLifecycle(c, promotions, release)]));
  const notices: Notice[] = [];
  const base = { estate: plan.estate, target: options.target, asOf: plan.asOf, absentClusters: absent, promotions };

  if (options.target === MANAGEMENT) {
    const target = synthesis.targets.find((t) => t.name === MANAGEMENT);
    const objects = plannedObjects(target?.objects ?? [], managementOwner, lifecycles, new Set(options.releaseObjects ?? []));
    notices.push(...releaseNotices(lifecycles.values()));
    const retired = absent.filter((a) => a.reason === AbsenceReason.RETIRED);
    for (const promotion of [...new Set(retired.map((r) => r.promotion))].sort()) {
      const these = retired.filter((r) => r.promotion === promotion);
      const p = promotions.find((x) => x.name === promotion) as PromotionWithBatches | undefined;
      const finalBatch = p ? finalDrainBatchAsOf(p) : undefined;
      notices.push({
        level: 'warn',
        message: `${these.map((r) => r.name).join(', ')} (${these[0].group}): drain-until ${these[0].at} ${these[0].timeZone} of ${promotion} has passed at as-of ${plan.asOf}, ` +
          'so this update deletes every object of these clusters that the stack still holds. If it fails with "marked for protection", no update ran during the final drain batch' +
          (finalBatch ? `: run one with pulumi config set ${PROJECT}:${CONFIG_KEYS.asOf} ${finalBatch}, then pulumi config rm ${PROJECT}:${CONFIG_KEYS.asOf} and update again` : ''),
      });
    }
    const upcoming = absent.filter((a) => a.reason === AbsenceReason.NOT_YET_CREATED);
    if (upcoming.length > 0) {
      notices.push({ level: 'info', message: `not created yet: ${upcoming.map((a) => `${a.name} (${a.promotion} prepares from ${a.at} ${a.timeZone})`).join(', ')}` });
    }

    const wanted = new Set(options.exportKubeconfigs ?? []);
    const kubeconfigExports: KubeconfigExport[] = [];
    for (const cluster of plan.clusters) {
      if (!wanted.has(cluster.name)) continue;
      const capi = objects.find((o) => o.object.kind === 'Cluster' && o.object.metadata.name === cluster.name && o.rules.guard === Guard.CLUSTER);
      const namespace = capi?.object.metadata.namespace ?? cluster.name;
      kubeconfigExports.push({ cluster: cluster.name, namespace, secretName: `${cluster.name}-kubeconfig` });
    }
    const notExported = plan.clusters.filter((c) => !wanted.has(c.name)).map((c) => c.name);
    if (notExported.length > 0) {
      notices.push({
        level: 'info',
        message: `kubeconfigs not exported: ${notExported.join(', ')}. Once Cluster API has provisioned a cluster (kubectl get cluster -A), add it to ${PROJECT}:${CONFIG_KEYS.exportKubeconfigs} so that its cluster stack can reach it`,
      });
    }
    const wantedAbsent = absent.filter((a) => wanted.has(a.name)).map((a) => a.name);
    if (wantedAbsent.length > 0) notices.push({ level: 'info', message: `not exported, the clusters do not exist at as-of: ${wantedAbsent.join(', ')}` });

    return {
      ...base,
      kind: 'management',
      exists: true,
      objects,
      clusters: Object.fromEntries(plan.clusters.map((c) => [c.name, reportOf(c, lifecycles.get(c.name)!)])),
      kubeconfigExports,
      notices,
    };
  }

  const cluster = plan.clusters.find((c) => c.name === options.target);
  if (!cluster) {
    const a = absent.find((x) => x.name === options.target);
    if (!a) throw new Error(`target ${options.target} is neither management nor a cluster of the synthesis`);
    const p = promotions.find((x) => x.name === a.promotion) as PromotionWithBatches | undefined;
    const finalBatch = p ? finalDrainBatchAsOf(p) : undefined;
    notices.push(a.reason === AbsenceReason.RETIRED
      ? {
        level: 'warn',
        message: `${a.name} (${a.group}) no longer exists at as-of ${plan.asOf}: drain-until ${a.at} ${a.timeZone} of ${a.promotion} has passed. ` +
          'This update deletes whatever the stack still holds; run it before the management stack deletes the cluster' +
          (finalBatch ? `. If it fails with "marked for protection", no update ran during the final drain batch: run one with pulumi config set ${PROJECT}:${CONFIG_KEYS.asOf} ${finalBatch}, then pulumi config rm ${PROJECT}:${CONFIG_KEYS.asOf} and update again` : ''),
      }
      : { level: 'info', message: `${a.name} (${a.group}) does not exist yet at as-of ${plan.asOf}: ${a.promotion} prepares from ${a.at} ${a.timeZone}. The stack manages nothing until then` });
    return { ...base, kind: 'cluster', exists: false, objects: [], clusters: {}, kubeconfigExports: [], notices };
  }

  const lifecycle = lifecycles.get(cluster.name)!;
  const target = synthesis.targets.find((t) => t.name === cluster.name);
  if (!target) notices.push({ level: 'warn', message: `the estate synthesizes no objects for cluster ${cluster.name} (no target "${cluster.name}"): this stack applies nothing yet` });
  const objects = plannedObjects(target?.objects ?? [], () => cluster.name, lifecycles);
  notices.push(...releaseNotices([lifecycle]));
  return {
    ...base,
    kind: 'cluster',
    exists: true,
    objects,
    clusters: { [cluster.name]: reportOf(cluster, lifecycle) },
    kubeconfigExports: [],
    expectedEndpoint: apiEndpoint(cluster),
    notices,
  };
}

/** Objects of a plan counted by kind, keys sorted. */
export function countByKind(objects: readonly PlannedObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.object.kind] = (counts[o.object.kind] ?? 0) + 1;
  return Object.fromEntries(Object.keys(counts).sort().map((k) => [k, counts[k]]));
}
