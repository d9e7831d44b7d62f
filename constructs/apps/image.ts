import { createHash } from 'crypto';
import * as yaml from 'js-yaml';
import { ProblemCollector } from '../estate/problems';
import { ANNOTATION_IMAGE_RUNTIME, ANNOTATION_IMAGE_STACK } from './labels';

/** The layers a team's `app.yaml` describes; the platform's image builder composes them into one image. */
export interface ImageLayersProps {
  /** The stack (operating system) layer, a pinned image reference: `registry.estate.internal/stacks/ubuntu:22.04-20241001`. */
  readonly stack: string;
  /** The runtime layer, a pinned image reference: `registry.estate.internal/runtimes/openjdk:17.0.12`. */
  readonly runtime: string;
  /** The command the container runs: becomes the container's `command`. */
  readonly entrypoint: string[];
  /** The application's release, `1.42.0`: the first part of the composed tag and `app.kubernetes.io/version`. */
  readonly version: string;
  /** Where the builder pushes composed images; the repository is the app's name. @default 'registry.estate.internal/apps' */
  readonly registry?: string;
}

/** Options of `AppImage.fromAppYaml`. */
export interface AppYamlOptions {
  /** Where the builder pushes composed images. @default 'registry.estate.internal/apps' */
  readonly registry?: string;
  /** Where the text came from, for problem messages (`order-api/app.yaml`). @default 'app.yaml' */
  readonly source?: string;
}

/** An image, resolved for one app: what the container runs. */
export interface ResolvedImage {
  /** The image reference, always pinned (a version tag that is not `latest`, or a digest). */
  readonly image: string;
  /** The container's command, for composed images. */
  readonly command?: string[];
  /** The version for `app.kubernetes.io/version`, when the reference has one that is a valid label value. */
  readonly version?: string;
  /** Pod-template annotations that record how the image was composed. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** The registry of images composed from layers when `ImageLayersProps.registry` is not given. */
export const DEFAULT_IMAGE_REGISTRY = 'registry.estate.internal/apps';

const APP_YAML_KEYS = ['stack', 'runtime', 'entrypoint', 'version'];
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A parsed image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference; the registry stays part of the repository. */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
  return { repository: name, digest };
}

/** Why `reference` is not a pinned image reference, or undefined when it is one. */
export function checkPinnedImage(reference: string): string | undefined {
  if (typeof reference !== 'string' || reference.length === 0) return 'is empty';
  if (/\s/.test(reference)) return 'contains white space';
  const { repository, tag, digest } = parseImageReference(reference);
  if (!repository || !/^[a-z0-9]([a-z0-9._\-/:]*[a-z0-9])?$/.test(repository)) return `has an invalid repository "${repository}"`;
  if (digest !== undefined) return DIGEST.test(digest) ? undefined : `has an invalid digest "${digest}" (expected sha256:<64 hex digits>)`;
  if (tag === undefined) return 'has no tag: it would pull whatever "latest" is at the time';
  if (tag === 'latest') return 'uses the "latest" tag, which moves';
  if (!TAG.test(tag)) return `has an invalid tag "${tag}"`;
  return undefined;
}

/**
 * The image of an application: a pinned reference, or one composed from layers (stack/OS, runtime, entrypoint) as a
 * team's `app.yaml` describes them. A composed image is tagged `<version>-<hash>`, where the hash covers every layer
 * and the entrypoint: changing any layer gives a new tag (and a rollout), the same layers always the same tag. The
 * image builder computes the tag the same way (`composedImageTag`).
 */
export class AppImage {
  /** A pinned image: `registry/team/app:1.4.2` or `registry/team/app@sha256:…`; never `latest`. */
  public static pinned(reference: string): AppImage {
    return new AppImage({ kind: 'pinned', reference });
  }

  /** An image composed from layers. */
  public static fromLayers(layers: ImageLayersProps): AppImage {
    return new AppImage({ kind: 'layers', layers });
  }

  /**
   * An image composed as an `app.yaml` describes it:
   * ```yaml
   * version: 1.42.0
   * stack: registry.estate.internal/stacks/ubuntu:22.04-20241001
   * runtime: registry.estate.internal/runtimes/openjdk:17.0.12
   * entrypoint: [/opt/runtime/bin/java, -jar, /app/order-api.jar]
   * ```
   * Problems in the text (bad YAML, a missing or unknown key) are reported by validation, with the app's path.
   */
  public static fromAppYaml(text: string, options: AppYamlOptions = {}): AppImage {
    const source = options.source ?? 'app.yaml';
    const problems: string[] = [];
    let doc: unknown;
    try {
      doc = yaml.load(text);
    } catch (e) {
      problems.push(`${source} is not YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    const record = (doc ?? {}) as Record<string, unknown>;
    if (problems.length > 0) {
      // not YAML: nothing more to say about its keys
    } else if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      problems.push(`${source} must be a mapping of ${APP_YAML_KEYS.join(', ')}`);
    } else {
      for (const key of Object.keys(record)) if (!APP_YAML_KEYS.includes(key)) problems.push(`${source} has an unknown key "${key}"`);
      for (const key of ['stack', 'runtime', 'version']) if (typeof record[key] !== 'string' || record[key] === '') problems.push(`${source} needs "${key}" as a string`);
      const ep = record.entrypoint;
      if (!Array.isArray(ep) || ep.length === 0 || ep.some((a) => typeof a !== 'string')) problems.push(`${source} needs "entrypoint" as a list of strings`);
    }
    const layers: ImageLayersProps = {
      stack: String(record.stack ?? ''),
      runtime: String(record.runtime ?? ''),
      entrypoint: Array.isArray(record.entrypoint) ? record.entrypoint.map(String) : [],
      version: String(record.version ?? ''),
      registry: options.registry,
    };
    return new AppImage({ kind: 'layers', layers, source, parseProblems: problems });
  }

  private constructor(private readonly definition:
    | { readonly kind: 'pinned'; readonly reference: string }
    | { readonly kind: 'layers'; readonly layers: ImageLayersProps; readonly source?: string; readonly parseProblems?: string[] }) {}

  /** The image as the app's container runs it. */
  public resolve(app: string): ResolvedImage {
    const d = this.definition;
    if (d.kind === 'pinned') {
      const { tag } = parseImageReference(d.reference);
      return { image: d.reference, version: tag && LABEL_VALUE.test(tag) && tag.length <= 63 ? tag : undefined, annotations: {} };
    }
    const l = d.layers;
    const registry = l.registry ?? DEFAULT_IMAGE_REGISTRY;
    return {
      image: `${registry}/${app}:${composedImageTag(l)}`,
      command: [...l.entrypoint],
      version: LABEL_VALUE.test(l.version) && l.version.length <= 63 ? l.version : undefined,
      annotations: { [ANNOTATION_IMAGE_STACK]: l.stack, [ANNOTATION_IMAGE_RUNTIME]: l.runtime },
    };
  }

  /**
   * Reports every problem of the image: unpinned references, bad layers, a malformed app.yaml.
   * @internal
   */
  public collectProblems(path: string, what: string, problems: ProblemCollector): void {
    const d = this.definition;
    if (d.kind === 'pinned') {
      const problem = checkPinnedImage(d.reference);
      if (problem) problems.error({
        path,
        rule: 'image-pinned',
        message: `${what} ${problem}`,
        fix: 'pin the image to a released version tag or a sha256 digest',
        value: d.reference,
      });
      return;
    }
    for (const p of d.parseProblems ?? []) problems.error({
      path,
      rule: 'image-layers',
      message: p,
      fix: `write ${d.source ?? 'app.yaml'} with exactly: ${APP_YAML_KEYS.join(', ')}`,
    });
    if (d.parseProblems && d.parseProblems.length > 0) return;
    const l = d.layers;
    for (const [layer, reference] of [['stack', l.stack], ['runtime', l.runtime]] as const) {
      const problem = checkPinnedImage(reference);
      if (problem) problems.error({
        path,
        rule: 'image-pinned',
        message: `${what}: the ${layer} layer ${problem}`,
        fix: `pin the ${layer} layer to a released version tag or a sha256 digest`,
        value: reference,
      });
    }
    if (!l.entrypoint || l.entrypoint.length === 0 || l.entrypoint.some((a) => typeof a !== 'string' || a.length === 0)) {
      problems.error({
        path,
        rule: 'image-layers',
        message: `${what}: the entrypoint must be a non-empty list of non-empty strings`,
        fix: 'state the command the container runs, for example ["/opt/runtime/bin/java", "-jar", "/app/app.jar"]',
        value: l.entrypoint,
      });
    }
    if (typeof l.version !== 'string' || !TAG.test(l.version) || l.version === 'latest') {
      problems.error({
        path,
        rule: 'image-layers',
        message: `${what}: version must be a release such as 1.42.0 (letters, digits, ".", "_", "-"; not "latest")`,
        fix: 'state the release the image is built from',
        value: l.version,
      });
    }
    const registry = l.registry ?? DEFAULT_IMAGE_REGISTRY;
    if (!/^[a-z0-9]([a-z0-9._\-/:]*[a-z0-9])?$/.test(registry)) problems.error({
      path,
      rule: 'image-layers',
      message: `${what}: the registry "${registry}" is not a registry path`,
      fix: 'use a path such as registry.estate.internal/apps',
      value: registry,
    });
  }
}

/** The tag of a composed image: `<version>-<first 12 hex digits of sha256 over the layers and the entrypoint>`. */
export function composedImageTag(layers: Pick<ImageLayersProps, 'stack' | 'runtime' | 'entrypoint' | 'version'>): string {
  const canonical = JSON.stringify({ entrypoint: layers.entrypoint, runtime: layers.runtime, stack: layers.stack, version: layers.version });
  return `${layers.version}-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}
