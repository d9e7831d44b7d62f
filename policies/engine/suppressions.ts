/**
 * Suppressions: an annotation on the object, keyed by the rule id, whose value is the reason.
 *
 *   metadata:
 *     annotations:
 *       suppress.policy.cluster-estate.io/require-min-replicas: "batch consumer, one replica by design (OPS-1234)"
 *
 * A suppressed finding is still reported (marked suppressed, with the reason) and does not count towards the exit
 * code or block Pulumi. As in cdk-nag, the reason is required and must say something: at least 10 characters.
 * A suppression without a usable reason is ignored, and the finding says so.
 */
import type { KubeObject } from '../../constructs';
import { annotationsOf } from './kube';

/** The prefix of a suppression annotation; the rule id follows, the value is the reason. */
export const SUPPRESSION_PREFIX = 'suppress.policy.cluster-estate.io/';
/** The shortest reason a suppression accepts, in characters. */
export const MIN_REASON_LENGTH = 10;

/** The annotation key that suppresses `ruleId`. */
export function suppressionKey(ruleId: string): string {
  return `${SUPPRESSION_PREFIX}${ruleId}`;
}

/** Whether an object suppresses a rule: not at all, with a valid reason, or with a reason too short to count. */
export type Suppression =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly problem: string };

/** Whether the object suppresses `ruleId`, and with which reason. */
export function suppressionOf(object: KubeObject, ruleId: string): Suppression {
  const annotations = annotationsOf(object);
  const key = suppressionKey(ruleId);
  if (!(key in annotations)) return { kind: 'none' };
  const reason = annotations[key].trim();
  if (reason.length < MIN_REASON_LENGTH) {
    return { kind: 'invalid', problem: `suppression ignored: annotation ${key} needs a reason of at least ${MIN_REASON_LENGTH} characters (got ${JSON.stringify(reason)})` };
  }
  return { kind: 'valid', reason };
}

/** Every rule id the object suppresses (whatever the reason), for reporting. */
export function suppressedRuleIds(object: KubeObject): string[] {
  return Object.keys(annotationsOf(object)).filter((k) => k.startsWith(SUPPRESSION_PREFIX)).map((k) => k.slice(SUPPRESSION_PREFIX.length));
}
