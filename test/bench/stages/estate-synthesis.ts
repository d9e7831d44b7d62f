/**
 * Stage "estate-synthesis": a generated estate of N clusters, from construction to files on disk.
 *
 *  ours:     constructs (buildEstate) -> synthesize(estate, {asOf}) (validate, plan, cdk8s ApiObjects, resolve)
 *            -> synthesisFiles -> writeFiles
 *  baseline: the same clusters as plain ClusterPlan data -> renderClusterManagementObjects (a pure function over
 *            plain data) -> keys in the order cdk8s writes them -> templates named after their content
 *            (nameTemplatesByContent, as synthesis does) -> targetFiles -> writeFiles (the same writer)
 *
 * Both write to a fresh folder; the baseline's files must be byte-identical to ours (ours alone writes the
 * `estate.json` summary), or the stage fails rather than report a comparison of different work.
 */
import {
  canonicalObject, MANAGEMENT_TARGET, nameTemplatesByContent, SUMMARY_FILE, renderClusterManagementObjects, synthesisFiles, synthesize,
  targetFiles, writeFiles,
} from '../../../constructs/internal';
import { buildClusterPlans, buildEstate, EstateSpec, estateSpec } from '../generate-estate';
import { Pipeline, runComparison } from '../harness/comparison';
import { Stage, StageContext, StageResult } from '../harness/types';

const NAME = 'estate-synthesis';
const DESCRIPTION = 'generated estate of N clusters synthesized to Cluster API objects and written as YAML';

export const estateSynthesis: Stage = {
  name: NAME,
  description: DESCRIPTION,
  run(context: StageContext): StageResult {
    return runComparison<EstateSpec>({
      name: NAME,
      description: DESCRIPTION,
      pipelines: {
        ours: 'constructs + synthesize + synthesisFiles + writeFiles',
        baseline: 'plain ClusterPlan + renderClusterManagementObjects + nameTemplatesByContent + targetFiles + writeFiles',
      },
      prepare: (size) => estateSpec(size),
      oursOnlyFiles: [SUMMARY_FILE],
      ours: oursPipeline,
      baseline: baselinePipeline,
    }, context);
  },
};

/** Ours: the estate written with constructs, synthesized (validate, plan, cdk8s, resolve), rendered and written. */
export const oursPipeline: Pipeline<EstateSpec> = (spec, r, outDir) => {
  const estate = r.phase('construct', () => buildEstate(spec));
  const synthesis = r.phase('synthesize', () => synthesize(estate, { asOf: spec.asOf }));
  const files = r.phase('files', () => synthesisFiles(synthesis));
  r.phase('write', () => writeFiles(outDir, files));
  return { objects: synthesis.targets.reduce((n, t) => n + t.objects.length, 0), files: files.length };
};

/** The baseline: the same clusters as plain plans, rendered by the same pure function, written by the same writer. */
export const baselinePipeline: Pipeline<EstateSpec> = (spec, r, outDir) => {
  const plans = r.phase('plan', () => buildClusterPlans(spec));
  const objects = r.phase('render', () => nameTemplatesByContent(plans.flatMap((plan) => renderClusterManagementObjects(plan, spec.name).map((o) => canonicalObject(o)))));
  const files = r.phase('files', () => targetFiles(MANAGEMENT_TARGET, objects));
  r.phase('write', () => writeFiles(outDir, files));
  return { objects: objects.length, files: files.length };
};
