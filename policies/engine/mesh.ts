/**
 * What the mesh rules need to know about a target beyond routes: which Service or ServiceEntry a host names, which
 * pods are in the mesh, and which mutual-TLS mode a workload receives under Istio's PeerAuthentication precedence.
 * Everything is read from the objects as Istio documents them (networking.istio.io/v1, security.istio.io/v1), so
 * the rules work on synthesized and hand-written YAML alike.
 */
import type { KubeObject } from '../../constructs';
import { hostServes } from '../../constructs/mesh/gateway';
import {
  asArray, describe, field, isObject, labelsOf, mapSelectorMatches, namespaceOf, PodTemplate, podAnnotations, podLabels, podTemplatesIn,
  stringMap,
} from './kube';
import type { TargetView } from './target';

/** Istio's default root namespace: a PeerAuthentication without selector there applies to the whole mesh. */
export const DEFAULT_MESH_ROOT_NAMESPACE = 'istio-system';

/** A host that names a Kubernetes Service: `name`, `name.ns`, `name.ns.svc` or `name.ns.svc.<domain>`. */
export interface ServiceHost {
  readonly name: string;
  readonly namespace: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The Service a host names, resolved as Istio does for an object in `namespace` (short names in the object's own
 * namespace); undefined for wildcards and for hosts that are not Service names (`shop.example.com`). Any cluster
 * domain is accepted after `.svc`, since a YAML file does not say which domain its cluster uses.
 */
export function serviceHost(host: string, namespace: string | undefined): ServiceHost | undefined {
  if (host.includes('*') || host === '') return undefined;
  const labels = host.toLowerCase().split('.');
  if (!labels.every((l) => DNS_LABEL.test(l))) return undefined;
  if (labels.length === 1) return { name: labels[0], namespace: namespace ?? 'default' };
  if (labels.length === 2) return { name: labels[0], namespace: labels[1] };
  if (labels[2] === 'svc') return { name: labels[0], namespace: labels[1] };
  return undefined;
}

/**
 * A host reduced to one key as Istio resolves it for an object in `namespace`: a Service's names (`name`, `name.ns`,
 * `name.ns.svc`, `name.ns.svc.<domain>`) become `name.ns`; any other host (external, wildcard) stays itself,
 * lower-cased. What the diff's routing view and the Pulumi program's apply order match destinations by.
 */
export function meshHostKey(host: string, namespace: string | undefined): string {
  const svc = serviceHost(host, namespace);
  return svc ? `${svc.name}.${svc.namespace}` : host.toLowerCase();
}

/** Every host the target's ServiceEntries declare (namespace-local exports ignored: offline, every entry is visible). */
export function serviceEntryHosts(target: TargetView): readonly string[] {
  return target.memo('mesh:service-entry-hosts', () =>
    target.ofKind('ServiceEntry').flatMap((se) => asArray(field(se, 'spec.hosts')).filter((h): h is string => typeof h === 'string')));
}

/** How a host resolves: to a Service of the target, to a ServiceEntry, or to nothing. */
export type HostResolution =
  | { readonly kind: 'service'; readonly service: KubeObject }
  | { readonly kind: 'service-entry'; readonly host: string }
  | { readonly kind: 'unresolved'; readonly why: string };

/** Resolves a host for an object in `namespace`. */
export function resolveHost(target: TargetView, host: string, namespace: string | undefined): HostResolution {
  const svc = serviceHost(host, namespace);
  if (svc) {
    const service = target.find('Service', svc.namespace, svc.name);
    if (service) return { kind: 'service', service };
  }
  // A ServiceEntry may declare an in-cluster-looking name too, so it is tried for every host; a short name is
  // compared in its fully qualified form as well.
  const candidates = svc ? [host, `${svc.name}.${svc.namespace}.svc.cluster.local`] : [host];
  const entry = serviceEntryHosts(target).find((h) => candidates.some((c) => hostServes(h, c)));
  if (entry !== undefined) return { kind: 'service-entry', host: entry };
  return { kind: 'unresolved', why: svc ? `no Service ${svc.namespace}/${svc.name} and no ServiceEntry for it` : 'no ServiceEntry declares it' };
}

/** The pod templates a Service selects (its namespace, plain selector). */
export function podsOfService(
  target: TargetView,
  service: KubeObject,
): { workload: KubeObject; template: PodTemplate; labels: Record<string, string> }[] {
  const selector = stringMap(field(service, 'spec.selector'));
  return podTemplatesIn(target, namespaceOf(service)).filter((p) => mapSelectorMatches(selector, p.labels));
}

/**
 * True when Istio injects a proxy into the pod: the pod says `sidecar.istio.io/inject: "true"` or names a revision
 * (`istio.io/rev`), or its namespace enables injection (`istio-injection: enabled` or `istio.io/rev`), and the pod
 * does not opt out (`sidecar.istio.io/inject: "false"`). The label and the older annotation are both read.
 */
export function isMeshed(target: TargetView, namespace: string | undefined, template: PodTemplate): boolean {
  const labels = podLabels(template);
  const annotations = podAnnotations(template);
  const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (inject === 'false') return false;
  if (inject === 'true' || labels['istio.io/rev'] !== undefined) return true;
  const ns = target.find('Namespace', undefined, namespace ?? 'default');
  if (!ns) return false;
  const nsLabels = labelsOf(ns);
  if (nsLabels['istio-injection'] === 'disabled') return false;
  return nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined;
}

/** A mutual-TLS mode as PeerAuthentication writes it; `UNSET` inherits from the level above. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

/** The mode a workload's port receives and the PeerAuthentication that decided it (undefined: Istio's default). */
export interface EffectiveMtls {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  readonly from?: string;
}

function modeOf(value: unknown): MtlsMode {
  return value === 'STRICT' || value === 'PERMISSIVE' || value === 'DISABLE' ? value : 'UNSET';
}

/**
 * The mutual-TLS mode a workload with `labels` in `namespace` receives on `port` (a container port; any port when
 * undefined, which then reads the workload-wide mode). Istio's precedence: a workload's own PeerAuthentication
 * (selector; its `portLevelMtls` first), then the namespace's (no selector), then the mesh's (no selector, in the
 * root namespace), then PERMISSIVE. `UNSET` defers to the next level. Of several candidates at one level, the
 * oldest wins in Istio; offline, the first in the target does.
 */
export function effectiveMtls(
  target: TargetView,
  namespace: string | undefined,
  labels: Record<string, string>,
  port: number | undefined,
  rootNamespace: string,
): EffectiveMtls {
  const inNamespace = target.inNamespace('PeerAuthentication', namespace);
  const workload = inNamespace.find((pa) => {
    const selector = stringMap(field(pa, 'spec.selector.matchLabels'));
    return Object.keys(selector).length > 0 && mapSelectorMatches(selector, labels);
  });
  if (workload) {
    if (port !== undefined) {
      const portLevel = field(workload, `spec.portLevelMtls`);
      const mode = isObject(portLevel) ? modeOf(field(portLevel[String(port)], 'mode')) : 'UNSET';
      if (mode !== 'UNSET') return { mode, from: `${describe(workload)} (port ${port})` };
    }
    const mode = modeOf(field(workload, 'spec.mtls.mode'));
    if (mode !== 'UNSET') return { mode, from: describe(workload) };
  }
  const wide = (list: readonly KubeObject[]) => list.find((pa) => Object.keys(stringMap(field(pa, 'spec.selector.matchLabels'))).length === 0);
  for (const policy of [wide(inNamespace), wide(target.inNamespace('PeerAuthentication', rootNamespace))]) {
    const mode = policy ? modeOf(field(policy, 'spec.mtls.mode')) : 'UNSET';
    if (policy && mode !== 'UNSET') return { mode, from: describe(policy) };
  }
  return { mode: 'PERMISSIVE' };
}

/** The root namespace property every rule reading PeerAuthentications takes. */
export const ROOT_NAMESPACE_CONFIG = {
  type: 'string',
  default: DEFAULT_MESH_ROOT_NAMESPACE,
  description: 'The mesh\'s root namespace (meshConfig.rootNamespace): its PeerAuthentication without selector applies mesh-wide.',
} as const;
