import { Stage } from '../harness/types';
import { estateSynthesis } from './estate-synthesis';

/**
 * Every stage of the bench, in the order they run. A new stage (apps, policies, diff) is a module exporting a
 * `Stage` (most can build on `runComparison` in ../harness/comparison), added to this list.
 */
export const STAGES: readonly Stage[] = [estateSynthesis];
