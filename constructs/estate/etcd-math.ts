/**
 * etcd quorum, placement and timing, as pure functions. The numbers follow etcd's own guidance: quorum is
 * floor(n/2)+1; the heartbeat interval is about the round-trip time between members and the election timeout at
 * least ten heartbeats (etcd "Tuning" documentation); both must be the same on every member.
 */

/** Members needed for quorum. */
export function quorum(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** How many members can be lost while keeping quorum. */
export function faultTolerance(members: number): number {
  return members - quorum(members);
}

/**
 * Spreads `members` over `zones` round-robin, in the order given, so the largest zone holds ceil(n/z) members.
 * Returns the zone of each member, by member index.
 */
export function spreadMembers(members: number, zones: readonly string[]): string[] {
  if (zones.length === 0) return [];
  return Array.from({ length: members }, (_, i) => zones[i % zones.length]);
}

/** Members per zone, for a placement. */
export function membersPerZone(placement: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const zone of placement) counts.set(zone, (counts.get(zone) ?? 0) + 1);
  return counts;
}

/** The zones whose loss would take the cluster below quorum, sorted. Empty when every single-zone loss is survived. */
export function zonesWhoseLossBreaksQuorum(placement: readonly string[]): string[] {
  const need = quorum(placement.length);
  return [...membersPerZone(placement)]
    .filter(([, count]) => placement.length - count < need)
    .map(([zone]) => zone)
    .sort();
}

/** etcd's default heartbeat interval and election timeout, in milliseconds: right for a round trip under 100 ms. */
export const ETCD_DEFAULT_HEARTBEAT_MS = 100;
export const ETCD_DEFAULT_ELECTION_MS = 1000;
/** etcd refuses election timeouts above 50 seconds. */
export const ETCD_MAX_ELECTION_MS = 50000;

/** Heartbeat and election timeout for members whose largest round-trip time is `maxRttMs`. */
export interface EtcdTimeouts {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
}

/**
 * Timeouts from the largest round-trip time between the zones that hold members: the heartbeat is 1.5 RTT (the top
 * of etcd's 0.5-1.5 RTT range, so a slow round trip does not look like a lost leader) but never below etcd's default;
 * the election timeout is ten heartbeats, never below etcd's default. Whole milliseconds, as etcd 3.4 takes them.
 */
export function timeoutsForRtt(maxRttMs: number): EtcdTimeouts {
  const heartbeatIntervalMs = Math.max(ETCD_DEFAULT_HEARTBEAT_MS, Math.ceil(maxRttMs * 1.5));
  const electionTimeoutMs = Math.max(ETCD_DEFAULT_ELECTION_MS, heartbeatIntervalMs * 10);
  return { heartbeatIntervalMs, electionTimeoutMs };
}
