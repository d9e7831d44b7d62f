import type { ErrorRuleId, ValidationRuleId } from './rules';

/**
 * Problems found while validating an estate. Validation never stops at the first problem: every rule runs and
 * every problem is reported with the construct path, the rule it breaks, the value received and how to fix it.
 */

/** How serious a problem is. */
export enum ProblemSeverity {
  /** The estate cannot be synthesized until this is fixed. */
  ERROR = 'error',
  /** The estate synthesizes, but a reviewer should know (for example, an etcd that cannot survive a zone loss). */
  WARNING = 'warning',
}

/** One broken rule, found at one place in the estate. */
export interface Problem {
  /** Construct path of the place the problem was found, for example `reference/daily/trade-hz1/Etcd`. */
  readonly path: string;
  /** Stable rule id from `VALIDATION_RULES`, for example `etcd-odd-member-count`. */
  readonly rule: ValidationRuleId;
  readonly severity: ProblemSeverity;
  /** What is wrong, in one sentence, lowercase. */
  readonly message: string;
  /** The value received, rendered as text. */
  readonly value?: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Renders one problem as a single readable line. */
export function formatProblem(problem: Problem): string {
  const value = problem.value === undefined ? '' : ` (got ${problem.value})`;
  return `${problem.severity} ${problem.rule} at ${problem.path}: ${problem.message}${value}. Fix: ${problem.fix}`;
}

/** Thrown when an estate breaks one or more rules of severity `error`. Carries every problem found, warnings too. */
export class EstateValidationError extends Error {
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === ProblemSeverity.ERROR);
    super(
      `the estate is invalid: ${errors.length} error(s)\n` + errors.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'EstateValidationError';
    this.problems = problems;
  }

  /** Only the problems of severity `error`. */
  public get errors(): readonly Problem[] {
    return this.problems.filter((p) => p.severity === ProblemSeverity.ERROR);
  }
}

/**
 * One problem as a rule reports it: the value is still the raw value, rendered as text when it is collected.
 * @internal
 */
export interface ProblemReport<R extends ValidationRuleId = ValidationRuleId> {
  readonly path: string;
  readonly rule: R;
  readonly message: string;
  readonly fix: string;
  readonly value?: unknown;
}

/**
 * Collects problems while the rules run. Only a rule catalogued with severity `error` may report an error.
 * @internal
 */
export class ProblemCollector {
  private readonly found: Problem[] = [];

  public error({ path, rule, message, fix, value }: ProblemReport<ErrorRuleId>): void {
    this.add({ path, rule, severity: ProblemSeverity.ERROR, message, fix, value: render(value) });
  }

  public warning({ path, rule, message, fix, value }: ProblemReport): void {
    this.add({ path, rule, severity: ProblemSeverity.WARNING, message, fix, value: render(value) });
  }

  public add(problem: Problem): void {
    this.found.push(problem);
  }

  /** Every problem, ordered by path then rule so that reports are stable. */
  public get problems(): readonly Problem[] {
    return [...this.found].sort(
      (a, b) => compare(a.path, b.path) || compare(a.rule, b.rule) || compare(a.message, b.message),
    );
  }

  public get hasErrors(): boolean {
    return this.found.some((p) => p.severity === ProblemSeverity.ERROR);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function render(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
