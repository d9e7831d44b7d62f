import type { AppTemplate, ResolvedPlacement } from '../apps/app-template';
import { ProblemCollector } from '../estate/problems';
import type { Estate } from '../estate/estate';
import { CallerKind } from '../tenancy/access';
import { gatewayPath, hostServes } from './gateway';
import { gatewayPodLabels } from './gateway-render';
import { checkLaneGroup, LaneGroup } from './lanes';
import { checkCallerOperations, checkJwt } from './security';
import { isMeshHeaderName, MESH_HEADER_NAME_RULE } from './route';
import { checkVmGroups } from './vm';

const HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * The app's mesh bindings against its clusters: every gateway it is routed from exists on each of them, serves its
 * hosts, and is admitted by the app's callers; its JWT, caller operations, propagated headers and VMs are sound.
 * Methods and paths of callers need the mesh: on an app outside it they are an error, not a silent no-op.
 * @internal
 */
export function checkMeshBindings(app: AppTemplate, placed: ResolvedPlacement, problems: ProblemCollector): void {
  const path = app.node.path;
  const s = app.spec;
  const m = s.mesh;
  if (!m) {
    const l7 = s.access.allowFrom.filter((c) => (c.methods?.length ?? 0) > 0 || (c.paths?.length ?? 0) > 0);
    if (l7.length > 0) problems.error({
      path,
      rule: 'caller-operation',
      message: 'callers limited to methods or paths, but the app is not in the mesh: NetworkPolicies cannot tell methods or paths apart, so nothing would enforce them',
      fix: 'join the mesh (mesh: {}), or drop methods and paths from the callers',
      value: l7.map((c) => c.name ?? c.kind).join(', '),
    });
    return;
  }
  checkCallerOperations(path, s.access.allowFrom, problems);
  if (m.requireJwt) checkJwt(path, m.requireJwt, s.access.allowFrom, problems);
  for (const h of m.propagates) if (!isMeshHeaderName(h)) problems.error({
    path,
    rule: 'mesh-propagates',
    message: `header "${h}" ${MESH_HEADER_NAME_RULE}`,
    fix: 'use a name such as "x-lane" or "baggage"',
    value: h,
  });
  checkVmGroups(path, s.name, s.serviceChannel, m.vmGroups, placed.clusters.map((c) => c.name), problems);
  const seen = new Set<string>();
  for (const b of m.gateways) {
    if (seen.has(b.gateway)) problems.error({
      path,
      rule: 'gateway-route',
      message: `gateway "${b.gateway}" is bound twice`,
      fix: 'list all its hosts in one binding',
      value: b.gateway,
    });
    seen.add(b.gateway);
    if (b.hosts.length === 0) problems.error({
      path,
      rule: 'gateway-route',
      message: `the binding to gateway "${b.gateway}" routes no host`,
      fix: 'list the public host names of the app',
      value: b.gateway,
    });
    for (const h of b.hosts) if (typeof h !== 'string' || !HOST.test(h)) problems.error({
      path,
      rule: 'gateway-route',
      message: `host "${h}" is not a lowercase DNS name (no wildcard: a route names the hosts it serves)`,
      fix: 'use a name such as "api.example.com"',
      value: h,
    });
    for (const c of placed.clusters) {
      const g = c.mesh?.ingressGateways.find((x) => x.name === b.gateway);
      if (!c.mesh) continue; // reported by the mesh rule
      if (!g) { problems.error({
        path,
        rule: 'gateway-route',
        message: `gateway "${b.gateway}" does not exist on cluster ${c.name}, where the app runs`,
        fix: `add it to ${c.name}'s mesh.ingressGateways, or place the app elsewhere`,
        value: b.gateway,
      }); continue; }
      for (const h of b.hosts) {
        if (!g.listeners.some((l) => l.hosts.some((lh) => hostServes(lh, h)))) problems.error({
          path,
          rule: 'gateway-route',
          message: `host ${h} is served by no listener of gateway "${g.name}" on ${c.name}: the gateway would drop its requests (IST0132)`,
          fix: `add ${h} to a listener of ${gatewayPath(c.node.path, g.name)}`,
          value: h,
        });
      }
      const labels = gatewayPodLabels(g);
      const admitted = s.access.allowFrom.some((caller) => caller.kind === CallerKind.INGRESS_GATEWAY
        && caller.name === g.namespace
        && Object.entries(caller.podLabels ?? {}).every(([k, v]) => labels[k] === v));
      if (!admitted) problems.error({
        path,
        rule: 'gateway-route',
        message: `the app is routed from gateway "${g.name}" (namespace ${g.namespace}) on ${c.name}, but its callers do not admit that gateway: its NetworkPolicy would drop the requests`,
        fix: `add Caller.ingressGateway({ namespace: '${g.namespace}', podLabels: { 'app.kubernetes.io/name': '${g.name}' } }) to access.allowFrom`,
        value: g.name,
      });
    }
  }
}

/**
 * Estate-wide mesh rules: a public host and gateway bound by two apps, and every lane group against its members.
 * @internal
 */
export function checkLaneGroups(estate: Estate, placements: ReadonlyMap<AppTemplate, ResolvedPlacement>, problems: ProblemCollector): void {
  const owners = new Map<string, string>();
  for (const [app, placed] of placements) {
    for (const b of app.spec.mesh?.gateways ?? []) {
      for (const c of placed.clusters) {
        for (const h of b.hosts) {
          const key = `${c.name}/${b.gateway}/${h}`;
          const owner = owners.get(key);
          if (owner !== undefined && owner !== app.name) problems.error({
            path: app.node.path,
            rule: 'gateway-route',
            message: `host ${h} on gateway "${b.gateway}" of ${c.name} is already routed to app ${owner}`,
            fix: 'route each public host to one app (use paths inside the app, or another host)',
            value: h,
          });
          else owners.set(key, app.name);
        }
      }
    }
  }
  for (const group of LaneGroup.groupsOf(estate)) {
    checkLaneGroup(group, (app) => {
      const placed = placements.get(app);
      return (app.spec.mesh?.gateways ?? []).flatMap((b) => (placed?.clusters ?? []).map((c) => {
        const g = c.mesh?.ingressGateways.find((x) => x.name === b.gateway);
        return { name: b.gateway, ...(g?.communityLanes ? { laneHeader: g.communityLanes.laneHeader } : {}) };
      }));
    }, problems);
  }
}
