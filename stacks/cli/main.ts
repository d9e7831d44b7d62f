#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliIo, CommandRegistration, ExitCode } from './io';
import { registerCheckCommand } from './check-command';
import { registerDiffCommand } from './diff-command';
import { registerEtcdCommand } from './etcd-command';
import { registerSynthCommand } from './synth-command';

export { CliIo, ExitCode } from './io';

/** The subcommands, in the order `estate --help` lists them. */
const COMMANDS: CommandRegistration[] = [registerSynthCommand, registerCheckCommand, registerDiffCommand, registerEtcdCommand];

const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  cwd: process.cwd(),
};

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let code: number = ExitCode.OK;
  const program = new Command('estate')
    .description('Describe a Kubernetes estate with typed constructs; synthesize, check and diff it.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError(false);

  for (const register of COMMANDS) register(program, io, (c) => (code = c));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.BAD_INPUT;
    }
    io.err(`estate: internal error: ${(e as Error).stack ?? e}`);
    return ExitCode.FAILURE;
  }
  return code;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
