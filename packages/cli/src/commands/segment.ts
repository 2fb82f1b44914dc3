import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { runSegmentStage } from '@mtb/segment';
import { exitCodes } from '../exit-codes.js';
import { refuseBookDir } from './book-dir.js';

const log = createLogger('segment');

export function registerSegment(program: Command): void {
  const cmd = program
    .command('segment')
    .description('kept.arrow minus the dedup drop list -> segments.arrow: segments of minImages..maxImages images and at most maxTokens tokens')
    .argument('<bookBuildDir>', 'the book\'s build folder, <corpus>/build/<bookId> (holds kept.arrow from `mtb filter`; reads <corpus>/build/_dedup/<bookId>.json from `mtb dedup`)')
    .addHelpText('after', '\nSettings (minImages, maxImages, maxTokens, imageAnchor) come from <corpus>/corpus.json; see `mtb config --describe`.\nWrites segments.arrow and status/segments.json; a book whose earlier stage failed gets an empty segments.arrow.')
    .action((bookBuildDir: string) => {
      if (refuseBookDir(bookBuildDir, log)) return;
      const r = runSegmentStage(bookBuildDir);
      const c = r.counts;
      if (r.state === 'skipped') { log.warn(`${bookBuildDir}: skipped (an earlier stage failed)`); return; }
      const pct = (a: number | undefined, b: number | undefined): string => (b ? ((100 * (a ?? 0)) / b).toFixed(1) : '0.0');
      log.info(`${r.bookId}: ${c.segments ?? 0} segments, ${c['images.kept'] ?? 0}/${c['images.in'] ?? 0} images, ${c['tokens.kept'] ?? 0}/${c['tokens.in'] ?? 0} text tokens kept (${pct(c['tokens.kept'], c['tokens.in'])}%), ${pct(c['tokens.trained'], c['tokens.kept'])}% of them trained under OpenFlamingo's mask`);
    });
  exitCodes(cmd, {
    0: 'done, also when an earlier stage failed for this book (recorded as skipped, with empty outputs)',
    1: 'kept.arrow or the dedup drop list is missing (run `mtb filter`, `mtb dedup` first) or the stage failed; the message names the file',
    2: 'not a book build folder (<corpus>/build/<bookId>), or an invalid corpus.json',
  });
}
