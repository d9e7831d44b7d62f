import * as yaml from 'js-yaml';
import { KubeObject } from '../../constructs';

/** Objects of one kind, optionally in one namespace. */
export function ofKind(objects: readonly KubeObject[], kind: string, namespace?: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
}

/** The one object of a kind and name; fails the test when there is not exactly one. */
export function theObject(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${found.length}`);
  return found[0];
}

/** Reads a nested field by dotted path; `undefined` when any step is missing. */
export function field<T = unknown>(object: unknown, dotted: string): T {
  let current: unknown = object;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined as T;
    current = (current as Record<string, unknown>)[key];
  }
  return current as T;
}

/** `[{name, value}]` argument lists (kubeadm extraArgs) as a map. */
export function argMap(list: unknown): Record<string, string> {
  return Object.fromEntries(((list as { name: string; value: string }[]) ?? []).map((a) => [a.name, a.value]));
}

/** The files a cloud-config writes, by path. */
export function cloudInitFiles(cloudConfig: string): Record<string, { content: string; permissions?: string }> {
  if (!cloudConfig.startsWith('#cloud-config\n')) throw new Error('not a cloud-config document');
  const doc = yaml.load(cloudConfig) as { write_files: { path: string; content: string; permissions?: string }[] };
  return Object.fromEntries(doc.write_files.map((f) => [f.path, f]));
}

/** A Cluster API reference to a template: `{apiGroup, kind, name}`, with the dotted path it was read from. */
export interface TemplateRef {
  readonly path: string;
  readonly apiGroup: string;
  readonly kind: string;
  readonly name: string;
}

/** The template refs of a MachineDeployment (infrastructure, bootstrap) or KubeadmControlPlane (infrastructure). */
export function templateRefsOf(o: KubeObject): TemplateRef[] {
  const paths = ['spec.template.spec.infrastructureRef', 'spec.template.spec.bootstrap.configRef', 'spec.machineTemplate.spec.infrastructureRef'];
  return paths.flatMap((path) => {
    const ref = field<{ apiGroup: string; kind: string; name: string } | undefined>(o, path);
    return ref ? [{ path, apiGroup: ref.apiGroup, kind: ref.kind, name: ref.name }] : [];
  });
}
