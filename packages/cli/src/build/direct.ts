import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bookPaths, corpusPaths, createLogger, loadCorpusConfig, recordStage } from '@mtb/core';
import { BOOK_STAGES_BEFORE_JOIN, bookStageArgs, booksOfShard, type BookStage, type ShardSpec } from './plan.js';
import { runMtb, type ProcessResult, type TaskLimits } from './run-process.js';
import { StagePool } from './worker-pool.js';
import type { StageTiming } from './timings.js';
import type { BuildProgress } from './progress.js';

const log = createLogger('build');

/**
 * How each stage command runs: in a pool of worker threads that load the CLI
 * once (default: no per-task process startup), or as its own `mtb` process
 * (each stage isolated, with its own peak RSS measured).
 */
export type Isolation = 'worker' | 'process';
export const ISOLATIONS: readonly Isolation[] = ['worker', 'process'];

export interface DirectOptions {
  parallel: number;
  isolate?: Isolation;
  /** Only the per-book stages up to signatures, for this shard of the books. */
  shard?: ShardSpec;
  /** Only the corpus steps: dedup, every book's segments, split (after shard runs). */
  joinOnly?: boolean;
  /** Told of every finished task. */
  progress?: BuildProgress;
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
 * The status file the runner writes when a per-book task itself died (over its
 * heap limit, past its watchdog, crashed): the book's later stages see an
 * upstream failure and write empty outputs, so the other books are built. It is
 * cleared when the book's stages run again.
 */
export const RUNNER_STAGE = 'runner';

/** Per-book task limits from corpus.json: the heap limit, and a watchdog a minute past the book time limit. */
export function bookTaskLimits(corpusDir: string): TaskLimits {
  const cfg = loadCorpusConfig(corpusPaths(corpusDir).config);
  return { heapMb: cfg.stageMemoryMb, timeoutMs: cfg.bookTimeoutMs + 60_000 };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/**
 * Runs the stage commands without Nx (no cache): for corpora outside the
 * workspace, for `--shard i/N` runs on many machines, and as a reference the
 * Nx build must equal byte for byte.
 */
export async function buildDirect(corpusDir: string, opts: DirectOptions): Promise<StageTiming[]> {
  const timings: StageTiming[] = [];
  const books = booksOfShard(corpusDir, opts.shard);
  const isolate = opts.isolate ?? 'worker';
  const limits = bookTaskLimits(corpusDir);
  // No more threads than books: each one costs a CLI load (about 1 s CPU and 150 MB).
  const bookPool = isolate === 'worker' ? new StagePool(Math.min(opts.parallel, Math.max(1, booksOfShard(corpusDir).length)), limits) : undefined;
  // The corpus steps (the dedup join, the split) hold the whole corpus: no per-book heap limit for them.
  let corpusPool: StagePool | undefined;
  const execBook = (args: string[]): Promise<ProcessResult> => (bookPool ? bookPool.run(args) : runMtb(args, { limits }));
  const execCorpus = (args: string[]): Promise<ProcessResult> => {
    if (isolate !== 'worker') return runMtb(args);
    corpusPool ??= new StagePool(1);
    return corpusPool.run(args);
  };
  const timed = async (stage: string, args: string[], exec: (a: string[]) => Promise<ProcessResult>): Promise<ProcessResult> => {
    const r = await exec(args);
    const t: StageTiming = { stage, ms: r.ms, task: args.join(' ') };
    if (r.maxRssMb !== undefined) t.maxRssMb = Math.round(r.maxRssMb);
    if (r.cpuMs !== undefined) t.cpuMs = Math.round(r.cpuMs);
    timings.push(t);
    return r;
  };
  const runCorpusStep = async (stage: string, args: string[]): Promise<void> => {
    const r = await timed(stage, args, execCorpus);
    if (r.code === 0) opts.progress?.taskDone(stage, undefined, { ms: r.ms });
    if (r.code !== 0) throw new StageFailed(`stage ${stage} failed (exit ${r.code}): mtb ${args.join(' ')}\n${r.output}`);
  };
  /**
   * One book's stages in order. A task that dies is the book's failure, not the
   * build's: it is recorded by class and the remaining stages run so that they
   * write their empty outputs (a stage that fails again then is a real bug).
   */
  const runBookStages = async (b: { bookId: string; pdf: string }, stages: readonly BookStage[]): Promise<void> => {
    let failedAt = -1;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      const args = bookStageArgs(stage, corpusDir, b.bookId, b.pdf);
      // After a failure the stages only write empty outputs: run them without the limit that stopped the book.
      const r = await timed(stage, args, failedAt >= 0 ? execCorpus : execBook);
      if (r.code === 0) {
        opts.progress?.taskDone(stage, b.bookId, { ms: r.ms });
        continue;
      }
      if (failedAt >= 0) throw new StageFailed(`stage ${stage} failed (exit ${r.code}) after book "${b.bookId}" was recorded as failed: mtb ${args.join(' ')}\n${r.output}`);
      failedAt = i;
      const cls = r.killed ?? 'crashed';
      const what = r.killed === 'out-of-memory'
        ? `went over the stage heap limit of ${limits.heapMb} MB (corpus.json stageMemoryMb)`
        : r.killed === 'timeout'
          ? `ran past the watchdog of ${Math.round(limits.timeoutMs! / 1000)} s (corpus.json bookTimeoutMs + 60 s)`
          : `crashed (exit ${r.code})`;
      const message = `book "${b.bookId}" (${resolve(b.pdf)}): stage ${stage} ${what}; the book is left out, the others are built. Last output:\n${lastLines(r.output, 8)}`;
      recordStage(bookPaths(corpusDir, b.bookId).status, b.bookId, { stage: RUNNER_STAGE, state: 'failed', error: { class: cls, message }, counts: {}, details: [`stage ${stage}`] });
      log.warn(message);
      // The stage that died reruns once, now skipping (upstream failed), to leave empty outputs; html has no later reader.
      if (stage !== 'html') i--;
      else opts.progress?.taskDone(stage, b.bookId, { ms: r.ms });
    }
  };
  try {
    if (!opts.joinOnly) {
      await pool(books, opts.parallel, async (b) => {
        // A fresh attempt: an earlier run's task failure (a lower limit, a hang since fixed) is retried.
        rmSync(join(bookPaths(corpusDir, b.bookId).status, `${RUNNER_STAGE}.json`), { force: true });
        await runBookStages(b, BOOK_STAGES_BEFORE_JOIN);
      });
      if (opts.shard) {
        log.info(`shard ${opts.shard.index}/${opts.shard.count}: ${books.length} books done up to signatures; run \`mtb build --join\` once all shards are in place`);
        return timings;
      }
    }
    await runCorpusStep('dedup', ['dedup', corpusDir]);
    const all = booksOfShard(corpusDir);
    await pool(all, opts.parallel, async (b) => {
      await runBookStages(b, ['segments']);
    });
    await runCorpusStep('shards', ['split', corpusDir]);
    return timings;
  } finally {
    await bookPool?.close();
    await corpusPool?.close();
  }
}

export { StageFailed };
