import { App, Chart } from 'cdk8s';
import { AppInstancePlan } from '../apps/instance-plan';
import { renderAppInstance, renderClusterObjects } from '../apps/render';
import { Estate, EstateValidationError, ObjectPatch, Problem, ProblemCollector, ProblemSeverity } from '../estate';
import { validateEstate } from '../validate';
import type { RunningEstate } from '../day2/running-state';
import { estateMeshFacts, renderClusterMesh } from '../mesh/render';
import { renderClusterTenancy, teamsByNamespace } from '../tenancy/synth';
import { KubeObject } from './kube-object';
import { renderClusterManagementObjects } from './management';
import { EstatePlan, planEstate } from './plan';
import { RenderedObject } from './rendered-object';
import { nameTemplatesByContent } from './templates';

/** The target that holds every cluster's Cluster API objects. */
export const MANAGEMENT_TARGET = 'management';

/** Options of a synthesis. */
export interface SynthesizeOptions {
  /** The time at which promotion phases are judged. @default - now */
  readonly asOf?: Date;
  /**
   * Names of the targets to build: `management` and cluster names. The whole estate is validated and planned either
   * way. @default - every target
   */
  readonly targets?: readonly string[];
  /**
   * The estate as it runs (read from the base's management objects with `readRunningEstate`). With it, etcd members
   * that run keep their bootstrap and new members are rendered to join the running cluster; transition rules are
   * judged separately, by `validateTransition`. @default - none: every cluster is rendered as new
   */
  readonly base?: RunningEstate;
  /**
   * Running etcd members to replace although nothing about them changes (a repaired machine comes back empty): with
   * a base, each is rendered to join the running cluster again. @default - none
   */
  readonly replaceEtcdMembers?: readonly string[];
}

/**
 * The objects of one target, in a fixed order: `management` (every cluster's Cluster API objects), or one workload
 * cluster (its priority classes, its apps' namespaces and its apps' objects; only clusters that run an app at as-of).
 */
export interface SynthesizedTarget {
  readonly name: string;
  readonly objects: KubeObject[];
}

/** An estate synthesized at one as-of time. */
export interface Synthesis {
  readonly plan: EstatePlan;
  readonly targets: SynthesizedTarget[];
  /** Problems of severity `warning`; the estate synthesized despite them. */
  readonly warnings: Problem[];
}

/**
 * Validates the estate and synthesizes it: every rule is checked first and every error reported at once
 * (EstateValidationError); then the estate is planned at the as-of time and each target's objects are built as
 * cdk8s ApiObjects (so JSON patches apply) and resolved. The output is deterministic for a given estate and as-of.
 */
export function synthesize(estate: Estate, options: SynthesizeOptions = {}): Synthesis {
  const problems = validateEstate(estate);
  if (problems.some((p) => p.severity === ProblemSeverity.ERROR)) throw new EstateValidationError(problems);
  const asOf = options.asOf ?? new Date();
  if (Number.isNaN(asOf.getTime())) {
    throw new EstateValidationError([{ path: estate.node.path, rule: 'as-of', severity: ProblemSeverity.ERROR, message: 'the as-of time is not a date', fix: 'give an ISO-8601 time such as 2026-11-11T00:00:00+08:00', value: String(options.asOf) }]);
  }
  const plan = planEstate(estate, asOf);
  const patchProblems = new ProblemCollector();
  const only = options.targets === undefined ? undefined : new Set(options.targets);
  const wanted = (name: string) => only === undefined || only.has(name);
  const targets: SynthesizedTarget[] = [];
  const runningByName = new Map((options.base?.clusters ?? []).map((c) => [c.name, c]));
  if (wanted(MANAGEMENT_TARGET)) {
    const management = resolveTarget(MANAGEMENT_TARGET, plan.clusters.map((cluster) => ({
      path: cluster.path,
      what: 'the cluster',
      objects: () => renderClusterManagementObjects(cluster, plan.estate, runningByName.get(cluster.name), options.replaceEtcdMembers),
      patches: cluster.patches,
    })), patchProblems);
    // Machine templates are named after their content once patches have applied, so that a patch that changes the
    // machines rolls them like any other change, and patches name a template by its owner's name.
    // With what runs, a template whose content did not change keeps the name it runs under: nothing rolls for it.
    const keepNamesFrom = options.base?.clusters.flatMap((c) => c.templates ?? []);
    targets.push({ name: management.name, objects: nameTemplatesByContent(management.objects, keepNamesFrom ? { keepNamesFrom } : {}) });
  }
  const teams = teamsByNamespace(estate);
  const meshFacts = estateMeshFacts(estate);
  for (const [cluster, instances] of instancesByCluster(plan)) {
    if (!wanted(cluster.name)) continue;
    const units: TargetUnit[] = [
      { path: cluster.path, what: 'the cluster', objects: () => renderClusterObjects(plan.estate, cluster, instances, teams), patches: [] },
      // Per app namespace: its team's RBAC, quota and limits, default deny and the allows its apps declare.
      { path: cluster.path, what: 'the tenancy', objects: () => renderClusterTenancy(plan, cluster, instances, teams), patches: [] },
      ...instances.map((i) => ({ path: i.path, what: `app ${i.app} on cluster ${i.cluster}`, objects: () => renderAppInstance(i), patches: i.patches })),
      // The mesh: mTLS for the whole cluster, then each meshed app's subsets and routes.
      { path: cluster.path, what: 'the mesh', objects: () => renderClusterMesh(cluster, instances, meshFacts), patches: [] },
    ];
    // The app renderers write each manifest in the form the chart would resolve it to (proved by test): a cluster
    // target whose objects no patch touches needs no chart at all.
    targets.push(units.some((u) => u.patches.length > 0) ? resolveTarget(cluster.name, units, patchProblems) : {
      name: cluster.name,
      objects: units.flatMap((u) => u.objects()),
    });
  }
  if (patchProblems.hasErrors) {
    for (const p of problems) patchProblems.add(p);
    throw new EstateValidationError(patchProblems.problems);
  }
  return { plan, targets, warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING) };
}

/** The app instances of each cluster that runs at least one, in cluster order. */
function instancesByCluster(plan: EstatePlan): [EstatePlan['clusters'][number], AppInstancePlan[]][] {
  const byName = new Map<string, AppInstancePlan[]>();
  for (const i of plan.apps) {
    const list = byName.get(i.cluster);
    if (list) list.push(i);
    else byName.set(i.cluster, [i]);
  }
  return plan.clusters.filter((c) => byName.has(c.name)).map((c) => [c, byName.get(c.name)!]);
}

/** Objects that share their patches: a cluster's management objects, or one app on one cluster. */
interface TargetUnit {
  /** Construct path, for problems. */
  readonly path: string;
  /** What the unit is, in problems: `the cluster`, `app order-api on cluster trade-hz1`. */
  readonly what: string;
  readonly objects: () => KubeObject[];
  readonly patches: readonly ObjectPatch[];
}

/**
 * Builds one target as a cdk8s chart and resolves it. Each target gets its own App and Chart, and only that chart
 * is resolved (`toJson`), never `App.synth()`, which would validate every chart of the app again for each one.
 */
function resolveTarget(name: string, units: readonly TargetUnit[], problems: ProblemCollector): SynthesizedTarget {
  const app = new App({ outdir: '.', recordConstructMetadata: false });
  const chart = new Chart(app, name, { disableResourceNameHashes: true });
  const before = problems.problems.length;
  for (const unit of units) {
    const apiObjects: RenderedObject[] = [];
    for (const object of unit.objects()) {
      const id = `${object.kind}.${object.metadata.namespace ?? ''}.${object.metadata.name}`;
      apiObjects.push(new RenderedObject(chart, id, object));
    }
    for (const patch of unit.patches) {
      const matches = apiObjects.filter((o) => o.kind === patch.kind && (patch.name === undefined || o.name === patch.name));
      if (matches.length === 0) {
        problems.error({
          path: unit.path,
          rule: 'object-patch',
          message: `a patch for ${patch.kind}${patch.name ? ` "${patch.name}"` : ''} matches no object of ${unit.what}`,
          fix: 'check the kind and name against the synthesized objects (estate synth --format json lists them)',
          value: patch.name ?? patch.kind,
        });
      }
      for (const match of matches) {
        match.addJsonPatch(...patch.patches);
        try {
          match.toJson();
        } catch (e) {
          const reason = String((e as Error).message ?? e).replace(/^Failed serializing construct at path '[^']*' with name '[^']*': /, '');
          problems.error({
            path: unit.path,
            rule: 'object-patch',
            message: `a patch for ${match.kind} "${match.name}" cannot be applied: ${reason.split('\n')[0]}`,
            fix: 'fix the patch path or value against the synthesized object (estate synth writes it to dist/)',
            value: patch.patches.map((p) => p.toString?.() ?? p),
          });
        }
      }
    }
  }
  // A patch that failed is reported above; resolving the chart would only fail again on it.
  return { name, objects: problems.problems.length > before ? [] : (chart.toJson() as KubeObject[]) };
}
