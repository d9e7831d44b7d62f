/**
 * One measured run of the Pulumi stage, in a process of its own so that its peak memory is its own:
 *
 *   node --expose-gc lib/bench/test/bench/stages/pulumi-worker.js --mode ours|baseline|configgroup --apps 1000
 *
 * Both modes build the same input first, untimed: the reference estate synthesized at the Double 11 peak, with the
 * target of cluster trade-hz1 replaced by `apps` generated applications (pulumi-apps.ts). Then, under
 * `pulumi.runtime.setMocks`:
 *   ours:     the cluster stack program itself (estateStack: plan, kubeconfig from the management stack's output,
 *             pin check, EstateTarget component, provider, two ConfigGroups with per-object options and dependencies)
 *   baseline: the same objects registered directly as bare typed resources (`new k8s.apps.v1.Deployment(name, obj,
 *             { provider })`, …) with one provider and no options
 *   configgroup: for reference only (not part of the stage): the same objects through `k8s.yaml.ConfigGroup` (v1)
 *             with `objs` — the in-process alternative the program does not use (names `<namespace>/<name>`)
 * and waits until every resource is registered. Prints one JSON line: timings, memory, and the sorted list of
 * `type name` of the Kubernetes resources registered (the stage checks that both modes registered the same ones).
 */
import { createHash } from 'crypto';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Estate, KubeObject, synthesize, Synthesis } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { estateStack, kubeconfigIdentity, logicalName, StackSettings } from '../../../stacks/pulumi';
import type { RunMeasurement } from '../harness/measure';
import { generateAppObjects } from './pulumi-apps';

export const BENCH_CLUSTER = 'trade-hz1';
const AS_OF = new Date('2026-11-11T00:00:00+08:00');
const MANAGEMENT_STACK = 'organization/cluster-estate/management';
const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'current-context: admin',
  'clusters:',
  `- name: ${BENCH_CLUSTER}`,
  '  cluster:',
  `    server: https://${BENCH_CLUSTER}-api.k8s.estate.internal:6443`,
  '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==',
  'contexts:',
  `- name: admin`,
  `  context: {cluster: ${BENCH_CLUSTER}, user: admin}`,
  'users:',
  '- name: admin',
  '  user: {token: bench-token}',
  '',
].join('\n');

/** What one worker run reports: the run's measurement and what it registered. */
export interface WorkerResult extends RunMeasurement {
  readonly mode: 'ours' | 'baseline' | 'configgroup';
  readonly apps: number;
  /** Kubernetes objects registered as resources (the provider and components not counted). */
  readonly objects: number;
  /** sha256 of the sorted `type name` list of those resources. */
  readonly registeredDigest: string;
}

/** The input both modes share: the reference synthesis with the generated apps as trade-hz1's target. */
export function benchInput(apps: number): { estate: Estate; synthesis: Synthesis; objects: KubeObject[] } {
  const estate = referenceEstate();
  const base = synthesize(estate, { asOf: AS_OF });
  const objects = generateAppObjects(apps, BENCH_CLUSTER);
  const synthesis = { ...base, targets: [...base.targets.filter((t) => t.name !== BENCH_CLUSTER), { name: BENCH_CLUSTER, objects }] };
  return { estate, synthesis, objects };
}

type Ctor = new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const BARE: Record<string, Ctor> = {
  'v1/Namespace': k8s.core.v1.Namespace as unknown as Ctor,
  'v1/Service': k8s.core.v1.Service as unknown as Ctor,
  'apps/v1/Deployment': k8s.apps.v1.Deployment as unknown as Ctor,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget as unknown as Ctor,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler as unknown as Ctor,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const mode = arg('--mode');
  const apps = Number(arg('--apps') ?? '1000');
  if (mode !== 'ours' && mode !== 'baseline' && mode !== 'configgroup') throw new Error('--mode must be ours, baseline or configgroup');
  if (!Number.isInteger(apps) || apps < 1) throw new Error('--apps must be a whole number above 0');

  const { estate, synthesis, objects } = benchInput(apps);
  const registered: string[] = [];
  await pulumi.runtime.setMocks({
    newResource(a: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      if (a.type === 'pulumi:pulumi:StackReference') {
        return { id: a.name, state: { name: a.name, outputs: { kubeconfigs: { [BENCH_CLUSTER]: KUBECONFIG } }, secretOutputNames: ['kubeconfigs'] } };
      }
      if (a.custom && a.type.startsWith('kubernetes:')) registered.push(`${a.type} ${a.name}`);
      return { id: `${a.name}-id`, state: a.inputs };
    },
    call: () => ({}),
  }, 'cluster-estate', BENCH_CLUSTER, true);

  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  let peakRss = process.memoryUsage().rss;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  const sampler = setInterval(sample, 5);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let tProgram = t0;

  await pulumi.runtime.runInPulumiStack(async () => {
    if (mode === 'ours') {
      const settings: StackSettings = {
        estate: 'reference',
        target: BENCH_CLUSTER,
        asOf: AS_OF,
        kubeconfig: { from: 'stack', stack: MANAGEMENT_STACK },
        clusterFingerprint: kubeconfigIdentity(KUBECONFIG, 'bench').fingerprint,
        exportKubeconfigs: [],
        releaseProtection: [],
      };
      const silent = { info: () => undefined, warn: () => undefined };
      const outputs = await estateStack(settings, { loadEstate: () => estate, synthesize: () => synthesis, log: silent });
      tProgram = process.hrtime.bigint();
      return outputs as unknown as Record<string, unknown>;
    }
    const provider = new k8s.Provider(`${BENCH_CLUSTER}-k8s`, { kubeconfig: pulumi.secret(KUBECONFIG) });
    if (mode === 'configgroup') {
      const group = new k8s.yaml.ConfigGroup(BENCH_CLUSTER, { objs: objects }, { provider });
      tProgram = process.hrtime.bigint();
      return { resources: group.resources.apply((rs) => pulumi.all([
        provider.urn,
        ...Object.values(rs).map((r) => (r as pulumi.CustomResource).urn)
      ])).apply((u) => u.length) };
    }
    const urns = objects.map((o) => {
      const Bare = BARE[`${o.apiVersion}/${o.kind}`];
      return new Bare(logicalName(o), o as never, { provider }).urn;
    });
    tProgram = process.hrtime.bigint();
    return { resources: pulumi.all([provider.urn, ...urns]).apply((u) => u.length) };
  });

  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  sample();
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const sorted = [...registered].sort();
  const result: WorkerResult = {
    mode,
    apps,
    objects: sorted.length,
    registeredDigest: createHash('sha256').update(sorted.join('\n')).digest('hex'),
    ms: Number(t1 - t0) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1e3,
    phasesMs: { program: Number(tProgram - t0) / 1e6, registrations: Number(t1 - tProgram) / 1e6 },
    heapBeforeBytes: heapBefore,
    peakHeapBytes: peakHeap,
    peakRssBytes: Math.max(peakRss, maxRss),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  // On success the process ends by itself once the runtime's last calls (component outputs) have landed: exiting
  // at once would cut them off, and the SDK would report them as leaked promises.
  main().then(() => undefined, (e) => {
    process.stderr.write(`pulumi-worker: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  });
}
