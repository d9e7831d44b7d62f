import { EstateDefinitionError, EstateValidationError } from '../../constructs';
import { EstateInputError } from '../estates';
import { formatProblems } from './format';
import { CliIo, ExitCode } from './io';

/**
 * Reports an error of any subcommand and returns its exit code: typed input and validation errors are bad input
 * (2), listed without a stack trace; anything else is an internal error (1).
 */
export function reportError(e: unknown, json: boolean, io: CliIo): number {
  if (e instanceof EstateValidationError) {
    if (json) io.out(JSON.stringify({ ok: false, problems: e.problems }, null, 2));
    else io.err(formatProblems(e.problems));
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof EstateInputError || e instanceof EstateDefinitionError) {
    const problem = e instanceof EstateDefinitionError
      ? { path: e.path, rule: e.rule, severity: 'error', message: e.message, fix: e.fix }
      : { path: '', rule: 'input', severity: 'error', message: e.message, fix: e.fix };
    if (json) io.out(JSON.stringify({ ok: false, problems: [problem] }, null, 2));
    else io.err(`estate: ${e.message}`);
    return ExitCode.BAD_INPUT;
  }
  if (e instanceof Error && /^refusing to replace/.test(e.message)) {
    io.err(`estate: ${e.message}`);
    return ExitCode.BAD_INPUT;
  }
  io.err(`estate: internal error, please report it: ${(e as Error)?.stack ?? String(e)}`);
  return ExitCode.FAILURE;
}

