import type { Command } from 'commander';
import { createLogger } from '@mtb/core';
import { readIndex, validateShardDir } from '@mtb/shards';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('validate');

export function registerValidate(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check every invariant and checksum of a shard folder; exit 1 on any failure')
    .argument('<shardDir>', 'a folder with index.json and data-*.arrow (e.g. <corpus>/shards/train)')
    .option('--max-tokens <n>', 'also require every row to have at most this many tokens')
    .option('--no-retokenize', 'skip comparing input_ids with a fresh tokenization of text (faster)')
    .action(async (shardDir: string, opts: { maxTokens?: string; retokenize: boolean }) => {
      const maxTokens = opts.maxTokens ? Number.parseInt(opts.maxTokens, 10) : undefined;
      if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
        log.error(`--max-tokens ${opts.maxTokens}: expected a whole number > 0`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      try {
        readIndex(shardDir);
      } catch (err) {
        log.error((err as Error).message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const report = await validateShardDir(shardDir, { retokenize: opts.retokenize, maxTokens });
      if (report.problems.length) {
        for (const p of report.problems) log.error(p);
        log.error(`${shardDir}: ${report.problems.length} problem(s) in ${report.rows} rows of ${report.shards} shard(s)`);
        process.exitCode = EXIT.FAILED;
        return;
      }
      process.stdout.write(`${shardDir}: ok, ${report.rows} rows in ${report.shards} shard(s); checksums, schema and row invariants hold\n`);
    });
  exitCodes(cmd, {
    0: 'every checksum, schema and row invariant holds',
    1: 'a check failed: each problem is printed, naming the shard',
    2: 'no readable index.json in the folder, or bad options',
  });
}
