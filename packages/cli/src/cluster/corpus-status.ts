import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { bookPaths, corpusPaths } from '@mtb/core';
import { booksOfShard } from '../build/plan.js';
import { ClusterStatusError } from './errors.js';
import { readShardRuns, type ShardRun } from './shard-runs.js';
import { joinStatus, shardStatus, type JoinReport, type SchedulerQueue, type ShardReport } from './shard-status.js';
import { readQueue, slurmJobNames } from './slurm-client.js';
import { readSlurmPlanFile } from './slurm-plan-file.js';

/** A corpus's short name as job names and file names may hold it. */
export function corpusSlug(corpusDir: string): string {
  return basename(corpusPaths(corpusDir).root).replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40) || 'corpus';
}

export interface CorpusClusterStatus {
  corpus: string;
  books: number;
  shards: number;
  /** Whether the Slurm queue could be read (squeue); without it, a killed run is told apart only on this host. */
  scheduler: 'slurm' | 'none';
  shardReports: ShardReport[];
  join: JoinReport;
  /** Run records of other shard counts, or unreadable, that were left aside. */
  notes: string[];
}

/** Everything the join reads of a book (SCALING.md §6a): a book that has these needs no rerun. */
function bookReady(corpusDir: string, bookId: string): boolean {
  const p = bookPaths(corpusDir, bookId);
  return existsSync(join(p.status, 'signatures.json')) && existsSync(p.kept) && existsSync(p.signatures);
}

function processAlive(host: string, pid: number): boolean | undefined {
  if (host !== hostname()) return undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The shard count to report on: the one asked for, else the last `mtb cluster slurm`'s, else that of the newest run recorded. */
function shardCount(runs: ShardRun[], asked: number | undefined, corpusDir: string): number {
  if (asked !== undefined) return asked;
  const planned = readSlurmPlanFile(corpusDir)?.shards;
  if (planned !== undefined) return planned;
  const newest = [...runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  if (!newest?.shard) throw new ClusterStatusError(`no shard run is recorded in ${join(corpusPaths(corpusDir).reportDir, 'cluster')}: say how many shards the build has (--shards N)`);
  return newest.shard.count;
}

export function corpusClusterStatus(corpusDir: string, opts: { shards?: number; queue?: SchedulerQueue | null } = {}): CorpusClusterStatus {
  const root = corpusPaths(corpusDir).root;
  const all = readShardRuns(corpusDir);
  const count = shardCount(all.shards, opts.shards, corpusDir);
  // The queue first, the records after: a job that leaves the queue in between has already written its end.
  const queue = opts.queue === null ? undefined : (opts.queue ?? readQueue(slurmJobNames(corpusSlug(corpusDir), root, count)));
  const { shards: runs, join: joinRun } = readShardRuns(corpusDir);
  const notes = [...all.unreadable];
  const byIndex = new Map<number, ShardRun>();
  for (const r of runs) {
    if (r.shard?.count === count) byIndex.set(r.shard.index, r);
  }
  const other = runs.filter((r) => r.shard?.count !== count).map((r) => `${r.shard!.index}/${r.shard!.count}`);
  if (other.length) notes.push(`left aside: records of runs with another shard count (${other.join(', ')})`);
  const books = booksOfShard(corpusDir);
  const perShard = Array.from({ length: count }, (_, i) => books.filter((_, k) => k % count === i).map((b) => b.bookId));
  const input = { count, booksOfShard: perShard, runs: byIndex, bookReady: (id: string) => bookReady(corpusDir, id), queue, isAlive: processAlive };
  const shardReports = shardStatus(input);
  return { corpus: root, books: books.length, shards: count, scheduler: queue ? 'slurm' : 'none', shardReports, join: joinStatus(joinRun, shardReports, byIndex, input), notes };
}
