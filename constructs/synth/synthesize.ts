import { App, Chart } from 'cdk8s';
import { Estate, EstateValidationError, Problem, ProblemCollector, ProblemSeverity, validateEstate } from '../estate';
import { KubeObject } from './kube-object';
import { renderClusterManagementObjects } from './management';
import { ClusterPlan, EstatePlan, planEstate } from './plan';
import { RenderedObject } from './rendered-object';

/** The target that holds every cluster's Cluster API objects. */
export const MANAGEMENT_TARGET = 'management';

/** Options of a synthesis. */
export interface SynthesizeOptions {
  /** The time at which promotion phases are judged. @default - now */
  readonly asOf?: Date;
}

/** The objects of one target (the management cluster, or one workload cluster), in a fixed order. */
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
  const management = resolveTarget(MANAGEMENT_TARGET, plan.clusters, (cluster) => renderClusterManagementObjects(cluster, plan.estate), patchProblems);
  if (patchProblems.hasErrors) {
    for (const p of problems) patchProblems.add(p);
    throw new EstateValidationError(patchProblems.problems);
  }
  return { plan, targets: [management], warnings: problems.filter((p) => p.severity === ProblemSeverity.WARNING) };
}

/**
 * Builds one target as a cdk8s chart and resolves it. Each target gets its own App and Chart, and only that chart
 * is resolved (`toJson`), never `App.synth()`, which would validate every chart of the app again for each one.
 */
function resolveTarget(name: string, clusters: ClusterPlan[], render: (cluster: ClusterPlan) => KubeObject[], problems: ProblemCollector): SynthesizedTarget {
  const app = new App({ outdir: '.', recordConstructMetadata: false });
  const chart = new Chart(app, name, { disableResourceNameHashes: true });
  for (const cluster of clusters) {
    const apiObjects: RenderedObject[] = [];
    for (const object of render(cluster)) {
      const id = `${object.kind}.${object.metadata.namespace ?? ''}.${object.metadata.name}`;
      apiObjects.push(new RenderedObject(chart, id, object));
    }
    for (const patch of cluster.patches) {
      const matches = apiObjects.filter((o) => o.kind === patch.kind && (patch.name === undefined || o.name === patch.name));
      if (matches.length === 0) {
        problems.error(cluster.path, 'object-patch', `a patch for ${patch.kind}${patch.name ? ` "${patch.name}"` : ''} matches no object of the cluster`, 'check the kind and name against the synthesized objects (estate synth --format json lists them)', patch.name ?? patch.kind);
      }
      for (const match of matches) {
        match.addJsonPatch(...patch.patches);
        try {
          match.toJson();
        } catch (e) {
          const reason = String((e as Error).message ?? e).replace(/^Failed serializing construct at path '[^']*' with name '[^']*': /, '');
          problems.error(cluster.path, 'object-patch', `a patch for ${match.kind} "${match.name}" cannot be applied: ${reason.split('\n')[0]}`, 'fix the patch path or value against the synthesized object (estate synth writes it to dist/)', patch.patches.map((p) => p.toString?.() ?? p));
        }
      }
    }
  }
  // A patch that failed is reported above; resolving the chart would only fail again on it.
  return { name, objects: problems.hasErrors ? [] : (chart.toJson() as KubeObject[]) };
}
