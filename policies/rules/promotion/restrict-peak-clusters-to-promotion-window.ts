import { ANNOTATION_PHASE, ANNOTATION_PROMOTION, ClusterGroupKind, LABEL_GROUP_KIND } from '../../../constructs';
import { isCapiObject } from '../../engine/capi';
import { ACTIVE_PHASES } from '../../engine/context';
import { annotationsOf, labelsOf, nameOf } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** A promotion-peak cluster exists only while its promotion prepares, peaks or drains. */
export const restrictPeakClustersToPromotionWindow = defineRule({
  id: 'restrict-peak-clusters-to-promotion-window',
  area: 'promotion',
  description: 'A peak group\'s Cluster names its promotion and a phase in which it exists, and the promotion is in that phase at the as-of time.',
  rationale: 'A Cluster of a promotion-peak group names its promotion and a phase in which the group exists (preparing, peak, draining), and with the estate, that promotion really is in that phase at the as-of time. Peak capacity costs a great deal and exists only for the festival: a peak cluster applied outside its window (a stale as-of, a calendar typo, a manual apply) burns machines for weeks, and one without its promotion is never drained and removed.',
  remediation: 'Synthesize and apply with the right --as-of; check the promotion calendar (prepareFrom … drainUntil); put peak clusters only in a ClusterGroup of kind PEAK with its promotion.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['Cluster'],
  relational: false,
  estateContext: 'optional',
  config: {},
  check({ object, context }) {
    if (!isCapiObject(object)) return notApplicable('not a Cluster API Cluster');
    if (labelsOf(object)[LABEL_GROUP_KIND] !== ClusterGroupKind.PEAK) return notApplicable('not in a promotion-peak group');
    const annotations = annotationsOf(object);
    const promotion = annotations[ANNOTATION_PROMOTION];
    const phase = annotations[ANNOTATION_PHASE];
    const messages: string[] = [];
    if (!promotion) messages.push(`the peak-group cluster names no promotion (${ANNOTATION_PROMOTION}): nothing decides when it is drained and removed`);
    if (!phase || !ACTIVE_PHASES.includes(phase)) messages.push(`the peak-group cluster is applied in phase ${phase ? `"${phase}"` : '(none stated)'}: it may exist only while its promotion is ${ACTIVE_PHASES.join(', ')}`);
    if (context && promotion) {
      const status = context.plan.promotions.find((p) => p.name === promotion);
      const planned = context.plan.clusters.some((c) => c.name === nameOf(object));
      if (!status) messages.push(`promotion "${promotion}" is not a promotion of estate ${context.estate}`);
      else if (!ACTIVE_PHASES.includes(status.phase)) messages.push(`promotion ${promotion} is ${status.phase} at ${context.asOf} (window ${status.prepareFrom} to ${status.drainUntil} ${status.timeZone})`);
      else if (phase && status.phase !== phase) messages.push(`the Cluster says phase "${phase}" but promotion ${promotion} is ${status.phase} at ${context.asOf}`);
      if (!planned) messages.push(`the estate does not plan cluster ${nameOf(object)} at ${context.asOf}`);
    }
    return violations(messages);
  },
});
