import type { Command } from 'commander';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { corpusPaths, createLogger, listBooks, loadCorpusConfig, writeFileAtomic } from '@mtb/core';
import { MTB_BIN } from '../build/run-process.js';
import { WORKSPACE_ROOT } from '../build/run-nx.js';
import { ClusterStatusError, SlurmCommandError, SlurmPlanError } from '../cluster/errors.js';
import { corpusClusterStatus, corpusSlug, type CorpusClusterStatus } from '../cluster/corpus-status.js';
import { sbatch, slurmJobNames } from '../cluster/slurm-client.js';
import { slurmScripts, type SlurmResources } from '../cluster/slurm-scripts.js';
import { arraySpec, parseTaskList } from '../cluster/task-list.js';
import { readSlurmPlanFile, writeSlurmPlanFile } from '../cluster/slurm-plan-file.js';
import { EXIT } from '../exit-codes.js';

const log = createLogger('cluster');

export const ARRAY_SCRIPT = 'build-shards.sbatch';
export const JOIN_SCRIPT = 'join.sbatch';

interface SlurmOptions {
  shards: string;
  partition?: string;
  account?: string;
  cpusPerTask?: string;
  mem?: string;
  time?: string;
  joinCpusPerTask?: string;
  joinMem?: string;
  joinTime?: string;
  tasks?: string;
  out?: string;
  strict?: boolean;
  submit?: boolean;
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new SlurmPlanError(`${flag} ${v}: expected a whole number of at least 1`);
  return n;
}

function scriptsDirOf(corpusDir: string, out?: string): string {
  return resolve(out ?? join(corpusPaths(corpusDir).root, 'slurm'));
}

/** The one-line submission of the array (or some of its tasks) and the join that waits for it. */
export function submitLine(scriptsDir: string, tasks?: number[]): string {
  const array = tasks ? ` --array=${arraySpec(tasks)}` : '';
  return `jid=$(sbatch --parsable${array} ${join(scriptsDir, ARRAY_SCRIPT)}) && sbatch --dependency=afterok:\${jid%%;*} ${join(scriptsDir, JOIN_SCRIPT)}`;
}

function writeSlurm(corpusDir: string, opts: SlurmOptions): void {
  const paths = corpusPaths(corpusDir);
  if (!existsSync(paths.pdfDir)) throw new SlurmPlanError(`${paths.pdfDir} does not exist: a corpus is a folder with pdf/<book>.pdf files`);
  loadCorpusConfig(paths.config); // a bad corpus.json fails here, not in every array task
  const books = listBooks(corpusDir).length;
  const shards = positiveInt('--shards', opts.shards)!;
  if (!books) throw new SlurmPlanError(`${paths.pdfDir} holds no PDF: nothing to build`);
  if (shards > books) throw new SlurmPlanError(`--shards ${shards} is more than the ${books} books of ${paths.root}: a shard builds whole books, so use at most ${books}`);
  const tasks = opts.tasks ? parseTaskList(opts.tasks, shards) : undefined;
  const shard: SlurmResources = { partition: opts.partition, account: opts.account, cpusPerTask: positiveInt('--cpus-per-task', opts.cpusPerTask), mem: opts.mem, time: opts.time };
  const joinRes: SlurmResources = {
    ...shard,
    cpusPerTask: positiveInt('--join-cpus-per-task', opts.joinCpusPerTask) ?? shard.cpusPerTask,
    mem: opts.joinMem ?? shard.mem,
    time: opts.joinTime ?? shard.time,
  };
  const dir = scriptsDirOf(corpusDir, opts.out);
  const logsDir = join(dir, 'logs');
  const scripts = slurmScripts({
    corpusDir: paths.root,
    jobNames: slurmJobNames(corpusSlug(corpusDir), paths.root, shards),
    shards,
    tasks,
    shard,
    join: joinRes,
    node: process.execPath,
    mtb: MTB_BIN,
    workspace: WORKSPACE_ROOT,
    logsDir,
    strict: opts.strict,
  });
  // Slurm does not create the folder of --output: a missing one fails every task silently.
  mkdirSync(logsDir, { recursive: true });
  writeSlurmPlanFile(corpusDir, { shards, scriptsDir: dir });
  const arrayFile = join(dir, ARRAY_SCRIPT);
  const joinFile = join(dir, JOIN_SCRIPT);
  writeFileAtomic(arrayFile, scripts.array);
  writeFileAtomic(joinFile, scripts.join);
  chmodSync(arrayFile, 0o755);
  chmodSync(joinFile, 0o755);
  const per = Math.ceil(books / shards);
  const taskText = tasks ? `tasks ${arraySpec(tasks)} of ${shards}` : `${shards} tasks`;
  process.stdout.write(`wrote ${arrayFile}: a job array of ${taskText}, each \`mtb build --shard i/${shards}\` of up to ${per} of the ${books} books, up to their signatures\n`);
  process.stdout.write(`wrote ${joinFile}: the join (dedup, segments, split into ${paths.shardsDir}), once every task succeeded\n`);
  process.stdout.write(`logs go to ${logsDir}\n`);
  if (!opts.submit) {
    process.stdout.write(`submit both with:\n  ${submitLine(dir)}\n`);
    return;
  }
  const arrayJob = sbatch(tasks ? [`--array=${arraySpec(tasks)}`, arrayFile] : [arrayFile]);
  const joinJob = sbatch([`--dependency=afterok:${arrayJob}`, joinFile]);
  process.stdout.write(`submitted array job ${arrayJob} (${taskText}) and join job ${joinJob} (after every task of ${arrayJob} succeeded)\n`);
  process.stdout.write(`follow it with: mtb cluster status ${paths.root}\n`);
}

const STATE_ORDER = ['done', 'running', 'queued', 'failed', 'missing'] as const;

/** What to run next: only the shards that failed or never ran, then the join; or the join alone. */
export function nextSteps(s: CorpusClusterStatus, scriptsDir: string): { what: string; rerunShards: number[]; commands: string[] } | undefined {
  const rerun = s.shardReports.filter((r) => r.state === 'failed' || r.state === 'missing').map((r) => r.index);
  // The Slurm line only where the scripts there build this shard count.
  const arrayScript = join(scriptsDir, ARRAY_SCRIPT);
  const haveScripts = existsSync(arrayScript) && existsSync(join(scriptsDir, JOIN_SCRIPT)) && readFileSync(arrayScript, 'utf8').includes(`--shard "$SLURM_ARRAY_TASK_ID/${s.shards}"`);
  if (rerun.length) {
    const direct = `${rerun.map((i) => `mtb build ${s.corpus} --no-nx --shard ${i}/${s.shards}`).join(' && ')} && mtb build ${s.corpus} --join`;
    return {
      what: `rerun only shards ${arraySpec(rerun)}, then the join:`,
      rerunShards: rerun,
      commands: [...(haveScripts ? [submitLine(scriptsDir, rerun)] : []), `without Slurm: ${direct}`],
    };
  }
  if (s.shardReports.every((r) => r.state === 'done') && (s.join.state === 'failed' || s.join.state === 'missing')) {
    return { what: 'every shard is done; run the join:', rerunShards: [], commands: [haveScripts ? `sbatch ${join(scriptsDir, JOIN_SCRIPT)}` : `mtb build ${s.corpus} --join`] };
  }
  return undefined;
}

function printStatus(s: CorpusClusterStatus, next: ReturnType<typeof nextSteps>): void {
  const out: string[] = [`${s.corpus}: ${s.books} books in ${s.shards} shards${s.scheduler === 'slurm' ? ' (Slurm queue read)' : ' (no Slurm queue: records only)'}`];
  const books = (n: number): string => `${String(n).padStart(4)} ${n === 1 ? 'book ' : 'books'}`;
  for (const r of s.shardReports) out.push(`  shard ${r.index}/${s.shards}  ${r.state.padEnd(7)}  ${books(r.books)}  ${r.detail}`);
  out.push(`  join        ${s.join.state.padEnd(7)}  ${''.padStart(10)}  ${s.join.detail}`);
  const counts = STATE_ORDER.map((st) => [st, s.shardReports.filter((r) => r.state === st).length] as const).filter(([, n]) => n > 0);
  out.push(`shards: ${counts.map(([st, n]) => `${n} ${st}`).join(', ')}; join: ${s.join.state}`);
  for (const n of s.notes) out.push(`note: ${n}`);
  if (next) out.push(next.what, ...next.commands.map((c) => `  ${c}`));
  process.stdout.write(out.join('\n') + '\n');
}

export function registerCluster(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('build a corpus on a cluster scheduler: Slurm job arrays of `mtb build --shard i/N`, then the join; and where each shard stands');

  cluster
    .command('slurm')
    .description('write a Slurm job array (one task per shard: `mtb build --shard $SLURM_ARRAY_TASK_ID/N`) and a join job that runs once all of them succeeded; --submit submits both with sbatch')
    .argument('<corpusDir>', 'corpus folder (pdf/*.pdf, corpus.json) on a file system every node shares')
    .requiredOption('--shards <n>', 'number of array tasks; task i builds books i, i+N, i+2N, ... of the sorted book list')
    .option('--partition <p>', 'sbatch --partition of every job')
    .option('--account <a>', 'sbatch --account of every job')
    .option('--cpus-per-task <c>', 'CPUs of each array task (its --parallel)')
    .option('--mem <m>', 'memory of each array task, e.g. 12G (about 0.72 GB per CPU; SCALING.md §6b)')
    .option('--time <t>', 'time limit of each array task, e.g. 4:00:00')
    .option('--join-cpus-per-task <c>', 'CPUs of the join job (default: --cpus-per-task)')
    .option('--join-mem <m>', 'memory of the join job (default: --mem; at MTB scale the dedup join alone needs about 2.1 GB)')
    .option('--join-time <t>', 'time limit of the join job (default: --time)')
    .option('--tasks <ids>', 'run only these array tasks, e.g. 1,4-6 (a rerun of failed shards)')
    .option('--out <dir>', 'where the scripts and logs/ go', '<corpusDir>/slurm')
    .option('--strict', 'the join exits 1 when any book failed')
    .option('--submit', 'submit the array and the join (sbatch) and print their job ids')
    .addHelpText('after', `
Every node must see the corpus, this workspace and node at the same absolute paths (a shared
file system). Outputs are written atomically and are pure functions of the inputs, so a failed
task can be run again alone; \`mtb cluster status <corpusDir>\` says which and prints the command.`)
    .action((corpusDir: string, opts: SlurmOptions) => {
      try {
        writeSlurm(corpusDir, { ...opts, out: opts.out === '<corpusDir>/slurm' ? undefined : opts.out });
      } catch (err) {
        if (err instanceof SlurmPlanError) {
          log.error(err.message);
          process.exitCode = EXIT.USAGE;
        } else if (err instanceof SlurmCommandError) {
          log.error(err.message);
          process.exitCode = EXIT.FAILED;
        } else throw err;
      }
    });

  cluster
    .command('status')
    .description("where each shard of a `--shard i/N` build stands (done, running, queued, failed, missing) from the shards' run records, their books' outputs and the Slurm queue; prints how to rerun only what is not done")
    .argument('<corpusDir>', 'corpus folder')
    .option('--shards <n>', 'the shard count (default: that of the last `mtb cluster slurm`, else of the newest recorded run)')
    .option('--scripts <dir>', 'where the Slurm scripts are, for the rerun line (default: where `mtb cluster slurm` wrote them)', '<corpusDir>/slurm')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', `
Exit code 0 when every shard and the join are done, 1 otherwise, 2 on bad usage.
Run records live in <corpusDir>/report/cluster/ (written by \`mtb build --shard\` and \`--join\`).`)
    .action((corpusDir: string, opts: { shards?: string; scripts: string; json?: boolean }) => {
      let status: CorpusClusterStatus;
      try {
        if (!existsSync(corpusPaths(corpusDir).pdfDir)) throw new ClusterStatusError(`${corpusPaths(corpusDir).pdfDir} does not exist: not a corpus folder`);
        status = corpusClusterStatus(corpusDir, { shards: positiveInt('--shards', opts.shards) });
      } catch (err) {
        if (!(err instanceof ClusterStatusError || err instanceof SlurmPlanError)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const scriptsDir = opts.scripts !== '<corpusDir>/slurm' ? resolve(opts.scripts) : (readSlurmPlanFile(corpusDir)?.scriptsDir ?? scriptsDirOf(corpusDir));
      const next = nextSteps(status, scriptsDir);
      if (opts.json) process.stdout.write(JSON.stringify({ ...status, next: next ?? null }, null, 2) + '\n');
      else printStatus(status, next);
      const done = status.shardReports.every((r) => r.state === 'done') && status.join.state === 'done';
      process.exitCode = done ? EXIT.OK : EXIT.FAILED;
    });
}
