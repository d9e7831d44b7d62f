import { ProblemCollector } from '../estate/problems';

/**
 * Debug mode: the main container runs without probes and lifecycle hooks, so a crash-looping pod stays up long
 * enough to be inspected (`kubectl exec`, a heap dump). Sidecars keep theirs. In the production environment it is
 * refused unless acknowledged with a written reason, which the pods then carry as an annotation.
 */
export interface DebugProps {
  /** Why, in a sentence (an incident or ticket reference): required in production, at least 10 characters. @default - none */
  readonly reason?: string;
}

export const MIN_DEBUG_REASON_LENGTH = 10;

/** Reports debug mode in production without a written reason. */
export function checkDebug(path: string, debug: DebugProps | undefined, environment: string, problems: ProblemCollector): void {
  if (!debug) return;
  const reason = (debug.reason ?? '').trim();
  if (environment === 'production' && reason.length < MIN_DEBUG_REASON_LENGTH) {
    problems.error({
      path,
      rule: 'debug-in-production',
      message: 'debug mode drops probes and lifecycle hooks, and is refused in production without a written reason',
      fix: `acknowledge it with debug: { reason: '<incident or ticket, what you inspect>' } (at least ${MIN_DEBUG_REASON_LENGTH} characters), or turn debug mode off`,
      value: debug.reason ?? null,
    });
  }
}
