import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { bookPaths, corpusPaths, readBookStatus, writeJsonAtomic } from '@mtb/core';
import type { ShardSpec } from '../build/plan.js';

/**
 * The record one `mtb build --shard i/N` (or `--join`) run leaves in the corpus:
 * `report/cluster/shard-<i>-of-<N>.json` and `report/cluster/join.json`. Written
 * when the run starts and again when it ends, so on a shared file system anyone
 * can tell a finished shard from a failed, a killed or a never-started one
 * (`mtb cluster status`), whichever scheduler ran it.
 */
export const ShardRunSchema = z.object({
  kind: z.enum(['shard', 'join']),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
  state: z.enum(['running', 'ok', 'failed']),
  /** The books this run was given, in order: a later change of the corpus makes the record stale. */
  books: z.array(z.string()),
  host: z.string(),
  pid: z.number().int(),
  /** The Slurm job that ran it, from the job's environment. */
  slurm: z.object({ jobId: z.string(), arrayJobId: z.string().optional(), arrayTaskId: z.string().optional() }).optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  /** Books whose stages recorded a failure: data, not a failed run (README "bad book"). */
  failedBooks: z.array(z.object({ bookId: z.string(), class: z.string() })).default([]),
});
export type ShardRun = z.infer<typeof ShardRunSchema>;

export function clusterDir(corpusDir: string): string {
  return join(corpusPaths(corpusDir).reportDir, 'cluster');
}

export function shardRunFile(corpusDir: string, shard: ShardSpec | 'join'): string {
  return join(clusterDir(corpusDir), shard === 'join' ? 'join.json' : `shard-${shard.index}-of-${shard.count}.json`);
}

function slurmJob(env: NodeJS.ProcessEnv): ShardRun['slurm'] {
  if (!env.SLURM_JOB_ID) return undefined;
  return { jobId: env.SLURM_JOB_ID, ...(env.SLURM_ARRAY_JOB_ID ? { arrayJobId: env.SLURM_ARRAY_JOB_ID } : {}), ...(env.SLURM_ARRAY_TASK_ID ? { arrayTaskId: env.SLURM_ARRAY_TASK_ID } : {}) };
}

function failedBooksOf(corpusDir: string, books: string[]): ShardRun['failedBooks'] {
  const out: ShardRun['failedBooks'] = [];
  for (const bookId of books) {
    try {
      const st = readBookStatus(bookPaths(corpusDir, bookId).status, bookId);
      const failed = Object.values(st.stages).find((s) => s.state === 'failed');
      if (failed) out.push({ bookId, class: failed.error?.class ?? 'internal' });
    } catch {
      // An unreadable status file is the next build's to report; the run's own end must still be recorded.
    }
  }
  return out;
}

/**
 * Runs a shard (or the join) between two records: `running` first, then `ok`
 * or `failed` with the error. SIGTERM and SIGINT (Slurm's time limit, scancel,
 * a node being drained) are recorded as a failure before the process exits;
 * only SIGKILL leaves `running` behind, which `mtb cluster status` reports as
 * killed once the job is gone from the queue.
 */
export async function recordShardRun<T>(corpusDir: string, what: { shard: ShardSpec | 'join'; books: string[] }, run: () => Promise<T>): Promise<T> {
  const file = shardRunFile(corpusDir, what.shard);
  const base: ShardRun = {
    kind: what.shard === 'join' ? 'join' : 'shard',
    ...(what.shard === 'join' ? {} : { shard: what.shard }),
    state: 'running',
    books: what.books,
    host: hostname(),
    pid: process.pid,
    ...(slurmJob(process.env) ? { slurm: slurmJob(process.env) } : {}),
    startedAt: new Date().toISOString(),
    failedBooks: [],
  };
  writeJsonAtomic(file, base);
  const end = (state: 'ok' | 'failed', error?: string): void => {
    writeJsonAtomic(file, { ...base, state, endedAt: new Date().toISOString(), ...(error ? { error } : {}), failedBooks: failedBooksOf(corpusDir, what.books) });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    end('failed', `stopped by ${signal} (a scheduler's time limit, scancel, or the node going down)`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const result = await run();
    end('ok');
    return result;
  } catch (err) {
    end('failed', (err as Error).message);
    throw err;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** Every run record of a corpus; unreadable ones are reported, not fatal (a half-copied file on a shared disk). */
export function readShardRuns(corpusDir: string): { shards: ShardRun[]; join?: ShardRun; unreadable: string[] } {
  const dir = clusterDir(corpusDir);
  const out: { shards: ShardRun[]; join?: ShardRun; unreadable: string[] } = { shards: [], unreadable: [] };
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (!/^(shard-\d+-of-\d+|join)\.json$/.test(f)) continue;
    try {
      const run = ShardRunSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (run.kind === 'join') out.join = run;
      else out.shards.push(run);
    } catch (err) {
      out.unreadable.push(`${join(dir, f)}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return out;
}
