import { SlurmPlanError } from './errors.js';
import { arraySpec } from './task-list.js';

/**
 * The two batch scripts of a Slurm build: a job array with one task per shard
 * (`mtb build --shard $SLURM_ARRAY_TASK_ID/N`, every book up to its
 * signatures) and the join (`mtb build --join`: dedup, segments, split), which
 * is submitted with `--dependency=afterok:<array job>`. A pure function of the
 * options, so the same options give the same bytes.
 */

/** Resources of one kind of job, as sbatch spells them. */
export interface SlurmResources {
  partition?: string;
  account?: string;
  cpusPerTask?: number;
  /** sbatch --mem: memory per node, e.g. "8G". */
  mem?: string;
  /** sbatch --time, e.g. "2:00:00" or "1-00:00:00". */
  time?: string;
}

export interface SlurmPlan {
  /** Absolute path of the corpus, on the file system every node shares. */
  corpusDir: string;
  /** Job names of the array and the join (slurmJobNames): `mtb cluster status` finds them in the queue by these. */
  jobNames: { array: string; join: string };
  shards: number;
  /** Array task ids to run (default: all shards). */
  tasks?: number[];
  shard: SlurmResources;
  join: SlurmResources;
  /** Absolute paths, on the shared file system: the node binary, bin/mtb.js, the workspace, the log folder. */
  node: string;
  mtb: string;
  workspace: string;
  logsDir: string;
  /** Pass --strict: a failed book fails the join (exit 1). */
  strict?: boolean;
}

/** A value for an #SBATCH line or the shell: refused when it could break either (sbatch has no quoting rules to rely on). */
const SAFE_VALUE = /^[A-Za-z0-9_.,:@%+=\/-]+$/;

function checkValue(what: string, v: string): string {
  if (!SAFE_VALUE.test(v)) throw new SlurmPlanError(`${what} "${v}" has characters (spaces, quotes, $ ...) that an #SBATCH line or the job's shell would split or expand: use a path or value without them`);
  return v;
}

function resourceLines(r: SlurmResources): string[] {
  const out: string[] = [];
  if (r.partition) out.push(`#SBATCH --partition=${checkValue('--partition', r.partition)}`);
  if (r.account) out.push(`#SBATCH --account=${checkValue('--account', r.account)}`);
  if (r.cpusPerTask) out.push(`#SBATCH --cpus-per-task=${r.cpusPerTask}`);
  if (r.mem) out.push(`#SBATCH --mem=${checkValue('--mem', r.mem)}`);
  if (r.time) out.push(`#SBATCH --time=${checkValue('--time', r.time)}`);
  return out;
}

export function slurmScripts(p: SlurmPlan): { array: string; join: string } {
  for (const [what, v] of [['the corpus path', p.corpusDir], ['the node path', p.node], ['the mtb path', p.mtb], ['the workspace path', p.workspace], ['the log folder', p.logsDir], ['the array job name', p.jobNames.array], ['the join job name', p.jobNames.join]] as const) checkValue(what, v);
  if (!Number.isInteger(p.shards) || p.shards < 1) throw new SlurmPlanError(`--shards ${p.shards}: expected a whole number of at least 1`);
  const tasks = p.tasks ?? Array.from({ length: p.shards }, (_, i) => i);
  if (!tasks.length || tasks.some((t) => !Number.isInteger(t) || t < 0 || t >= p.shards)) throw new SlurmPlanError(`task ids must lie in 0..${p.shards - 1}`);
  const strict = p.strict ? ' --strict' : '';
  const header = (name: string, output: string, extra: string[], r: SlurmResources): string[] => [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${p.logsDir}/${output}`,
    `#SBATCH --chdir=${p.workspace}`,
    ...extra,
    ...resourceLines(r),
  ];
  const array = [
    ...header(p.jobNames.array, `shard-%a-of-${p.shards}-job-%A.out`, [`#SBATCH --array=${arraySpec(tasks)}`], p.shard),
    '#',
    `# Written by \`mtb cluster slurm\`: task i of this array builds books i, i+${p.shards}, i+${2 * p.shards}, ... of`,
    `# ${p.corpusDir} up to their signatures (the per-book stages), in`,
    '# $SLURM_CPUS_PER_TASK worker threads. Every output is written atomically and',
    '# is a pure function of the inputs, so a failed task can simply be run again:',
    `#   sbatch --array=<ids> <this file>     (\`mtb cluster status ${p.corpusDir}\` lists them)`,
    `# Every node needs the corpus, node and the workspace at these same paths (a shared file system).`,
    'set -euo pipefail',
    `exec ${p.node} ${p.mtb} build ${p.corpusDir} --no-nx --shard "$SLURM_ARRAY_TASK_ID/${p.shards}" --parallel "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n');
  const join = [
    ...header(p.jobNames.join, 'join-job-%j.out', ['#SBATCH --kill-on-invalid-dep=yes'], p.join),
    '#',
    '# Written by `mtb cluster slurm`: after every shard of the array succeeded',
    '# (submitted with --dependency=afterok:<array job id>), the corpus steps: the',
    '# dedup join over every book, each book\'s segments, the train/eval split and',
    `# the shards in ${p.corpusDir}/shards. If a shard fails, Slurm cancels this job`,
    '# (--kill-on-invalid-dep) instead of leaving it pending forever.',
    'set -euo pipefail',
    `exec ${p.node} ${p.mtb} build ${p.corpusDir} --join --parallel "\${SLURM_CPUS_PER_TASK:-1}"${strict}`,
    '',
  ].join('\n');
  return { array, join };
}
