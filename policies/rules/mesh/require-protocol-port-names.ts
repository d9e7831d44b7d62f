import { asArray, field, isObject, namespaceOf, WORKLOAD_KINDS } from '../../engine/kube';
import { isMeshed, podsOfService } from '../../engine/mesh';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** The protocols Istio reads from a Service port's name prefix (istio.io, protocol selection). */
const PROTOCOLS = ['grpc', 'grpc-web', 'http', 'http2', 'https', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp'];

function namesProtocol(name: string): boolean {
  const n = name.toLowerCase();
  return PROTOCOLS.some((p) => n === p || n.startsWith(`${p}-`));
}

/** The ports of a Service in front of meshed pods say their protocol, by name prefix or appProtocol. */
export const requireProtocolPortNames = defineRule({
  id: 'require-protocol-port-names',
  area: 'mesh',
  description: 'Every port of a Service that selects meshed pods is named <protocol>[-suffix] (http, http2, grpc, tcp, tls, …) or sets appProtocol.',
  rationale: 'Istio picks L7 handling from the port name or appProtocol; otherwise it sniffs the protocol, which adds latency to server-first protocols, treats them as opaque TCP (no retries, no header routes, no per-request metrics), and makes a canary by header silently split by connection instead (Kiali KIA0601, Istio IST0118).',
  remediation: 'Rename the port to http, http-admin, grpc, tcp-… as the traffic is, or set appProtocol (http, grpc, tcp); the name prefix is read only when appProtocol is absent.',
  severity: 'medium',
  enforcement: 'advisory',
  kinds: ['Service'],
  relational: true,
  reads: [...WORKLOAD_KINDS, 'Namespace'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    if (field(object, 'spec.type') === 'ExternalName') return notApplicable('an ExternalName Service has no pods');
    const ns = namespaceOf(object);
    const pods = podsOfService(target, object);
    if (!pods.some((p) => isMeshed(target, ns, p.template))) return notApplicable('the Service selects no meshed pods');
    const messages: string[] = [];
    asArray(field(object, 'spec.ports')).filter(isObject).forEach((p, i) => {
      if (typeof p.appProtocol === 'string' && p.appProtocol !== '') return;
      const name = typeof p.name === 'string' ? p.name : '';
      // Istio's own gateway health port: istiod configures it itself, whatever its name.
      if (name !== '' && (namesProtocol(name) || (name === 'status-port' && p.port === 15021))) return;
      const which = name === '' ? `port ${String(p.port ?? i + 1)} has no name` : `port ${String(p.port ?? i + 1)} is named "${name}"`;
      messages.push(`${which} and no appProtocol: Istio has to guess its protocol`);
    });
    return violations(messages);
  },
});
