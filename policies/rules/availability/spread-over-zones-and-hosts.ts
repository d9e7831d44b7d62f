import { NODE_ZONE } from '../../../constructs/internal';
import { asArray, asInteger, asObject, field, isObject, podLabels, podTemplateOf, REPLICATED_KINDS, selectorMatches } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

const ANTI_AFFINITY_KEYS = ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'] as const;

export interface SpreadOverZonesAndHostsConfig {
  readonly zoneKey: string;
  readonly hostKey: string;
  readonly maxZoneSkew: number;
  readonly requireHostAntiAffinity: boolean;
}

/** Replicas spread over zones (a topology spread constraint) and hosts (anti-affinity or a spread constraint). */
export const spreadOverZonesAndHosts = defineRule<SpreadOverZonesAndHostsConfig>({
  id: 'spread-over-zones-and-hosts',
  area: 'availability',
  description: 'Every Deployment and StatefulSet spreads its pods over zones and over hosts, with constraints that select its own pods.',
  rationale: 'Every Deployment and StatefulSet spreads its pods over zones with a topology spread constraint (max skew 1) and over hosts with pod anti-affinity or a hostname spread constraint, each selecting the pod\'s own labels. The scheduler packs pods wherever they fit: without a spread, every replica can land in one zone or on one host, and one zone outage or one node drain takes the whole service down however many replicas it has. A constraint whose selector does not match the pod\'s own labels counts no pods and spreads nothing.',
  remediation: 'Use the app templates\' placement; in hand-written YAML add topologySpreadConstraints on topology.kubernetes.io/zone with maxSkew 1 and podAntiAffinity (preferred is enough) on kubernetes.io/hostname, both with a labelSelector matching spec.template.metadata.labels.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: [...REPLICATED_KINDS],
  relational: false,
  estateContext: 'none',
  config: {
    zoneKey: { type: 'string', description: 'Node label of the zone.', default: NODE_ZONE },
    hostKey: { type: 'string', description: 'Node label of the host.', default: 'kubernetes.io/hostname' },
    maxZoneSkew: { type: 'integer', description: 'Largest allowed maxSkew of the zone constraint.', default: 1, minimum: 1 },
    requireHostAntiAffinity: { type: 'boolean', description: 'Require spreading over hosts as well.', default: true },
  },
  check({ object, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    if (asInteger(field(object, 'spec.replicas')) === 0) return notApplicable('scaled to zero');
    const labels = podLabels(template);
    const constraints = asArray(template.spec.topologySpreadConstraints);
    const messages: string[] = [];
    // One pass over the constraints: those on the zone key (any, and those that select the pod's own labels).
    let zones = 0;
    let ownZones = 0;
    let skew = Infinity;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (!isObject(c) || c.topologyKey !== config.zoneKey) continue;
      zones++;
      if (selectorMatches(c.labelSelector, labels)) {
        ownZones++;
        skew = Math.min(skew, asInteger(c.maxSkew) ?? Infinity);
      }
    }
    if (zones === 0) messages.push(`no topology spread constraint on ${config.zoneKey}: all replicas may land in one zone`);
    else if (ownZones === 0) messages.push(`the ${config.zoneKey} spread constraint's labelSelector does not match the pod's labels: it spreads nothing`);
    else if (skew > config.maxZoneSkew) messages.push(`the zone spread allows a skew of ${skew}; at most ${config.maxZoneSkew}`);
    if (config.requireHostAntiAffinity) {
      // Pod anti-affinity terms (required, then preferred: their podAffinityTerm) and spread constraints on the host key.
      const antiAffinity = asObject(asObject(template.spec.affinity)?.podAntiAffinity);
      let hosts = 0;
      let ownHosts = 0;
      const count = (term: unknown): void => {
        if (!isObject(term) || term.topologyKey !== config.hostKey) return;
        hosts++;
        if (selectorMatches(term.labelSelector, labels)) ownHosts++;
      };
      for (const key of ANTI_AFFINITY_KEYS) {
        const terms = asArray(antiAffinity?.[key]);
        for (let i = 0; i < terms.length; i++) {
          const t = terms[i];
          count(isObject(t) && isObject(t.podAffinityTerm) ? t.podAffinityTerm : t);
        }
      }
      for (let i = 0; i < constraints.length; i++) count(constraints[i]);
      if (hosts === 0) messages.push(`no pod anti-affinity or spread constraint on ${config.hostKey}: replicas may share a host`);
      else if (ownHosts === 0) messages.push(`the ${config.hostKey} anti-affinity's labelSelector does not match the pod's labels: it keeps nothing apart`);
    }
    return violations(messages);
  },
});
