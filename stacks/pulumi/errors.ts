import * as pulumi from '@pulumi/pulumi';
import { EstateDefinitionError, EstateValidationError, formatProblem, ProblemSeverity } from '../../constructs';
import { EstateInputError } from '../estates';

/** Bad stack configuration (or a stack state the program refuses to act on): one problem, and how to fix it. */
export class StackConfigError extends Error {
  constructor(
    /** What is wrong, lowercase, one sentence. Never contains a secret value. */
    public readonly problem: string,
    /** What to do about it: a command to run where there is one. */
    public readonly fix: string,
  ) {
    super(`${problem}. Fix: ${fix}`);
    this.name = 'StackConfigError';
  }
}

/** Several configuration problems found at once, reported together. */
export class StackConfigErrors extends Error {
  constructor(public readonly errors: readonly StackConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'StackConfigErrors';
  }
}

/**
 * The message a user sees when the program stops for a reason they can fix: no stack trace, every problem with its
 * fix. Undefined for anything else (an internal error, which keeps its stack).
 */
export function stackErrorMessage(e: unknown): string | undefined {
  const lines = (problems: { problem: string; fix: string }[]): string =>
    problems.map((p) => `cluster-estate: ${p.problem}\n  fix: ${p.fix}`).join('\n');
  if (e instanceof StackConfigError) return lines([e]);
  if (e instanceof StackConfigErrors) return lines([...e.errors]);
  if (e instanceof EstateInputError) return lines([{ problem: e.message.replace(/\. Fix: [\s\S]*$/, ''), fix: e.fix }]);
  if (e instanceof EstateDefinitionError) return lines([{ problem: e.message.replace(/\. Fix: [\s\S]*$/, ''), fix: e.fix }]);
  if (e instanceof EstateValidationError) {
    const errors = e.problems.filter((p) => p.severity === ProblemSeverity.ERROR);
    return [`cluster-estate: the estate is invalid: ${errors.length} error(s); fix each and run the preview again`, ...errors.map((p) => `  - ${formatProblem(p)}`)].join('\n');
  }
  return undefined;
}

/**
 * Converts a user-fixable error into a `pulumi.RunError`, which the Pulumi Node.js host reports as its message alone
 * (never with a stack trace). Other errors are returned unchanged: they are bugs, and their stack helps.
 */
export function toRunError(e: unknown): unknown {
  const message = stackErrorMessage(e);
  return message === undefined ? e : new pulumi.RunError(message);
}
