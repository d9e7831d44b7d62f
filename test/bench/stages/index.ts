import { Stage } from '../harness/types';
import { diffStage } from './diff';
import { APP_STAGES } from './apps';
import { estateSynthesis } from './estate-synthesis';
import { policyCheck } from './policy-check';
import { pulumiClusterStack } from './pulumi-cluster-stack';
import { pulumiReal } from './pulumi-real';

/**
 * Every stage of the bench, in the order they run. A new stage (apps, policies, diff) is a module exporting a
 * `Stage` (most can build on `runComparison` in ../harness/comparison), added to this list.
 */
/** Stages that need the real engines (bash test/engines/provide.sh): run only when named with --stage. */
export const REAL_ENGINE_STAGES: readonly Stage[] = [pulumiReal];

export const STAGES: readonly Stage[] = [estateSynthesis, diffStage, pulumiClusterStack, policyCheck, ...APP_STAGES, ...REAL_ENGINE_STAGES];
