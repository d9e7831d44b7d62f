/**
 * The shapes of an estate diff: plain data, so the same report renders as a PR comment, as text or as JSON.
 *
 * No value in this model is ever a secret: the differ leaves sensitive values out (`FieldChange.sensitive`) before a
 * report exists, so no renderer can print one by mistake.
 */

import type { OperationalImpact, Problem } from '../../constructs/internal';
import type { AccessDelta } from './access';
import type { RoutingDelta } from './routing';

/** Transitions judged against the base, taken as what runs. */
export interface TransitionReport {
  /** Refused transitions (errors): the change cannot be applied to the running estate as it is. */
  readonly refused: readonly Problem[];
  /** Risky but allowed transitions. */
  readonly warnings: readonly Problem[];
}

/** What happens to one object. */
export enum ChangeAction {
  CREATE = 'create',
  UPDATE = 'update',
  /** An immutable field changed: the object must be deleted and created again. */
  REPLACE = 'replace',
  DELETE = 'delete',
}

/** The identity by which objects are matched (within one target). */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
}

/** What happened to one field. */
export enum FieldOp {
  ADD = 'add',
  REMOVE = 'remove',
  CHANGE = 'change',
}

/** One changed field of an updated or replaced object. */
export interface FieldChange {
  /** A path a reviewer can read: `spec.template.spec.containers[name=main].image`. */
  readonly path: string;
  readonly op: FieldOp;
  /** The value before (absent when added, or when sensitive). */
  readonly before?: unknown;
  /** The value after (absent when removed, or when sensitive). */
  readonly after?: unknown;
  /** True when the value is secret (Secret data, kubeconfigs, keys, bootstrap data): only the fact of the change is kept. */
  readonly sensitive?: boolean;
  /** Why this field cannot change in place, when it forces a replacement. */
  readonly immutable?: string;
}

/** One object that changes. */
export interface ObjectChange {
  /** The stack (synthesis target) the object belongs to. */
  readonly target: string;
  readonly ref: ObjectRef;
  readonly action: ChangeAction;
  /** Field changes, for updates and replacements (empty for creations and deletions). */
  readonly fields: readonly FieldChange[];
  /** Why the object is replaced rather than updated (one line per immutable field rule that fired). */
  readonly replaceReasons?: readonly string[];
  /** Why the change is destructive, when it is: a protected object deleted or replaced. */
  readonly destructive?: string;
  /** The estate cluster the object belongs to, when known (for grouping and the topology diagram). */
  readonly cluster?: string;
  /** Set when the object was matched across an apiVersion change (same group, kind, namespace and name). */
  readonly apiVersionChange?: { readonly from: string; readonly to: string };
}

/** Counts of one stack (target). */
export interface StackSummary {
  readonly target: string;
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly unchanged: number;
}

/** Machines and their capacity, as `estate.json` reports them (autoscaled pools: lower bound, and `max*` upper). */
export interface CapacityFigures {
  readonly machines: number;
  readonly maxMachines: number;
  readonly vcpu: number;
  readonly maxVcpu: number;
  readonly memoryGiB: number;
  readonly maxMemoryGiB: number;
}

/** Capacity of one group, region or of the whole estate, before and after. */
export interface CapacityRow {
  readonly name: string;
  readonly before: CapacityFigures;
  readonly after: CapacityFigures;
  readonly delta: CapacityFigures;
}

export interface CapacityDelta {
  readonly byGroup: readonly CapacityRow[];
  readonly byRegion: readonly CapacityRow[];
  readonly total: CapacityRow;
  /** Clusters that exist after but not before, and the other way round. */
  readonly clustersAdded: readonly string[];
  readonly clustersRemoved: readonly string[];
}

/** A promotion's phase before and after. */
export interface PromotionPhaseChange {
  readonly name: string;
  readonly displayName?: string;
  readonly before?: PromotionPhaseAt;
  readonly after?: PromotionPhaseAt;
}

export interface PromotionPhaseAt {
  readonly phase: string;
  readonly batch?: number;
  readonly scale?: number;
}

/** A policy finding, as `estate check --format json` reports it. */
export interface PolicyFinding {
  readonly policy: string;
  /** `mandatory`, `advisory` or `disabled`. */
  readonly enforcement: string;
  readonly severity: string;
  readonly target: string;
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace?: string; readonly name: string };
  readonly message: string;
  /**
   * Present when an annotation on the object suppresses the rule, with the reason written there: reported, never
   * counted as a violation (as `estate check` does).
   */
  readonly suppressed?: { readonly reason: string };
}

/** A findings list (the output of `estate check --format json`). */
export interface PolicyFindings {
  readonly findings: readonly PolicyFinding[];
  readonly summary?: unknown;
}

/** Findings the change introduces and resolves. Suppressed findings are no violations: only `newlySuppressed` lists them. */
export interface PolicyDelta {
  /** Violations of the head that the base did not have (a suppression removed makes its finding a violation again). */
  readonly introduced: readonly PolicyFinding[];
  /** Violations of the base that the head no longer has, neither as violations nor suppressed. */
  readonly resolved: readonly PolicyFinding[];
  /** Findings the head suppresses that the base did not, or with another reason: each reason is for the reviewer to judge. */
  readonly newlySuppressed: readonly PolicyFinding[];
  /** Mandatory and advisory violations after the change (all of them, not only the new ones; suppressed ones aside). */
  readonly mandatoryAfter: number;
  readonly advisoryAfter: number;
  /** Suppressed findings after the change. */
  readonly suppressedAfter: number;
  /** True when the base could not be checked: every finding of the head counts as introduced. */
  readonly baseUnchecked?: boolean;
}

/** One node of the affected topology: region → IDC → cluster → pool. */
export interface TopologyNode {
  readonly kind: 'region' | 'idc' | 'cluster' | 'pool';
  readonly name: string;
  /** created, deleted or changed; `context` for regions and IDCs shown only to place a cluster. */
  readonly status: 'created' | 'deleted' | 'changed' | 'context';
  readonly children: readonly TopologyNode[];
  /** A few words shown after the name (for example `3 MachineDeployments created`). */
  readonly note?: string;
}

/** One side of the comparison. */
export interface DiffSide {
  /** What the side is: `main (1a2b3c4)`, `working tree`, a folder. */
  readonly label: string;
  readonly asOf?: string;
}

/** A whole diff. */
export interface DiffReport {
  readonly estate: string;
  readonly base: DiffSide;
  readonly head: DiffSide;
  /** Every stack of either side, `management` first, then by name. */
  readonly stacks: readonly StackSummary[];
  /** Every changed object, sorted by target, namespace, kind and name. */
  readonly changes: readonly ObjectChange[];
  readonly capacity?: CapacityDelta;
  readonly promotions: readonly PromotionPhaseChange[];
  /** Absent when no findings were given (policies not checked). */
  readonly policies?: PolicyDelta;
  /** Transitions the running estate (the base) cannot take, and risky ones. Absent when not judged. */
  readonly transitions?: TransitionReport;
  /** What the change does to running machines: rollouts, etcd membership steps, upgrades by wave. */
  readonly operationalImpact?: OperationalImpact;
  /** RBAC grants and app-to-app reachability that change, in words; absent when access does not change. */
  readonly access?: AccessDelta;
  /**
   * Service-mesh routing that changes, in words (weights, lanes, rules, matches, mTLS); traffic sent to a subset no
   * pod serves is destructive. Absent when routing does not change.
   */
  readonly routing?: RoutingDelta;
  /** The affected part of the topology; empty when no cluster or pool changes. */
  readonly topology: readonly TopologyNode[];
  /** Remarks about how the diff was made (for example, which dependencies the base ran with). */
  readonly notes: readonly string[];
}

/** Formats an object's identity: `Kind namespace/name`. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
