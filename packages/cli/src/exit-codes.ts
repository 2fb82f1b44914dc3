/** Documented in the CLI README and `mtb --help`. */
export const EXIT = {
  OK: 0,
  /** The command ran but something failed (a stage error, a failed or partial book under --strict, a failed validation). */
  FAILED: 1,
  /** Bad usage or bad settings: unknown option, invalid corpus.json, missing input. */
  USAGE: 2,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (failed and partial books are reported, not fatal, unless --strict)
  1  failure: a stage error, a validation failure, or failed or partial books with --strict
  2  usage error: bad arguments, invalid corpus.json, missing input
`;
