import { asArray, field, namespaceOf } from '../../engine/kube';
import { resolveHost, serviceHost } from '../../engine/mesh';
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
  relational: true,
  reads: ['ServiceEntry'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const gateways = field(object, 'spec.gateways');
    if (gateways === undefined) return notApplicable('no gateways: the VirtualService applies to the mesh');
    const list = asArray(gateways);
    const subsets = ['http', 'tcp', 'tls']
      .flatMap((p) => asArray(field(object, `spec.${p}`)))
      .flatMap((r) => asArray(field(r, 'route')))
      .some((d) => field(d, 'destination.subset') !== undefined);
    if (!subsets) return notApplicable('the VirtualService routes to no subset');
    // Sidecars route only names of the mesh's registry: a Service name, or a ServiceEntry host. An edge name (the host a
    // client outside sends to the gateway) is not one, so binding "mesh" would change nothing for in-mesh callers.
    const ns = namespaceOf(object);
    const meshNames = asArray(field(object, 'spec.hosts')).filter((h) => typeof h === 'string'
      && (h.includes('*') || serviceHost(h, ns) !== undefined || resolveHost(target, h, ns).kind !== 'unresolved'));
    if (meshNames.length === 0) return notApplicable('its hosts are edge names that no Service or ServiceEntry declares: in-mesh callers do not use them');
    return violations(list.includes('mesh') ? [] : [`it routes to subsets and lists gateways ${list.map(String).join(', ')} without "mesh": callers inside the mesh bypass its routes`]);
  },
});
