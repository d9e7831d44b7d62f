import { Construct } from 'constructs';
import { uniqueChildId } from '../estate/definition-error';
import { requireScope } from '../estate/scope';
import type { Estate } from '../estate/estate';
import { brand, hasBrand } from '../estate/brand';
import { DEFAULT_SYSTEM_RESERVE, SystemReserve } from './capacity';

/** Properties of the estate's capacity policy. */
export interface CapacityPolicyProps {
  /**
   * The largest share of a node pool's allocatable CPU or memory (at the pool's maximum size) that the pods of its
   * apps may request at their autoscalers' minimum, in any phase: beyond it validation reports `capacity-overcommit`.
   * @default 100
   */
  readonly maxCommitPercent?: number;
  /** What the estate's DaemonSets request on every node, in millicores. @default 300 */
  readonly daemonSetCpuMillis?: number;
  /** What the estate's DaemonSets request on every node, in MiB. @default 768 */
  readonly daemonSetMemoryMiB?: number;
  /** The kubelet's hard eviction threshold for memory, in MiB. @default 100 */
  readonly evictionMemoryMiB?: number;
}

/**
 * How validation judges capacity, at most one per estate (`new CapacityPolicy(estate, 'capacity', {...})`). An
 * estate without one uses the defaults.
 */
export class CapacityPolicy extends Construct {
  /** True when `x` is a CapacityPolicy (also across two copies of the library). */
  public static isCapacityPolicy(x: unknown): x is CapacityPolicy {
    return hasBrand(x, 'CapacityPolicy');
  }

  /** The estate's policy, or the defaults. */
  public static of(estate: Estate): { readonly maxCommitPercent: number; readonly reserve: SystemReserve; readonly path?: string } {
    const found = estate.node.children.find((c) => CapacityPolicy.isCapacityPolicy(c)) as CapacityPolicy | undefined;
    return found ? {
      maxCommitPercent: found.maxCommitPercent,
      reserve: found.reserve,
      path: found.node.path,
    } : { maxCommitPercent: 100, reserve: DEFAULT_SYSTEM_RESERVE };
  }

  public readonly maxCommitPercent: number;
  public readonly reserve: SystemReserve;

  constructor(scope: Estate, id: string, props: CapacityPolicyProps = {}) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'CapacityPolicy', id), id, 'capacity policy'));
    brand(this, 'CapacityPolicy');
    this.maxCommitPercent = props.maxCommitPercent ?? 100;
    this.reserve = {
      daemonSetCpuMillis: props.daemonSetCpuMillis ?? DEFAULT_SYSTEM_RESERVE.daemonSetCpuMillis,
      daemonSetMemoryMiB: props.daemonSetMemoryMiB ?? DEFAULT_SYSTEM_RESERVE.daemonSetMemoryMiB,
      evictionMemoryMiB: props.evictionMemoryMiB ?? DEFAULT_SYSTEM_RESERVE.evictionMemoryMiB,
    };
  }
}
