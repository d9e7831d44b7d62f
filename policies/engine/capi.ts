/**
 * Reading Cluster API objects as the estate rules need them: which cluster an object belongs to, kubeadm argument
 * lists, the etcd members (their Machines and the etcd configuration in their cloud-init), kubelet node labels and
 * the machine labels a MachineHealthCheck selects. Works on what synthesis writes and on hand-written Cluster API
 * YAML (v1beta2, and the v1beta1 map form of extraArgs).
 */
import * as yaml from 'js-yaml';
import { CAPI_CLUSTER_NAME, CAPI_CONTROL_PLANE, KubeObject, LABEL_ROLE } from '../../constructs/internal';
import { asArray, asObject, asString, field, isObject, Json, labelOf, nameOf, namespaceOf, stringMap } from './kube';
import type { TargetView } from './target';

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

const kubeletLabelCache = new WeakMap<object, Map<string, string> | null>();

/** The kubelet's `--node-labels` of a nodeRegistration (list or map extra args) as a map (shared: read only). */
export function kubeletNodeLabels(nodeRegistration: unknown): ReadonlyMap<string, string> | undefined {
  if (!isObject(nodeRegistration)) return undefined;
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

/** The etcd configuration of a cloud-config text, by a full YAML parse (no fast path): for tests of the fast path. */
export function etcdConfigOfCloudConfig(text: string, fastPath = true): EtcdMemberConfig | undefined {
  if (!/^#cloud-config/.test(text)) return undefined;
  return fastPath ? literalEtcdConfig(text) ?? parsedEtcdConfig(text) : parsedEtcdConfig(text);
}

/** An etcd member's configuration file as written by its cloud-init. */
export interface EtcdMemberConfig {
  /** Path of the configuration file on the machine. */
  readonly path: string;
  /** The file's keys (etcd flag names). */
  readonly config: Json;
}

const parsedConfigs = new WeakMap<object, EtcdMemberConfig | null>();

/**
 * The etcd configuration a bootstrap Secret installs: the `write_files` entry of its cloud-config whose content is
 * an etcd configuration (it names `initial-cluster` or `listen-peer-urls`). Parsed once per Secret object.
 */
export function etcdConfigOf(secret: KubeObject): EtcdMemberConfig | undefined {
  const cached = parsedConfigs.get(secret);
  if (cached !== undefined) return cached ?? undefined;
  const found = parseEtcdConfig(bootstrapData(secret));
  parsedConfigs.set(secret, found ?? null);
  return found;
}

function parseEtcdConfig(text: string | undefined): EtcdMemberConfig | undefined {
  if (!text || !/^#cloud-config/.test(text)) return undefined;
  return literalEtcdConfig(text) ?? parsedEtcdConfig(text);
}

const ETCD_KEYS = /^(initial-cluster|listen-peer-urls):/m;


/**
 * The fast path, for cloud-configs that write files as YAML literal blocks (`content: |`), as synthesis does:
 * the etcd file's block is cut out by indentation and only it is parsed. Anything else takes the full parse.
 */
function literalEtcdConfig(text: string): EtcdMemberConfig | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Cheap test before the regex: most lines are not a `content:` key.
    if (line.indexOf('content: |') < 0) continue;
    const header = /^(\s*)(?:- )?content: \|[-+]?\s*$/.exec(line);
    if (!header) continue;
    const parentIndent = header[1].length;
    let indent = -1;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j];
      const own = leadingSpace(next);
      if (own === next.length) continue; // blank
      if (indent < 0) indent = own;
      if (own < indent || own <= parentIndent) break;
    }
    if (indent < 0) continue;
    // Only the etcd file: its first key is one of etcd's (the unit file starts with [Unit]). The lines of the block
    // are read in place, `indent` characters in (every line of it that is not blank is indented at least so).
    let etcd = false;
    for (let k = i + 1; k < j && !etcd; k++) {
      const l = lines[k];
      etcd = (l.includes('initial-cluster:') || l.includes('listen-peer-urls:')) && ETCD_KEYS.test(l.slice(indent));
    }
    if (!etcd) continue;
    const simple = simpleYaml(lines, i + 1, j, indent);
    if (simple) return { path: pathNear(lines, i, j), config: simple };
    try {
      const config = yaml.load(lines.slice(i + 1, j).map((l) => l.slice(indent)).join('\n'));
      return isObject(config) ? { path: pathNear(lines, i, j), config } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `line.length - line.trimStart().length`, without the copy. */
function leadingSpace(line: string): number {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80 || !WHITESPACE.test(line[i])) break;
  }
  return i;
}

/** What trim() removes: JavaScript's white space and line terminators. */
const WHITESPACE = /^\s$/;

/** The `path` of the write_files item whose `content` block spans lines i..j: before the block, or after it. */
function pathNear(lines: readonly string[], i: number, j: number): string {
  for (let k = i; k >= 0; k--) {
    const match = /^\s*(- )?path: ['"]?([^'"]+?)['"]?\s*$/.exec(lines[k]);
    if (match) return match[2];
    if (k < i && /^\s*- /.test(lines[k])) break;
  }
  for (let k = j; k < lines.length && !/^\s*- /.test(lines[k]); k++) {
    const match = /^\s*path: ['"]?([^'"]+?)['"]?\s*$/.exec(lines[k]);
    if (match) return match[1];
  }
  return '';
}

/**
 * The YAML subset an etcd configuration file is written in (lines[from..to), `baseIndent` characters in): `key: scalar` lines, `key:` followed by one level of
 * indented `key: scalar` lines or `- scalar` items; scalars plain, single- or double-quoted (without escapes),
 * read as YAML 1.2 core (true/false, null, integers). Anything else returns undefined and js-yaml parses the block.
 * Thirty times faster than js-yaml on these files, which matters when checking thousands of members.
 */
function simpleYaml(lines: readonly string[], from: number, to: number, baseIndent: number): Json | undefined {
  const out: Json = {};
  let parent: { key: string; indent: number; value: Json | unknown[] | undefined } | undefined;
  for (let n = from; n < to; n++) {
    const raw = lines[n];
    const line = raw.trim();
    if (line === '') continue;
    const indent = leadingSpace(raw) - baseIndent;
    if (line.charCodeAt(0) === 0x23 /* # */) continue;
    // Keys and values are cut by hand, as the patterns in the comments would (no match arrays: thousands of files).
    if (indent === 0) {
      parent = undefined;
      // /^([A-Za-z0-9_.-]+):(?: (.*))?$/
      const colon = keyEnd(line);
      if (colon < 0) return undefined;
      const key = line.slice(0, colon);
      if (colon + 1 === line.length) {
        parent = { key, indent: -1, value: undefined };
        out[key] = null;
        continue;
      }
      if (line.charCodeAt(colon + 1) !== 0x20) return undefined;
      const text = line.slice(colon + 2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (text === '') {
        parent = { key, indent: -1, value: undefined };
        out[key] = null;
        continue;
      }
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      out[key] = value;
      continue;
    }
    if (!parent || (parent.indent >= 0 && indent !== parent.indent)) return undefined;
    parent.indent = indent;
    if (line.charCodeAt(0) === 0x2d /* - */ && line.charCodeAt(1) === 0x20) {
      // /^- (.*)$/ (a line that starts so but fails it matches no key either)
      const text = line.slice(2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (parent.value === undefined) parent.value = [];
      if (!Array.isArray(parent.value)) return undefined;
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      parent.value.push(value);
    } else {
      // /^([A-Za-z0-9_.-]+): (.*)$/
      const colon = keyEnd(line);
      if (colon < 0 || line.charCodeAt(colon + 1) !== 0x20) return undefined;
      const text = line.slice(colon + 2);
      if (LINE_TERMINATOR.test(text)) return undefined;
      if (parent.value === undefined) parent.value = {};
      if (Array.isArray(parent.value)) return undefined;
      const value = simpleScalar(text);
      if (value === UNSUPPORTED) return undefined;
      (parent.value as Json)[line.slice(0, colon)] = value;
    }
    out[parent.key] = parent.value;
  }
  return out;
}

/** Characters `.` does not match in a JavaScript pattern. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** The index of the `:` after a leading key of `[A-Za-z0-9_.-]+`, or -1. */
function keyEnd(line: string): number {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d) continue;
    break;
  }
  return i > 0 && line.charCodeAt(i) === 0x3a ? i : -1;
}

const UNSUPPORTED = Symbol('unsupported');

/** YAML indicators a plain scalar may not start with here (as the character class `[#{}[\]&*!|>%@`]`). */
const INDICATORS = new Set([...'#{}[]&*!|>%@`'].map((c) => c.charCodeAt(0)));

function simpleScalar(text: string): unknown {
  const t = text.trim();
  const first = t.charCodeAt(0); // NaN when empty
  if (first === 0x27 /* ' */) return /^'[^']*'$/.test(t) ? t.slice(1, -1) : UNSUPPORTED;
  if (first === 0x22 /* " */) return /^"[^"\\]*"$/.test(t) ? t.slice(1, -1) : UNSUPPORTED;
  if (INDICATORS.has(first) || t.includes(' #') || t.includes(': ') || t.endsWith(':')) return UNSUPPORTED;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null' || t === '~') return null;
  // A plain scalar that starts with a letter or a slash is neither an integer nor one of the forms below: a string.
  if ((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x2f) return t;
  if (/^[-+]?\d+$/.test(t)) return Number(t);
  // Floats, other number bases, infinities and timestamps: leave them to js-yaml.
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || /^[-+]?0[xob]/i.test(t) || /^[-+]?\.(inf|nan)$/i.test(t) || /^\d{4}-\d\d-\d\d/.test(t)) return UNSUPPORTED;
  return t;
}

function parsedEtcdConfig(text: string): EtcdMemberConfig | undefined {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch {
    return undefined;
  }
  for (const file of asArray(field(document, 'write_files'))) {
    const content = asString(field(file, 'content'));
    if (!content || !ETCD_KEYS.test(content)) continue;
    try {
      const config = yaml.load(content);
      if (isObject(config)) return { path: String(field(file, 'path') ?? ''), config };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** True for a Secret that bootstraps an etcd member (estate labels, or a cloud-config that installs etcd). */
export function isEtcdBootstrapSecret(object: KubeObject): boolean {
  if (object.kind !== 'Secret') return false;
  if (labelOf(object, LABEL_ROLE) === 'etcd') return true;
  return etcdConfigOf(object) !== undefined;
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
