import * as yaml from 'js-yaml';
import { Estate, KubeObject, Synthesis, synthesize } from '../../../../constructs';
import { EstateStackOptions, kubeconfigIdentity, StackLog, StackSettings } from '../../../../stacks/pulumi';
import { referenceSynthesis } from '../../../helpers/reference';

/**
 * Fixtures of the stack tests: kubeconfigs with recognizable credentials, a small cluster target (namespaces, a CRD
 * and its custom resource, a priority class, apps with services, disruption budgets and an autoscaler), and
 * program options that add that target to the reference synthesis the way cluster targets will appear.
 */

/** Credentials that must never appear outside a secret. */
export const TOKEN = 'ce-test-bearer-token-9f8e7d6c5b4a';
export const CLIENT_KEY = Buffer.from('-----BEGIN EC PRIVATE KEY-----\nce-test-client-key\n-----END EC PRIVATE KEY-----\n').toString('base64');
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nce-test-ca\n-----END CERTIFICATE-----\n').toString('base64');

/** A kubeconfig for one cluster, with a token and a client key (both secret) and a CA (not secret). */
export function kubeconfig(server: string, options: { ca?: string; name?: string } = {}): string {
  const name = options.name ?? 'cluster';
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': `${name}-admin`,
    clusters: [{ name, cluster: { server, 'certificate-authority-data': options.ca ?? CA } }],
    contexts: [{ name: `${name}-admin`, context: { cluster: name, user: `${name}-admin` } }],
    users: [{ name: `${name}-admin`, user: { token: TOKEN, 'client-key-data': CLIENT_KEY } }],
  });
}

export const MANAGEMENT_SERVER = 'https://management-api.k8s.estate.internal:6443';
export const MANAGEMENT_KUBECONFIG = kubeconfig(MANAGEMENT_SERVER, { name: 'management' });
export const MANAGEMENT_STACK = 'organization/cluster-estate/management';

/** The API endpoint the reference estate gives a cluster. */
export function referenceEndpoint(cluster: string): string {
  return `https://${cluster}-api.k8s.estate.internal:6443`;
}

export function fingerprintOf(text: string): string {
  return kubeconfigIdentity(text, 'test').fingerprint;
}

/** Settings of a management stack of the reference estate at `asOf`. */
export function managementSettings(asOf: Date, overrides: Partial<StackSettings> = {}): StackSettings {
  return {
    estate: 'reference',
    target: 'management',
    asOf,
    kubeconfig: { from: 'config', text: () => MANAGEMENT_KUBECONFIG },
    clusterFingerprint: fingerprintOf(MANAGEMENT_KUBECONFIG),
    exportKubeconfigs: [],
    releaseProtection: [],
    ...overrides,
  };
}

/** Settings of a cluster stack that takes its kubeconfig from the management stack. */
export function clusterSettings(cluster: string, asOf: Date, overrides: Partial<StackSettings> = {}): StackSettings {
  return {
    estate: 'reference',
    target: cluster,
    asOf,
    kubeconfig: { from: 'stack', stack: MANAGEMENT_STACK },
    clusterFingerprint: fingerprintOf(kubeconfig(referenceEndpoint(cluster), { name: cluster })),
    exportKubeconfigs: [],
    releaseProtection: [],
    ...overrides,
  };
}

/** The management stack's outputs a cluster stack reads: kubeconfigs of the given clusters, as a secret output. */
export function managementStackFixture(clusters: string[]) {
  return {
    outputs: { kubeconfigs: Object.fromEntries(clusters.map((c) => [c, kubeconfig(referenceEndpoint(c), { name: c })])) },
    secretOutputNames: ['kubeconfigs'],
  };
}

/** The Cluster API kubeconfig Secrets a management stack reads, by `<namespace>/<cluster>-kubeconfig`. */
export function capiKubeconfigSecrets(clusters: string[]): Record<string, Record<string, string>> {
  return Object.fromEntries(clusters.map((c) => [`${c}/${c}-kubeconfig`, { value: Buffer.from(kubeconfig(referenceEndpoint(c), { name: c })).toString('base64') }]));
}

/** A small cluster target: what the application templates will synthesize for one workload cluster. */
export function clusterTargetObjects(cluster: string): KubeObject[] {
  const labels = { 'cluster-estate.io/cluster': cluster };
  const app = (namespace: string, name: string, autoscaled: boolean): KubeObject[] => {
    const selector = { app: name };
    const objects: KubeObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { ...labels, app: name } },
        spec: {
          ...(autoscaled ? {} : { replicas: 3 }),
          selector: { matchLabels: selector },
          template: { metadata: { labels: selector }, spec: { containers: [{ name, image: `registry.estate.internal/${name}:1.0.0`, resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '512Mi' } } }] } },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace, labels }, spec: { maxUnavailable: '10%', selector: { matchLabels: selector } } },
    ];
    if (autoscaled) {
      objects.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace, labels },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 3, maxReplicas: 30, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] },
      });
    }
    return objects;
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'trade', labels } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels } },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'trade-critical', labels }, value: 1_000_000, globalDefault: false },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'rollouts.delivery.cluster-estate.io', labels },
      spec: {
        group: 'delivery.cluster-estate.io',
        scope: 'Namespaced',
        names: { kind: 'Rollout', plural: 'rollouts', singular: 'rollout', listKind: 'RolloutList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    },
    { apiVersion: 'delivery.cluster-estate.io/v1', kind: 'Rollout', metadata: { name: 'order', namespace: 'trade', labels }, spec: { strategy: 'gray' } },
    ...app('trade', 'order', true),
    ...app('payments', 'ledger', false),
  ];
}

/**
 * A synthesis whose target for each existing cluster in `clusters` is the fixture target (replacing the one synthesis
 * made, if any), so that the tests do not depend on what the app templates of the reference estate hold today.
 */
export function withClusterTargets(
  synthesis: Synthesis,
  clusters: string[],
  objects: (cluster: string) => KubeObject[] = clusterTargetObjects,
): Synthesis {
  const existing = new Set(synthesis.plan.clusters.map((c) => c.name));
  const replaced = new Set(clusters.filter((c) => existing.has(c)));
  const added = [...replaced].map((name) => ({ name, objects: objects(name) }));
  return { ...synthesis, targets: [...synthesis.targets.filter((t) => !replaced.has(t.name)), ...added] };
}

/** The warnings the stack itself printed (the estate's own validation warnings left out). */
export function stackWarnings(lines: readonly string[]): string[] {
  return lines.filter((l) => l.startsWith('warn: ') && !l.startsWith('warn: estate warning'));
}

/** Collects what the program logs. */
export function collectingLog(): StackLog & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) };
}

/** Program options for tests: the cached reference synthesis, plus a cluster target for each of `clusters`. */
export function testOptions(clusters: string[] = [], extra: Omit<Partial<EstateStackOptions>, 'log'> = {}): EstateStackOptions & { log: ReturnType<typeof collectingLog> } {
  return {
    synthesize: (estate: Estate, asOf: Date) => withClusterTargets(estate.name === 'reference' ? referenceSynthesis(asOf) : synthesize(estate, { asOf }), clusters),
    // A stack that has never been applied; the day-2 tests give what a stack applied before.
    readApplied: async () => undefined,
    appliedBefore: async () => false,
    ...extra,
    log: collectingLog(),
  };
}
