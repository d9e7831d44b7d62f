import { Construct } from 'constructs';
import type { Cluster, ObjectPatch } from '../estate/cluster';
import type { Promotion } from '../estate/promotion';
import { EstateDefinitionError, uniqueChildId } from '../estate/definition-error';
import { estateOf, requireScope } from '../estate/scope';
import type { Estate } from '../estate/estate';
import { brand, hasBrand } from '../estate/brand';
import { AppImage } from './image';
import { AppPlacementProps, ClusterIndex, filterPlacement, placementClusters, splitReplicas } from './placement';
import { Release } from './release';
import { Sidecar } from './sidecars';
import { AppSpec, AppSpecProps, resolveAppSpec } from './spec';

/** A promotion's effect on an app: more replicas while it prepares and peaks. */
export interface PeakProfileProps {
  /** The promotion whose phases raise the app's replicas. */
  readonly promotion: Promotion;
  /**
   * Multiplies the autoscaler's bounds (or the fixed replicas) at the peak; while the promotion prepares, the factor
   * ramps up with its batches (1 + (factor - 1) x batch share); from the drain on the app is back to normal.
   * @default 2
   */
  readonly factor?: number;
}

/** Properties of an application template. */
export interface AppTemplateProps extends AppSpecProps {
  /** Where the app runs, and its replicas there. */
  readonly placement: AppPlacementProps;
  /** @default - no peak profile: the app's size does not follow promotions */
  readonly peak?: PeakProfileProps;
}

/** Where an app runs: the chosen clusters and the placement's replicas on each. */
export interface ResolvedPlacement {
  readonly clusters: readonly Cluster[];
  readonly replicas: ReadonlyMap<string, number>;
}

/**
 * An application, placed on the estate's clusters. It is a construct of the estate (`new AppTemplate(estate,
 * 'order-api', {...})`, path `<estate>/order-api`); its id is the app's name, and the name of its Deployment,
 * Service, disruption budget and service account in every cluster it runs on. Synthesis writes, for each cluster it
 * is placed on and that exists at the as-of time, its objects into that cluster's target (`dist/<estate>/<cluster>/`).
 */
export class AppTemplate extends Construct {
  /** True when `x` is an AppTemplate (also across two copies of the library). */
  public static isAppTemplate(x: unknown): x is AppTemplate {
    return hasBrand(x, 'AppTemplate');
  }

  /** Every app of the estate, in the order they were added. */
  public static appsOf(estate: Estate): AppTemplate[] {
    return estate.node.children.filter((c): c is AppTemplate => AppTemplate.isAppTemplate(c));
  }

  public readonly name: string;
  /** The app's props with every default applied (plain data). */
  public readonly spec: AppSpec;
  public readonly placement: AppPlacementProps;
  public readonly peak?: PeakProfileProps;
  /** The image, release and sidecars as given (validation reports their problems). */
  public readonly image: AppImage;
  public readonly release: Release;
  public readonly sidecars: readonly Sidecar[];
  private readonly patches: ObjectPatch[] = [];

  constructor(scope: Estate, id: string, props: AppTemplateProps) {
    super(scope, checkedId(scope, id, props));
    brand(this, 'AppTemplate');
    this.name = id;
    this.placement = props.placement;
    this.peak = props.peak;
    this.image = props.image;
    this.release = props.release ?? Release.stable();
    this.sidecars = props.sidecars ?? [];
    this.spec = resolveAppSpec(id, props, props.peak ? { promotion: props.peak.promotion?.name ?? '', factor: props.peak.factor } : undefined);
  }

  public get estate(): Estate {
    return estateOf(this);
  }

  /** The clusters the app is placed on, whether they exist at a given time or not, in estate order. */
  public get clusters(): Cluster[] {
    return placementClusters(this.estate, this.placement);
  }

  /**
   * The chosen clusters and the placement's replicas on each; `allClusters` saves walking the tree again.
   * @internal
   */
  public resolvePlacement(allClusters?: readonly Cluster[], index?: ClusterIndex): ResolvedPlacement {
    const clusters = allClusters ? filterPlacement(allClusters, this.placement, index) : this.clusters;
    const p = this.placement;
    const replicas = p.totalReplicas !== undefined
      ? splitReplicas(p.totalReplicas, clusters.map((c) => ({ name: c.name, idc: c.idc.name })), p.idcWeights)
      : new Map(clusters.map((c) => [c.name, p.replicasPerCluster ?? 0]));
    return { clusters, replicas };
  }

  /**
   * Adds JSON patches to this app's synthesized objects in every cluster it runs on: the escape hatch for what the
   * template does not model. A patch that matches no object is a validation error.
   */
  public addObjectPatch(patch: ObjectPatch): void {
    this.patches.push(patch);
  }

  public get objectPatches(): readonly ObjectPatch[] {
    return this.patches;
  }
}

/** The id, once the scope is an estate, the id is free and the required props are there: nothing is added otherwise. */
function checkedId(scope: Estate, id: string, props: AppTemplateProps): string {
  const free = uniqueChildId(requireScope(scope, 'Estate', 'AppTemplate', id), id, 'template');
  for (const key of ['image', 'resources', 'placement'] as const) {
    if (!props || props[key] === undefined || props[key] === null) {
      throw new EstateDefinitionError(`${scope.node.path}/${id}`, 'app-props', `an app needs props.${key}`, `pass props.${key}`);
    }
  }
  return free;
}
