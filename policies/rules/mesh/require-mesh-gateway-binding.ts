import { asArray, field } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** A VirtualService that splits or matches traffic between subsets and lists gateways also lists `mesh`. */
export const requireMeshGatewayBinding = defineRule({
  id: 'require-mesh-gateway-binding',
  area: 'mesh',
  description: 'A VirtualService that routes to subsets and lists gateways also lists the reserved gateway "mesh", so that in-mesh callers\' sidecars apply it.',
  rationale: 'With gateways set and "mesh" missing, the routes bind only to those gateways: calls between services inside the mesh ignore the canary and are balanced over every pod behind the Service, gray included, by pod count (Istio IST0140, Kiali KIA1102).',
  remediation: 'Add "mesh" to spec.gateways (or leave gateways out, which means mesh only), or keep a second VirtualService for in-mesh callers.',
  severity: 'medium',
  enforcement: 'mandatory',
  kinds: ['VirtualService'],
  relational: false,
  estateContext: 'none',
  config: {},
  check({ object }) {
    const gateways = field(object, 'spec.gateways');
    if (gateways === undefined) return notApplicable('no gateways: the VirtualService applies to the mesh');
    const list = asArray(gateways);
    const subsets = ['http', 'tcp', 'tls'].flatMap((p) => asArray(field(object, `spec.${p}`))).flatMap((r) => asArray(field(r, 'route'))).some((d) => field(d, 'destination.subset') !== undefined);
    if (!subsets) return notApplicable('the VirtualService routes to no subset');
    return violations(list.includes('mesh') ? [] : [`it routes to subsets and lists gateways ${list.map(String).join(', ')} without "mesh": callers inside the mesh bypass its routes`]);
  },
});
