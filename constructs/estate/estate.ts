import { Construct, IConstruct } from 'constructs';
import { brand, hasBrand } from './brand';
import type { Cluster } from './cluster';
import { ClusterGroup, ClusterGroupProps } from './cluster-group';
import { uniqueChildId } from './definition-error';
import { InfrastructureProvider } from './infrastructure';
import { Promotion, PromotionProps } from './promotion';
import { estateOf, isEstate, requireScope } from './scope';

/** What an estate says about itself. */
export interface EstateProps {
  /** DNS domain under which control-plane endpoints are named when a cluster states none. @default 'estate.internal' */
  readonly dnsDomain?: string;
  /** Environment name carried by every workload (`production`, `staging`). @default 'production' */
  readonly environment?: string;
}

/**
 * The root of an estate: regions, IDCs and zones; cluster groups and promotions; the clusters in them.
 * It is its own construct tree (no cdk8s App): synthesis reads it and builds the Kubernetes objects.
 */
export class Estate extends Construct {
  /** True when `x` is an Estate, also across copies of this library. */
  public static isEstate(x: unknown): x is Estate {
    return isEstate(x);
  }

  /** The estate a construct belongs to. */
  public static of(construct: IConstruct): Estate {
    return estateOf(construct);
  }

  public readonly name: string;
  public readonly dnsDomain: string;
  public readonly environment: string;

  constructor(name: string, props: EstateProps = {}) {
    super(undefined as unknown as Construct, name);
    brand(this, 'Estate');
    this.name = name;
    this.dnsDomain = props.dnsDomain ?? 'estate.internal';
    this.environment = props.environment ?? 'production';
  }

  /** Adds a region. */
  public addRegion(id: string, props: RegionProps = {}): Region {
    return new Region(this, id, props);
  }

  public get regions(): Region[] {
    return this.node.children.filter((c): c is Region => Region.isRegion(c));
  }

  public get idcs(): Idc[] {
    return this.regions.flatMap((r) => r.idcs);
  }

  /** Adds a promotion (its calendar decides when its peak groups exist). */
  public addPromotion(id: string, props: PromotionProps): Promotion {
    return new Promotion(this, id, props);
  }

  /** Adds a cluster group (daily, or the peak group of a promotion). */
  public addClusterGroup(id: string, props: ClusterGroupProps): ClusterGroup {
    return new ClusterGroup(this, id, props);
  }

  /** Every cluster of the estate, in the order they were added. */
  public get clusters(): Cluster[] {
    return this.node.findAll().filter((c): c is Cluster => hasBrand(c, 'Cluster'));
  }
}

/** Properties of a region. */
export interface RegionProps {
  /** Human name shown in summaries. @default - the region's id */
  readonly displayName?: string;
}

/** A geographic region: holds IDCs. Its id becomes the `topology.kubernetes.io/region` label. */
export class Region extends Construct {
  /** True when `x` is a Region (also across two copies of the library). */
  public static isRegion(x: unknown): x is Region {
    return hasBrand(x, 'Region');
  }

  public readonly name: string;
  public readonly displayName: string;

  constructor(scope: Estate, id: string, props: RegionProps = {}) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'Region', id), id, 'region'));
    brand(this, 'Region');
    this.name = id;
    this.displayName = props.displayName ?? id;
  }

  /** Adds an IDC to this region. */
  public addIdc(id: string, props: IdcProps): Idc {
    return new Idc(this, id, props);
  }

  public get idcs(): Idc[] {
    return this.node.children.filter((c): c is Idc => Idc.isIdc(c));
  }
}

/** Whether an IDC is a data center the company builds and runs, or a cloud resource unit. */
export enum IdcKind {
  SELF_BUILT = 'self-built',
  CLOUD = 'cloud',
}

/** The measured round-trip time between two zones. */
export interface ZoneRtt {
  /** The two zones, by name. */
  readonly zones: [string, string];
  readonly rttMs: number;
}

/** Properties of an IDC. */
export interface IdcProps {
  /** Self-built data center, or a public cloud's resource unit. */
  readonly kind: IdcKind;
  /** Zone (failure domain) names, unique across the estate, for example `['hz1-a', 'hz1-b', 'hz1-c']`. */
  readonly zones: string[];
  /** The Cluster API infrastructure provider that builds machines here. */
  readonly infrastructure: InfrastructureProvider;
  /** Round-trip time between any two zones of this IDC, unless `zoneRtts` says otherwise. @default 1 */
  readonly interZoneRttMs?: number;
  /** Measured round-trip times between particular zone pairs. @default - none */
  readonly zoneRtts?: ZoneRtt[];
}

/**
 * An IDC: a self-built data center or a cloud resource unit, spanning one or more zones. Several clusters may share
 * one IDC (to avoid a single cluster's scheduling bottleneck).
 */
export class Idc extends Construct {
  /** True when `x` is an Idc (also across two copies of the library). */
  public static isIdc(x: unknown): x is Idc {
    return hasBrand(x, 'Idc');
  }

  public readonly name: string;
  public readonly kind: IdcKind;
  public readonly infrastructure: InfrastructureProvider;
  public readonly interZoneRttMs: number;
  public readonly zoneRtts: readonly ZoneRtt[];

  constructor(scope: Region, id: string, props: IdcProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Region', 'Idc', id), id, 'IDC'));
    brand(this, 'Idc');
    this.name = id;
    this.kind = props.kind;
    this.infrastructure = props.infrastructure;
    this.interZoneRttMs = props.interZoneRttMs ?? 1;
    this.zoneRtts = props.zoneRtts ?? [];
    for (const zone of props.zones ?? []) this.addZone(zone);
  }

  /** Adds a zone (failure domain). */
  public addZone(id: string, props: ZoneProps = {}): Zone {
    return new Zone(this, id, props);
  }

  public get region(): Region {
    return this.node.scope as Region;
  }

  public get zones(): Zone[] {
    return this.node.children.filter((c): c is Zone => Zone.isZone(c));
  }

  public get zoneNames(): string[] {
    return this.zones.map((z) => z.name);
  }

  /** Round-trip time between two zones of this IDC (0 within one zone). */
  public rttMs(a: string, b: string): number {
    if (a === b) return 0;
    const measured = this.zoneRtts.find((r) => (r.zones[0] === a && r.zones[1] === b) || (r.zones[0] === b && r.zones[1] === a));
    return measured ? measured.rttMs : this.interZoneRttMs;
  }
}

/** Properties of a zone. */
export interface ZoneProps {
  /** Name of the failure domain as the infrastructure provider reports it. @default - the zone's name */
  readonly failureDomain?: string;
}

/** A zone: one failure domain of an IDC. */
export class Zone extends Construct {
  /** True when `x` is a Zone (also across two copies of the library). */
  public static isZone(x: unknown): x is Zone {
    return hasBrand(x, 'Zone');
  }

  public readonly name: string;
  public readonly failureDomain: string;

  constructor(scope: Idc, id: string, props: ZoneProps = {}) {
    super(scope, uniqueChildId(scope, id, 'zone'));
    brand(this, 'Zone');
    this.name = id;
    this.failureDomain = props.failureDomain ?? id;
  }

  public get idc(): Idc {
    return this.node.scope as Idc;
  }
}
