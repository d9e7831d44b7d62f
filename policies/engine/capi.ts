/**
 * Reading Cluster API objects as the estate rules need them: which cluster an object belongs to, kubeadm argument
 * lists, the etcd members (their Machines and the etcd configuration in their cloud-init), kubelet node labels and
 * the machine labels a MachineHealthCheck selects. Works on what synthesis writes and on hand-written Cluster API
 * YAML (v1beta2, and the v1beta1 map form of extraArgs).
 */
import { CAPI_CLUSTER_NAME, CAPI_CONTROL_PLANE, KubeObject, LABEL_ROLE } from '../../constructs/internal';
import { asArray, asObject, asString, field, isObject, Json, labelOf, nameOf, namespaceOf, stringMap } from './kube';
import { etcdConfigOfCloudConfig, type EtcdMemberConfig } from './cloud-config';
import type { TargetView } from './target';

export { etcdConfigOfCloudConfig, type EtcdMemberConfig } from './cloud-config';

export const CAPI_GROUP = 'cluster.x-k8s.io';

/** True for an object of a Cluster API group (`cluster.x-k8s.io` or one of its subgroups). */
export function isCapiObject(object: KubeObject): boolean {
  const version = String(object.apiVersion ?? '');
  const group = version.includes('/') ? version.slice(0, version.indexOf('/')) : '';
  return group === CAPI_GROUP || group.endsWith(`.${CAPI_GROUP}`);
}

/** The workload cluster an object belongs to: its cluster-name label, `spec.clusterName`, or a Cluster's own name. */
export function clusterNameOf(object: KubeObject): string | undefined {
  const label = labelOf(object, CAPI_CLUSTER_NAME);
  if (label) return label;
  const specName = asString(field(object, 'spec.clusterName'));
  if (specName) return specName;
  if (object.kind === 'Cluster' && isCapiObject(object)) return nameOf(object);
  return undefined;
}

/** kubeadm `extraArgs`: the v1beta2 list of `{name, value}`, or the v1beta1 map, as a map. */
export function argMap(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (isObject(entry) && typeof entry.name === 'string') out.set(entry.name, entry.value === undefined ? '' : String(entry.value));
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) out.set(k, String(v));
  }
  return out;
}

const newKubeletLabelCache = () => new WeakMap<object, Map<string, string> | null>();

/**
 * The kubelet's `--node-labels` of a nodeRegistration (list or map extra args) as a map (shared: read only), read
 * once per nodeRegistration of the target.
 */
export function kubeletNodeLabels(target: TargetView, nodeRegistration: unknown): ReadonlyMap<string, string> | undefined {
  if (!isObject(nodeRegistration)) return undefined;
  const kubeletLabelCache = target.memo('capi/kubelet-node-labels', newKubeletLabelCache);
  const cached = kubeletLabelCache.get(nodeRegistration);
  if (cached !== undefined) return cached ?? undefined;
  const labels = readKubeletNodeLabels(nodeRegistration);
  kubeletLabelCache.set(nodeRegistration, labels ?? null);
  return labels;
}

function readKubeletNodeLabels(nodeRegistration: Json): Map<string, string> | undefined {
  const args = argMap(field(nodeRegistration, 'kubeletExtraArgs'));
  const text = args.get('node-labels');
  if (text === undefined) return undefined;
  const labels = new Map<string, string>();
  for (const pair of text.split(',')) {
    const trimmed = pair.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    labels.set(eq >= 0 ? trimmed.slice(0, eq) : trimmed, eq >= 0 ? trimmed.slice(eq + 1) : '');
  }
  return labels;
}

/** The KubeadmControlPlane of a cluster in the target (same namespace, matching cluster), if any. */
export function controlPlaneOf(target: TargetView, namespace: string | undefined, cluster: string): KubeObject | undefined {
  return target.inNamespace('KubeadmControlPlane', namespace).find((kcp) => clusterNameOf(kcp) === cluster);
}

// ---------------------------------------------------------------------------------------------------------------
// etcd members

/** True for a Machine that is a dedicated etcd member (the estate's machine-role label). */
export function isEtcdMachine(object: KubeObject): boolean {
  return object.kind === 'Machine' && labelOf(object, LABEL_ROLE) === 'etcd';
}

/** The etcd member Machines of a cluster in the target, by name. */
export function etcdMachinesOf(target: TargetView, namespace: string | undefined, cluster: string): KubeObject[] {
  const index = target.memo('etcd-machines', () => {
    const map = new Map<string, KubeObject[]>();
    for (const machine of target.ofKind('Machine')) {
      if (!isEtcdMachine(machine)) continue;
      const key = `${namespaceOf(machine) ?? ''}/${clusterNameOf(machine) ?? ''}`;
      const list = map.get(key);
      if (list) list.push(machine);
      else map.set(key, [machine]);
    }
    return map;
  });
  return index.get(`${namespace ?? ''}/${cluster}`) ?? [];
}

/** The bootstrap data Secret a Machine names, if the target has it. */
export function bootstrapSecretOf(target: TargetView, machine: KubeObject): KubeObject | undefined {
  const name = asString(field(machine, 'spec.bootstrap.dataSecretName'));
  return name ? target.find('Secret', namespaceOf(machine), name) : undefined;
}

/** The text a bootstrap Secret carries (`stringData.value`, or base64 `data.value`). */
export function bootstrapData(secret: KubeObject): string | undefined {
  const plain = asString(field(secret, 'stringData.value'));
  if (plain !== undefined) return plain;
  const encoded = asString(field(secret, 'data.value'));
  if (encoded === undefined) return undefined;
  try {
    return Buffer.from(encoded, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}


const newParsedConfigs = () => new WeakMap<object, EtcdMemberConfig | null>();

/**
 * The etcd configuration a bootstrap Secret of the target installs: the `write_files` entry of its cloud-config
 * whose content is an etcd configuration (it names `initial-cluster` or `listen-peer-urls`). Parsed once per Secret.
 */
export function etcdConfigOf(target: TargetView, secret: KubeObject): EtcdMemberConfig | undefined {
  const parsedConfigs = target.memo('capi/etcd-configs', newParsedConfigs);
  const cached = parsedConfigs.get(secret);
  if (cached !== undefined) return cached ?? undefined;
  const text = bootstrapData(secret);
  const found = text === undefined ? undefined : etcdConfigOfCloudConfig(text);
  parsedConfigs.set(secret, found ?? null);
  return found;
}


/** True for a Secret that bootstraps an etcd member (estate labels, or a cloud-config that installs etcd). */
export function isEtcdBootstrapSecret(target: TargetView, object: KubeObject): boolean {
  if (object.kind !== 'Secret') return false;
  if (labelOf(object, LABEL_ROLE) === 'etcd') return true;
  return etcdConfigOf(target, object) !== undefined;
}

/** Host of a URL (`https://10.0.0.1:2379` → `10.0.0.1`, `https://[fd00::1]:2379` → `fd00::1`). */
export function urlHost(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^/:]+)/i.exec(url.trim());
  if (!match) return undefined;
  return match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
}

/** URLs of a comma-separated etcd URL list. */
export function urlList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((u) => u.trim()).filter((u) => u.length > 0) : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Machine labels and health checks

/** Labels of the Machines a MachineDeployment creates (its template labels plus the cluster-name label). */
export function machineDeploymentMachineLabels(md: KubeObject): Record<string, string> {
  const labels = stringMap(field(md, 'spec.template.metadata.labels'));
  const cluster = clusterNameOf(md);
  if (cluster && labels[CAPI_CLUSTER_NAME] === undefined) labels[CAPI_CLUSTER_NAME] = cluster;
  return labels;
}

/** Labels of the Machines a KubeadmControlPlane creates (KCP adds the control-plane and cluster-name labels). */
export function controlPlaneMachineLabels(kcp: KubeObject): Record<string, string> {
  const labels = stringMap(field(kcp, 'spec.machineTemplate.metadata.labels'));
  const cluster = clusterNameOf(kcp);
  if (cluster) labels[CAPI_CLUSTER_NAME] = cluster;
  labels[CAPI_CONTROL_PLANE] = '';
  return labels;
}

/** The unhealthy-node conditions of a MachineHealthCheck (v1beta2 `checks`, or v1beta1 `unhealthyConditions`). */
export function healthCheckConditions(mhc: KubeObject): unknown[] {
  const v1beta2 = field(mhc, 'spec.checks.unhealthyNodeConditions');
  return Array.isArray(v1beta2) ? v1beta2 : asArray(field(mhc, 'spec.unhealthyConditions'));
}

/** The remediation limit of a MachineHealthCheck (v1beta2 `triggerIf`, or v1beta1 `maxUnhealthy`/`unhealthyRange`). */
export function healthCheckRemediationLimit(mhc: KubeObject): unknown {
  const triggerIf = asObject(field(mhc, 'spec.remediation.triggerIf'));
  if (triggerIf && (triggerIf.unhealthyLessThanOrEqualTo !== undefined || triggerIf.unhealthyInRange !== undefined)) {
    return triggerIf.unhealthyLessThanOrEqualTo ?? triggerIf.unhealthyInRange;
  }
  return field(mhc, 'spec.maxUnhealthy') ?? field(mhc, 'spec.unhealthyRange');
}
