import { createLogger, createProgress } from '@mtb/core';
import { BOOK_STAGES_BEFORE_JOIN, bookStageArgs, booksOfShard, type ShardSpec } from './plan.js';
import { runMtb } from './run-process.js';
import type { StageTiming } from './timings.js';

const log = createLogger('build');

export interface DirectOptions {
  parallel: number;
  /** Only the per-book stages up to signatures, for this shard of the books. */
  shard?: ShardSpec;
  /** Only the corpus steps: dedup, every book's segments, split (after shard runs). */
  joinOnly?: boolean;
}

/** A bounded pool: at most `limit` jobs at once, results in input order. */
async function pool<T, R>(items: T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await job(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

class StageFailed extends Error {}

/**
 * Runs the stage commands without Nx (no cache): for corpora outside the
 * workspace, for `--shard i/N` runs on many machines, and as a reference the
 * Nx build must equal byte for byte.
 */
export async function buildDirect(corpusDir: string, opts: DirectOptions): Promise<StageTiming[]> {
  const timings: StageTiming[] = [];
  const books = booksOfShard(corpusDir, opts.shard);
  const run = async (stage: string, args: string[]): Promise<void> => {
    const r = await runMtb(args);
    timings.push({ stage, ms: r.ms, task: args.join(' ') });
    if (r.code !== 0) throw new StageFailed(`stage ${stage} failed (exit ${r.code}): mtb ${args.join(' ')}\n${r.output}`);
  };
  if (!opts.joinOnly) {
    const bar = createProgress('books', books.length, 'books');
    await pool(books, opts.parallel, async (b) => {
      for (const stage of BOOK_STAGES_BEFORE_JOIN) await run(stage, bookStageArgs(stage, corpusDir, b.bookId, b.pdf));
      bar.increment();
    });
    bar.stop();
    if (opts.shard) {
      log.info(`shard ${opts.shard.index}/${opts.shard.count}: ${books.length} books done up to signatures; run \`mtb build --join\` once all shards are in place`);
      return timings;
    }
  }
  await run('dedup', ['dedup', corpusDir]);
  const all = booksOfShard(corpusDir);
  const bar = createProgress('segments', all.length, 'books');
  await pool(all, opts.parallel, async (b) => {
    await run('segments', bookStageArgs('segments', corpusDir, b.bookId, b.pdf));
    bar.increment();
  });
  bar.stop();
  await run('shards', ['split', corpusDir]);
  return timings;
}

export { StageFailed };
