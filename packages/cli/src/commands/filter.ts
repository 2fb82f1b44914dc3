import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { runFilterStage } from '@mtb/dedup-filter';
import { exitCodes } from '../exit-codes.js';
import { refuseBookDir } from './book-dir.js';

const log = createLogger('filter');

export function registerFilter(program: Command): void {
  const cmd = program
    .command('filter')
    .description('nodes.arrow -> kept.arrow + drops.json: drop page furniture, front and back matter, garbled or foreign text, fragments and unusable images')
    .argument('<bookBuildDir>', 'the book\'s build folder, <corpus>/build/<bookId> (holds nodes.arrow from `mtb tokens`)')
    .addHelpText('after', '\nThresholds (minWords, maxSymbolShare, languages, minImageSide, ...) come from <corpus>/corpus.json; see `mtb config --describe`.\nWrites kept.arrow, drops.json ({bookId, drops:[{seq, reason}], counts}) and status/filter.json with counts by reason.')
    .action(async (bookBuildDir: string) => {
      if (refuseBookDir(bookBuildDir, log)) return;
      const status = await runFilterStage(bookBuildDir);
      if (status.state === 'skipped') {
        log.warn(`${bookBuildDir}: ${status.details[0] ?? 'skipped'}`);
        return;
      }
      const c = status.counts;
      const reasons = Object.entries(c).filter(([k]) => k.startsWith('drop.')).map(([k, n]) => `${k.slice(5)} ${n}`);
      log.info(`${bookBuildDir}: kept ${c['nodes.kept']}/${c['nodes.in']} nodes (${c['tokens.kept']}/${c['tokens.in']} tokens, ${c['images.kept']}/${c['images.in']} images)${reasons.length ? `; dropped: ${reasons.join(', ')}` : ''}`);
      for (const d of status.details) log.warn(d);
    });
  exitCodes(cmd, {
    0: 'done, also when an earlier stage failed for this book (recorded as skipped, with empty outputs)',
    1: 'nodes.arrow is missing (run `mtb tokens` first) or the stage failed; the message names the file',
    2: 'not a book build folder (<corpus>/build/<bookId>), or an invalid corpus.json',
  });
}
