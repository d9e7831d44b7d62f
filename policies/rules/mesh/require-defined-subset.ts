import { subsetsByHost, routeLabel, routesOf } from '../../engine/istio';
import { defineRule, violations } from '../../engine/types';

/** Every subset a VirtualService routes to is defined by a DestinationRule for the same host. */
export const requireDefinedSubset = defineRule({
  id: 'require-defined-subset',
  area: 'mesh',
  description: 'Every subset a VirtualService route names is defined by a DestinationRule of the same host (short hosts resolved in the object\'s namespace).',
  rationale: 'A route to a subset no DestinationRule defines has no endpoints: Envoy answers 503 (no healthy upstream) for the requests it takes, often only the canary\'s share, which hides the fault until the weight grows (Kiali KIA1107).',
  remediation: 'Define the subset in the host\'s DestinationRule (labels of the release channel, for example cluster-estate.io/channel: gray), or route to a subset that exists. Apply the DestinationRule before the VirtualService.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['VirtualService'],
  relational: true,
  reads: ['DestinationRule'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const subsets = target.memo('mesh:subsets-by-host', () => subsetsByHost(target.ofKind('DestinationRule')));
    const messages: string[] = [];
    for (const route of routesOf(object)) {
      for (const d of route.destinations) {
        if (d.subset === undefined) continue;
        const defined = subsets.get(d.host);
        if (!defined) messages.push(`${routeLabel(route)} sends traffic to subset "${d.subset}" of ${d.host}, but no DestinationRule has that host`);
        else if (!defined.has(d.subset)) messages.push(`${routeLabel(route)} sends traffic to subset "${d.subset}" of ${d.host}, which its DestinationRule does not define (it defines ${[...defined].sort().join(', ') || 'none'})`);
      }
    }
    return violations(messages);
  },
});
