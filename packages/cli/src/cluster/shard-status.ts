import type { ShardRun } from './shard-runs.js';

/**
 * Where each shard of a `--shard i/N` build stands, from its run record, the
 * books' own outputs and, when the scheduler can be asked, its queue. A pure
 * function of what was read, so every case is testable without a cluster.
 */
export type ShardState = 'done' | 'failed' | 'running' | 'queued' | 'missing';

/** A job as the scheduler's queue shows it (squeue): its state word, e.g. PENDING, RUNNING. */
export interface QueuedJob { state: string; reason?: string }

export interface SchedulerQueue {
  /** Every queued or running job, by job id ("812") and, for array tasks, "<array job>_<task>". */
  byJobId: Map<string, QueuedJob>;
  /** Tasks of this corpus's shard array (known by its job name), by task id = shard index. */
  byShard: Map<number, QueuedJob>;
  /** This corpus's join job, while queued or running. */
  join?: QueuedJob;
}

export interface ShardStatusInput {
  count: number;
  /** The books of each shard as the corpus lists them now (`booksOfShard`). */
  booksOfShard: string[][];
  /** Run records of this shard count, by index. */
  runs: Map<number, ShardRun>;
  /** Whether a book has everything the join reads (its signatures status, kept.arrow and signatures.arrow). */
  bookReady: (bookId: string) => boolean;
  /** The scheduler's queue, read before the records, or undefined when it could not be asked. */
  queue?: SchedulerQueue;
  /** Whether a process of this host is alive, to tell a killed run from a running one without a scheduler. */
  isAlive: (host: string, pid: number) => boolean | undefined;
}

export interface ShardReport {
  index: number;
  state: ShardState;
  books: number;
  /** One line: why this state, with the job, host, times or error. */
  detail: string;
  failedBooks: ShardRun['failedBooks'];
}

const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD']);

function jobName(run: ShardRun): string {
  const s = run.slurm;
  if (!s) return `pid ${run.pid} on ${run.host}`;
  return `${s.arrayJobId && s.arrayTaskId ? `job ${s.arrayJobId}_${s.arrayTaskId}` : `job ${s.jobId}`} on ${run.host}`;
}

/**
 * A record still saying `running`: alive while its Slurm job is in the queue
 * (the queue was read before the record, so a job that just finished has
 * already written its end), or, without Slurm, while its process lives.
 */
function isRunAlive(run: ShardRun, input: Pick<ShardStatusInput, 'queue' | 'isAlive'>): boolean | undefined {
  if (run.slurm && input.queue) {
    const key = run.slurm.arrayJobId && run.slurm.arrayTaskId ? `${run.slurm.arrayJobId}_${run.slurm.arrayTaskId}` : run.slurm.jobId;
    return input.queue.byJobId.has(key) || input.queue.byJobId.has(run.slurm.jobId);
  }
  return input.isAlive(run.host, run.pid);
}

function sameBooks(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function shardStatus(input: ShardStatusInput): ShardReport[] {
  const out: ShardReport[] = [];
  for (let index = 0; index < input.count; index++) {
    const books = input.booksOfShard[index] ?? [];
    const run = input.runs.get(index);
    const queued = input.queue?.byShard.get(index);
    const report = (state: ShardState, detail: string): void => {
      out.push({ index, state, books: books.length, detail, failedBooks: run?.failedBooks ?? [] });
    };
    // A task in the queue is the newest attempt, whatever an older record says.
    if (queued) {
      if (QUEUED.has(queued.state)) report('queued', `waiting in the queue (${queued.state}${queued.reason && queued.reason !== 'None' ? `: ${queued.reason}` : ''})`);
      else report('running', run?.state === 'running' ? `${queued.state.toLowerCase()} as ${jobName(run)} since ${run.startedAt}` : `${queued.state.toLowerCase()} in Slurm (no run record yet)`);
      continue;
    }
    if (!run) {
      report('missing', 'no run recorded: never started, or still waiting to start');
      continue;
    }
    if (!sameBooks(run.books, books)) {
      report('missing', `the run recorded (${jobName(run)}, ${run.startedAt}) built another set of books: the corpus changed since`);
      continue;
    }
    if (run.state === 'failed') {
      report('failed', `${jobName(run)} failed at ${run.endedAt ?? '?'}: ${run.error ?? 'no message'}`);
      continue;
    }
    if (run.state === 'running') {
      const alive = isRunAlive(run, input);
      if (alive === false) {
        report('failed', `${jobName(run)} started at ${run.startedAt} and stopped without finishing: killed (time or memory limit, SIGKILL, a lost node); see its log`);
      } else report('running', `${jobName(run)} since ${run.startedAt}${alive === undefined ? ' (no scheduler to confirm it is alive)' : ''}`);
      continue;
    }
    const notReady = books.filter((b) => !input.bookReady(b));
    if (notReady.length) {
      report('failed', `${jobName(run)} finished at ${run.endedAt}, but ${notReady.length} of its books lack their outputs now (first: ${notReady[0]}): the build folder changed since`);
      continue;
    }
    const bad = run.failedBooks.length ? `; ${run.failedBooks.length} book(s) failed as data (${run.failedBooks.map((f) => `${f.bookId}: ${f.class}`).join(', ')})` : '';
    report('done', `${jobName(run)}, finished at ${run.endedAt}${bad}`);
  }
  return out;
}

export interface JoinReport { state: ShardState; detail: string }

/** The join is done when it ran after the last shard finished; a shard rerun since makes it stale. */
export function joinStatus(join: ShardRun | undefined, shards: ShardReport[], runs: Map<number, ShardRun>, input: Pick<ShardStatusInput, 'queue' | 'isAlive'>): JoinReport {
  const queued = input.queue?.join;
  if (queued) {
    if (QUEUED.has(queued.state)) return { state: 'queued', detail: `waiting in the queue (${queued.state}${queued.reason && queued.reason !== 'None' ? `: ${queued.reason}` : ''})` };
    return { state: 'running', detail: queued.state.toLowerCase() };
  }
  if (!join) return { state: 'missing', detail: 'not run yet' };
  const pending = shards.filter((s) => s.state !== 'done').length;
  if (join.state === 'running') {
    if (isRunAlive(join, input) === false) return { state: 'failed', detail: `${jobName(join)} started at ${join.startedAt} and stopped without finishing: killed (time or memory limit, SIGKILL, a lost node); see its log` };
    return { state: 'running', detail: `${jobName(join)} since ${join.startedAt}` };
  }
  if (join.state === 'failed') return { state: 'failed', detail: `${jobName(join)} failed at ${join.endedAt ?? '?'}: ${join.error ?? 'no message'}` };
  if (pending) return { state: 'missing', detail: `its last run (${join.endedAt}) is not over these shards: ${pending} of them are not done` };
  const lastShard = Math.max(...shards.map((s) => Date.parse(runs.get(s.index)?.endedAt ?? '') || 0));
  if (Date.parse(join.startedAt) < lastShard) return { state: 'missing', detail: `the join of ${join.endedAt} ran before a shard was rebuilt: run it again` };
  return { state: 'done', detail: `${jobName(join)}, finished at ${join.endedAt}` };
}
