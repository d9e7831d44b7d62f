import { calendarInstants, isKnownTimeZone, parseCalendarDate, Promotion } from './promotion';
import { CidrBlock } from './cidr';
import { Cluster } from './cluster';
import { ClusterGroup, ClusterGroupKind } from './cluster-group';
import { ProblemCollector } from './problems';
import { checkDnsLabel } from './syntax';
import { Estate } from './estate';

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
 * The rules of the estate's own model (topology, groups, promotions, clusters and what they hold), in a fixed order.
 * `validateEstate` (constructs/validate.ts) runs them first, then the tenancy and application rules.
 * @internal
 */
export function validateEstateModel(estate: Estate, problems: ProblemCollector): void {
  checkTopology(estate, problems);
  for (const promotion of promotionsOf(estate)) checkPromotion(promotion, problems);
  for (const group of groupsOf(estate)) checkGroup(group, problems);
  const clusters = clustersOf(estate);
  if (clusters.length === 0) {
    problems.warning({
      path: estate.node.path,
      rule: 'topology',
      message: 'the estate has no cluster: synthesis writes no Cluster API object',
      fix: 'add a ClusterGroup and create clusters in it',
      value: 0,
    });
  }
  checkUniqueClusterNames(clusters, problems);
  for (const cluster of clusters) {
    cluster.collectProblems(problems);
    cluster.controlPlane.collectProblems(problems);
    cluster.etcd.collectProblems(problems);
    for (const pool of cluster.nodePools) pool.collectProblems(problems);
  }
  checkCidrOverlaps(clusters, problems);
}

function checkTopology(estate: Estate, problems: ProblemCollector): void {
  const path = estate.node.path;
  const nameProblem = checkDnsLabel(estate.name);
  if (nameProblem) problems.error({
    path,
    rule: 'name-syntax',
    message: `estate name ${nameProblem}`,
    fix: 'use a lowercase name such as "reference"',
    value: estate.name,
  });
  if (estate.regions.length === 0) problems.error({
    path,
    rule: 'topology',
    message: 'the estate has no region',
    fix: 'add a region with estate.addRegion()',
    value: 0,
  });
  const zoneOwners = new Map<string, string>();
  const idcOwners = new Map<string, string>();
  for (const region of estate.regions) {
    const regionProblem = checkDnsLabel(region.name);
    if (regionProblem) problems.error({
      path: region.node.path,
      rule: 'name-syntax',
      message: `region name ${regionProblem}`,
      fix: 'use a lowercase name such as "cn-east"',
      value: region.name,
    });
    if (region.idcs.length === 0) problems.error({
      path: region.node.path,
      rule: 'topology',
      message: 'the region has no IDC',
      fix: 'add an IDC with region.addIdc()',
      value: 0,
    });
    for (const idc of region.idcs) {
      const idcProblem = checkDnsLabel(idc.name);
      if (idcProblem) problems.error({
        path: idc.node.path,
        rule: 'name-syntax',
        message: `IDC name ${idcProblem}`,
        fix: 'use a lowercase name such as "hz1"',
        value: idc.name,
      });
      const previousIdc = idcOwners.get(idc.name);
      if (previousIdc) problems.error({
        path: idc.node.path,
        rule: 'unique-names',
        message: `IDC name "${idc.name}" is also used at ${previousIdc}`,
        fix: 'give every IDC of the estate its own name',
        value: idc.name,
      });
      idcOwners.set(idc.name, idc.node.path);
      if (!idc.infrastructure) problems.error({
        path: idc.node.path,
        rule: 'infrastructure',
        message: 'the IDC has no infrastructure provider',
        fix: 'pass props.infrastructure, for example InfrastructureProvider.metal3(...)',
      });
      if (idc.zones.length === 0) problems.error({
        path: idc.node.path,
        rule: 'topology',
        message: 'the IDC has no zone',
        fix: 'list its zones in props.zones',
        value: 0,
      });
      for (const zone of idc.zones) {
        const zoneProblem = checkDnsLabel(zone.name);
        if (zoneProblem) problems.error({
          path: zone.node.path,
          rule: 'name-syntax',
          message: `zone name ${zoneProblem}`,
          fix: 'use a lowercase name such as "hz1-a"',
          value: zone.name,
        });
        const previous = zoneOwners.get(zone.name);
        if (previous) problems.error({
          path: zone.node.path,
          rule: 'unique-names',
          message: `zone name "${zone.name}" is also used at ${previous}`,
          fix: 'give every zone of the estate its own name',
          value: zone.name,
        });
        zoneOwners.set(zone.name, zone.node.path);
      }
      if (!(Number.isFinite(idc.interZoneRttMs) && idc.interZoneRttMs >= 0)) {
        problems.error({
          path: idc.node.path,
          rule: 'zone-rtt',
          message: 'interZoneRttMs must be a number of milliseconds, 0 or more',
          fix: 'state the measured round-trip time between zones',
          value: idc.interZoneRttMs,
        });
      }
      for (const rtt of idc.zoneRtts) {
        for (const zone of rtt.zones) {
          if (!idc.zoneNames.includes(zone)) problems.error({
            path: idc.node.path,
            rule: 'zone-reference',
            message: `zoneRtts names zone "${zone}", which is not in this IDC`,
            fix: `use one of: ${idc.zoneNames.join(', ')}`,
            value: zone,
          });
        }
        if (!(Number.isFinite(rtt.rttMs) && rtt.rttMs >= 0)) problems.error({
          path: idc.node.path,
          rule: 'zone-rtt',
          message: 'a round-trip time must be 0 ms or more',
          fix: 'state the measured round-trip time',
          value: rtt.rttMs,
        });
      }
    }
  }
}

function checkPromotion(promotion: Promotion, problems: ProblemCollector): void {
  const path = promotion.node.path;
  const cal = promotion.calendar;
  const nameProblem = checkDnsLabel(promotion.name);
  if (nameProblem) problems.error({
    path,
    rule: 'name-syntax',
    message: `promotion name ${nameProblem}`,
    fix: 'use a lowercase name such as "double-11"',
    value: promotion.name,
  });
  for (const [name, value] of [['prepareBatches', cal.prepareBatches], ['drainBatches', cal.drainBatches]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 100) problems.error({
      path,
      rule: 'promotion-batches',
      message: `${name} must be a whole number from 1 to 100`,
      fix: `set ${name} to 4 (the default)`,
      value,
    });
  }
  if (!isKnownTimeZone(cal.timeZone)) {
    problems.error({
      path,
      rule: 'promotion-dates',
      message: 'the time zone is not an IANA time zone',
      fix: 'use a name such as "Asia/Shanghai"',
      value: cal.timeZone,
    });
    return;
  }
  let parsed = true;
  for (const key of ['prepareFrom', 'peakFrom', 'peakTo', 'drainUntil'] as const) {
    if (parseCalendarDate(cal[key], cal.timeZone) === undefined) {
      parsed = false;
      problems.error({
        path,
        rule: 'promotion-dates',
        message: `${key} is not an ISO-8601 date-time`,
        fix: `write ${key} like "2026-11-10T20:00"`,
        value: cal[key],
      });
    }
  }
  if (!parsed) return;
  const i = calendarInstants(cal);
  const order: [string, number][] = [['prepareFrom', i.prepareFrom], ['peakFrom', i.peakFrom], ['peakTo', i.peakTo], ['drainUntil', i.drainUntil]];
  for (let k = 1; k < order.length; k++) {
    if (!(order[k - 1][1] < order[k][1])) {
      problems.error({
        path,
        rule: 'promotion-dates',
        message: `${order[k - 1][0]} must come before ${order[k][0]}`,
        fix: 'order the dates prepareFrom < peakFrom < peakTo < drainUntil',
        value: { [order[k - 1][0]]: cal[order[k - 1][0] as 'peakFrom'], [order[k][0]]: cal[order[k][0] as 'peakFrom'] },
      });
    }
  }
}

function checkGroup(group: ClusterGroup, problems: ProblemCollector): void {
  const path = group.node.path;
  const nameProblem = checkDnsLabel(group.name);
  if (nameProblem) problems.error({
    path,
    rule: 'name-syntax',
    message: `group name ${nameProblem}`,
    fix: 'use a lowercase name such as "daily"',
    value: group.name,
  });
  if (group.kind === ClusterGroupKind.PEAK && !group.promotion) {
    problems.error({
      path,
      rule: 'group-promotion',
      message: 'a peak group needs the promotion it serves',
      fix: 'pass props.promotion to the ClusterGroup',
      value: group.name,
    });
  }
  if (group.kind === ClusterGroupKind.DAILY && group.promotion) {
    problems.error({
      path,
      rule: 'group-promotion',
      message: 'a daily group always runs and has no promotion',
      fix: 'remove props.promotion, or make the group kind PEAK',
      value: group.promotion.name,
    });
  }
  if (group.promotion && group.promotion.node.root !== group.node.root) {
    problems.error({
      path,
      rule: 'group-promotion',
      message: 'the promotion belongs to another estate',
      fix: 'use a promotion of this estate',
      value: group.promotion.node.path,
    });
  }
  if (group.kind !== ClusterGroupKind.DAILY && group.kind !== ClusterGroupKind.PEAK) {
    problems.error({
      path,
      rule: 'group-kind',
      message: 'unknown group kind',
      fix: 'use ClusterGroupKind.DAILY or ClusterGroupKind.PEAK',
      value: group.kind,
    });
  }
}

function checkUniqueClusterNames(clusters: Cluster[], problems: ProblemCollector): void {
  const seen = new Map<string, string>();
  for (const cluster of clusters) {
    const previous = seen.get(cluster.name);
    if (previous) problems.error({
      path: cluster.node.path,
      rule: 'unique-names',
      message: `cluster name "${cluster.name}" is also used at ${previous}`,
      fix: 'give every cluster of the estate its own name',
      value: cluster.name,
    });
    else seen.set(cluster.name, cluster.node.path);
  }
}

/** Pod, service and etcd blocks must be disjoint across the whole estate. A sort and sweep keeps this n log n. */
function checkCidrOverlaps(clusters: Cluster[], problems: ProblemCollector): void {
  interface Entry { cluster: Cluster; what: string; block: CidrBlock }
  const entries: Entry[] = clusters.flatMap((cluster) => cluster.networkBlocks().map((b) => ({ cluster, ...b })));
  const order = (x: string | bigint, y: string | bigint) => (x < y ? -1 : x > y ? 1 : 0);
  entries.sort((a, b) => order(a.block.family, b.block.family) || order(a.block.first, b.block.first));
  let active: Entry[] = [];
  for (const entry of entries) {
    active = active.filter((a) => a.block.family === entry.block.family && a.block.last >= entry.block.first);
    for (const other of active) {
      if (other.cluster === entry.cluster) continue; // within one cluster: Cluster's own rule reports it
      problems.error({
        path: entry.cluster.node.path,
        rule: 'cidr-overlap',
        message: `${entry.what} ${entry.block.text} overlaps ${other.what} ${other.block.text} of cluster ${other.cluster.name}`,
        fix: 'give every cluster its own pod, service and etcd blocks',
        value: [entry.block.text, other.block.text],
      });
    }
    active.push(entry);
  }
}
