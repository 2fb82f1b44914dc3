import { main } from '../main.js';

/**
 * Run one `mtb <stage> ...` command in the calling thread, exactly as the CLI
 * would: same argument parsing, same exit code. process.exitCode is reset
 * around it because main() reads it and the thread runs many commands.
 */
export async function runStageInThisThread(args: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    return await main(['node', 'mtb', '--quiet', ...args]);
  } finally {
    process.exitCode = undefined;
  }
}
