import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { runSplit, formatSummary } from '@mtb/split';
import { exitCodes } from '../exit-codes.js';

const log = createLogger('split');

export function registerSplit(program: Command): void {
  const cmd = program
    .command('split')
    .description('every book\'s segments.arrow -> shards/train and shards/eval (Arrow shards HuggingFace datasets can load) and report/stats.json')
    .argument('<corpusDir>', 'the corpus folder (holds pdf/, build/<bookId>/segments.arrow, optional corpus.json and books.json)')
    .addHelpText('after', '\nSettings (splitUnit, evalFraction, splitSeed, maxShardBytes) come from <corpus>/corpus.json; see `mtb config --describe`.\nA book-level split whose eval share of segments is not within a factor of 2 of evalFraction (a corpus of few books) falls back to segments, with a warning in the summary and stats.json.')
    .action(async (corpusDir: string) => {
      const stats = await runSplit(corpusDir);
      process.stdout.write(formatSummary(stats) + '\n');
      log.info(`wrote ${stats.shards.train.files} train and ${stats.shards.eval.files} eval shard files and report/stats.json`);
    });
  exitCodes(cmd, {
    0: 'shards and report/stats.json written',
    2: 'an invalid corpus.json (the key and the file are named)',
  });
}
