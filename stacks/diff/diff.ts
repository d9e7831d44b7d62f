/**
 * Two syntheses compared by object identity: per target (stack), objects are matched by
 * apiVersion/kind/namespace/name; a deleted and a created object of the same group, kind, namespace and name are
 * one object whose apiVersion moved (an update, not a destructive delete). Each match is diffed field by field
 * (keyed lists), and each changed object is created, updated, replaced or deleted, destructive or not.
 */
import { KubeObject, MANAGEMENT_TARGET } from '../../constructs';
import { capacityDelta, promotionPhases } from './capacity';
import { day2Analysis } from './day2';
import { apiGroup, classifyUpdate, destructiveReason, ESTATE_LABELS, owningCluster, ProtectionContext } from './classify';
import { ChangeAction, DiffReport, ObjectChange, ObjectRef, PolicyFindings, StackSummary, TransitionReport } from './model';
import { policyDelta } from './policies';
import { accessDelta } from './access';
import { routingDelta } from './routing';
import { countDocuments, DocumentCache, fileObjects, Snapshot, SnapshotFile, targetOf } from './snapshot';
import { diffObjects, toFieldChange } from './structural';
import { affectedTopology, ClusterPlace, factsKey, ObjectFacts } from './topology-changes';

/** Options of a diff. */
export interface DiffSnapshotsOptions {
  /** What the base is, in a few words. @default 'base' */
  readonly baseLabel?: string;
  /** @default 'head' */
  readonly headLabel?: string;
  /** Findings of the base and the head; the report has a policy section only when both are given. */
  readonly baseFindings?: PolicyFindings;
  readonly headFindings?: PolicyFindings;
  /** The base could not be checked (its `baseFindings` are a stand-in). @default false */
  readonly baseUnchecked?: boolean;
  /** Remarks carried into the report. @default - none */
  readonly notes?: readonly string[];
  /** The target that holds the Cluster API objects. @default 'management' */
  readonly managementTarget?: string;
  /**
   * Judge the change as one to a running estate (the base runs): refused transitions and operational impact.
   * @default true
   */
  readonly day2?: boolean;
  /**
   * Transitions the head's synthesis judged against this base with its plan (`estate synth --base-dir` writes them
   * to `day2.json`). A head synthesized against what runs keeps the running members' rendered configuration, so a
   * rule that compares the plan with what runs (`etcd-settings-not-applied`) cannot be judged from the manifests;
   * these are added to the report's transitions, each once.
   * @default - none
   */
  readonly planTransitions?: TransitionReport;
}

type Plain = Record<string, unknown>;

function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata?.name };
}

function labelsOf(o: KubeObject | undefined): Record<string, string> {
  return o?.metadata?.labels ?? {};
}

/** What identifies an object within a target. */
interface Identity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

function identityOf(o: KubeObject): Identity {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata?.namespace || undefined, name: o.metadata?.name };
}

/**
 * An object of one side as the pairing sees it: its identity, read from its document's lines, and the object itself,
 * parsed only as far as it is needed: whole when it is compared with its counterpart, up to its metadata when it is
 * created or deleted (what the report says of it comes from its identity and labels).
 */
class PoolObject {
  public readonly id: string;
  private object?: KubeObject;
  private readonly apiVersion: string;

  public constructor(
    identity: Identity,
    object?: KubeObject,
    private readonly cache?: DocumentCache,
    private readonly file?: SnapshotFile,
    private readonly index = 0,
  ) {
    this.object = object;
    this.apiVersion = identity.apiVersion;
    this.id = `${identity.apiVersion}\u0000${identity.kind}\u0000${identity.namespace ?? ''}\u0000${identity.name}`;
  }

  /** The identity without the version of the API group: an object whose apiVersion moved keeps it. */
  public get groupId(): string {
    return `${apiGroup(this.apiVersion)}${this.id.slice(this.apiVersion.length)}`;
  }

  public static of(object: KubeObject): PoolObject {
    return new PoolObject(identityOf(object), object);
  }

  /** The whole object. */
  public full(): KubeObject {
    if (this.cache && this.file) this.object = this.cache.objects(this.file, this.index)[0] ?? this.object;
    return this.object!;
  }

  /** Parses this object and its counterpart together, when both are documents not yet parsed (see `DocumentCache.pair`). */
  public readWith(other: PoolObject): void {
    if (this.cache && this.file && other.cache === this.cache && other.file) this.cache.pair(this.file, this.index, other.file, other.index);
  }

  /** The object as far as its metadata: whole when it was read whole. */
  public meta(): KubeObject {
    if (this.object === undefined) this.object = this.cache!.headers(this.file!, this.index)[0];
    return this.object;
  }
}

interface TargetPools {
  base: PoolObject[];
  head: PoolObject[];
  unchanged: number;
}

/** The objects of a file's document at `index`, by identity; read further only when the pairing needs them. */
function documentObjects(cache: DocumentCache, file: SnapshotFile, index: number, into: PoolObject[]): void {
  const identity = cache.identity(file, index);
  if (identity) {
    into.push(new PoolObject(identity, undefined, cache, file, index));
    return;
  }
  // Not read from its lines: read as far as its metadata (whole, when it is not the writer's; then it may hold other
  // than one object, each whole already).
  const objects = cache.headers(file, index);
  if (objects.length === 1) into.push(new PoolObject(identityOf(objects[0]), objects[0], cache, file, index));
  else for (const o of objects) into.push(PoolObject.of(o));
}

function sideObjects(cache: DocumentCache, file: SnapshotFile, into: PoolObject[]): void {
  if (file.objects !== undefined || file.text === undefined) {
    for (const o of fileObjects(file)) into.push(PoolObject.of(o));
    return;
  }
  const n = cache.documents(file).length;
  for (let i = 0; i < n; i++) documentObjects(cache, file, i, into);
}

/**
 * Splits both sides' files by target. A byte-identical file is unchanged as a whole and never parsed; in a file that
 * differs, a document whose text also appears on the other side is an unchanged object (its identity is part of its
 * text), so only the documents that differ are read, and only as far as their metadata until they are paired.
 * Fixture sides (objects, no text) are taken as they are.
 */
function poolByTarget(base: Snapshot, head: Snapshot, cache: DocumentCache): Map<string, TargetPools> {
  const pools = new Map<string, TargetPools>();
  const pool = (target: string): TargetPools => {
    let p = pools.get(target);
    if (!p) pools.set(target, (p = { base: [], head: [], unchanged: 0 }));
    return p;
  };
  const headByPath = new Map(head.files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  for (const b of base.files) {
    seen.add(b.path);
    const p = pool(targetOf(b));
    const h = headByPath.get(b.path);
    if (h && b.text !== undefined && h.text !== undefined && b.objects === undefined && h.objects === undefined) {
      if (b.text === h.text) {
        p.unchanged += countDocuments(b.text);
        continue;
      }
      // A document with an equal document on the other side is unchanged.
      const match = cache.match(b, h);
      p.unchanged += match.unchanged;
      match.inHead.forEach((paired, i) => {
        if (!paired) documentObjects(cache, h, i, p.head);
      });
      match.inBase.forEach((paired, i) => {
        if (!paired) documentObjects(cache, b, i, p.base);
      });
      continue;
    }
    sideObjects(cache, b, p.base);
    if (h) sideObjects(cache, h, p.head);
  }
  for (const h of head.files) {
    if (!seen.has(h.path)) sideObjects(cache, h, pool(targetOf(h)).head);
  }
  return pools;
}

const ACTION_ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, create: 3 };

/** A key that sorts changes by target (management first), namespace, kind, name, apiVersion and action. */
function sortKey(c: ObjectChange, managementTarget: string): string {
  return [c.target === managementTarget ? '' : c.target, c.ref.namespace ?? '', c.ref.kind, c.ref.name, c.ref.apiVersion, ACTION_ORDER[c.action]].join('\u0000');
}

/** Compares two sides and returns the report. Pure: reads only the snapshots. */
export function diffSnapshots(base: Snapshot, head: Snapshot, options: DiffSnapshotsOptions = {}): DiffReport {
  const managementTarget = options.managementTarget ?? MANAGEMENT_TARGET;
  const cache = new DocumentCache();
  const pools = poolByTarget(base, head, cache);

  // What the protection rules and the topology need to know about clusters: group kind, region and IDC, from the
  // summaries (every cluster) and, more precisely, from the parsed Cluster objects.
  const places = new Map<string, ClusterPlace>();
  const setPlace = (cluster: string, place: ClusterPlace) => places.set(cluster, { ...places.get(cluster), ...place });
  for (const summary of [base.summary, head.summary]) {
    for (const c of summary?.clusters ?? []) setPlace(c.cluster, { region: c.region, idc: c.idc, groupKind: c.phase !== undefined ? 'peak' : 'daily' });
    for (const c of summary?.absentClusters ?? []) setPlace(c.name, { groupKind: 'peak' });
  }
  interface Pending { target: string; action: ChangeAction; ref: ObjectRef; object: Plain; change: Omit<ObjectChange, 'destructive' | 'cluster'> }
  const pending: Pending[] = [];
  const stacks: StackSummary[] = [];
  for (const target of [...pools.keys()]) {
    const p = pools.get(target)!;
    const baseById = new Map(p.base.map((o) => [o.id, o]));
    const headById = new Map(p.head.map((o) => [o.id, o]));
    let unchanged = p.unchanged;
    const deleted: PoolObject[] = [];
    const created: PoolObject[] = [];
    const pairs: [PoolObject, PoolObject][] = [];
    for (const [id, b] of baseById) {
      const h = headById.get(id);
      if (h) pairs.push([b, h]);
      else deleted.push(b);
    }
    for (const [id, h] of headById) if (!baseById.has(id)) created.push(h);
    // An apiVersion move (v1beta1 -> v1beta2) is the same object, not a delete and a create.
    const createdByGroupId = new Map(created.map((o) => [o.groupId, o]));
    const moved = new Set<PoolObject>();
    for (const b of deleted) {
      const h = createdByGroupId.get(b.groupId);
      if (h && !moved.has(h)) {
        pairs.push([b, h]);
        moved.add(b);
        moved.add(h);
      }
    }
    for (const [pb, ph] of pairs) {
      pb.readWith(ph);
      const b = pb.full();
      const h = ph.full();
      const raw = diffObjects(b.kind, b as Plain, h as Plain);
      if (raw.length === 0) {
        unchanged++;
        continue;
      }
      const ref = refOf(h);
      const cls = classifyUpdate(ref, b as Plain, h as Plain, raw);
      const apiVersionChange = b.apiVersion !== h.apiVersion ? { from: b.apiVersion, to: h.apiVersion } : undefined;
      pending.push({
        target, action: cls.action, ref, object: b as Plain,
        change: {
          target, ref, action: cls.action,
          fields: raw.map((r, i) => toFieldChange(r, cls.immutable[i])),
          ...(cls.reasons.length > 0 ? { replaceReasons: cls.reasons } : {}),
          ...(apiVersionChange ? { apiVersionChange } : {}),
        },
      });
    }
    for (const entry of deleted) {
      if (moved.has(entry)) continue;
      const b = entry.meta();
      pending.push({
        target,
        action: ChangeAction.DELETE,
        ref: refOf(b),
        object: b as Plain,
        change: { target, ref: refOf(b), action: ChangeAction.DELETE, fields: [] },
      });
    }
    for (const entry of created) {
      if (moved.has(entry)) continue;
      const h = entry.meta();
      pending.push({
        target,
        action: ChangeAction.CREATE,
        ref: refOf(h),
        object: h as Plain,
        change: { target, ref: refOf(h), action: ChangeAction.CREATE, fields: [] },
      });
    }
    stacks.push({ target, create: 0, update: 0, replace: 0, delete: 0, unchanged });
  }

  // Read after the pairing: paired objects are whole by then, the others read as far as their metadata.
  const facts = new Map<string, ObjectFacts>();
  for (const p of pools.values()) {
    for (const entry of p.base.concat(p.head)) {
      const o = entry.meta();
      const l = labelsOf(o);
      if (o.kind === 'Cluster' && apiGroup(o.apiVersion) === 'cluster.x-k8s.io') {
        setPlace(o.metadata.name, {
          ...(l['cluster-estate.io/region'] ? { region: l['cluster-estate.io/region'] } : {}),
          ...(l['cluster-estate.io/idc'] ? { idc: l['cluster-estate.io/idc'] } : {}),
          ...(l[ESTATE_LABELS.groupKind] ? { groupKind: l[ESTATE_LABELS.groupKind] } : {}),
        });
      }
      const pool = l['node.cluster.x-k8s.io/pool'];
      const machineRole = l[ESTATE_LABELS.machineRole];
      if (pool || machineRole) {
        // Built field by field: tens of thousands of objects pass here, and spreading costs more than the rest.
        const f: { pool?: string; machineRole?: string } = {};
        if (pool) f.pool = pool;
        if (machineRole) f.machineRole = machineRole;
        facts.set(factsKey(o.kind, o.metadata.namespace, o.metadata.name), f);
      }
    }
  }

  const clustersDeleted = new Set(pending.filter((x) => x.action === ChangeAction.DELETE && x.ref.kind === 'Cluster' && apiGroup(x.ref.apiVersion) === 'cluster.x-k8s.io').map((x) => x.ref.name));
  const groupKind = new Map<string, string>();
  for (const [cluster, place] of places) if (place.groupKind) groupKind.set(cluster, place.groupKind);
  const context: ProtectionContext = { groupKind, clustersDeleted };

  const changes: ObjectChange[] = pending.map((x) => {
    const cluster = owningCluster(x.target, x.ref, x.object, managementTarget);
    const destructive = destructiveReason(x.action, x.ref, x.object, cluster, context);
    return { ...x.change, ...(destructive ? { destructive } : {}), ...(cluster ? { cluster } : {}) };
  }).map((c) => [sortKey(c, managementTarget), c] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, c]) => c);

  const stackByTarget = new Map(stacks.map((s) => [s.target, s as { -readonly [K in keyof StackSummary]: StackSummary[K] }]));
  for (const c of changes) stackByTarget.get(c.target)![c.action]++;
  // The management stack first, then the cluster stacks by name.
  const rank = (s: { target: string }) => (s.target === managementTarget ? `0${s.target}` : `1${s.target}`);
  const orderedStacks = [...stackByTarget.values()].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));

  const notes = [...(options.notes ?? [])];
  const running = options.day2 !== false && base.files.length > 0 ? day2Analysis(base, head, managementTarget, cache) : undefined;
  const access = accessDelta(base, head, changes, cache);
  const routing = routingDelta(base, head, changes, cache);
  const report: DiffReport = {
    estate: head.estate || base.estate,
    base: { label: options.baseLabel ?? 'base', ...(base.summary?.asOf ? { asOf: base.summary.asOf } : {}) },
    head: { label: options.headLabel ?? 'head', ...(head.summary?.asOf ? { asOf: head.summary.asOf } : {}) },
    stacks: orderedStacks,
    changes,
    ...((base.summary || head.summary) ? { capacity: capacityDelta(base.summary, head.summary) } : {}),
    promotions: promotionPhases(base.summary, head.summary),
    ...(options.baseFindings && options.headFindings
      ? { policies: { ...policyDelta(options.baseFindings, options.headFindings), ...(options.baseUnchecked ? { baseUnchecked: true } : {}) } }
      : {}),
    ...(running ? { transitions: withPlanTransitions(running.transitions, options.planTransitions), operationalImpact: running.impact } : {}),
    ...(access ? { access } : {}),
    ...(routing ? { routing } : {}),
    topology: affectedTopology(changes, managementTarget, places, facts),
    notes,
  };
  return report;
}

/** The transitions judged from the manifests, then those only the plan shows (a problem judged by both is kept once). */
function withPlanTransitions(judged: TransitionReport, plan: TransitionReport | undefined): TransitionReport {
  if (!plan) return judged;
  const key = (p: { rule?: string; path?: string; message?: string }) => `${p.rule}\u0000${p.path}\u0000${p.message}`;
  const seen = new Set([...judged.refused, ...judged.warnings].map(key));
  const added = (list: TransitionReport['refused']) => list.filter((p) => {
    if (seen.has(key(p))) return false;
    seen.add(key(p));
    return true;
  });
  return { refused: [...judged.refused, ...added(plan.refused)], warnings: [...judged.warnings, ...added(plan.warnings)] };
}

/** Counts of a report: stacks that change, objects by action, destructive changes. */
export function reportCounts(report: DiffReport): {
  stacksChanged: number;
  create: number;
  update: number;
  replace: number;
  delete: number;
  destructive: number;
  refused: number;
  machinesReplaced: number;
  etcdSteps: number;
} {
  let create = 0;
  let update = 0;
  let replace = 0;
  let del = 0;
  for (const s of report.stacks) {
    create += s.create;
    update += s.update;
    replace += s.replace;
    del += s.delete;
  }
  return {
    stacksChanged: report.stacks.filter((s) => s.create + s.update + s.replace + s.delete > 0).length,
    create,
    update,
    replace,
    delete: del,
    // Routing that sends traffic to a subset no pod serves is an outage for that share, like a destructive object change.
    destructive: report.changes.filter((c) => c.destructive).length + (report.routing?.destructive ?? 0),
    refused: report.transitions?.refused.length ?? 0,
    machinesReplaced: report.operationalImpact?.machinesReplaced ?? 0,
    etcdSteps: (report.operationalImpact?.etcdProcedures ?? []).reduce((n, p) => n + p.steps.length, 0),
  };
}

