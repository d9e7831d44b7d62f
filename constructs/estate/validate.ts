import { calendarInstants, isKnownTimeZone, parseCalendarDate } from './calendar';
import { CidrBlock } from './cidr';
import { Cluster } from './cluster';
import { ClusterGroup, ClusterGroupKind, Promotion } from './cluster-group';
import { Problem, ProblemCollector } from './problems';
import { checkDnsLabel } from './syntax';
import { Estate } from './topology';

/** Every cluster of the estate, in construct order. */
export function clustersOf(estate: Estate): Cluster[] {
  return estate.clusters;
}

/** Every cluster group of the estate. */
export function groupsOf(estate: Estate): ClusterGroup[] {
  return estate.node.children.filter((c): c is ClusterGroup => ClusterGroup.isClusterGroup(c));
}

/** Every promotion of the estate. */
export function promotionsOf(estate: Estate): Promotion[] {
  return estate.node.children.filter((c): c is Promotion => Promotion.isPromotion(c));
}

/**
 * A rule over the whole estate, for parts of the model defined outside this folder (applications): registered by the
 * module that defines them, run by validateEstate after the estate's own rules, in registration order.
 */
export type EstateRule = (estate: Estate, problems: ProblemCollector) => void;

const extraRules: EstateRule[] = [];

/** Adds a rule that validateEstate runs after its own. Registering the same function twice has no effect. */
export function registerEstateRule(rule: EstateRule): void {
  if (!extraRules.includes(rule)) extraRules.push(rule);
}

/**
 * Runs every rule over the estate and returns every problem found, errors and warnings, ordered by path. Never
 * throws for a rule violation: a rule that cannot evaluate because of another problem stays silent.
 */
export function validateEstate(estate: Estate): Problem[] {
  const problems = new ProblemCollector();
  checkTopology(estate, problems);
  for (const promotion of promotionsOf(estate)) checkPromotion(promotion, problems);
  for (const group of groupsOf(estate)) checkGroup(group, problems);
  const clusters = clustersOf(estate);
  if (clusters.length === 0) {
    problems.warning(estate.node.path, 'topology', 'the estate has no cluster: synthesis writes no Cluster API object', 'add a ClusterGroup and create clusters in it', 0);
  }
  checkUniqueClusterNames(clusters, problems);
  for (const cluster of clusters) {
    cluster.collectProblems(problems);
    cluster.controlPlane.collectProblems(problems);
    cluster.etcd.collectProblems(problems);
    for (const pool of cluster.nodePools) pool.collectProblems(problems);
  }
  checkCidrOverlaps(clusters, problems);
  for (const rule of extraRules) rule(estate, problems);
  return [...problems.problems];
}

function checkTopology(estate: Estate, problems: ProblemCollector): void {
  const path = estate.node.path;
  const nameProblem = checkDnsLabel(estate.name);
  if (nameProblem) problems.error(path, 'name-syntax', `estate name ${nameProblem}`, 'use a lowercase name such as "reference"', estate.name);
  if (estate.regions.length === 0) problems.error(path, 'topology', 'the estate has no region', 'add a region with estate.addRegion()', 0);
  const zoneOwners = new Map<string, string>();
  const idcOwners = new Map<string, string>();
  for (const region of estate.regions) {
    const regionProblem = checkDnsLabel(region.name);
    if (regionProblem) problems.error(region.node.path, 'name-syntax', `region name ${regionProblem}`, 'use a lowercase name such as "cn-east"', region.name);
    if (region.idcs.length === 0) problems.error(region.node.path, 'topology', 'the region has no IDC', 'add an IDC with region.addIdc()', 0);
    for (const idc of region.idcs) {
      const idcProblem = checkDnsLabel(idc.name);
      if (idcProblem) problems.error(idc.node.path, 'name-syntax', `IDC name ${idcProblem}`, 'use a lowercase name such as "hz1"', idc.name);
      const previousIdc = idcOwners.get(idc.name);
      if (previousIdc) problems.error(idc.node.path, 'unique-names', `IDC name "${idc.name}" is also used at ${previousIdc}`, 'give every IDC of the estate its own name', idc.name);
      idcOwners.set(idc.name, idc.node.path);
      if (!idc.infrastructure) problems.error(idc.node.path, 'infrastructure', 'the IDC has no infrastructure provider', 'pass props.infrastructure, for example InfrastructureProvider.metal3(...)', undefined);
      if (idc.zones.length === 0) problems.error(idc.node.path, 'topology', 'the IDC has no zone', 'list its zones in props.zones', 0);
      for (const zone of idc.zones) {
        const zoneProblem = checkDnsLabel(zone.name);
        if (zoneProblem) problems.error(zone.node.path, 'name-syntax', `zone name ${zoneProblem}`, 'use a lowercase name such as "hz1-a"', zone.name);
        const previous = zoneOwners.get(zone.name);
        if (previous) problems.error(zone.node.path, 'unique-names', `zone name "${zone.name}" is also used at ${previous}`, 'give every zone of the estate its own name', zone.name);
        zoneOwners.set(zone.name, zone.node.path);
      }
      if (!(Number.isFinite(idc.interZoneRttMs) && idc.interZoneRttMs >= 0)) {
        problems.error(idc.node.path, 'zone-rtt', 'interZoneRttMs must be a number of milliseconds, 0 or more', 'state the measured round-trip time between zones', idc.interZoneRttMs);
      }
      for (const rtt of idc.zoneRtts) {
        for (const zone of rtt.zones) {
          if (!idc.zoneNames.includes(zone)) problems.error(idc.node.path, 'zone-reference', `zoneRtts names zone "${zone}", which is not in this IDC`, `use one of: ${idc.zoneNames.join(', ')}`, zone);
        }
        if (!(Number.isFinite(rtt.rttMs) && rtt.rttMs >= 0)) problems.error(idc.node.path, 'zone-rtt', 'a round-trip time must be 0 ms or more', 'state the measured round-trip time', rtt.rttMs);
      }
    }
  }
}

function checkPromotion(promotion: Promotion, problems: ProblemCollector): void {
  const path = promotion.node.path;
  const cal = promotion.calendar;
  const nameProblem = checkDnsLabel(promotion.name);
  if (nameProblem) problems.error(path, 'name-syntax', `promotion name ${nameProblem}`, 'use a lowercase name such as "double-11"', promotion.name);
  for (const [name, value] of [['prepareBatches', cal.prepareBatches], ['drainBatches', cal.drainBatches]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 100) problems.error(path, 'promotion-batches', `${name} must be a whole number from 1 to 100`, `set ${name} to 4 (the default)`, value);
  }
  if (!isKnownTimeZone(cal.timeZone)) {
    problems.error(path, 'promotion-dates', 'the time zone is not an IANA time zone', 'use a name such as "Asia/Shanghai"', cal.timeZone);
    return;
  }
  let parsed = true;
  for (const key of ['prepareFrom', 'peakFrom', 'peakTo', 'drainUntil'] as const) {
    if (parseCalendarDate(cal[key], cal.timeZone) === undefined) {
      parsed = false;
      problems.error(path, 'promotion-dates', `${key} is not an ISO-8601 date-time`, `write ${key} like "2026-11-10T20:00"`, cal[key]);
    }
  }
  if (!parsed) return;
  const i = calendarInstants(cal);
  const order: [string, number][] = [['prepareFrom', i.prepareFrom], ['peakFrom', i.peakFrom], ['peakTo', i.peakTo], ['drainUntil', i.drainUntil]];
  for (let k = 1; k < order.length; k++) {
    if (!(order[k - 1][1] < order[k][1])) {
      problems.error(path, 'promotion-dates', `${order[k - 1][0]} must come before ${order[k][0]}`, 'order the dates prepareFrom < peakFrom < peakTo < drainUntil', { [order[k - 1][0]]: cal[order[k - 1][0] as 'peakFrom'], [order[k][0]]: cal[order[k][0] as 'peakFrom'] });
    }
  }
}

function checkGroup(group: ClusterGroup, problems: ProblemCollector): void {
  const path = group.node.path;
  const nameProblem = checkDnsLabel(group.name);
  if (nameProblem) problems.error(path, 'name-syntax', `group name ${nameProblem}`, 'use a lowercase name such as "daily"', group.name);
  if (group.kind === ClusterGroupKind.PEAK && !group.promotion) {
    problems.error(path, 'group-promotion', 'a peak group needs the promotion it serves', 'pass props.promotion to the ClusterGroup', group.name);
  }
  if (group.kind === ClusterGroupKind.DAILY && group.promotion) {
    problems.error(path, 'group-promotion', 'a daily group always runs and has no promotion', 'remove props.promotion, or make the group kind PEAK', group.promotion.name);
  }
  if (group.promotion && group.promotion.node.root !== group.node.root) {
    problems.error(path, 'group-promotion', 'the promotion belongs to another estate', 'use a promotion of this estate', group.promotion.node.path);
  }
  if (group.kind !== ClusterGroupKind.DAILY && group.kind !== ClusterGroupKind.PEAK) {
    problems.error(path, 'group-kind', 'unknown group kind', 'use ClusterGroupKind.DAILY or ClusterGroupKind.PEAK', group.kind);
  }
}

function checkUniqueClusterNames(clusters: Cluster[], problems: ProblemCollector): void {
  const seen = new Map<string, string>();
  for (const cluster of clusters) {
    const previous = seen.get(cluster.name);
    if (previous) problems.error(cluster.node.path, 'unique-names', `cluster name "${cluster.name}" is also used at ${previous}`, 'give every cluster of the estate its own name', cluster.name);
    else seen.set(cluster.name, cluster.node.path);
  }
}

/** Pod, service and etcd blocks must be disjoint across the whole estate. A sort and sweep keeps this n log n. */
function checkCidrOverlaps(clusters: Cluster[], problems: ProblemCollector): void {
  interface Entry { cluster: Cluster; what: string; block: CidrBlock }
  const entries: Entry[] = clusters.flatMap((cluster) => cluster.networkBlocks().map((b) => ({ cluster, ...b })));
  entries.sort((a, b) => (a.block.family < b.block.family ? -1 : a.block.family > b.block.family ? 1 : a.block.first < b.block.first ? -1 : a.block.first > b.block.first ? 1 : 0));
  let active: Entry[] = [];
  for (const entry of entries) {
    active = active.filter((a) => a.block.family === entry.block.family && a.block.last >= entry.block.first);
    for (const other of active) {
      if (other.cluster === entry.cluster) continue; // within one cluster: Cluster's own rule reports it
      problems.error(entry.cluster.node.path, 'cidr-overlap', `${entry.what} ${entry.block.text} overlaps ${other.what} ${other.block.text} of cluster ${other.cluster.name}`, 'give every cluster its own pod, service and etcd blocks', [entry.block.text, other.block.text]);
    }
    active.push(entry);
  }
}
