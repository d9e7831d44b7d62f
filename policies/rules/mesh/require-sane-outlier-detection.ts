import { durationMs } from '../../engine/istio';
import { asArray, field, isObject } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

/** Outlier detection that can act and cannot eject everything. */
export const requireSaneOutlierDetection = defineRule({
  id: 'require-sane-outlier-detection',
  area: 'mesh',
  description: 'Every outlierDetection of a DestinationRule can act and cannot eject every host, and every localityLbSetting comes with outlier detection.',
  rationale: 'Checked in the traffic policy, its port-level settings and every subset: durations of 1 ms or more, maxEjectionPercent below 100, consecutiveGatewayErrors below consecutive5xxErrors. Istio rejects durations under 1 ms; maxEjectionPercent 100 lets a shared failure (a bad dependency) eject every host, leaving nothing to serve; gateway errors are 5xx errors too, so a gateway threshold at or above the 5xx one never fires; locality failover acts only on hosts that outlier detection ejects.',
  remediation: 'Use durations such as 10s and 30s, keep maxEjectionPercent at 10 to 50, set consecutiveGatewayErrors below consecutive5xxErrors (or leave it out), and add outlierDetection where localityLbSetting is set.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: ['DestinationRule'],
  relational: false,
  estateContext: 'none',
  config: {
    allowFullEjection: { type: 'boolean', default: false, description: 'Accept maxEjectionPercent 100.' },
  },
  check({ object, config }) {
    const messages: string[] = [];
    const policies: [string, unknown][] = [['trafficPolicy', field(object, 'spec.trafficPolicy')]];
    asArray(field(object, 'spec.trafficPolicy.portLevelSettings')).forEach((p, i) => policies.push([`trafficPolicy.portLevelSettings[${i}]`, p]));
    asArray(field(object, 'spec.subsets')).forEach((s, i) => {
      const name = isObject(s) && typeof s.name === 'string' ? s.name : String(i);
      policies.push([`subset ${name}`, field(s, 'trafficPolicy')]);
      asArray(field(s, 'trafficPolicy.portLevelSettings')).forEach((p, j) => policies.push([`subset ${name} portLevelSettings[${j}]`, p]));
    });
    for (const [where, policy] of policies) {
      if (!isObject(policy)) continue;
      const od = policy.outlierDetection;
      if (field(policy, 'loadBalancer.localityLbSetting') !== undefined && !isObject(od)) messages.push(`${where}: localityLbSetting without outlierDetection never fails over`);
      if (!isObject(od)) continue;
      for (const key of ['interval', 'baseEjectionTime']) {
        if (od[key] === undefined) continue;
        const ms = durationMs(od[key]);
        if (ms === undefined || ms < 1) messages.push(`${where}: outlierDetection.${key} must be a duration of 1ms or more, not ${JSON.stringify(od[key])}`);
      }
      const max = od.maxEjectionPercent;
      if (max !== undefined && (typeof max !== 'number' || max < 0 || max > 100)) messages.push(`${where}: outlierDetection.maxEjectionPercent must be from 0 to 100, not ${JSON.stringify(max)}`);
      else if (max === 100 && config.allowFullEjection !== true) messages.push(`${where}: outlierDetection.maxEjectionPercent 100 can eject every host`);
      const gw = od.consecutiveGatewayErrors;
      const five = od.consecutive5xxErrors ?? 5;
      if (typeof gw === 'number' && typeof five === 'number' && gw > 0 && five > 0 && gw >= five) messages.push(`${where}: consecutiveGatewayErrors ${gw} is not below consecutive5xxErrors ${five}: it never fires`);
    }
    return violations(messages);
  },
});
