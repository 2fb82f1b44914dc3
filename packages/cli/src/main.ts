import { Command, CommanderError } from 'commander';
import { getLogLevel, setLogLevel, setQuiet, ConfigError, UnsafePathError } from '@mtb/core';
import { invokedCommand, registerCommands } from './commands/index.js';
import { EXIT, PROGRAM_EXIT_CODES_HELP, addExitCodesHelp } from './exit-codes.js';

/** The program; with `argv`, only the subcommand it names is loaded (see commands/index.ts). */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command();
  program
    .name('mtb')
    .description('Medical textbooks (PDF) -> deduplicated, interleaved image-text Arrow shards, and Flamingo training on them.')
    .option('-q, --quiet', 'no progress bars, warnings and errors only')
    .option('-v, --verbose', 'debug logging')
    .addHelpText('after', PROGRAM_EXIT_CODES_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (cmd) => {
      const opts = cmd.optsWithGlobals() as { quiet?: boolean; verbose?: boolean };
      if (opts.quiet) {
        setQuiet(true);
        setLogLevel('warn');
      }
      if (opts.verbose) setLogLevel('debug');
    });
  await registerCommands(program, argv);
  // Each command's own exit-code text (exitCodes() in its register function), or the general one.
  for (const cmd of program.commands) addExitCodesHelp(cmd.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof ConfigError || err instanceof UnsafePathError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`mtb: ${(err as Error).message}\n`);
      return EXIT.USAGE;
    }
    // The message names the file and what to do; the stack is for whoever debugs the code.
    const verbose = argv.includes('-v') || argv.includes('--verbose') || getLogLevel() === 'debug';
    const name = invokedCommand(argv);
    process.stderr.write(verbose ? `mtb: ${(err as Error).stack ?? String(err)}\n` : `mtb${name ? ` ${name}` : ''}: ${(err as Error).message ?? String(err)} (--verbose shows where it was raised)\n`);
    return EXIT.FAILED;
  }
}
