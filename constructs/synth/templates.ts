import { createHash } from 'crypto';
import { LABEL_ROLE, LABEL_TEMPLATE_OWNER, LABEL_TEMPLATE_OWNER_KIND, MachineRole } from '../estate';
import { KubeObject } from './kube-object';

/**
 * Content-named machine templates.
 *
 * Cluster API treats provider machine templates (Metal3MachineTemplate, AWSMachineTemplate, …) and
 * KubeadmConfigTemplates as immutable: a MachineDeployment or KubeadmControlPlane rolls its machines only when its
 * template *references* change, never when a template changes under the same name. So each template is named after
 * what it says: `<owner>-<hash>`, where `<owner>` is the name of the MachineDeployment or control plane that uses it
 * (the template's name before content naming) and `<hash>` the first TEMPLATE_HASH_LENGTH hex digits of sha256 over
 * its canonical content. A change to the machines gives new templates under new names and repoints the owner at them:
 * the rollout Cluster API performs. The Pulumi stack creates the new templates before it updates the owner and
 * deletes the old ones last, when nothing references them any more.
 *
 * Names are given after the cluster's JSON patches are applied, so that a patch that changes a template's machines
 * rolls them too, and so that patches keep naming a template by its owner's name.
 */

/** Hex digits of the content hash in a template's name: 40 bits, so that two contents of one owner never collide in practice. */
export const TEMPLATE_HASH_LENGTH = 10;

/** Longest object name: a DNS-1123 subdomain. The Cluster API refs (`name`, maxLength 253) and the template CRDs allow no more, and ask no less. */
const MAX_NAME_LENGTH = 253;

/** What uses a template. */
export enum TemplateOwnerKind {
  /** A MachineDeployment: its provider machine template and its KubeadmConfigTemplate. */
  MACHINE_DEPLOYMENT = 'MachineDeployment',
  /** A KubeadmControlPlane: its provider machine template. */
  CONTROL_PLANE = 'KubeadmControlPlane',
}

/** The MachineDeployment or KubeadmControlPlane a template belongs to. */
export interface TemplateOwner {
  readonly kind: TemplateOwnerKind;
  /** The namespace of the template, which is the owner's too (Cluster API refs do not cross namespaces). */
  readonly namespace?: string;
  readonly name: string;
}

/** The labels that say which object a template belongs to (see `templateOwner`). */
export function templateOwnerLabels(kind: TemplateOwnerKind, name: string): Record<string, string> {
  return { [LABEL_TEMPLATE_OWNER]: name, [LABEL_TEMPLATE_OWNER_KIND]: kind };
}

/**
 * The MachineDeployment or KubeadmControlPlane a template belongs to, or undefined for any other object: what pairs
 * a template with the one that replaces it, since their names differ. Read from the template-owner labels; a machine
 * template or KubeadmConfigTemplate written before templates were content-named (no such labels) is named after its
 * owner, whose kind follows from its machine-role label.
 */
export function templateOwner(template: KubeObject): TemplateOwner | undefined {
  const labels = template.metadata.labels ?? {};
  const namespace = template.metadata.namespace;
  const at = (kind: TemplateOwnerKind, name: string): TemplateOwner => (namespace === undefined ? { kind, name } : { kind, namespace, name });
  const kind = labels[LABEL_TEMPLATE_OWNER_KIND];
  const name = labels[LABEL_TEMPLATE_OWNER];
  if (name && (kind === TemplateOwnerKind.MACHINE_DEPLOYMENT || kind === TemplateOwnerKind.CONTROL_PLANE)) return at(kind, name);
  if (!isTemplateKind(template)) return undefined;
  const role = labels[LABEL_ROLE];
  if (role === MachineRole.WORKER) return at(TemplateOwnerKind.MACHINE_DEPLOYMENT, template.metadata.name);
  if (role === MachineRole.CONTROL_PLANE && template.kind !== 'KubeadmConfigTemplate') return at(TemplateOwnerKind.CONTROL_PLANE, template.metadata.name);
  return undefined;
}

function isTemplateKind(o: KubeObject): boolean {
  return o.kind.endsWith('MachineTemplate') || (o.kind === 'KubeadmConfigTemplate' && o.apiVersion.startsWith('bootstrap.cluster.x-k8s.io/'));
}

/**
 * JSON with the keys of every object sorted, so that equal data always gives equal text whatever order its keys were
 * written in. Otherwise as `JSON.stringify`: undefined values are dropped from objects and written as null in lists.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
  const source = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(source).sort()) {
    const v = write(source[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The content hash of a template: sha256 over the canonical JSON of its `apiVersion` and `spec`, first
 * TEMPLATE_HASH_LENGTH hex digits.
 *
 * The spec is everything that defines the machines (instance model, image, host selector, kubelet arguments, node
 * labels and taints). The metadata is left out: the labels a template carries (estate, cluster, group, machine role,
 * pool, zone, template owner) and any annotation describe where it belongs, not the machines, and relabelling must
 * not roll a pool. The apiVersion is in: the API server serves one object under every version of its kind, so a
 * template moved to a new provider API version under the same name would be the very object that Pulumi deletes as
 * the old version's resource.
 */
export function templateContentHash(template: Pick<KubeObject, 'apiVersion'> & { readonly spec?: unknown }): string {
  const content = canonicalJson({ apiVersion: template.apiVersion, spec: template.spec });
  return createHash('sha256').update(content).digest('hex').slice(0, TEMPLATE_HASH_LENGTH);
}

/**
 * `<base>-<hash>`, a DNS-1123 subdomain of at most 253 characters: a base too long for the suffix is cut to fit,
 * and trailing `-` or `.` dropped, so the same base and hash always give the same name.
 */
export function contentName(base: string, hash: string): string {
  const max = MAX_NAME_LENGTH - 1 - hash.length;
  const head = base.length <= max ? base : base.slice(0, max).replace(/[-.]+$/, '');
  return `${head}-${hash}`;
}

/** Where Cluster API objects reference templates: MachineDeployment (and MachineSet), then KubeadmControlPlane. */
const TEMPLATE_REF_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template', 'spec', 'infrastructureRef'],
  ['spec', 'template', 'spec', 'bootstrap', 'configRef'],
  ['spec', 'machineTemplate', 'spec', 'infrastructureRef'],
];

function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const refKey = (namespace: string | undefined, group: string, kind: string, name: string) => `${namespace ?? ''}/${group}/${kind}/${name}`;

/** Options of `nameTemplatesByContent`. */
export interface TemplateNamingOptions {
  /**
   * The objects of the same target as they run today (what the base revision synthesized, or what the stack
   * applied). A template whose owner, kind and content equal those of a template there keeps that template's name,
   * even one written before templates were content-named: adopting content naming then rolls no machine whose
   * template did not change. @default - none: every template gets its content name
   */
  readonly keepNamesFrom?: readonly KubeObject[];
}

/**
 * Names every template of a target after its content and points the refs at the new names. Templates are the
 * objects labelled with their owner (`templateOwnerLabels`); each becomes `contentName(<owner>, templateContentHash)`
 * (or keeps the name of an equal template of `keepNamesFrom`), and every MachineDeployment and KubeadmControlPlane
 * ref (`apiGroup`, `kind`, `name`, same namespace) that named it is rewritten. Pure: objects that change are copied
 * with their keys in the same order, the others returned as they are, in the same order. Idempotent, since the name
 * is built from the owner label, not from the current name.
 */
export function nameTemplatesByContent(objects: readonly KubeObject[], options: TemplateNamingOptions = {}): KubeObject[] {
  const kept = options.keepNamesFrom ? namesByContent(options.keepNamesFrom) : undefined;
  const renamed = new Map<string, string>();
  const out = objects.slice();
  for (let i = 0; i < out.length; i++) {
    const o = out[i];
    const owner = o.metadata.labels?.[LABEL_TEMPLATE_OWNER];
    if (owner === undefined) continue;
    const hash = templateContentHash(o);
    const ownerKind = o.metadata.labels?.[LABEL_TEMPLATE_OWNER_KIND] ?? '';
    const name = kept?.get(contentKey(o, ownerKind, owner, hash)) ?? contentName(owner, hash);
    if (name === o.metadata.name) continue;
    renamed.set(refKey(o.metadata.namespace, apiGroupOf(o.apiVersion), o.kind, o.metadata.name), name);
    out[i] = { ...o, metadata: { ...o.metadata, name } };
  }
  if (renamed.size === 0) return out;
  for (let i = 0; i < out.length; i++) {
    let o = out[i];
    for (const path of TEMPLATE_REF_PATHS) {
      const ref = at(o, path) as { apiGroup?: unknown; kind?: unknown; name?: unknown } | undefined;
      if (!ref || typeof ref.apiGroup !== 'string' || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
      const name = renamed.get(refKey(o.metadata.namespace, ref.apiGroup, ref.kind, ref.name));
      if (name !== undefined) o = replaceAt(o, path, { ...ref, name }) as KubeObject;
    }
    out[i] = o;
  }
  return out;
}

/** What makes two templates interchangeable: namespace, kind, owner and content. */
function contentKey(o: KubeObject, ownerKind: string, owner: string, hash: string): string {
  return `${o.metadata.namespace ?? ''}/${o.kind}/${ownerKind}/${owner}/${hash}`;
}

/** The names of the templates among `objects`, by `contentKey`. */
function namesByContent(objects: readonly KubeObject[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const o of objects) {
    const owner = templateOwner(o);
    if (owner) names.set(contentKey(o, owner.kind, owner.name, templateContentHash(o)), o.metadata.name);
  }
  return names;
}

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A copy of `value` with the value at `path` replaced; each object on the path is copied, keys in their order. */
function replaceAt(value: unknown, path: readonly string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const source = value as Record<string, unknown>;
  return { ...source, [path[0]]: replaceAt(source[path[0]], path.slice(1), replacement) };
}
