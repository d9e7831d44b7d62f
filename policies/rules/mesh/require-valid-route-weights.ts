import { routeLabel, routesOf } from '../../engine/istio';
import { defineRule, violations } from '../../engine/types';

/** Route weights are whole, non-negative and add up to 100; a lone destination carries no partial weight. */
export const requireValidRouteWeights = defineRule({
  id: 'require-valid-route-weights',
  area: 'mesh',
  description: 'VirtualService route weights are whole numbers from 0 to 100 adding up to 100, and a lone destination carries no weight or 100.',
  rationale: 'Weights must be whole numbers from 0 to 100. Istio treats weights as relative, so 10/10 is 50/50 and a lone destination at 5 still takes everything: a canary step written as a share of 100 silently means something else (Kiali KIA1104). A negative weight is rejected at apply.',
  remediation: 'Write the split as shares of 100, for example stable 95 and gray 5; leave a lone destination without a weight.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['VirtualService'],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object }) {
    const messages: string[] = [];
    for (const route of routesOf(object)) {
      const weighted = route.destinations.filter((d) => d.weight !== undefined);
      if (weighted.length === 0) continue;
      const bad = weighted.filter((d) => typeof d.weight !== 'number' || !Number.isInteger(d.weight) || d.weight < 0 || d.weight > 100);
      for (const d of bad) messages.push(`${routeLabel(route)}: the weight of ${d.subset ?? d.host} must be a whole number from 0 to 100, not ${JSON.stringify(d.weight)}`);
      if (bad.length > 0) continue;
      if (route.destinations.length === 1 && weighted[0].weight !== 100) {
        messages.push(`${routeLabel(route)} has one destination with weight ${String(weighted[0].weight)}: it still takes all the traffic`);
        continue;
      }
      const sum = route.destinations.reduce((n, d) => n + (typeof d.weight === 'number' ? d.weight : 0), 0);
      if (sum !== 100) messages.push(`${routeLabel(route)}: the weights add up to ${sum}, not 100 (Istio reads them as relative shares)`);
    }
    return violations(messages);
  },
});
