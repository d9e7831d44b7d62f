/**
 * Stages "apps-vs-cdk8s-plus" and "apps-vs-plain-objects": a generated estate of N clusters with 10 app instances
 * per cluster (10,000 at 1,000 clusters), synthesized into the clusters' targets and written as YAML.
 *
 *  ours:  constructs (buildEstate + AppTemplates) -> synthesize(estate, {asOf, targets: the clusters}) (validate
 *         estate and apps, capacity in every phase, plan, render, one cdk8s chart per target, resolve)
 *         -> synthesisFiles (with the estate.json summary) -> writeFiles
 *  (a):   the same objects written by hand with cdk8s-plus-28 in one App, a Chart per cluster, resolved as
 *         `app.synth()` does (apps-cdk8s-plus.ts) -> targetFiles -> writeFiles (the same writer)
 *  (b):   plain plans -> the same pure render functions (tenancy and mesh included) -> plain JS objects -> targetFiles
 *         -> writeFiles
 *
 * Every cluster runs a mesh and three apps in five are in it (apps-generate.ts), so each target also holds the mesh's
 * objects: the root PeerAuthentication, the public gateway (its namespace, workload, Gateway and edge VirtualService),
 * and per meshed app its DestinationRule, VirtualService and AuthorizationPolicy. Both baselines build those too:
 * (b) with the mesh's own pure renderer, (a) as plain cdk8s ApiObjects, cdk8s-plus having nothing for Istio.
 *
 * Each baseline's files must be byte-identical to ours (ours alone writes `estate.json`). Targets: ours at least 2x
 * faster than (a) (ratio <= 0.5), at most 1.2x (b), linear growth, and ours' peak heap under 1 GiB at the largest size.
 */
import { KubeObject, renderAppInstance, renderClusterObjects, renderTenancyObjects, SUMMARY_FILE, synthesisFiles, synthesize, targetFiles, writeFiles } from '../../../constructs/internal';
import type { AppInstancePlan, ClusterPlan } from '../../../constructs/internal';
import { EstateMeshFacts, renderClusterMesh } from '../../../constructs/mesh';
import { buildClusterPlans, buildEstate, EstateSpec, estateSpec } from '../generate-estate';
import { Pipeline, runComparison } from '../harness/comparison';
import { Check, Stage, StageContext, StageResult } from '../harness/types';
import { buildCdk8sPlusApp, synthCharts } from './apps-cdk8s-plus';
import { addApps, appPlans, GeneratedApp, generateApps, INSTANCES_PER_CLUSTER } from './apps-generate';

export interface AppsInput {
  readonly spec: EstateSpec;
  readonly apps: GeneratedApp[];
  readonly clusters: string[];
}

export function appsInput(size: number): AppsInput {
  const spec = estateSpec(size);
  return { spec, apps: generateApps(spec), clusters: spec.clusters.map((c) => c.name) };
}

/** Ours: the estate and its apps written with constructs, synthesized (cluster targets only), written. */
export const oursPipeline: Pipeline<AppsInput> = (input, r, outDir) => {
  const estate = r.phase('construct', () => {
    const e = buildEstate(input.spec);
    addApps(e, input.spec, input.apps);
    return e;
  });
  const synthesis = r.phase('synthesize', () => synthesize(estate, { asOf: input.spec.asOf, targets: input.clusters }));
  const files = r.phase('files', () => synthesisFiles(synthesis));
  r.phase('write', () => writeFiles(outDir, files));
  return { objects: synthesis.targets.reduce((n, t) => n + t.objects.length, 0), files: files.length };
};

function plainPlans(input: AppsInput): { clusters: ClusterPlan[]; instances: AppInstancePlan[]; mesh: EstateMeshFacts } {
  const clusters = buildClusterPlans(input.spec);
  const instances = appPlans(input.spec, input.apps, clusters);
  // What the mesh renderer reads from the estate: no lane groups, and each app's namespace (callers by service account).
  const namespaces = new Map(instances.map((i) => [i.app, i.namespace]));
  const mesh = { estate: input.spec.name, environment: input.spec.environment, lanes: [], namespaces };
  return { clusters, instances, mesh };
}

/** (b): plain plans, the same render functions, plain objects, the same writer. */
export const plainPipeline: Pipeline<AppsInput> = (input, r, outDir) => {
  const { clusters, instances, mesh } = r.phase('plan', () => plainPlans(input));
  const targets = r.phase('render', () => {
    const byCluster = new Map<string, AppInstancePlan[]>();
    for (const i of instances) byCluster.set(i.cluster, [...(byCluster.get(i.cluster) ?? []), i]);
    return clusters.filter((c) => byCluster.has(c.name)).map((c) => {
      const list = byCluster.get(c.name)!;
      // The renderers write canonical manifests already: nothing to sort or copy.
      const objects: KubeObject[] = [
        ...renderClusterObjects(input.spec.name, c, list),
        ...renderTenancyObjects(input.spec.name, c.name, list),
        ...list.flatMap((i) => renderAppInstance(i)),
        ...renderClusterMesh(c, list, mesh),
      ];
      return { target: c.name, objects };
    });
  });
  const files = r.phase('files', () => targets.flatMap((t) => targetFiles(t.target, t.objects)));
  r.phase('write', () => writeFiles(outDir, files));
  return { objects: targets.reduce((n, t) => n + t.objects.length, 0), files: files.length };
};

/** (a): the same objects written by hand with cdk8s-plus-28 in one App. */
export const cdk8sPlusPipeline: Pipeline<AppsInput> = (input, r, outDir) => {
  const { clusters, instances, mesh } = r.phase('plan', () => plainPlans(input));
  const { charts } = r.phase('construct', () => buildCdk8sPlusApp(input.spec.name, clusters, instances, false, mesh));
  const targets = r.phase('synth', () => synthCharts(charts));
  const files = r.phase('files', () => targets.flatMap((t) => targetFiles(t.target, t.objects)));
  r.phase('write', () => writeFiles(outDir, files));
  return { objects: targets.reduce((n, t) => n + t.objects.length, 0), files: files.length };
};

/** Largest heap ours may use at the largest size, in MiB. */
export const MAX_PEAK_HEAP_MB = 1024;

function withHeapCheck(result: StageResult): StageResult {
  const largest = result.sizes[result.sizes.length - 1];
  const check: Check = { name: `ours' peak heap MB at ${largest.size} clusters (${largest.size * INSTANCES_PER_CLUSTER} app instances)`, value: largest.ours.peakHeapMB, limit: MAX_PEAK_HEAP_MB, pass: largest.ours.peakHeapMB < MAX_PEAK_HEAP_MB };
  return { ...result, checks: [...result.checks, check], pass: result.pass && check.pass };
}

const OURS = 'constructs + AppTemplates + synthesize (cluster targets) + synthesisFiles + writeFiles';

export const appsVsCdk8sPlus: Stage = {
  name: 'apps-vs-cdk8s-plus',
  description: `N clusters x ${INSTANCES_PER_CLUSTER} app instances (60% meshed), against (a) a hand-written cdk8s-plus-28 program in one App`
    + ' (target: ours at least 2x faster, ratio <= 0.5)',
  run(context: StageContext): StageResult {
    return runComparison<AppsInput>({
      name: this.name,
      description: this.description,
      pipelines: {
        ours: OURS,
        baseline: '(a) plain plans + cdk8s-plus-28 Deployment/Service/HPA/ServiceAccount (+ k8s PDB, JSON patches, Istio objects as ApiObjects) in one App'
          + ' + chart.toJson per chart + targetFiles + writeFiles',
      },
      prepare: appsInput,
      oursOnlyFiles: [SUMMARY_FILE],
      ours: oursPipeline,
      baseline: cdk8sPlusPipeline,
    }, { ...context, targets: { ...context.targets, ratioMax: 0.5 } });
  },
};

export const appsVsPlainObjects: Stage = {
  name: 'apps-vs-plain-objects',
  description: `N clusters x ${INSTANCES_PER_CLUSTER} app instances (60% meshed), against (b) plain JS objects, mesh objects included, written by the same writer`
    + ' (target: ratio <= 1.2; ours\' peak heap < 1 GiB)',
  run(context: StageContext): StageResult {
    return withHeapCheck(runComparison<AppsInput>({
      name: this.name,
      description: this.description,
      pipelines: { ours: OURS, baseline: '(b) plain plans + the same render functions, mesh included (plain JS objects) + targetFiles + writeFiles' },
      prepare: appsInput,
      oursOnlyFiles: [SUMMARY_FILE],
      ours: oursPipeline,
      baseline: plainPipeline,
    }, { ...context, targets: { ...context.targets, ratioMax: 1.2 } }));
  },
};

/** The app stages, in the order they run. */
export const APP_STAGES: readonly Stage[] = [appsVsPlainObjects, appsVsCdk8sPlus];
