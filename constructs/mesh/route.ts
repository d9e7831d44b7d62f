import { ProblemCollector } from '../estate/problems';

/** How requests reach the gray release on the mesh, before the weighted split. */
export type CanaryRouteSpec =
  | { readonly kind: 'header'; readonly header: string; readonly value: string }
  | { readonly kind: 'communities'; readonly header: string; readonly communities: readonly string[]; readonly laneHeader: string; readonly lane: string };

/** The most community ids one canary may list: beyond that, map communities to a lane at the gateway. */
export const MAX_CANARY_COMMUNITIES = 32;

/** Options of a canary routed by community. */
export interface CommunityRouteOptions {
  /** The request header carrying the caller's community id. @default 'x-community' */
  readonly header?: string;
  /** The lane header the edge sets for these communities; a request already carrying it goes gray too. @default 'x-lane' */
  readonly laneHeader?: string;
  /** The lane name. @default 'gray' */
  readonly lane?: string;
}

/** A canary's mesh route: requests that match go to the gray subset; the rest are split by weight. */
export class CanaryRoute {
  /** Requests whose header equals the value go gray. */
  public static header(header: string, value: string): CanaryRoute {
    return new CanaryRoute({ kind: 'header', header, value });
  }

  /**
   * Requests from the listed communities (exact ids, at most {@link MAX_CANARY_COMMUNITIES}), or already in the lane,
   * go gray.
   */
  public static communities(ids: string[], options: CommunityRouteOptions = {}): CanaryRoute {
    return new CanaryRoute({ kind: 'communities', header: options.header ?? 'x-community', communities: [...ids], laneHeader: options.laneHeader ?? 'x-lane', lane: options.lane ?? 'gray' });
  }

  private constructor(public readonly spec: CanaryRouteSpec) {}
}

const HEADER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A request header name as the mesh constructs accept it: what Istio matches (lowercase). @internal */
export function isMeshHeaderName(h: unknown): h is string {
  return typeof h === 'string' && HEADER.test(h);
}

/** Why a header name is refused, for every mesh construct that names one. @internal */
export const MESH_HEADER_NAME_RULE = 'must be lowercase letters, digits and "-" (Istio matches header names in lowercase)';
const VALUE = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

/** @internal */
export function checkCanaryRoute(path: string, route: CanaryRouteSpec, problems: ProblemCollector): void {
  const header = (h: string) => {
    if (!isMeshHeaderName(h)) problems.error({
      path,
      rule: 'canary-route',
      message: `header "${h}" ${MESH_HEADER_NAME_RULE}`,
      fix: 'use a name such as "x-lane"',
      value: h,
    });
  };
  header(route.header);
  if (route.kind === 'header') {
    if (typeof route.value !== 'string' || !VALUE.test(route.value)) problems.error({
      path,
      rule: 'canary-route',
      message: 'the header value must be 1 to 63 letters, digits, "-", "_" or "."',
      fix: 'use a value such as "gray"',
      value: route.value,
    });
    return;
  }
  header(route.laneHeader);
  if (!VALUE.test(route.lane)) problems.error({
    path,
    rule: 'canary-route',
    message: 'the lane must be 1 to 63 letters, digits, "-", "_" or "."',
    fix: 'keep the default, gray',
    value: route.lane,
  });
  if (route.communities.length === 0 || route.communities.length > MAX_CANARY_COMMUNITIES) {
    problems.error({
      path,
      rule: 'canary-route',
      message: `a community route lists 1 to ${MAX_CANARY_COMMUNITIES} community ids`,
      fix: 'map larger sets of communities to the lane header at the gateway and route on the lane',
      value: route.communities.length,
    });
  }
  const seen = new Set<string>();
  for (const id of route.communities) {
    if (typeof id !== 'string' || !VALUE.test(id)) problems.error({
      path,
      rule: 'canary-route',
      message: `community id "${id}" must be 1 to 63 letters, digits, "-", "_" or "."`,
      fix: 'use the id the edge puts in the header',
      value: id,
    });
    if (seen.has(id)) problems.error({
      path,
      rule: 'canary-route',
      message: `community id "${id}" is listed twice`,
      fix: 'list each community once',
      value: id,
    });
    seen.add(id);
  }
}
