import type { KubeObject } from '../../../constructs';
import { subsetsByHost, routeLabel, routesOf } from '../../engine/istio';
import { field, namespaceOf, podTemplatesIn, stringMap, WORKLOAD_KINDS } from '../../engine/kube';
import { serviceHost } from '../../engine/mesh';
import type { TargetView } from '../../engine/target';
import { defineRule, violations } from '../../engine/types';

/**
 * Why no pod serves a defined subset of a Service host, or undefined when one does or when the target cannot tell
 * (an external host, a Service or workloads that are not among the objects).
 */
function unserved(target: TargetView, host: string, labels: Record<string, string>, ownNamespace: string | undefined): string | undefined {
  const svc = serviceHost(host, ownNamespace);
  if (!svc) return undefined;
  const service: KubeObject | undefined = target.find('Service', svc.namespace, svc.name);
  const pods = podTemplatesIn(target, svc.namespace);
  if (!service || pods.length === 0) return undefined;
  const wanted = { ...stringMap(field(service, 'spec.selector')), ...labels };
  const entries = Object.entries(wanted);
  if (pods.some((p) => field(p.workload, 'spec.replicas') !== 0 && entries.every(([k, v]) => p.labels[k] === v))) return undefined;
  return entries.map(([k, v]) => `${k}=${v}`).sort().join(', ');
}

/** Every subset a VirtualService routes to is defined by a DestinationRule for the same host. */
export const requireDefinedSubset = defineRule({
  id: 'require-defined-subset',
  area: 'mesh',
  description: 'Every subset a VirtualService route names is defined by a DestinationRule of the same host and, where the target has its pods, selects some.',
  rationale: 'Short hosts resolve in the object\'s namespace; a subset selects the Service\'s pods that also carry its labels. A route to a subset no DestinationRule defines, or whose labels no pod carries (Kiali KIA0203), has no endpoints: Envoy answers 503 (no healthy upstream) for the requests it takes, often only the canary\'s share, which hides the fault until the weight grows (Kiali KIA1107).',
  remediation: 'Define the subset in the host\'s DestinationRule (labels of the release channel, for example cluster-estate.io/channel: gray), or route to a subset that exists and whose release channel runs (deploy the gray Deployment before routing to it). Apply the DestinationRule before the VirtualService.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['VirtualService'],
  relational: true,
  reads: ['DestinationRule', 'Service', ...WORKLOAD_KINDS],
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
        else if (!defined.has(d.subset)) messages.push(`${routeLabel(route)} sends traffic to subset "${d.subset}" of ${d.host}, which its DestinationRule does not define (it defines ${[...defined.keys()].sort().join(', ') || 'none'})`);
        else {
          const missing = unserved(target, d.host, defined.get(d.subset)!, namespaceOf(object));
          if (missing !== undefined) messages.push(`${routeLabel(route)} sends traffic to subset "${d.subset}" of ${d.host}, but no workload's pods carry ${missing}`);
        }
      }
    }
    return violations(messages);
  },
});
