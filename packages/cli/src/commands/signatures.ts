import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { runSignaturesStage } from '@mtb/dedup-filter';
import { exitCodes } from '../exit-codes.js';
import { refuseBookDir } from './book-dir.js';

const log = createLogger('signatures');

export function registerSignatures(program: Command): void {
  const cmd = program
    .command('signatures')
    .description('kept.arrow -> signatures.arrow: per-book dedup features (normalized-text hashes with digits, number hashes, digit-folded word 5-gram shingle sets, MinHash signatures, image pixel hashes and pHashes)')
    .argument('<bookBuildDir>', 'the book\'s build folder, <corpus>/build/<bookId> (holds kept.arrow from `mtb filter`)')
    .addHelpText('after', '\nSettings (minhashPermutations, shingleSize, foldDigitsMinWords, maxImagePixels) come from <corpus>/corpus.json; see `mtb config --describe`.\nWrites signatures.arrow and status/signatures.json; a book whose earlier stage failed gets an empty signatures.arrow and is recorded as skipped.\nThe corpus join (`mtb dedup <corpus>`) reads only these files.')
    .action(async (bookBuildDir: string) => {
      if (refuseBookDir(bookBuildDir, log)) return;
      const status = await runSignaturesStage(bookBuildDir);
      const c = status.counts;
      if (status.state === 'skipped') log.warn(`${bookBuildDir}: ${status.details[0] ?? 'skipped'}`);
      else log.info(`${bookBuildDir}: ${c['text.hashed'] ?? 0} text blocks (${c.shingles ?? 0} shingles), ${c['image.hashed'] ?? 0} images hashed`);
      for (const d of status.state === 'ok' ? status.details : []) log.warn(d);
    });
  exitCodes(cmd, {
    0: 'done, also when an earlier stage failed for this book (recorded as skipped, with empty outputs)',
    1: 'kept.arrow is missing (run `mtb filter` first) or the stage failed; the message names the file',
    2: 'not a book build folder (<corpus>/build/<bookId>), or an invalid corpus.json',
  });
}
