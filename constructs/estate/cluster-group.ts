import { Construct } from 'constructs';
import { PromotionCalendar, PhaseAt, phaseAt, PromotionPhase } from './calendar';
import { brand, hasBrand } from './brand';
import { Cluster, ClusterProps } from './cluster';
import { uniqueChildId } from './definition-error';
import { requireScope } from './scope';
import type { Estate } from './topology';

/** Properties of a promotion. All dates are ISO-8601 local date-times in `timeZone`. */
export interface PromotionProps {
  /** IANA time zone of the calendar, for example `Asia/Shanghai`. */
  readonly timeZone: string;
  /** Scale-out starts (weeks before the peak). */
  readonly prepareFrom: string;
  /** Full peak size from here. */
  readonly peakFrom: string;
  /** The peak ends; the drain starts. */
  readonly peakTo: string;
  /** The drain ends; the peak group's clusters are removed. */
  readonly drainUntil: string;
  /** Equal batches the scale-out is split into. @default 4 */
  readonly prepareBatches?: number;
  /** Equal batches the drain is split into. @default 4 */
  readonly drainBatches?: number;
  /** Human name shown in summaries. @default - the promotion's id */
  readonly displayName?: string;
}

/** A promotion (a shopping festival): a calendar that decides when its peak cluster groups exist and at what size. */
export class Promotion extends Construct {
  /** True when `x` is a Promotion (also across two copies of the library). */
  public static isPromotion(x: unknown): x is Promotion {
    return hasBrand(x, 'Promotion');
  }

  public readonly name: string;
  public readonly displayName: string;
  public readonly calendar: PromotionCalendar;

  constructor(scope: Estate, id: string, props: PromotionProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'Promotion', id), id, 'promotion'));
    brand(this, 'Promotion');
    this.name = id;
    this.displayName = props.displayName ?? id;
    this.calendar = {
      timeZone: props.timeZone,
      prepareFrom: props.prepareFrom,
      peakFrom: props.peakFrom,
      peakTo: props.peakTo,
      drainUntil: props.drainUntil,
      prepareBatches: props.prepareBatches ?? 4,
      drainBatches: props.drainBatches ?? 4,
    };
  }

  /** The phase at `asOf`. Call only on a validated estate (the dates must parse). */
  public phaseAt(asOf: Date): PhaseAt {
    return phaseAt(this.calendar, asOf);
  }
}

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
