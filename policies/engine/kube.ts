/**
 * Reading Kubernetes objects as rules need them: fields of any shape (hand-written YAML can hold anything), pod
 * templates of every workload kind, containers by role, label selectors, quantities and images. Every function is
 * total: a field of the wrong type reads as absent.
 */
import type { KubeObject } from '../../constructs';
import type { TargetView } from './target';

/** A JSON object. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Dotted paths split once. Not a memo of any check's data (the keys are the paths written in the rules' code, the
 * value a function of the key alone, the same for every target), so it is not kept per target like the caches in
 * TargetView.memo; it is bounded all the same, so that paths built at run time cannot grow it without end.
 */
const splitPaths = new Map<string, readonly string[]>();
const MAX_SPLIT_PATHS = 4096;

/** The field at a dotted path, or undefined when a step is missing or not an object. */
export function field(value: unknown, path: string): unknown {
  let keys = splitPaths.get(path);
  if (!keys) {
    keys = path.split('.');
    if (splitPaths.size < MAX_SPLIT_PATHS) splitPaths.set(path, keys);
  }
  let current: unknown = value;
  for (let i = 0; i < keys.length; i++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Json)[keys[i]];
  }
  return current;
}

export function asObject(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A whole number, also from a string (`"3"`); undefined otherwise. */
export function asInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Labels (or annotations) as a string map; values of other types are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const v = value[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function labelsOf(object: KubeObject | Json | undefined): Record<string, string> {
  return stringMap(field(object, 'metadata.labels'));
}

/** One label of an object, without copying its labels. */
export function labelOf(object: KubeObject | Json | undefined, key: string): string | undefined {
  const labels = field(object, 'metadata.labels');
  const value = isObject(labels) ? labels[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function annotationsOf(object: KubeObject | Json | undefined): Record<string, string> {
  return stringMap(field(object, 'metadata.annotations'));
}

export function nameOf(object: KubeObject): string {
  return String(object.metadata?.name ?? '');
}

export function namespaceOf(object: KubeObject): string | undefined {
  const ns = object.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** `Kind namespace/name`, for messages. */
export function describe(object: KubeObject): string {
  const ns = namespaceOf(object);
  return `${object.kind} ${ns ? `${ns}/` : ''}${nameOf(object)}`;
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: unknown): string {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = text.indexOf('/');
  return slash >= 0 ? text.slice(0, slash) : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads and pod templates

/** Kinds whose objects carry a pod template (or are a pod). */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;
/** Workloads whose pods run until replaced: they serve, take probes and disruption budgets. */
export const LONG_RUNNING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const;
/** Workloads with a replica count (and so an HPA, a disruption budget, a spread). */
export const REPLICATED_KINDS = ['Deployment', 'StatefulSet'] as const;

export interface PodTemplate {
  readonly metadata: Json;
  readonly spec: Json;
}

const templates = new WeakMap<object, PodTemplate | null>();

/** The pod template of a workload (or the pod itself); undefined for other kinds or a template without a spec. */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  // The checker asks every rule about one object in turn: the last answer saves the WeakMap lookup (which is not
  // cheap on a large heap) for all rules but the first.
  if (object === lastTemplateOf.object) return lastTemplateOf.template;
  let found: PodTemplate | undefined;
  const cached = templates.get(object);
  if (cached !== undefined) found = cached ?? undefined;
  else templates.set(object, (found = findPodTemplate(object)) ?? null);
  lastTemplateOf.object = object;
  lastTemplateOf.template = found;
  return found;
}

const lastTemplateOf: { object: object | undefined; template: PodTemplate | undefined } = { object: undefined, template: undefined };

function findPodTemplate(object: KubeObject): PodTemplate | undefined {
  let template: unknown;
  switch (object.kind) {
    case 'Pod':
      template = object;
      break;
    case 'CronJob':
      template = field(object, 'spec.jobTemplate.spec.template');
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      template = field(object, 'spec.template');
      break;
    default:
      return undefined;
  }
  const spec = field(template, 'spec');
  if (!isObject(spec)) return undefined;
  return new ReadTemplate(asObject(field(template, 'metadata')) ?? {}, spec);
}

/**
 * A pod template as podTemplateOf returns it, with room for what rules read from it (labels, annotations, debug
 * mode): kept on the template itself rather than in one more WeakMap per reading, since every workload rule asks.
 * Templates built elsewhere (plain `{metadata, spec}` objects) are never written to: they take the WeakMap path.
 */
export class ReadTemplate implements PodTemplate {
  /** @internal podLabels */
  public labels: Record<string, string> | undefined = undefined;
  /** @internal podAnnotations */
  public annotations: Record<string, string> | undefined = undefined;
  /** @internal debugModeOf (workload-labels.ts) */
  public debug: unknown[] | undefined = undefined;

  constructor(public readonly metadata: Json, public readonly spec: Json) {}
}

const podLabelCache = new WeakMap<object, Record<string, string>>();

/** The pod template's labels (read-only: shared between callers). */
export function podLabels(template: PodTemplate): Record<string, string> {
  if (template instanceof ReadTemplate) return (template.labels ??= stringMap(template.metadata.labels));
  let labels = podLabelCache.get(template);
  if (!labels) podLabelCache.set(template, (labels = stringMap(template.metadata.labels)));
  return labels;
}

const podAnnotationCache = new WeakMap<object, Record<string, string>>();

/** The pod template's annotations (read-only: shared between callers). */
export function podAnnotations(template: PodTemplate): Record<string, string> {
  if (template instanceof ReadTemplate) return (template.annotations ??= stringMap(template.metadata.annotations));
  let annotations = podAnnotationCache.get(template);
  if (!annotations) podAnnotationCache.set(template, (annotations = stringMap(template.metadata.annotations)));
  return annotations;
}

/** A container and the role it plays in its pod. */
export interface ContainerRef {
  readonly container: Json;
  readonly name: string;
  /** `main`: spec.containers; `init`: a run-to-completion init container; `sidecar`: a native sidecar. */
  readonly role: 'main' | 'init' | 'sidecar';
  /** Position in its list. */
  readonly index: number;
}

/** A native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29+). */
export function isNativeSidecar(container: Json): boolean {
  return container.restartPolicy === 'Always';
}

const containerCache = new WeakMap<object, ContainerRef[]>();

/** Every container of a pod spec: init containers (and native sidecars) first, in order, then the main ones. */
export function containersOf(spec: Json): readonly ContainerRef[] {
  if (spec === lastContainersOf.spec) return lastContainersOf.refs;
  let refs = containerCache.get(spec);
  if (!refs) containerCache.set(spec, (refs = listContainers(spec)));
  lastContainersOf.spec = spec;
  lastContainersOf.refs = refs;
  return refs;
}

/** The last answer of containersOf (as podTemplateOf's). */
const lastContainersOf: { spec: object | undefined; refs: readonly ContainerRef[] } = { spec: undefined, refs: [] };

function listContainers(spec: Json): ContainerRef[] {
  const out: ContainerRef[] = [];
  asArray(spec.initContainers).forEach((c, index) => {
    if (isObject(c)) out.push({ container: c, name: String(c.name ?? `#${index}`), role: isNativeSidecar(c) ? 'sidecar' : 'init', index });
  });
  asArray(spec.containers).forEach((c, index) => {
    if (isObject(c)) out.push({ container: c, name: String(c.name ?? `#${index}`), role: 'main', index });
  });
  return out;
}

/** How a container is named in messages: `container "app"`, `init container "migrate"`, `sidecar "proxy"`. */
export function describeContainer(ref: ContainerRef): string {
  return `${ref.role === 'main' ? 'container' : ref.role === 'init' ? 'init container' : 'sidecar'} "${ref.name}"`;
}

// ---------------------------------------------------------------------------------------------------------------
// Label selectors

/** True when a LabelSelector (`matchLabels` and `matchExpressions`) selects `labels`. An empty selector selects all. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  // Read in place (no copy of matchLabels): this runs for every Deployment against every budget of its namespace.
  const matchLabels = selector.matchLabels;
  if (isObject(matchLabels)) {
    for (const k in matchLabels) {
      if (!hasOwn(matchLabels, k)) continue;
      const v = matchLabels[k];
      // As stringMap: values of other types are dropped, and `__proto__` is no label.
      if (typeof v === 'string' && k !== '__proto__' && labels[k] !== v) return false;
    }
  }
  const expressions = selector.matchExpressions;
  if (Array.isArray(expressions)) {
    for (let i = 0; i < expressions.length; i++) {
      const expression = expressions[i];
      if (!isObject(expression) || !expressionMatches(expression, labels)) return false;
    }
  }
  return true;
}

/** A plain `{key: value}` Service-style selector; an empty one selects nothing (Kubernetes: no endpoints managed). */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  let empty = true;
  for (const k in selector) {
    if (!hasOwn(selector, k)) continue;
    empty = false;
    if (labels[k] !== selector[k]) return false;
  }
  return !empty;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function expressionMatches(expression: Json, labels: Record<string, string>): boolean {
  const key = String(expression.key ?? '');
  const has = hasOwn(labels, key);
  switch (expression.operator) {
    case 'In':
      return has && includesAsString(expression.values, labels[key]);
    case 'NotIn':
      return !has || !includesAsString(expression.values, labels[key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** `asArray(values).map(String).includes(value)`, without the copy. */
function includesAsString(values: unknown, value: string): boolean {
  if (!Array.isArray(values)) return false;
  for (let i = 0; i < values.length; i++) if (String(values[i]) === value) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Replicas and autoscalers

/** HorizontalPodAutoscalers of the target that scale `workload` (same namespace, matching kind and name). */
export function autoscalersOf(target: TargetView, workload: KubeObject): readonly KubeObject[] {
  // namespace -> kind -> name -> HPAs, built once per target.
  const index = target.memo('hpa-by-target', () => {
    const map = new Map<string, Map<string, Map<string, KubeObject[]>>>();
    for (const hpa of target.ofKind('HorizontalPodAutoscaler')) {
      const ref = field(hpa, 'spec.scaleTargetRef');
      const ns = namespaceOf(hpa) ?? '';
      const kind = String(field(ref, 'kind') ?? '');
      const name = String(field(ref, 'name') ?? '');
      let byKind = map.get(ns);
      if (!byKind) map.set(ns, (byKind = new Map()));
      let byName = byKind.get(kind);
      if (!byName) byKind.set(kind, (byName = new Map()));
      const list = byName.get(name);
      if (list) list.push(hpa);
      else byName.set(name, [hpa]);
    }
    return map;
  });
  return index.get(namespaceOf(workload) ?? '')?.get(workload.kind)?.get(nameOf(workload)) ?? NONE;
}

const NONE: readonly KubeObject[] = Object.freeze([]);

/** The minimum an HPA keeps (Kubernetes defaults `minReplicas` to 1). */
export function hpaMinReplicas(hpa: KubeObject): number {
  return asInteger(field(hpa, 'spec.minReplicas')) ?? 1;
}

export function hpaMaxReplicas(hpa: KubeObject): number | undefined {
  return asInteger(field(hpa, 'spec.maxReplicas'));
}

/** The fewest replicas a workload runs with: the HPA's minimum when an HPA owns it, else `spec.replicas` (default 1). */
export interface ReplicaFloor {
  readonly replicas: number;
  readonly source: 'hpa' | 'spec' | 'default';
  readonly hpa?: KubeObject;
}

export function replicaFloor(target: TargetView, workload: KubeObject): ReplicaFloor {
  // Asked for each workload by several rules (capacity, disruption budgets, replicas): read once per target.
  const cache = target.memo('replica-floors', () => new Map<KubeObject, ReplicaFloor>());
  let floor = cache.get(workload);
  if (!floor) cache.set(workload, (floor = readReplicaFloor(target, workload)));
  return floor;
}

function readReplicaFloor(target: TargetView, workload: KubeObject): ReplicaFloor {
  const hpas = autoscalersOf(target, workload);
  if (hpas.length > 0) return { replicas: Math.min(...hpas.map(hpaMinReplicas)), source: 'hpa', hpa: hpas[0] };
  const replicas = asInteger(field(workload, 'spec.replicas'));
  return replicas === undefined ? { replicas: 1, source: 'default' } : { replicas, source: 'spec' };
}

/** Pod templates of the target's workloads in one namespace, with their workloads (for Service and PDB lookups). */
export function podTemplatesIn(
  target: TargetView,
  namespace: string | undefined,
): { workload: KubeObject; template: PodTemplate; labels: Record<string, string> }[] {
  // One map per target, keyed by namespace: no key string built per call.
  const byNamespace = target.memo('pods-by-namespace', () => new Map<string, { workload: KubeObject; template: PodTemplate; labels: Record<string, string> }[]>());
  const ns = namespace ?? '';
  let out = byNamespace.get(ns);
  if (!out) {
    out = [];
    for (const kind of WORKLOAD_KINDS) {
      for (const workload of target.inNamespace(kind, namespace)) {
        const template = podTemplateOf(workload);
        if (template) out.push({ workload, template, labels: podLabels(template) });
      }
    }
    byNamespace.set(ns, out);
  }
  return out;
}

/** True for a Pod that no controller owns: written by hand, not made by a Deployment, Job or other controller. */
export function isBarePod(object: KubeObject): boolean {
  if (object.kind !== 'Pod') return false;
  const owners = asArray(field(object, 'metadata.ownerReferences'));
  for (let i = 0; i < owners.length; i++) if (field(owners[i], 'controller') === true) return false;
  return true;
}

/** A container that serves traffic: it exposes a port or has a readiness probe. */
export function servesTraffic(container: Json): boolean {
  return asArray(container.ports).length > 0 || isObject(container.readinessProbe);
}

/**
 * Why a Pod is not judged as the pods of long-running workloads are (undefined when it is: a bare Pod that serves by
 * its own spec, as one behind a Service does). A controller's Pods are judged on the controller's template.
 */
export function whyPodIsNotJudged(pod: KubeObject, template: PodTemplate): string | undefined {
  if (!isBarePod(pod)) return 'a controller owns the Pod: its template is judged on the controller';
  const refs = containersOf(template.spec);
  for (let i = 0; i < refs.length; i++) if (refs[i].role === 'main' && servesTraffic(refs[i].container)) return undefined;
  return 'a bare Pod that serves nothing (no container port, no readiness probe)';
}

// ---------------------------------------------------------------------------------------------------------------
// Quantities, durations, images

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity (`250m`, `1.5`, `512Mi`, `1e3`) as a number of base units; undefined when it is not one. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return parseQuantityText(value);
}

const newQuantities = () => new Map<string, number | undefined>();

/**
 * parseQuantity, remembered per target: the same few request and limit strings recur on every container of a
 * cluster, and the regular expression is most of the cost.
 */
export function quantityOf(target: TargetView, value: unknown): number | undefined {
  if (typeof value !== 'string') return parseQuantity(value);
  const quantities = target.memo('kube/quantities', newQuantities);
  const known = quantities.get(value);
  if (known !== undefined || quantities.has(value)) return known;
  const parsed = parseQuantityText(value);
  quantities.set(value, parsed);
  return parsed;
}

function parseQuantityText(value: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * BINARY_SUFFIX[match[2]];
  if (match[3]) return number * 10 ** Number(match[3].slice(1));
  return number * DECIMAL_SUFFIX[match[4] ?? ''];
}

/** A Go duration as kube components take it (`15s`, `1m30s`, `500ms`) in seconds; undefined when it is not one. */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };
  let rest = value.trim();
  let total = 0;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]];
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** An image reference split into its parts; `tag` and `digest` are undefined when absent. */
export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry:5000/team/app:1.2.3@sha256:…`; the registry's port is never mistaken for a tag. */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag: tag === '' ? undefined : tag, digest: digest === '' ? undefined : digest };
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (i in a && !jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    // Keys whose value is undefined count as absent; compared in place, without listing the keys.
    let defined = 0;
    for (const k in a) {
      if (!Object.prototype.hasOwnProperty.call(a, k) || a[k] === undefined) continue;
      defined++;
      if (!jsonEqual(a[k], b[k])) return false;
    }
    for (const k in b) {
      if (Object.prototype.hasOwnProperty.call(b, k) && b[k] !== undefined) defined--;
    }
    return defined === 0;
  }
  return false;
}

/** True for values Kubernetes tooling reads as "on" (`true`, `"true"`, `"1"`, `"yes"`, `"on"`, `"enabled"`). */
export function isTruthy(value: unknown): boolean {
  if (value === true) return true;
  return typeof value === 'string' && ['true', '1', 'yes', 'on', 'enabled'].includes(value.trim().toLowerCase());
}

/** What one pod requests: its main containers and native sidecars together, or its largest init step if that is more. */
export function podRequests(target: TargetView, spec: Json): { readonly cpu: number; readonly memory: number } {
  let cpu = 0;
  let memory = 0;
  let initCpu = 0;
  let initMemory = 0;
  let sidecarCpu = 0;
  let sidecarMemory = 0;
  for (const ref of containersOf(spec)) {
    const requests = asObject(asObject(ref.container.resources)?.requests);
    const c = quantityOf(target, requests?.cpu) ?? 0;
    const m = quantityOf(target, requests?.memory) ?? 0;
    if (ref.role === 'init') {
      // A run-to-completion init container runs next to the sidecars started before it.
      initCpu = Math.max(initCpu, c + sidecarCpu);
      initMemory = Math.max(initMemory, m + sidecarMemory);
    } else {
      if (ref.role === 'sidecar') {
        sidecarCpu += c;
        sidecarMemory += m;
      }
      cpu += c;
      memory += m;
    }
  }
  return { cpu: Math.max(cpu, initCpu), memory: Math.max(memory, initMemory) };
}
