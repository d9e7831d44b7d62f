import type { KubeObject } from '../../../constructs';
import { asArray, describe, field, isObject, Json, mapSelectorMatches, namespaceOf, stringMap, WORKLOAD_KINDS } from '../../engine/kube';
import { effectiveMtls, isMeshed, podsOfService, resolveHost, ROOT_NAMESPACE_CONFIG, serviceHost } from '../../engine/mesh';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** The traffic policy that applies to one port: the port-level setting for it, else the policy itself. */
function policyForPort(policy: unknown, port: number | undefined): unknown {
  if (port !== undefined) {
    const level = asArray(field(policy, 'portLevelSettings')).find((p) => field(p, 'port.number') === port);
    if (level !== undefined) return level;
  }
  return policy;
}

function disables(policy: unknown): boolean {
  return field(policy, 'tls.mode') === 'DISABLE';
}

/** Whether any place of a DestinationRule sets `tls.mode: DISABLE`. */
function anyDisable(dr: KubeObject): boolean {
  const policies = [field(dr, 'spec.trafficPolicy'), ...asArray(field(dr, 'spec.subsets')).map((s) => field(s, 'trafficPolicy'))];
  return policies.some((p) => disables(p) || asArray(field(p, 'portLevelSettings')).some(disables));
}

interface ServicePort { readonly port: number; readonly targetPort?: number }

function servicePorts(service: KubeObject | undefined): ServicePort[] {
  return asArray(field(service, 'spec.ports')).filter(isObject).flatMap((p: Json) => {
    if (typeof p.port !== 'number') return [];
    return [{ port: p.port, ...(typeof p.targetPort === 'number' ? { targetPort: p.targetPort } : typeof p.targetPort === 'string' ? {} : { targetPort: p.port }) }];
  });
}

/** No DestinationRule sends plain text (`tls.mode: DISABLE`) to workloads whose PeerAuthentication is STRICT. */
export const forbidPlaintextToStrictWorkloads = defineRule({
  id: 'forbid-plaintext-to-strict-workloads',
  area: 'mesh',
  description: 'No DestinationRule traffic policy, port-level setting or subset sets tls.mode DISABLE toward meshed workloads that PeerAuthentication makes STRICT.',
  rationale: 'Under STRICT the server-side proxy accepts only mutual TLS; a client told to send plain text is refused on every connection and answers 503 (Kiali KIA0207, KIA0208; Istio IST0113). With auto mTLS a DestinationRule for an in-mesh host needs no tls block at all.',
  remediation: 'Remove the tls block (auto mTLS picks ISTIO_MUTUAL), or set tls.mode ISTIO_MUTUAL; if a caller outside the mesh must send plain text, open that port with portLevelMtls PERMISSIVE on the workload instead.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['DestinationRule'],
  relational: true,
  reads: ['PeerAuthentication', 'Service', 'ServiceEntry', 'Namespace', ...WORKLOAD_KINDS],
  estateContext: 'none',
  config: { meshRootNamespace: ROOT_NAMESPACE_CONFIG },
  check({ object, target, config }) {
    if (!anyDisable(object)) return notApplicable('the DestinationRule does not disable TLS');
    const host = field(object, 'spec.host');
    if (typeof host !== 'string') return notApplicable('the DestinationRule has no host');
    const root = String(config.meshRootNamespace);
    const resolved = resolveHost(target, host, namespaceOf(object));
    const svc = resolved.kind === 'service' ? resolved.service : undefined;
    const svcNamespace = svc ? namespaceOf(svc) : serviceHost(host, namespaceOf(object))?.namespace;
    if (resolved.kind === 'service-entry' || svcNamespace === undefined) return notApplicable(`${host} is not a workload of the mesh`);
    const selected = svc ? podsOfService(target, svc) : [];
    const pods = selected.filter((p) => isMeshed(target, svcNamespace, p.template));
    if (selected.length > 0 && pods.length === 0) return notApplicable(`the pods behind ${host} are not in the mesh: no proxy refuses plain text`);
    const ports: (ServicePort | undefined)[] = svc && servicePorts(svc).length > 0 ? servicePorts(svc) : [undefined];
    const messages = new Set<string>();
    const judge = (where: string, policy: unknown, subsetLabels: Record<string, string> | undefined) => {
      for (const port of ports) {
        if (!disables(policyForPort(policy, port?.port))) continue;
        const at = port ? `, port ${port.port}` : '';
        if (pods.length === 0) {
          // No pods known (the Service's workloads are elsewhere): the namespace's or the mesh's mode still tells.
          const mtls = effectiveMtls(target, svcNamespace, {}, undefined, root);
          if (mtls.mode === 'STRICT') messages.add(`${where}${at}: tls.mode DISABLE sends plain text to ${host}, which ${mtls.from} makes STRICT: every request fails (503)`);
          continue;
        }
        for (const p of pods) {
          if (subsetLabels && !mapSelectorMatches(subsetLabels, p.labels)) continue;
          const mtls = effectiveMtls(target, svcNamespace, p.labels, port?.targetPort, root);
          if (mtls.mode !== 'STRICT') continue;
          messages.add(`${where}${at}: tls.mode DISABLE sends plain text to the pods of ${describe(p.workload)}, which ${mtls.from} makes STRICT: every request fails (503)`);
        }
      }
    };
    const top = field(object, 'spec.trafficPolicy');
    const subsets = asArray(field(object, 'spec.subsets')).filter(isObject);
    // Pods a subset selects take the subset's policy where it sets one: judge the top-level policy on the rest.
    judge('trafficPolicy', top, undefined);
    for (const s of subsets) {
      const labels = stringMap(s.labels);
      const policy = field(s, 'trafficPolicy');
      if (policy !== undefined) judge(`subset ${String(s.name ?? '')}`, policy, Object.keys(labels).length > 0 ? labels : undefined);
    }
    return violations([...messages]);
  },
});
