import { AppTemplate } from '../apps/app-template';
import { podTotals, replicaBounds } from '../apps/replicas';
import { filterPlacement } from '../apps/placement';
import { capacityInstants } from '../apps/capacity-check';
import { PhaseAt, PromotionPhase } from '../estate/promotion';
import { parseCidr } from '../estate/cidr';
import { ClusterGroupKind } from '../estate/cluster-group';
import { ProblemCollector } from '../estate/problems';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../estate/syntax';
import { Estate } from '../estate/estate';
import { promotionsOf } from '../estate/validate';
import { CallerKind, DestinationKind, NetworkProtocol } from './access';
import { sidecarDestinations } from './render';
import { budgetFor, budgetPhase, namespaceNeed } from './sizing';
import { Team } from './team';

function namespaceProblem(ns: unknown): string | undefined {
  if (typeof ns !== 'string') return 'must be a string';
  const p = checkDnsLabel(ns);
  if (p) return p;
  if (ns === 'default' || ns.startsWith('kube-')) return 'belongs to the cluster, not to a team';
  return undefined;
}

function cidrProblem(cidr: string): string | undefined {
  try {
    parseCidr(cidr);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Teams, callers and destinations, and every team's budget against its apps in every phase. */
export function validateTenancy(estate: Estate, problems: ProblemCollector): void {
  const teams = Team.teamsOf(estate);
  const apps = AppTemplate.appsOf(estate);
  const appsByName = new Map(apps.map((a) => [a.name, a]));
  const appNamespaces = new Set(apps.map((a) => a.spec.namespace));
  const owner = new Map<string, Team>();
  for (const team of teams) {
    const path = team.node.path;
    const nameProblem = checkDnsLabel(team.name, 50);
    if (nameProblem) problems.error({
      path,
      rule: 'name-syntax',
      message: `team name ${nameProblem}`,
      fix: 'use a short lowercase name such as "payments": it prefixes the team\'s Roles',
      value: team.name,
    });
    if (team.namespaces.length === 0) problems.error({
      path,
      rule: 'team-namespaces',
      message: 'a team owns at least one namespace',
      fix: 'list the namespaces its apps use: namespaces: ["trade"]',
      value: [],
    });
    for (const ns of team.namespaces) {
      const p = namespaceProblem(ns);
      if (p) {
        problems.error({ path, rule: 'team-namespaces', message: `namespace ${p}`, fix: 'use a lowercase name such as "trade"', value: ns });
        continue;
      }
      const other = owner.get(ns);
      if (other && other !== team) problems.error({
        path,
        rule: 'team-namespace-owner',
        message: `namespace ${ns} is already owned by team ${other.name}: a namespace has one owner, or neither team's isolation holds`,
        fix: `remove ${ns} from one of the teams`,
        value: ns,
      });
      else if (other === team) problems.error({
        path,
        rule: 'team-namespaces',
        message: `namespace ${ns} is listed twice`,
        fix: 'list it once',
        value: ns,
      });
      owner.set(ns, team);
      if (!appNamespaces.has(ns)) problems.warning({
        path,
        rule: 'team-namespace-unused',
        message: `no app of the estate runs in namespace ${ns}: nothing is rendered for it`,
        fix: 'place an app there, or remove the namespace from the team',
        value: ns,
      });
    }
    for (const [what, group] of [['deployersGroup', team.deployersGroup], ['readersGroup', team.readersGroup]] as const) {
      if (typeof group !== 'string' || group.trim() === '' || group.startsWith('system:')) problems.error({
        path,
        rule: 'team-groups',
        message: `${what} must name a group of the identity provider (not empty, not a system: group)`,
        fix: `set ${what}: "${team.name}-${what === 'deployersGroup' ? 'deployers' : 'readers'}"`,
        value: group,
      });
    }
    if (team.deployersGroup === team.readersGroup) problems.error({
      path,
      rule: 'team-groups',
      message: 'the deployers and readers groups are the same group: readers would deploy',
      fix: 'give each its own group',
      value: team.readersGroup,
    });
    if (!Number.isInteger(team.headroomPercent) || team.headroomPercent < 0 || team.headroomPercent > 1000) problems.error({
      path,
      rule: 'team-headroom',
      message: 'headroomPercent must be a whole number from 0 to 1000',
      fix: 'keep the default, 20',
      value: team.headroomPercent,
    });
    const seen = new Set<string>();
    for (const b of team.budgets) {
      if (!b || !b.group || b.group.node.root !== estate) {
        problems.error({
          path,
          rule: 'team-budget',
          message: 'a budget\'s cluster group must belong to this estate',
          fix: 'use a ClusterGroup of this estate',
          value: b?.group?.node.path,
        });
        continue;
      }
      if (b.phase !== undefined && !Object.values(PromotionPhase).includes(b.phase)) problems.error({
        path,
        rule: 'team-budget',
        message: 'unknown phase',
        fix: `use one of ${Object.values(PromotionPhase).join(', ')}`,
        value: b.phase,
      });
      for (const [key, v] of [['cpuMillis', b.cpuMillis], ['memoryMiB', b.memoryMiB]] as const) {
        if (!Number.isInteger(v) || v < 1) problems.error({
          path,
          rule: 'team-budget',
          message: `a budget's ${key} must be a whole number above 0`,
          fix: `state the ${key} the team was promised per cluster`,
          value: v,
        });
      }
      const key = `${b.group.name}/${b.phase ?? '*'}`;
      if (seen.has(key)) problems.error({
        path,
        rule: 'team-budget',
        message: `group ${b.group.name} has two budgets for ${b.phase ?? 'every phase'}`,
        fix: 'keep one',
        value: key,
      });
      seen.add(key);
    }
  }

  // Each app's clusters, resolved once over one walk of the estate: with callers on thousands of apps, resolving
  // a placement per caller (each walking the estate's tree) made validation grow with the square of the estate.
  const allClusters = estate.clusters;
  const clusterNames = new Map<AppTemplate, Set<string>>();
  const clustersOf = (a: AppTemplate): Set<string> => {
    let names = clusterNames.get(a);
    if (!names) clusterNames.set(a, (names = new Set(filterPlacement(allClusters, a.placement).map((c) => c.name))));
    return names;
  };
  for (const app of apps) checkAccess(app, appsByName, appNamespaces, clustersOf, problems);
  if (!problems.hasErrors) checkBudgets(estate, teams, apps, problems);
}

function checkAccess(
  app: AppTemplate,
  appsByName: ReadonlyMap<string, AppTemplate>,
  appNamespaces: ReadonlySet<string>,
  clustersOf: (app: AppTemplate) => ReadonlySet<string>,
  problems: ProblemCollector,
): void {
  const path = app.node.path;
  const portNames = new Set(app.spec.ports.map((p) => p.name));
  for (const c of app.spec.access.allowFrom) {
    if (c.ports !== undefined) {
      if (c.ports.length === 0) problems.error({
        path,
        rule: 'access-ports',
        message: 'a caller with an empty ports list may reach nothing',
        fix: 'leave ports out (every port) or name the ports',
        value: [],
      });
      for (const p of c.ports) if (!portNames.has(p)) problems.error({
        path,
        rule: 'access-ports',
        message: `the caller may reach port "${p}", which the app does not expose`,
        fix: `name one of its ports: ${[...portNames].join(', ')}`,
        value: p,
      });
    }
    if (c.kind === CallerKind.APP) {
      const caller = appsByName.get(c.name ?? '');
      if (!caller) {
        problems.error({
          path,
          rule: 'access-unknown-caller',
          message: `caller app "${c.name}" is not an app of the estate`,
          fix: `name one of: ${[...appsByName.keys()].sort().join(', ')}; or use Caller.namespace() for pods the estate does not template`,
          value: c.name,
        });
      } else if (![...clustersOf(caller)].some((name) => clustersOf(app).has(name))) {
        problems.warning({
          path,
          rule: 'access-caller-elsewhere',
          message: `caller app ${c.name} runs on no cluster this app runs on: network policies are per cluster, so this allow has no effect (cross-cluster calls go through a gateway)`,
          fix: 'allow the gateway the calls arrive through (Caller.ingressGateway()), or place both apps on a common cluster',
          value: c.name,
        });
      }
    } else if (c.kind === CallerKind.NAMESPACE || c.kind === CallerKind.INGRESS_GATEWAY) {
      const p = checkDnsLabel(c.name ?? '');
      if (p) problems.error({
        path,
        rule: 'access-caller',
        message: `caller namespace ${p}`,
        fix: 'use the namespace\'s name, such as "monitoring"',
        value: c.name,
      });
      for (const [k, v] of Object.entries(c.podLabels ?? {})) {
        const kp = checkLabelKey(k) ?? checkLabelValue(v);
        if (kp) problems.error({
          path,
          rule: 'access-caller',
          message: `ingress gateway pod label ${k}=${v}: ${kp}`,
          fix: 'use the gateway pods\' labels',
          value: k,
        });
      }
    } else if (c.kind === CallerKind.LOAD_BALANCER) {
      if (!c.sourceRanges || c.sourceRanges.length === 0) problems.error({
        path,
        rule: 'access-caller',
        message: 'a load-balancer caller needs its source ranges',
        fix: 'list the ranges its traffic arrives from, for example ["10.96.0.0/16"]',
        value: [],
      });
      for (const r of c.sourceRanges ?? []) {
        const p = cidrProblem(r);
        if (p) problems.error({
          path,
          rule: 'access-caller',
          message: `load-balancer source range: ${p}`,
          fix: 'write a CIDR such as 10.96.0.0/16',
          value: r,
        });
        else if (r.endsWith('/0')) problems.error({
          path,
          rule: 'access-caller',
          message: 'a load-balancer source range of /0 allows every address: that is no isolation',
          fix: 'list the balancer\'s SNAT range or the clients\' ranges',
          value: r,
        });
      }
    } else {
      problems.error({
        path,
        rule: 'access-caller',
        message: 'unknown caller',
        fix: 'use Caller.app, namespace, ingressGateway or loadBalancer',
        value: c.kind,
      });
    }
  }
  for (const d of app.spec.access.egressTo) {
    if (d.ports.length === 0) problems.error({
      path,
      rule: 'access-destination',
      message: `destination ${d.name} lists no port`,
      fix: 'list the ports the app connects to',
      value: [],
    });
    for (const p of d.ports) if (!Number.isInteger(p) || p < 1 || p > 65535) problems.error({
      path,
      rule: 'access-destination',
      message: `destination ${d.name}: port must be a whole number from 1 to 65535`,
      fix: 'use a valid port',
      value: p,
    });
    if (!Object.values(NetworkProtocol).includes(d.protocol)) problems.error({
      path,
      rule: 'access-destination',
      message: `destination ${d.name}: unknown protocol`,
      fix: 'use NetworkProtocol.TCP, UDP or SCTP',
      value: d.protocol,
    });
    if (d.kind === DestinationKind.NAMESPACE) {
      const p = checkDnsLabel(d.name);
      if (p) problems.error({
        path,
        rule: 'access-destination',
        message: `destination namespace ${p}`,
        fix: 'use the namespace\'s name',
        value: d.name,
      });
      else if (appNamespaces.has(d.name)) problems.error({
        path,
        rule: 'access-destination',
        message: `namespace ${d.name} holds apps of the estate: calls to them are declared once, on the callee`,
        fix: `add Caller.app("${app.name}") to the callee's access.allowFrom instead`,
        value: d.name,
      });
    } else {
      const p = checkDnsLabel(d.name);
      if (p) problems.error({
        path,
        rule: 'access-destination',
        message: `destination name ${p}`,
        fix: 'name it, for example "card-network"',
        value: d.name,
      });
      if (!d.cidrs || d.cidrs.length === 0) problems.error({
        path,
        rule: 'access-destination',
        message: `external destination ${d.name} needs its address ranges`,
        fix: 'list its CIDRs',
        value: [],
      });
      for (const r of d.cidrs ?? []) {
        const cp = cidrProblem(r);
        if (cp) problems.error({
          path,
          rule: 'access-destination',
          message: `external destination ${d.name}: ${cp}`,
          fix: 'write a CIDR such as 203.0.113.0/24',
          value: r,
        });
        else if (r.endsWith('/0')) problems.error({
          path,
          rule: 'access-destination',
          message: `external destination ${d.name} is every address (/0): that is no isolation`,
          fix: 'list the destination\'s own ranges',
          value: r,
        });
      }
    }
  }
  for (const s of app.spec.sidecars) {
    for (const d of sidecarDestinations(s)) {
      if (d.namespace === undefined && d.cidr === undefined) {
        problems.warning({
          path,
          rule: 'access-sidecar-destination',
          message: `sidecar ${s.name} connects to ${d.address}, which is neither <service>.<namespace>.svc nor an address: its egress cannot be allowed from it`,
          fix: 'use the in-cluster service name, or add Destination.external(...) to access.egressTo',
          value: d.address,
        });
      }
    }
  }
}

/**
 * Every team namespace on every cluster, at every phase: its apps at the autoscalers' maximum plus the rolling-update
 * surge must fit the budget that holds (error), and should leave the team's headroom (warning).
 */
function checkBudgets(estate: Estate, teams: readonly Team[], apps: readonly AppTemplate[], problems: ProblemCollector): void {
  const budgeted = teams.filter((t) => t.budgets.length > 0);
  if (budgeted.length === 0) return;
  const promotions = promotionsOf(estate);
  const instants = capacityInstants(estate);
  const clusters = estate.clusters;
  for (const team of budgeted) {
    const own = apps.filter((a) => team.namespaces.includes(a.spec.namespace));
    const placements = own.map((a) => ({ app: a, placement: a.resolvePlacement(clusters) }));
    const reported = new Set<string>();
    for (const instant of instants) {
      const phases = new Map<string, PhaseAt>(promotions.map((p) => [p.name, p.phaseAt(instant.asOf)]));
      for (const cluster of clusters) {
        const group = cluster.group;
        const groupPhase = group.kind === ClusterGroupKind.PEAK && group.promotion ? phases.get(group.promotion.name) : undefined;
        if (groupPhase && groupPhase.phase === PromotionPhase.DORMANT) continue;
        const facts = { promotion: groupPhase && group.promotion ? { name: group.promotion.name, phase: groupPhase } : undefined };
        for (const ns of team.namespaces) {
          const here = placements.filter((p) => p.app.spec.namespace === ns && p.placement.clusters.includes(cluster));
          if (here.length === 0) continue;
          const followed = here.map((p) => p.app.spec.peak?.promotion)
            .filter((p): p is string => p !== undefined)
            .map((p) => phases.get(p)?.phase)
            .filter((p): p is PromotionPhase => p !== undefined);
          const phase = budgetPhase(groupPhase?.phase, followed);
          const budget = budgetFor(team.budgets, group.name, phase);
          if (!budget) continue;
          const need = namespaceNeed(here.map((p) => ({
            spec: p.app.spec,
            maxPods: podTotals(p.app.spec, replicaBounds(p.app.spec, p.placement.replicas.get(cluster.name) ?? 0, facts, phases)).max,
          })));
          const key = `${ns}/${cluster.name}`;
          const numbers = `${cpu(need.requests.cpuMillis)} vCPU and ${gib(need.requests.memoryMiB)} GiB requested by ${need.pods} pods (apps at autoscaler max + rolling-update surge) against a budget of ${cpu(budget.cpuMillis)} vCPU and ${gib(budget.memoryMiB)} GiB`;
          if (need.requests.cpuMillis > budget.cpuMillis || need.requests.memoryMiB > budget.memoryMiB) {
            if (reported.has(`e:${key}`)) continue;
            reported.add(`e:${key}`);
            problems.error({
              path: team.node.path,
              rule: 'team-quota-exceeded',
              message: `namespace ${ns} on cluster ${cluster.name} at ${instant.label}: the team's own apps would exceed its quota: ${numbers}`,
              fix: `raise the budget for group ${group.name}${budget.phase ? ` (${budget.phase})` : ''}, or lower the apps' replicas, maxFactor or requests`,
              value: key,
            });
          } else {
            const f = 1 + team.headroomPercent / 100;
            if ((need.requests.cpuMillis * f > budget.cpuMillis || need.requests.memoryMiB * f > budget.memoryMiB) && !reported.has(`w:${key}`)) {
              reported.add(`w:${key}`);
              problems.warning({
                path: team.node.path,
                rule: 'team-budget-headroom',
                message: `namespace ${ns} on cluster ${cluster.name} at ${instant.label}: the budget leaves less than the team's ${team.headroomPercent}% headroom: ${numbers}`,
                fix: `raise the budget for group ${group.name}, or lower headroomPercent`,
                value: key,
              });
            }
          }
        }
      }
    }
  }
}

function cpu(millis: number): string {
  return (Math.round(millis / 100) / 10).toLocaleString('en-US');
}

function gib(mib: number): string {
  return (Math.round((mib / 1024) * 10) / 10).toLocaleString('en-US');
}
