import type { KubeObject } from '../../../constructs';
import { ETCD_DEFAULT_ELECTION_MS, ETCD_DEFAULT_HEARTBEAT_MS, ETCD_MAX_ELECTION_MS } from '../../../constructs/internal';
import { clusterNameOf, etcdConfigOf, isEtcdBootstrapSecret } from '../../engine/capi';
import { asInteger, nameOf, namespaceOf } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface MatchEtcdTimeoutsConfig {
  readonly minElectionHeartbeatRatio: number;
  readonly minHeartbeatRttRatio: number;
  readonly minElectionRttRatio: number;
  readonly maxElectionTimeoutMs: number;
}

interface Timeouts {
  readonly heartbeat: number;
  readonly election: number;
}

function timeoutsOf(target: TargetView, secret: KubeObject): Timeouts | undefined {
  const member = etcdConfigOf(target, secret);
  if (!member) return undefined;
  return {
    heartbeat: asInteger(member.config['heartbeat-interval']) ?? ETCD_DEFAULT_HEARTBEAT_MS,
    election: asInteger(member.config['election-timeout']) ?? ETCD_DEFAULT_ELECTION_MS,
  };
}

/** Each cluster's members' timeouts, keyed `namespace/cluster`, for the same-on-every-member check. */
function clusterTimeouts(target: TargetView): Map<string, { name: string; timeouts: Timeouts }[]> {
  return target.memo('etcd-timeouts', () => {
    const map = new Map<string, { name: string; timeouts: Timeouts }[]>();
    for (const secret of target.ofKind('Secret')) {
      if (!isEtcdBootstrapSecret(target, secret)) continue;
      const timeouts = timeoutsOf(target, secret);
      if (!timeouts) continue;
      const key = `${namespaceOf(secret) ?? ''}/${clusterNameOf(secret) ?? ''}`;
      const list = map.get(key);
      if (list) list.push({ name: nameOf(secret), timeouts });
      else map.set(key, [{ name: nameOf(secret), timeouts }]);
    }
    return map;
  });
}

/** etcd's heartbeat and election timeout suit the round trip between the member zones, and agree on every member. */
export const matchEtcdTimeoutsToRtt = defineRule<MatchEtcdTimeoutsConfig>({
  id: 'match-etcd-timeouts-to-rtt',
  area: 'etcd',
  description: 'etcd members share heartbeat and election timeouts that etcd accepts and that fit the round trip between their zones.',
  rationale: 'Every etcd member of a cluster uses the same heartbeat interval and election timeout, the election timeout is at least five heartbeats and at most 50 s, and (with the estate) the heartbeat is at least half and the election timeout at least ten round trips between the member zones. A heartbeat shorter than the round trip between zones makes followers miss heartbeats and call elections on a healthy leader; members with different timeouts disagree on when the leader is lost. etcd refuses an election timeout under five heartbeats or over 50 s and does not start.',
  remediation: 'Leave etcd.heartbeatIntervalMs and electionTimeoutMs unset so both are derived from the zones\' round-trip time (interZoneRttMs, zoneRtts); when overriding, keep heartbeat >= 0.5 x RTT and election timeout >= 10 x RTT and >= 5 x heartbeat, the same on every member.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['Secret'],
  relational: true,
  reads: ['Secret'],
  estateContext: 'optional',
  config: {
    minElectionHeartbeatRatio: { type: 'number', description: 'Election timeout / heartbeat interval, at least (etcd refuses under 5).', default: 5, minimum: 5 },
    minHeartbeatRttRatio: { type: 'number', description: 'Heartbeat interval / largest round trip between member zones, at least.', default: 0.5, minimum: 0 },
    minElectionRttRatio: { type: 'number', description: 'Election timeout / largest round trip between member zones, at least.', default: 10, minimum: 0 },
    maxElectionTimeoutMs: { type: 'integer', description: 'Largest election timeout (etcd refuses above 50,000 ms).', default: ETCD_MAX_ELECTION_MS, minimum: 1 },
  },
  check({ object, target, context, config }) {
    if (!isEtcdBootstrapSecret(target, object)) return notApplicable('not an etcd member bootstrap Secret');
    const own = timeoutsOf(target, object);
    if (!own) return notApplicable('the bootstrap Secret installs no etcd configuration this rule can read');
    const { heartbeat: hb, election: el } = own;
    const messages: string[] = [];
    if (hb < 1) messages.push(`heartbeat-interval ${hb} ms is not a positive number of milliseconds`);
    if (el < config.minElectionHeartbeatRatio * hb) messages.push(`election-timeout ${el} ms is under ${config.minElectionHeartbeatRatio} heartbeats (${hb} ms)`);
    if (el > config.maxElectionTimeoutMs) messages.push(`election-timeout ${el} ms is above ${config.maxElectionTimeoutMs} ms`);
    const cluster = clusterNameOf(object);
    const peers = clusterTimeouts(target).get(`${namespaceOf(object) ?? ''}/${cluster ?? ''}`) ?? [];
    const differing = peers.filter((p) => p.timeouts.heartbeat !== hb || p.timeouts.election !== el);
    if (differing.length > 0) {
      const p = differing[0];
      messages.push(`heartbeat ${hb} ms / election ${el} ms differ from ${p.name} (${p.timeouts.heartbeat} ms / ${p.timeouts.election} ms): every member must use the same timeouts`);
    }
    const rtt = cluster ? context?.clusters.get(cluster)?.maxEtcdMemberRttMs : undefined;
    if (rtt !== undefined && rtt > 0) {
      if (hb < config.minHeartbeatRttRatio * rtt) messages.push(`heartbeat-interval ${hb} ms is under ${config.minHeartbeatRttRatio} x the ${rtt} ms round trip between member zones`);
      if (el < config.minElectionRttRatio * rtt) messages.push(`election-timeout ${el} ms is under ${config.minElectionRttRatio} x the ${rtt} ms round trip between member zones`);
    }
    return violations(messages);
  },
});
