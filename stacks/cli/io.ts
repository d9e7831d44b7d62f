import { Command } from 'commander';

/** Exit codes of the `estate` command. */
export enum ExitCode {
  OK = 0,
  /** Unexpected failure inside the tool, or (for `estate check`) mandatory policy violations. */
  FAILURE = 1,
  /** Bad input: invalid estate, unknown estate, malformed option or file. */
  BAD_INPUT = 2,
}

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

/**
 * A subcommand of `estate`: adds itself to the program; its action reports its exit code through `setExitCode`
 * and never throws for bad input.
 */
export type CommandRegistration = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;
