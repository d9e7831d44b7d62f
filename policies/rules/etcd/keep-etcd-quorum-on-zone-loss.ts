import { membersPerZone, quorum, zonesWhoseLossBreaksQuorum } from '../../../constructs/internal';
import { clusterNameOf, etcdMachinesOf } from '../../engine/capi';
import { asString, field, isObject, nameOf, namespaceOf } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** The etcd members are spread so that losing any one zone leaves a quorum. */
export const keepEtcdQuorumOnZoneLoss = defineRule({
  id: 'keep-etcd-quorum-on-zone-loss',
  area: 'etcd',
  description: 'The etcd member Machines of a cluster are spread over failure domains so that losing any one zone still leaves a quorum (n/2+1) of members.',
  rationale: 'A zone is the unit that fails together (power, network, a bad change). With 5 members placed 3+2 over two zones, losing the first zone loses quorum and the whole cluster becomes read-only; 2+2+1 over three zones survives any one zone.',
  remediation: 'Leave etcd.memberZones unset so members spread round-robin over the IDC\'s zones, and run clusters in IDCs with three or more zones; in hand-written YAML set each member Machine\'s spec.failureDomain so no zone holds n - quorum + 1 members.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane'],
  relational: true,
  reads: ['Machine'],
  estateContext: 'optional',
  config: {},
  check({ object, target, context }) {
    if (!isObject(field(object, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd.external'))) return notApplicable('the control plane has no external etcd');
    const cluster = clusterNameOf(object);
    const machines = cluster ? etcdMachinesOf(target, namespaceOf(object), cluster) : [];
    if (machines.length === 0) return notApplicable('no etcd member Machines of this cluster in the target');
    const unplaced = machines.filter((m) => !asString(field(m, 'spec.failureDomain')));
    if (unplaced.length > 0) {
      return violations([`etcd member(s) ${unplaced.map(nameOf).join(', ')} have no spec.failureDomain: where they run, and so what a zone loss takes, is left to chance`]);
    }
    const placement = machines.map((m) => String(field(m, 'spec.failureDomain')));
    const breaking = zonesWhoseLossBreaksQuorum(placement);
    if (breaking.length === 0) return violations([]);
    const counts = [...membersPerZone(placement)].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([zone, n]) => `${zone}: ${n}`).join(', ');
    const zones = context?.clusters.get(cluster!)?.idcZones;
    const hint = zones && zones.length < 3 ? `; the cluster's IDC has only ${zones.length} zone(s), so no placement there can survive a zone loss` : '';
    return violations([`losing zone ${breaking.join(' or ')} leaves fewer than ${quorum(placement.length)} of ${placement.length} members (${counts}): the cluster would lose quorum${hint}`]);
  },
});
