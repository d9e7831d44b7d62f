import { Construct } from 'constructs';
import type { AppTemplate } from '../apps/app-template';
import { LABEL_CHANNEL, ReleaseChannel } from '../apps/labels';
import { uniqueChildId } from '../estate/definition-error';
import { ProblemCollector } from '../estate/problems';
import { requireScope } from '../estate/scope';
import { Estate } from '../estate/estate';
import { isMeshHeaderName, MESH_HEADER_NAME_RULE } from './route';

/** How the members of a lane group route a lane request. */
export enum LaneMode {
  /**
   * Every member runs every lane; each hop is routed by the lane header and by the caller's own lane (its pods'
   * release-channel label), so a lane request stays in the lane even through a member that drops the header.
   */
  STRICT = 'strict',
  /**
   * Only members with a version in the lane get a lane rule; the others serve the baseline. The lane survives a hop
   * only through the header, so every member must propagate it.
   */
  PERMISSIVE = 'permissive',
}

/** Where the lane travels between services. */
export enum LanePropagation {
  /** A plain request header (`header`, for example `x-lane`), copied by each member to its outbound calls. */
  HEADER = 'header',
  /** A key of the W3C/OpenTelemetry `baggage` header (`baggageKey=<lane>`), propagated by the members' tracing SDK. */
  BAGGAGE = 'baggage',
}

/** A swimlane group over a set of meshed apps. */
export interface LaneGroupProps {
  /** The apps in the group; each must be in the mesh. */
  readonly members: AppTemplate[];
  /** The lanes: release channels other than the baseline (a lane's subset is its channel's pods). */
  readonly lanes: ReleaseChannel[];
  /** @default LaneMode.PERMISSIVE */
  readonly mode?: LaneMode;
  /** The channel that serves requests in no lane, and lane requests to members without the lane. @default ReleaseChannel.STABLE */
  readonly baseline?: ReleaseChannel;
  /** @default LanePropagation.HEADER */
  readonly propagation?: LanePropagation;
  /** The lane header (HEADER propagation). @default 'x-lane' */
  readonly header?: string;
  /** The baggage key (BAGGAGE propagation). @default 'lane' */
  readonly baggageKey?: string;
  /**
   * The ingress gateway where lane requests enter (its name, on the clusters the members run): a member bound to it
   * routes lane requests there, and the gateway's community mapping must set this group's header.
   * @default - lane requests enter from inside the mesh only
   */
  readonly entryGateway?: string;
}

/** A lane group with every default applied. Plain data. */
export interface LaneGroupSpec {
  readonly name: string;
  readonly members: readonly string[];
  readonly lanes: readonly ReleaseChannel[];
  readonly mode: LaneMode;
  readonly baseline: ReleaseChannel;
  readonly propagation: LanePropagation;
  readonly header: string;
  readonly baggageKey: string;
  readonly entryGateway?: string;
}

const LANE_GROUP = Symbol.for('cluster-estate.LaneGroup');

/**
 * A swimlane: a request that enters a lane stays in that lane's version of every member on its path. Rendered per
 * member as a rule of its VirtualService, ahead of its canary rules; its subsets are the release channels'.
 */
export class LaneGroup extends Construct {
  /** True when `x` is a LaneGroup (also across two copies of the library). */
  public static isLaneGroup(x: unknown): x is LaneGroup {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[LANE_GROUP] === true;
  }

  /** Every lane group of the estate, in the order they were added. */
  public static groupsOf(estate: Estate): LaneGroup[] {
    return estate.node.children.filter((c): c is LaneGroup => LaneGroup.isLaneGroup(c));
  }

  /** The group with every default applied. */
  public readonly spec: LaneGroupSpec;
  /** The member apps. */
  public readonly members: readonly AppTemplate[];

  constructor(scope: Estate, id: string, props: LaneGroupProps) {
    super(scope, uniqueChildId(requireScope(scope, 'Estate', 'LaneGroup', id), id, 'lane group'));
    Object.defineProperty(this, LANE_GROUP, { value: true, enumerable: false });
    this.members = [...(props?.members ?? [])];
    this.spec = {
      name: id,
      members: this.members.map((m) => m?.name),
      lanes: [...(props?.lanes ?? [])],
      mode: props?.mode ?? LaneMode.PERMISSIVE,
      baseline: props?.baseline ?? ReleaseChannel.STABLE,
      propagation: props?.propagation ?? LanePropagation.HEADER,
      header: props?.header ?? 'x-lane',
      baggageKey: props?.baggageKey ?? 'lane',
      ...(props?.entryGateway !== undefined ? { entryGateway: props.entryGateway } : {}),
    };
  }
}

/** The header a lane travels in: the lane header, or `baggage`. */
export function laneCarrier(g: LaneGroupSpec): string {
  return g.propagation === LanePropagation.BAGGAGE ? 'baggage' : g.header;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The match on the lane's header: exact on the lane header; on `baggage`, the key's member anywhere in the list
 * (W3C baggage: comma-separated `key=value` members, each with optional `;properties`) — one short regex per lane,
 * whatever the number of services.
 */
export function laneHeaderMatch(g: LaneGroupSpec, lane: string): Record<string, { exact?: string; regex?: string }> {
  if (g.propagation === LanePropagation.BAGGAGE) {
    return { baggage: { regex: `(.*,)?\\s*${escapeRe(g.baggageKey)}\\s*=\\s*${escapeRe(lane)}\\s*(;[^,]*)?(,.*)?` } };
  }
  return { [g.header]: { exact: lane } };
}

/** The value the edge sets to put a request in a lane: the lane itself, or one baggage member. */
export function laneHeaderValue(g: LaneGroupSpec, lane: string): string {
  return g.propagation === LanePropagation.BAGGAGE ? `${g.baggageKey}=${lane}` : lane;
}

/**
 * The lane rules of one member's VirtualService, first in its `http[]`: in STRICT mode, for every lane (the member
 * has them all), the lane header or a caller from the lane's pods; in PERMISSIVE mode, the header, for the lanes the
 * member runs a version of.
 * @internal
 */
export function laneRules(
  groups: readonly LaneGroupSpec[],
  app: string,
  channels: readonly string[],
): { name: string; lane: string; match: Record<string, unknown>[] }[] {
  const rules: { name: string; lane: string; match: Record<string, unknown>[] }[] = [];
  for (const g of groups) {
    if (!g.members.includes(app)) continue;
    for (const lane of g.lanes) {
      if (!channels.includes(lane)) continue;
      const match: Record<string, unknown>[] = [{ headers: laneHeaderMatch(g, lane) }];
      if (g.mode === LaneMode.STRICT) match.push({ sourceLabels: { [LABEL_CHANNEL]: lane } });
      rules.push({ name: `lane-${g.name}-${lane}`, lane, match });
    }
  }
  return rules;
}

const KEY = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;

/**
 * Checks a lane group against its members: each meshed, in STRICT mode running every lane, in PERMISSIVE mode
 * propagating the lane's header.
 * @internal
 */
export function checkLaneGroup(
  group: LaneGroup,
  gatewaysOf: (app: AppTemplate) => { name: string; laneHeader?: string }[],
  problems: ProblemCollector,
): void {
  const path = group.node.path;
  const g = group.spec;
  const nameOk = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(g.name);
  if (!nameOk) problems.error({
    path,
    rule: 'lane-group',
    message: 'a lane group name is at most 32 lowercase letters, digits and "-"',
    fix: 'use a name such as "checkout"',
    value: g.name,
  });
  if (!Object.values(LaneMode).includes(g.mode)) problems.error({
    path,
    rule: 'lane-group',
    message: 'unknown lane mode',
    fix: 'use LaneMode.STRICT or LaneMode.PERMISSIVE',
    value: g.mode,
  });
  if (!Object.values(LanePropagation).includes(g.propagation)) problems.error({
    path,
    rule: 'lane-group',
    message: 'unknown propagation',
    fix: 'use LanePropagation.HEADER or LanePropagation.BAGGAGE',
    value: g.propagation,
  });
  if (g.propagation === LanePropagation.HEADER && !isMeshHeaderName(g.header)) problems.error({
    path,
    rule: 'lane-group',
    message: `lane header "${g.header}" ${MESH_HEADER_NAME_RULE}`,
    fix: 'keep the default, x-lane',
    value: g.header,
  });
  if (g.propagation === LanePropagation.BAGGAGE && !KEY.test(g.baggageKey)) problems.error({
    path,
    rule: 'lane-group',
    message: `baggage key "${g.baggageKey}" is not a valid baggage key`,
    fix: 'keep the default, lane',
    value: g.baggageKey,
  });
  if (group.members.length < 2) problems.error({
    path,
    rule: 'lane-group',
    message: 'a lane group spans at least two apps: a lane of one app is a canary route',
    fix: 'add the apps the lane\'s requests pass through, or use Release.canary with a CanaryRoute',
    value: group.members.length,
  });
  if (g.lanes.length === 0) problems.error({
    path,
    rule: 'lane-group',
    message: 'a lane group has at least one lane',
    fix: 'add a lane such as ReleaseChannel.GRAY',
    value: 0,
  });
  for (const lane of g.lanes) {
    if (!Object.values(ReleaseChannel).includes(lane)) problems.error({
      path,
      rule: 'lane-group',
      message: `lane "${lane}" is not a release channel`,
      fix: 'use a ReleaseChannel such as GRAY',
      value: lane,
    });
    if (lane === g.baseline) problems.error({
      path,
      rule: 'lane-group',
      message: `lane "${lane}" is the baseline`,
      fix: 'list the lanes other than the baseline',
      value: lane,
    });
  }
  if (new Set(g.lanes).size !== g.lanes.length) problems.error({
    path,
    rule: 'lane-group',
    message: 'a lane is listed twice',
    fix: 'list each lane once',
    value: g.lanes.join(', '),
  });
  const carrier = laneCarrier(g);
  const seen = new Set<string>();
  let withLane = 0;
  for (const m of group.members) {
    if (!m || typeof m.spec !== 'object') { problems.error({
      path,
      rule: 'lane-group',
      message: 'a member is not an app',
      fix: 'list AppTemplates of the estate',
      value: String(m),
    }); continue; }
    // A member's problem is reported at the member, naming the group: the fix is in the app's props.
    const mp = m.node.path;
    if (m.node.root !== group.node.root) problems.error({
      path: mp,
      rule: 'lane-group',
      message: `app ${m.name} belongs to another estate`,
      fix: 'list apps of this estate',
      value: m.node.path,
    });
    if (seen.has(m.name)) problems.error({
      path: mp,
      rule: 'lane-group',
      message: `app ${m.name} is listed twice`,
      fix: 'list each member once',
      value: m.name,
    });
    seen.add(m.name);
    const channels = m.spec.channels.map((c) => c.channel);
    if (!m.spec.mesh) { problems.error({
      path: mp,
      rule: 'lane-member',
      message: `app ${m.name} is in lane group ${g.name} but not in the mesh, so nothing routes its lanes`,
      fix: `give ${m.name} mesh: {} (AppTemplateProps.mesh)`,
      value: m.name,
    }); continue; }
    if (!channels.includes(g.baseline)) problems.error({
      path: mp,
      rule: 'lane-member',
      message: `app ${m.name} has no ${g.baseline} version, the group's baseline`,
      fix: `release ${m.name} with a ${g.baseline} channel, or change the baseline`,
      value: channels.join(', '),
    });
    const missing = g.lanes.filter((l) => !channels.includes(l));
    if (missing.length < g.lanes.length) withLane++;
    if (g.mode === LaneMode.STRICT && missing.length > 0) {
      problems.error({
        path: mp,
        rule: 'lane-member',
        message: `lane group ${g.name} is STRICT, so every member runs every lane; app ${m.name} has no ${missing.join(', ')} version`,
        fix: `release ${m.name} with those channels (Release.canary for gray), or make the group PERMISSIVE`,
        value: missing.join(', '),
      });
    }
    if (g.mode === LaneMode.PERMISSIVE && !m.spec.mesh.propagates.includes(carrier)) {
      problems.error({
        path: mp,
        rule: 'lane-propagation',
        message: `lane group ${g.name} is PERMISSIVE: its lane survives a hop only if the app copies "${carrier}" to its outbound calls, and app ${m.name} does not declare that it does (the mesh proxy does not copy headers)`,
        fix: `make ${m.name} propagate the header and declare it: mesh: { propagates: ['${carrier}'] }`,
        value: m.name,
      });
    }
  }
  if (group.members.length > 0 && withLane === 0 && g.lanes.length > 0) problems.error({
    path,
    rule: 'lane-group',
    message: 'no member runs a version in any lane: every request would serve the baseline',
    fix: 'release at least one member with a lane channel (Release.canary for gray)',
    value: g.lanes.join(', '),
  });
  if (g.entryGateway !== undefined) {
    const entries = group.members.filter((m) => m?.spec?.mesh).flatMap((m) => gatewaysOf(m).filter((gw) => gw.name === g.entryGateway));
    if (entries.length === 0) problems.error({
      path,
      rule: 'lane-entry',
      message: `no member is routed from gateway "${g.entryGateway}", so no lane request can enter there`,
      fix: `bind the entry app to the gateway (mesh: { gateways: [{ gateway: '${g.entryGateway}', hosts: [...] }] })`,
      value: g.entryGateway,
    });
    for (const e of entries) {
      if (e.laneHeader !== undefined && e.laneHeader !== carrier) problems.error({
        path,
        rule: 'lane-entry',
        message: `gateway "${g.entryGateway}" maps communities to header "${e.laneHeader}", but the group's lane travels in "${carrier}"`,
        fix: `set the gateway's communityLanes.laneHeader to "${carrier}"`,
        value: e.laneHeader,
      });
    }
  }
}
