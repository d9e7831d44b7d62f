import { k8s } from 'cdk8s-plus-28';
import type { KubeObject } from '../../synth/kube-object';

/**
 * Turns cdk8s-plus-28's typed `k8s` structs into the manifest, the way their own converters do (`KubeDeployment.
 * manifest(props)`: `Quantity` and `IntOrString` to their values, TypeScript names to the API's names such as
 * `setHostnameAsFqdn` to `setHostnameAsFQDN`, undefined dropped), but in one pass and already in the form the
 * synthesis writes (cdk8s's: apiVersion, kind, metadata first; keys sorted at every level; empty maps and lists
 * dropped from metadata). cdk8s-plus's converters rebuild every object key by key with a spread per key, which made
 * them most of the synthesis time; a test proves this gives the same manifest as theirs for every object synthesized.
 */

/** The struct names cdk8s-plus-28's converters rename (every one in its `k8s` module, derived and checked by a test). */
export const WIRE_NAMES: Readonly<Record<string, string>> = {
  ref: '$ref',
  schema: '$schema',
  clusterIp: 'clusterIP',
  datasetUuid: 'datasetUUID',
  diskUri: 'diskURI',
  externalId: 'externalID',
  hostIp: 'hostIP',
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  insecureSkipTlsVerify: 'insecureSkipTLSVerify',
  loadBalancerIp: 'loadBalancerIP',
  nodeId: 'nodeID',
  nonResourceUrLs: 'nonResourceURLs',
  pdId: 'pdID',
  podCidr: 'podCIDR',
  podCidRs: 'podCIDRs',
  providerId: 'providerID',
  setHostnameAsFqdn: 'setHostnameAsFQDN',
  storagePolicyId: 'storagePolicyID',
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage',
  targetWwNs: 'targetWWNs',
  volumeId: 'volumeID',
  xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource',
  xKubernetesIntOrString: 'x-kubernetes-int-or-string',
  xKubernetesListMapKeys: 'x-kubernetes-list-map-keys',
  xKubernetesListType: 'x-kubernetes-list-type',
  xKubernetesMapType: 'x-kubernetes-map-type',
  xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  xKubernetesValidations: 'x-kubernetes-validations',
};

/** Fields whose values are maps of user data (label keys, resource names): their keys are never renamed. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'matchLabels', 'selector', 'nodeSelector', 'limits', 'requests', 'data', 'stringData']);

const Quantity = k8s.Quantity;
const IntOrString = k8s.IntOrString;
const RENAMES = new Map(Object.entries(WIRE_NAMES));

function wire(value: unknown, isMap: boolean): unknown {
  if (value === null || typeof value !== 'object') return value;
  const ctor = (value as object).constructor;
  if (ctor === Quantity || ctor === IntOrString) return (value as k8s.Quantity).value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = wire(value[i], false);
    return out;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source).sort();
  let out: Record<string, unknown> = {};
  let renamed = false;
  for (const key of keys) {
    const v = source[key];
    if (v === undefined) continue;
    const name = isMap ? undefined : RENAMES.get(key);
    if (name !== undefined) renamed = true;
    out[name ?? key] = wire(v, MAP_FIELDS.has(key));
  }
  if (renamed) {
    // A renamed key may sort elsewhere: order by the names written.
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(out).sort()) sorted[key] = out[key];
    out = sorted;
  }
  return out;
}

/** Metadata as cdk8s writes it: keys sorted, empty maps and lists left out. */
function wireMetadata(metadata: k8s.ObjectMeta): KubeObject['metadata'] {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata).sort()) {
    const v = (metadata as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && Object.keys(v as object).length === 0) continue;
    out[key] = wire(v, MAP_FIELDS.has(key));
  }
  return out as unknown as KubeObject['metadata'];
}

/** The manifest of a typed struct, in the synthesis's canonical form. */
export function toManifest(gvk: { readonly apiVersion: string; readonly kind: string }, props: { readonly metadata?: k8s.ObjectMeta }): KubeObject {
  const { metadata, ...body } = props as { metadata?: k8s.ObjectMeta } & Record<string, unknown>;
  const object: Record<string, unknown> = { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata: wireMetadata(metadata ?? {}) };
  const rest = wire(body, false) as Record<string, unknown>;
  for (const key of Object.keys(rest)) object[key] = rest[key];
  return object as unknown as KubeObject;
}
