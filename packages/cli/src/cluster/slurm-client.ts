import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { SlurmCommandError } from './errors.js';
import type { QueuedJob, SchedulerQueue } from './shard-status.js';

/** `sbatch --parsable [args] script`: the job id (the part before ";cluster", if any). */
export function sbatch(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', env, timeout: 120_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new SlurmCommandError('sbatch is not on PATH: run this on a Slurm login node (or submit the scripts printed above yourself)');
  }
  const id = r.stdout?.trim().split(';')[0] ?? '';
  if (r.status !== 0 || !/^\d+$/.test(id)) {
    throw new SlurmCommandError(`sbatch ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim()}`);
  }
  return id;
}

/** Job names of a corpus's array and join, so the queue can be read back without job ids: unique per corpus path and shard count. */
export function slurmJobNames(corpusName: string, corpusPath: string, shards: number): { array: string; join: string } {
  const tag = `mtb-${corpusName}-${createHash('sha256').update(corpusPath).digest('hex').slice(0, 6)}`;
  return { array: `${tag}-shards-of-${shards}`, join: `${tag}-join` };
}

/**
 * This user's queue as squeue shows it (array tasks one per line), mapped to
 * the corpus's shards by job name. Undefined when squeue is missing or fails:
 * status then relies on the run records alone.
 */
export function readQueue(names: { array: string; join: string }, env: NodeJS.ProcessEnv = process.env): SchedulerQueue | undefined {
  // --me needs Slurm 20.11+; an older squeue fails and status falls back to the records.
  const r = spawnSync('squeue', ['--me', '--noheader', '--array', '--format=%A|%F|%K|%T|%r|%j'], { encoding: 'utf8', env, timeout: 60_000 });
  if (r.error || r.status !== 0) return undefined;
  const byJobId = new Map<string, QueuedJob>();
  const byShard = new Map<number, QueuedJob>();
  let joinJob: QueuedJob | undefined;
  for (const line of r.stdout.split('\n')) {
    const [jobId, arrayJobId, taskId, state, reason, name] = line.trim().split('|');
    if (!jobId || !state) continue;
    const job: QueuedJob = { state, ...(reason ? { reason } : {}) };
    byJobId.set(jobId, job);
    const isTask = arrayJobId && /^\d+$/.test(taskId ?? '');
    if (isTask) byJobId.set(`${arrayJobId}_${taskId}`, job);
    if (isTask && name === names.array) byShard.set(Number(taskId), job);
    if (name === names.join) joinJob = job;
  }
  return { byJobId, byShard, ...(joinJob ? { join: joinJob } : {}) };
}
