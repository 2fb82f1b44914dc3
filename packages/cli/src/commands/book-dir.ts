import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '@mtb/core';
import { EXIT } from '../exit-codes.js';

/**
 * The per-book stage commands take `<corpus>/build/<bookId>`: anything else is
 * bad usage (exit 2, one line), not a stage failure with a stack trace.
 * Returns true when it refused the folder.
 */
export function refuseBookDir(dir: string, log: Logger): boolean {
  const abs = resolve(dir);
  let problem: string | undefined;
  if (basename(dirname(abs)) !== 'build') problem = `${dir} is not a book build folder: expected <corpus>/build/<bookId>, as \`mtb build\` lays it out`;
  else if (!existsSync(abs)) problem = `${dir} does not exist: run this book's earlier stages first (\`mtb pdf-html <corpus>/pdf/${basename(abs)}.pdf --out ${dir}\`, then tokens, filter, signatures)`;
  if (!problem) return false;
  log.error(problem);
  process.exitCode = EXIT.USAGE;
  return true;
}
