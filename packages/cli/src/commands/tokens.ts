import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { runTokensStage } from '@mtb/image-tokens';
import { exitCodes } from '../exit-codes.js';
import { refuseBookDir } from './book-dir.js';

const log = createLogger('tokens');

export function registerTokens(program: Command): void {
  const cmd = program
    .command('tokens')
    .description('book.html -> nodes.arrow: text blocks and images of one book in reading order, with LLaMA token counts')
    .argument('<bookBuildDir>', 'the book\'s build folder, <corpus>/build/<bookId> (holds book.html and images/ from `mtb pdf-html`)')
    .addHelpText('after', '\nSettings (maxImageSide, jpegQuality, maxImagePixels) come from <corpus>/corpus.json; see `mtb config --describe`.\nWrites nodes.arrow and status/tokens.json; a book whose earlier stage failed is recorded as skipped with an empty nodes.arrow.')
    .action(async (bookBuildDir: string) => {
      if (refuseBookDir(bookBuildDir, log)) return;
      const status = await runTokensStage(bookBuildDir);
      const c = status.counts;
      if (status.state === 'skipped') log.warn(`${bookBuildDir}: ${status.details[0] ?? 'skipped'}`);
      else log.info(`${bookBuildDir}: ${c['nodes.text'] ?? 0} text blocks, ${c['nodes.image'] ?? 0} images, ${c.tokens ?? 0} tokens over ${c.pages ?? 0} pages`);
      for (const d of status.state === 'ok' ? status.details : []) log.warn(d);
    });
  exitCodes(cmd, {
    0: 'done, also when an earlier stage failed for this book (recorded as skipped, with empty outputs)',
    1: 'book.html is missing (run `mtb pdf-html` first) or the stage failed; the message names the file',
    2: 'not a book build folder (<corpus>/build/<bookId>), or an invalid corpus.json',
  });
}
