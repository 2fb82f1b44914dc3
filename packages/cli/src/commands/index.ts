import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every subcommand, one line each, in the order `--help` lists them. Each is
 * loaded on demand: a stage process (one per Nx task) then imports only its own
 * package, not pdf.js, Arrow, sharp and TensorFlow.js together, which cost
 * about a second and 300 MB per process.
 */
const COMMANDS: Array<[name: string, load: () => Promise<Register>]> = [
  ['build', async () => (await import('./build.js')).registerBuild],
  ['cluster', async () => (await import('./cluster.js')).registerCluster],
  ['view', async () => (await import('./view.js')).registerView],
  ['pdf-html', async () => (await import('./pdf-html.js')).registerPdfHtml],
  ['tokens', async () => (await import('./tokens.js')).registerTokens],
  ['filter', async () => (await import('./filter.js')).registerFilter],
  ['signatures', async () => (await import('./signatures.js')).registerSignatures],
  ['dedup', async () => (await import('./dedup.js')).registerDedup],
  ['stream', async () => (await import('./stream.js')).registerStream],
  ['pmc-oa', async () => (await import('./pmc-oa.js')).registerPmcOa],
  ['config', async () => (await import('./config.js')).registerConfig],
  ['segment', async () => (await import('./segment.js')).registerSegment],
  ['split', async () => (await import('./split.js')).registerSplit],
  ['inspect', async () => (await import('./inspect.js')).registerInspect],
  ['validate', async () => (await import('./validate.js')).registerValidate],
  ['model', async () => (await import('./model.js')).registerModel],
  ['train', async () => (await import('./train.js')).registerTrain],
];

export const COMMAND_NAMES = COMMANDS.map(([name]) => name);

/** The subcommand named on the command line (after global options), if any. */
export function invokedCommand(argv: string[]): string | undefined {
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  return first && COMMAND_NAMES.includes(first) ? first : undefined;
}

/**
 * Registers the invoked subcommand only, or all of them when none is named
 * (`mtb --help`, `mtb help <cmd>`, a typo that commander should answer with a
 * suggestion).
 */
export async function registerCommands(program: Command, argv?: string[]): Promise<void> {
  const wanted = argv ? invokedCommand(argv) : undefined;
  for (const [name, load] of COMMANDS) if (!wanted || name === wanted) (await load())(program);
}
