import type { Command } from 'commander';
import { describeCorpusConfig, loadCorpusConfig } from '@mtb/core';
import { join } from 'node:path';
import { exitCodes } from '../exit-codes.js';

export function registerConfig(program: Command): void {
  const cmd = program
    .command('config')
    .description('show the settings of a corpus (corpus.json merged with defaults), or describe every key')
    .argument('[corpusDir]', 'corpus folder holding corpus.json', 'datasets/sample')
    .option('--describe', 'list every key with its default and what it does')
    .action((corpusDir: string, opts: { describe?: boolean }) => {
      if (opts.describe) {
        for (const d of describeCorpusConfig()) {
          process.stdout.write(`${d.key.padEnd(22)} ${String(JSON.stringify(d.default) ?? "-").padEnd(12)} ${d.description}\n`);
        }
        return;
      }
      process.stdout.write(JSON.stringify(loadCorpusConfig(join(corpusDir, 'corpus.json')), null, 2) + '\n');
    });
  exitCodes(cmd, {
    0: 'printed',
    2: 'an invalid corpus.json (the key and the file are named)',
  });
}
