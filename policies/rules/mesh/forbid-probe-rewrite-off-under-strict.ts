import { asArray, containersOf, describeContainer, field, isObject, namespaceOf, podAnnotations, podLabels, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { effectiveMtls, isMeshed, ROOT_NAMESPACE_CONFIG } from '../../engine/mesh';
import { defineRule, notApplicable, violations } from '../../engine/types';

const REWRITE = 'sidecar.istio.io/rewriteAppHTTPProbers';
const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const;

/** A meshed pod under STRICT mutual TLS keeps Istio's probe rewrite for its HTTP and gRPC probes. */
export const forbidProbeRewriteOffUnderStrict = defineRule({
  id: 'forbid-probe-rewrite-off-under-strict',
  area: 'mesh',
  description: 'A meshed pod whose HTTP or gRPC probes target a STRICT mutual-TLS port keeps probe rewriting on (no sidecar.istio.io/rewriteAppHTTPProbers: "false").',
  rationale: 'The kubelet has no mesh certificate: without the rewrite its HTTP and gRPC probes reach the proxy in plain text and are refused under STRICT, so pods never become ready (or liveness restarts them in a loop) and a rollout stalls with no endpoints (istio.io, health checking of Istio services).',
  remediation: 'Remove the annotation (Istio rewrites probes by default), or open the probe port with portLevelMtls PERMISSIVE on the workload\'s PeerAuthentication.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: true,
  reads: ['PeerAuthentication', 'Namespace'],
  estateContext: 'none',
  config: { meshRootNamespace: ROOT_NAMESPACE_CONFIG },
  check({ object, target, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    if (podAnnotations(template)[REWRITE] !== 'false') return notApplicable('probe rewriting is on');
    const ns = namespaceOf(object);
    if (!isMeshed(target, ns, template)) return notApplicable('the pods are not in the mesh');
    const labels = podLabels(template);
    const messages: string[] = [];
    for (const ref of containersOf(template.spec)) {
      const ports = asArray(ref.container.ports).filter(isObject);
      for (const key of PROBES) {
        const probe = ref.container[key];
        if (!isObject(probe)) continue;
        const kind = isObject(probe.httpGet) ? 'HTTP' : isObject(probe.grpc) ? 'gRPC' : undefined;
        if (!kind) continue;
        const raw = kind === 'HTTP' ? field(probe, 'httpGet.port') : field(probe, 'grpc.port');
        const port = typeof raw === 'number' ? raw : ports.find((p) => p.name === raw)?.containerPort;
        const mtls = effectiveMtls(target, ns, labels, typeof port === 'number' ? port : undefined, String(config.meshRootNamespace));
        if (mtls.mode !== 'STRICT') continue;
        messages.push(`${describeContainer(ref)}: the ${kind} ${key} on port ${String(raw)} is refused, since ${mtls.from} makes it STRICT and ${REWRITE} is "false"`);
      }
    }
    return violations(messages);
  },
});
