import { Construct } from 'constructs';
import { brand, hasBrand } from '../estate/brand';
import type { PromotionPhase } from '../estate/promotion';
import type { ClusterGroup } from '../estate/cluster-group';
import { uniqueChildId } from '../estate/definition-error';
import { requireScope } from '../estate/scope';
import type { Estate } from '../estate/estate';

/**
 * The most a team's namespace may request on one cluster of a group, in one phase: the capacity the platform
 * promised the team there. The namespace's ResourceQuota takes these numbers; the team's own apps at their
 * autoscalers' maximum (plus the rolling-update surge) must fit in them, with the team's headroom.
 */
export interface TeamBudget {
  /** The cluster group the budget holds in (every cluster of it, per namespace). */
  readonly group: ClusterGroup;
  /**
   * The phase it holds in: the phase of the group's promotion (a peak group), or of the promotion the team's apps
   * follow with their peak profiles (a daily group); `DORMANT` is a normal day.
   * @default - every phase without a budget of its own
   */
  readonly phase?: PromotionPhase;
  /** Requested CPU, in millicores (`requests.cpu` of the quota). */
  readonly cpuMillis: number;
  /** Requested memory, in MiB (`requests.memory` of the quota). */
  readonly memoryMiB: number;
}

/** Properties of a team. */
export interface TeamProps {
  /**
   * The namespaces the team owns. An app in one of them belongs to the team; each is rendered, with the team's
   * access, quota and network isolation, on every cluster where one of its apps runs.
   */
  readonly namespaces: string[];
  /** The identity provider's group that deploys and operates the team's apps. @default - `<team>-deployers` */
  readonly deployersGroup?: string;
  /** The identity provider's group that may look (view and logs, never secrets). @default - `<team>-readers` */
  readonly readersGroup?: string;
  /**
   * What the quota leaves above the team's apps at their autoscalers' maximum and rolling-update surge, in percent:
   * room for a hotfix pod or a manual scale-up without touching the estate. A budget below it is a warning.
   * @default 20
   */
  readonly headroomPercent?: number;
  /**
   * The capacity promised to the team, per cluster group and phase. Without a budget the quota is sized from the
   * team's apps plus headroom.
   * @default []
   */
  readonly budgets?: TeamBudget[];
}

/**
 * A product team as a tenant of the estate (`new Team(estate, 'trade', { namespaces: ['trade'] })`, path
 * `<estate>/trade`): it owns namespaces, and in each of them, on every cluster where its apps run, synthesis renders
 * least-privilege Roles and RoleBindings for its two groups, a ResourceQuota and LimitRange sized from its apps, and
 * NetworkPolicies that deny by default and allow what its apps declare (`AppTemplateProps.access`).
 */
export class Team extends Construct {
  /** True when `x` is a Team (also across two copies of the library). */
  public static isTeam(x: unknown): x is Team {
    return hasBrand(x, 'Team');
  }

  /** Every team of the estate, in the order they were added. */
  public static teamsOf(estate: Estate): Team[] {
    return estate.node.children.filter((c): c is Team => Team.isTeam(c));
  }

  /** The team's name: its construct id, and the prefix of its Roles (`<team>-deployer`, `<team>-reader`). */
  public readonly name: string;
  /** The namespaces the team owns. */
  public readonly namespaces: readonly string[];
  /** The group bound to `<team>-deployer` in every namespace of the team. */
  public readonly deployersGroup: string;
  /** The group bound to `<team>-reader` in every namespace of the team. */
  public readonly readersGroup: string;
  /** What the quota leaves above the apps' need, in percent. */
  public readonly headroomPercent: number;
  /** The capacity promised to the team, per cluster group and phase. */
  public readonly budgets: readonly TeamBudget[];

  constructor(scope: Estate, id: string, props: TeamProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'Team', id), id, 'team'));
    brand(this, 'Team');
    this.name = id;
    this.namespaces = [...(props?.namespaces ?? [])];
    this.deployersGroup = props?.deployersGroup ?? `${id}-deployers`;
    this.readersGroup = props?.readersGroup ?? `${id}-readers`;
    this.headroomPercent = props?.headroomPercent ?? 20;
    this.budgets = [...(props?.budgets ?? [])];
  }
}
