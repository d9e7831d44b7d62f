import { Construct } from 'constructs';
import { brand, hasBrand } from './brand';
import { Cluster, ClusterProps } from './cluster';
import { uniqueChildId } from './definition-error';
import type { Estate } from './estate';
import { PhaseAt, Promotion, PromotionPhase } from './promotion';
import { requireScope } from './scope';

/** Whether a group always runs or exists only around a promotion. */
export enum ClusterGroupKind {
  /** Always runs. */
  DAILY = 'daily',
  /** Exists only while its promotion is preparing, at peak or draining. */
  PEAK = 'peak',
}

/** Properties of a cluster group. */
export interface ClusterGroupProps {
  /** `DAILY` (always runs) or `PEAK` (exists only around its promotion). */
  readonly kind: ClusterGroupKind;
  /** The promotion a peak group belongs to. Required for peak groups, refused for daily ones. @default - none */
  readonly promotion?: Promotion;
  /** Upgrade wave of the group's clusters (a cluster may set its own): wave 0 upgrades first. @default 0 */
  readonly upgradeWave?: number;
}

/** A group of clusters that share a lifecycle: the daily group, or a promotion's peak group. */
export class ClusterGroup extends Construct {
  /** True when `x` is a ClusterGroup (also across two copies of the library). */
  public static isClusterGroup(x: unknown): x is ClusterGroup {
    return hasBrand(x, 'ClusterGroup');
  }

  public readonly name: string;
  public readonly kind: ClusterGroupKind;
  public readonly promotion?: Promotion;
  public readonly upgradeWave: number;

  constructor(scope: Estate, id: string, props: ClusterGroupProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'ClusterGroup', id), id, 'cluster group'));
    brand(this, 'ClusterGroup');
    this.name = id;
    this.kind = props.kind;
    this.promotion = props.promotion;
    this.upgradeWave = props.upgradeWave ?? 0;
  }

  /** Adds a cluster to this group. */
  public addCluster(id: string, props: ClusterProps): Cluster {
    return new Cluster(this, id, props);
  }

  /** The group's clusters. */
  public get clusters(): Cluster[] {
    return this.node.children.filter((c): c is Cluster => hasBrand(c, 'Cluster'));
  }

  /** Phase of the group at `asOf`: a daily group is always at full size. */
  public phaseAt(asOf: Date): PhaseAt | undefined {
    return this.kind === ClusterGroupKind.PEAK && this.promotion ? this.promotion.phaseAt(asOf) : undefined;
  }

  /** True when the group's clusters exist at `asOf`. */
  public existsAt(asOf: Date): boolean {
    const phase = this.phaseAt(asOf);
    return phase === undefined || phase.phase !== PromotionPhase.DORMANT;
  }
}
