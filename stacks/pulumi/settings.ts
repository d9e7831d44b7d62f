import { parseAsOf } from '../../constructs';
import { DEFAULT_ESTATE } from '../estates';
import { StackConfigError, StackConfigErrors } from './errors';

/** The Pulumi project name, and so the namespace of every configuration key of this program. */
export const PROJECT = 'cluster-estate';

/** The target that holds every cluster's Cluster API objects (the same name synthesis uses). */
export const MANAGEMENT = 'management';

/** Every configuration key the program reads, without the `cluster-estate:` prefix. */
export const CONFIG_KEYS = {
  /** Built-in estate name or module path (relative to the project root). @default 'reference' */
  estate: 'estate',
  /** `management`, or the name of one cluster of the estate. Required. */
  target: 'target',
  /** ISO-8601 time with an offset at which promotion phases are judged. @default - now */
  asOf: 'asOf',
  /** Kubeconfig of the target cluster, a Pulumi secret. Required for `management`; for a cluster, this or `managementStack`. */
  kubeconfig: 'kubeconfig',
  /** Fully qualified name of the management stack, whose `kubeconfigs` output holds the cluster's kubeconfig. */
  managementStack: 'managementStack',
  /** `sha256:…` of the cluster the kubeconfig must point at (server and CA). Required once the kubeconfig is known. */
  clusterFingerprint: 'clusterFingerprint',
  /** Management stack only: clusters whose Cluster API `<cluster>-kubeconfig` Secret is read and exported. @default [] */
  exportKubeconfigs: 'exportKubeconfigs',
  /** Clusters whose protected objects lose `protect` and `retainOnDelete` in this update (to retire them). @default [] */
  releaseProtection: 'releaseProtection',
  /**
   * A directory: the provider writes each object as a YAML file there instead of applying it to a cluster (the
   * Kubernetes provider's render mode). No kubeconfig is read and no fingerprint is pinned; `exportKubeconfigs`
   * cannot be used. For rehearsals without a cluster and for the real-engine bench. @default - apply to the cluster
   */
  renderYamlToDirectory: 'renderYamlToDirectory',
  /**
   * Management stack only: a folder `estate synth` wrote for what runs (`<out>/<estate>`, relative to the project
   * root), the base of the update while the stack has no `running` output yet, e.g. on the first update with a
   * release that names templates after their content: equal templates keep the names that run, so nothing rolls
   * that did not change. Ignored once the stack has its `running` output. @default - none
   */
  baseDir: 'baseDir',
} as const;

/** Where the target cluster's kubeconfig comes from. The text itself is read lazily and never printed. */
export type KubeconfigSource =
  | { readonly from: 'config'; readonly text: () => string }
  | { readonly from: 'stack'; readonly stack: string };

/** The stack's configuration, checked. */
export interface StackSettings {
  readonly estate: string;
  readonly target: string;
  /** @default - now, taken when the program runs */
  readonly asOf?: Date;
  /** @default - none: only a stack whose target does not exist at as-of may run without one */
  readonly kubeconfig?: KubeconfigSource;
  /** @default - none: the program stops and prints the value to pin */
  readonly clusterFingerprint?: string;
  readonly exportKubeconfigs: readonly string[];
  readonly releaseProtection: readonly string[];
  /** @default - none: the objects are applied to the target cluster */
  readonly renderYamlToDirectory?: string;
  /** @default - none: the stack's own `running` output is the only base */
  readonly baseDir?: string;
}

const key = (k: string): string => `${PROJECT}:${k}`;
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

/**
 * Reads and checks the stack configuration. `config` is Pulumi's raw configuration map (`pulumi.runtime.allConfig()`,
 * keys `cluster-estate:<key>`); `isSecret` tells whether a key is stored encrypted. Every problem found is reported
 * at once (StackConfigErrors). Whether the estate and the target exist is checked once the estate is loaded.
 */
export function readStackSettings(config: Readonly<Record<string, string>>, isSecret: (fullKey: string) => boolean): StackSettings {
  const errors: StackConfigError[] = [];
  const known = new Set(Object.values(CONFIG_KEYS).map(key));
  for (const k of Object.keys(config).sort()) {
    if (!k.startsWith(`${PROJECT}:`) || known.has(k)) continue;
    const near = [...known].find((n) => n.toLowerCase() === k.toLowerCase());
    errors.push(new StackConfigError(
      `unknown configuration key ${k}`,
      near ? `rename it: pulumi config rm ${k} && pulumi config set ${near} <value>` : `remove it (pulumi config rm ${k}); known keys: ${[...known].join(', ')}`,
    ));
  }

  const estate = config[key(CONFIG_KEYS.estate)]?.trim() || DEFAULT_ESTATE;
  const target = config[key(CONFIG_KEYS.target)]?.trim();
  if (!target) {
    errors.push(new StackConfigError(`${key(CONFIG_KEYS.target)} is not set`, `pulumi config set ${key(CONFIG_KEYS.target)} ${MANAGEMENT} (or the name of one cluster of the estate)`));
  }

  const asOfText = config[key(CONFIG_KEYS.asOf)]?.trim();
  let asOf: Date | undefined;
  if (asOfText) {
    asOf = parseAsOf(asOfText);
    if (!asOf) {
      errors.push(new StackConfigError(
        `${key(CONFIG_KEYS.asOf)} "${asOfText}" is not an ISO-8601 time with an offset`,
        `pulumi config set ${key(CONFIG_KEYS.asOf)} 2026-11-11T00:00:00+08:00 (or pulumi config rm ${key(CONFIG_KEYS.asOf)} to judge promotions at the current time)`,
      ));
    }
  }

  const kubeconfigKey = key(CONFIG_KEYS.kubeconfig);
  const kubeconfigText = config[kubeconfigKey];
  const managementStack = config[key(CONFIG_KEYS.managementStack)]?.trim();
  let kubeconfig: KubeconfigSource | undefined;
  if (kubeconfigText !== undefined && managementStack) {
    errors.push(new StackConfigError(
      `both ${kubeconfigKey} and ${key(CONFIG_KEYS.managementStack)} are set, so the kubeconfig's source is ambiguous`,
      `keep one: pulumi config rm ${kubeconfigKey} (to use the management stack's export) or pulumi config rm ${key(CONFIG_KEYS.managementStack)}`,
    ));
  } else if (kubeconfigText !== undefined) {
    if (!isSecret(kubeconfigKey)) {
      errors.push(new StackConfigError(
        `${kubeconfigKey} is stored in plain text in the stack file`,
        `store it encrypted: cat <kubeconfig-file> | pulumi config set --secret ${kubeconfigKey}`,
      ));
    } else if (kubeconfigText.trim() === '') {
      errors.push(new StackConfigError(`${kubeconfigKey} is empty`, `cat <kubeconfig-file> | pulumi config set --secret ${kubeconfigKey}`));
    } else {
      kubeconfig = { from: 'config', text: () => kubeconfigText };
    }
  } else if (managementStack) {
    if (target === MANAGEMENT) {
      errors.push(new StackConfigError(
        `the management stack cannot take its kubeconfig from ${key(CONFIG_KEYS.managementStack)}`,
        `pulumi config rm ${key(CONFIG_KEYS.managementStack)} && cat <management-cluster-kubeconfig> | pulumi config set --secret ${kubeconfigKey}`,
      ));
    } else if (!STACK_NAME.test(managementStack)) {
      errors.push(new StackConfigError(
        `${key(CONFIG_KEYS.managementStack)} "${managementStack}" is not a stack name`,
        `pulumi config set ${key(CONFIG_KEYS.managementStack)} <org>/${PROJECT}/management (organization/${PROJECT}/management on a local backend)`,
      ));
    } else {
      kubeconfig = { from: 'stack', stack: managementStack };
    }
  }

  const fingerprint = config[key(CONFIG_KEYS.clusterFingerprint)]?.trim();
  if (fingerprint !== undefined && fingerprint !== '' && !FINGERPRINT.test(fingerprint)) {
    errors.push(new StackConfigError(
      `${key(CONFIG_KEYS.clusterFingerprint)} "${fingerprint}" is not a cluster fingerprint (sha256: and 64 lowercase hex digits)`,
      `pulumi config rm ${key(CONFIG_KEYS.clusterFingerprint)}, then run pulumi preview: it prints the fingerprint of the cluster the kubeconfig points at`,
    ));
  }

  const list = (k: string): string[] => {
    const text = config[key(k)];
    if (text === undefined || text.trim() === '') return [];
    if (text.trim().startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed.map((x) => x.trim()).filter((x) => x !== '');
      } catch {
        // reported below
      }
      errors.push(new StackConfigError(`${key(k)} is not a list of cluster names`, `write it as a YAML list of names in the stack file, or pulumi config set ${key(k)} name-a,name-b`));
      return [];
    }
    return text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  };
  const exportKubeconfigs = list(CONFIG_KEYS.exportKubeconfigs);
  const releaseProtection = list(CONFIG_KEYS.releaseProtection);
  if (exportKubeconfigs.length > 0 && target && target !== MANAGEMENT) {
    errors.push(new StackConfigError(
      `${key(CONFIG_KEYS.exportKubeconfigs)} is set on a cluster stack (target ${target}); only the management stack reads Cluster API kubeconfigs`,
      `pulumi config rm ${key(CONFIG_KEYS.exportKubeconfigs)}`,
    ));
  }

  const renderYamlToDirectory = config[key(CONFIG_KEYS.renderYamlToDirectory)]?.trim() || undefined;
  if (renderYamlToDirectory && exportKubeconfigs.length > 0) {
    errors.push(new StackConfigError(
      `${key(CONFIG_KEYS.exportKubeconfigs)} needs a cluster to read Secrets from, but ${key(CONFIG_KEYS.renderYamlToDirectory)} renders to files`,
      `pulumi config rm ${key(CONFIG_KEYS.exportKubeconfigs)} (or pulumi config rm ${key(CONFIG_KEYS.renderYamlToDirectory)})`,
    ));
  }

  const baseDir = config[key(CONFIG_KEYS.baseDir)]?.trim() || undefined;
  if (baseDir && target && target !== MANAGEMENT) {
    errors.push(new StackConfigError(
      `${key(CONFIG_KEYS.baseDir)} is set on a cluster stack (target ${target}); only the management stack judges changes against what runs`,
      `pulumi config rm ${key(CONFIG_KEYS.baseDir)}`,
    ));
  }

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new StackConfigErrors(errors);
  return {
    estate,
    target: target!,
    asOf,
    kubeconfig,
    clusterFingerprint: fingerprint || undefined,
    exportKubeconfigs,
    releaseProtection,
    ...(renderYamlToDirectory ? { renderYamlToDirectory } : {}),
    ...(baseDir ? { baseDir } : {}),
  };
}

/**
 * Checks the names the settings give against the estate's clusters: the target, and the clusters listed in
 * `exportKubeconfigs` and `releaseProtection` (a typo there would silently do nothing).
 */
export function checkNamesAgainstEstate(settings: StackSettings, estateName: string, clusterNames: readonly string[]): void {
  const errors: StackConfigError[] = [];
  const names = new Set(clusterNames);
  const choices = `${MANAGEMENT}, ${[...clusterNames].sort().join(', ')}`;
  if (settings.target !== MANAGEMENT && !names.has(settings.target)) {
    errors.push(new StackConfigError(
      `${key(CONFIG_KEYS.target)} "${settings.target}" is neither ${MANAGEMENT} nor a cluster of estate ${estateName}`,
      `pulumi config set ${key(CONFIG_KEYS.target)} <one of: ${choices}>`,
    ));
  }
  for (const k of [CONFIG_KEYS.exportKubeconfigs, CONFIG_KEYS.releaseProtection] as const) {
    const unknown = settings[k].filter((n) => !names.has(n));
    if (unknown.length > 0) {
      errors.push(new StackConfigError(
        `${key(k)} names ${unknown.map((n) => `"${n}"`).join(', ')}, not a cluster of estate ${estateName}`,
        `list only clusters of the estate (${[...clusterNames].sort().join(', ')})`,
      ));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new StackConfigErrors(errors);
}
