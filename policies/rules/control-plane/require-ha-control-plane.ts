import { ANNOTATION_ZONES } from '../../../constructs';
import { clusterNameOf } from '../../engine/capi';
import { annotationsOf, asInteger, field } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

export interface RequireHaControlPlaneConfig {
  readonly minReplicas: number;
  readonly minZones: number;
}

/** At least three API server replicas, spread over zones. */
export const requireHaControlPlane = defineRule<RequireHaControlPlaneConfig>({
  id: 'require-ha-control-plane',
  area: 'control-plane',
  description: 'A control plane runs at least 3 API server replicas, spread over at least 3 zones (or every zone its IDC has, when fewer).',
  rationale: 'One API server is a single point of failure for every controller, kubelet and deploy; replicas in one zone all go down with it. Three replicas over three zones survive a machine and a zone.',
  remediation: 'Set controlPlane.replicas to 3 or 5 and leave controlPlane.zones unset (every zone of the IDC); in hand-written YAML set KubeadmControlPlane spec.replicas to 3 or more and give the infrastructure cluster at least three failure domains.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane'],
  relational: false,
  estateContext: 'optional',
  config: {
    minReplicas: { type: 'integer', description: 'Fewest API server replicas.', default: 3, minimum: 1 },
    minZones: { type: 'integer', description: 'Fewest zones the replicas spread over (capped at the zones the IDC has).', default: 3, minimum: 1 },
  },
  check({ object, context, config }) {
    const messages: string[] = [];
    const replicas = asInteger(field(object, 'spec.replicas'));
    if (replicas === undefined) messages.push(`spec.replicas is not set: KubeadmControlPlane then runs 1 replica, under the ${config.minReplicas} an HA control plane needs`);
    else if (replicas < config.minReplicas) messages.push(`${replicas} API server replica(s), under the ${config.minReplicas} an HA control plane needs`);

    const cluster = clusterNameOf(object);
    const facts = cluster ? context?.clusters.get(cluster) : undefined;
    const annotated = annotationsOf(object)[ANNOTATION_ZONES];
    const zones = facts ? facts.plan.controlPlane.zones : annotated !== undefined ? annotated.split(',').map((z) => z.trim()).filter((z) => z) : undefined;
    if (zones) {
      const distinct = new Set(zones).size;
      const available = facts ? facts.idcZones.length : Math.max(distinct, config.minZones);
      const wanted = Math.min(config.minZones, available, Math.max(replicas ?? 1, 1));
      if (distinct < wanted) messages.push(`the replicas spread over ${distinct} zone(s) (${[...new Set(zones)].join(', ') || 'none'})${facts ? ` while the IDC offers ${facts.idcZones.length}` : ''}: at least ${wanted} needed`);
    }
    return violations(messages);
  },
});
