import type { Command } from 'commander';

/** Documented in the README and in every `mtb <cmd> --help`. */
export const EXIT = {
  OK: 0,
  /** The command ran but something failed (a stage error, a failed or partial book under --strict, a failed validation). */
  FAILED: 1,
  /** Bad usage or bad settings: unknown option, invalid corpus.json, missing input. */
  USAGE: 2,
} as const;

/** What each exit code means for one command; codes left out keep the general meaning below. */
export type ExitCodeMeanings = Partial<Record<number, string>>;

/**
 * True of every command, because main() maps errors so: commander's usage
 * errors, an invalid settings file, a path that escapes its root and a
 * missing file give 2; any other error 1.
 */
export const GENERAL_EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'the command failed (the message says what and where)',
  2: 'usage error: bad arguments or options, a missing input, or invalid settings',
};

const declared = new WeakMap<Command, ExitCodeMeanings>();

/**
 * A command says what its exit codes mean, in its own register function:
 *
 *   exitCodes(program.command('validate')...., { 1: 'a check failed: each problem is printed' });
 *
 * main() appends the text to that command's --help (last, after its own help
 * text); subcommands of it (`mtb model params`) inherit it unless they declare
 * their own, and a command that declares nothing gets GENERAL_EXIT_CODES.
 */
export function exitCodes<C extends Command>(cmd: C, meanings: ExitCodeMeanings): C {
  declared.set(cmd, meanings);
  return cmd;
}

export function formatExitCodes(meanings: ExitCodeMeanings): string {
  const all: ExitCodeMeanings = { ...GENERAL_EXIT_CODES, ...meanings };
  const lines = Object.keys(all).map(Number).sort((a, b) => a - b).map((code) => `  ${code}  ${all[code] ?? ''}`);
  return `\nExit codes:\n${lines.join('\n')}`;
}

/** Appends each command's exit-code text to its help, down the whole command tree. */
export function addExitCodesHelp(cmd: Command, inherited: ExitCodeMeanings = {}): void {
  const own = declared.get(cmd) ?? inherited;
  cmd.addHelpText('after', formatExitCodes(own));
  for (const sub of cmd.commands) addExitCodesHelp(sub, own);
}

/** The program's own help: the general meanings, and where the exact ones are. */
export const PROGRAM_EXIT_CODES_HELP = `
Exit codes: 0 success; 1 the command failed; 2 usage error (bad arguments, a missing input,
invalid settings). Each command's --help says exactly what they mean for it; \`mtb build\`
reports failed and partial books and exits 0 unless --strict.`;
