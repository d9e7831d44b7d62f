import { asArray, field, namespaceOf } from '../../engine/kube';
import { resolveHost } from '../../engine/mesh';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** The hosts a VirtualService or DestinationRule names resolve to a Service or a ServiceEntry of the target. */
export const requireKnownMeshHost = defineRule({
  id: 'require-known-mesh-host',
  area: 'mesh',
  description: 'Every route destination, DestinationRule host and mesh-bound VirtualService host names a Service of the target (short name or FQDN) or a ServiceEntry host.',
  rationale: 'Istio does not check hosts: a destination that names no Service has no endpoints and answers 503, a DestinationRule or mesh VirtualService for an unknown host is silently ignored, and a short name resolves in the object\'s own namespace, so "payment-worker" written in namespace trade means trade, not payment (Kiali KIA1101, KIA0202).',
  remediation: 'Write hosts as FQDNs (<service>.<namespace>.svc.<the cluster\'s service domain>) of Services that exist, or declare external hosts with a ServiceEntry; fix a typo in the Service name or namespace.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['VirtualService', 'DestinationRule'],
  relational: true,
  reads: ['Service', 'ServiceEntry'],
  estateContext: 'optional',
  config: {},
  check({ object, target, context }) {
    // A file that holds no Service and no ServiceEntry says nothing about which hosts exist.
    if (target.ofKind('Service').length === 0 && target.ofKind('ServiceEntry').length === 0) return notApplicable('the target has no Service or ServiceEntry to resolve hosts against');
    const ns = namespaceOf(object);
    const messages: string[] = [];
    // With the estate, a FQDN must end in the cluster's own service domain: another one does not resolve in its DNS.
    const domain = context?.clusters.get(target.name)?.plan.serviceDomain;
    const check = (host: unknown, what: string) => {
      if (typeof host !== 'string' || host.includes('*')) return;
      const r = resolveHost(target, host, ns);
      if (r.kind === 'unresolved') messages.push(`${what} "${host}" resolves to nothing (${r.why})`);
      else if (r.kind === 'service' && domain !== undefined) {
        const labels = host.toLowerCase().split('.');
        const written = labels.length > 3 && labels[2] === 'svc' ? labels.slice(3).join('.') : undefined;
        if (written !== undefined && written !== domain.toLowerCase()) messages.push(`${what} "${host}" names the service domain ${written}, but cluster ${target.name} uses ${domain}`);
      }
    };
    if (object.kind === 'DestinationRule') {
      check(field(object, 'spec.host'), 'host');
      return violations(messages);
    }
    const gateways = asArray(field(object, 'spec.gateways'));
    // Hosts of a VirtualService bound only to gateways are the names clients use at the edge (shop.example.com).
    if (gateways.length === 0 || gateways.includes('mesh')) for (const h of asArray(field(object, 'spec.hosts'))) check(h, 'host');
    const seen = new Set<string>();
    for (const protocol of ['http', 'tcp', 'tls']) {
      asArray(field(object, `spec.${protocol}`)).forEach((rule, i) => {
        for (const d of asArray(field(rule, 'route'))) {
          const host = field(d, 'destination.host');
          const key = `${protocol}/${i}/${String(host)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          check(host, `${protocol} route ${i + 1} destination`);
        }
        const mirror = field(rule, 'mirror.host');
        if (mirror !== undefined) check(mirror, `${protocol} route ${i + 1} mirror`);
      });
    }
    return violations(messages);
  },
});
