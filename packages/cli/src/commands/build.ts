import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { corpusPaths, listBooks, loadCorpusConfig, readBookStatus, bookPaths, assertNoEscapingSymlinks, removeCrashLeftovers, writeJsonAtomic, createLogger } from '@mtb/core';
import { formatSummary } from '@mtb/split';
import { writeReport } from '@mtb/viewer';
import { buildWithNx, corpusNameOf } from '../build/run-nx.js';
import { buildDirect, StageFailed, ISOLATIONS, type Isolation } from '../build/direct.js';
import { booksOfShard, buildLockPath, parseShard, type ShardSpec } from '../build/plan.js';
import { timingsByStage, type StageTiming } from '../build/timings.js';
import { acquireBuildLock, BuildLockHeld, describeHolder, type BuildLock } from '../build/lock.js';
import { EXIT } from '../exit-codes.js';

const log = createLogger('build');

interface BuildOptions { parallel?: string; strict?: boolean; nx: boolean; skipNxCache?: boolean; shard?: string; join?: boolean; isolate: string; wait?: boolean; verbose?: boolean }

/** Books whose status says failed (by class) or partial (damaged, pages missing), for the closing report. */
function troubledBooks(corpusDir: string): { failed: Array<{ bookId: string; class: string; message: string }>; partial: Array<{ bookId: string; message: string }> } {
  const failed: Array<{ bookId: string; class: string; message: string }> = [];
  const partial: Array<{ bookId: string; message: string }> = [];
  for (const b of listBooks(corpusDir)) {
    const st = readBookStatus(bookPaths(corpusDir, b.bookId).status, b.bookId);
    const f = Object.values(st.stages).find((s) => s.state === 'failed');
    const p = Object.values(st.stages).find((s) => s.state === 'partial');
    if (f) failed.push({ bookId: b.bookId, class: f.error?.class ?? 'internal', message: f.error?.message ?? '' });
    else if (p) partial.push({ bookId: b.bookId, message: p.details[0] ?? `${p.stage} is incomplete` });
  }
  return { failed, partial };
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a corpus end to end (PDFs -> HTML -> nodes -> filters -> dedup -> segments -> train/eval shards) through the Nx task graph, with per-book caching')
    .argument('<corpusDir>', 'corpus folder (datasets/<name>) with pdf/*.pdf and optional corpus.json / books.json')
    .option('-j, --parallel <n>', 'tasks run at once', String(Math.max(1, cpus().length)))
    .option('--strict', 'exit 1 when any book failed or is partial (damaged, pages missing) (default: such books are reported, exit 0)')
    .option('--no-nx', 'run the stages directly, without Nx or its cache (any corpus folder, anywhere)')
    .option('--skip-nx-cache', 'rerun every task even if its inputs are unchanged')
    .option('--shard <i/N>', 'direct mode: run only the per-book stages (html..signatures) of books i, i+N, ... (many machines; then --join)')
    .option('--join', 'direct mode: run only the corpus steps (dedup, segments, split) after all --shard runs')
    .option('--isolate <how>', 'direct mode: run stages in worker threads that load the code once ("worker"), or each as its own process with its peak RSS measured ("process")', 'worker')
    .option('--wait', 'when another build of this corpus is running, wait for it to end instead of exiting 2')
    .addHelpText('after', `
Outputs: <corpus>/build/<book>/ (per-book intermediates and status/), <corpus>/shards/{train,eval}/
(HuggingFace-loadable Arrow shards), <corpus>/report/stats.json and build-times.json.
A bad book does not stop the build: it is reported with its failure class.`)
    .action(async (corpusDir: string, opts: BuildOptions, cmd: Command) => {
      const paths = corpusPaths(corpusDir);
      if (!existsSync(paths.pdfDir)) {
        log.error(`${paths.pdfDir} does not exist: a corpus is a folder with pdf/<book>.pdf files (see README "Add a corpus")`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      loadCorpusConfig(paths.config); // fail early, before any task, on a bad corpus.json
      assertNoEscapingSymlinks(corpusDir);
      const parallel = Math.max(1, Number(opts.parallel) || 1);
      if (!ISOLATIONS.includes(opts.isolate as Isolation)) {
        log.error(`--isolate ${opts.isolate}: expected one of ${ISOLATIONS.join(', ')}`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const verbose = !!(cmd.optsWithGlobals() as { verbose?: boolean }).verbose;
      let shard: ShardSpec | undefined;
      try {
        shard = opts.shard ? parseShard(opts.shard) : undefined;
      } catch (err) {
        log.error((err as Error).message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      let lock: BuildLock;
      try {
        lock = await acquireBuildLock(buildLockPath(corpusDir, shard), {
          wait: opts.wait,
          onWait: (h) => log.info(`waiting for the build of ${paths.root} by ${describeHolder(h)}`),
          onTakeover: (h) => log.warn(`taking over the lock of a build that ended without releasing it: ${describeHolder(h)}`),
        });
      } catch (err) {
        if (!(err instanceof BuildLockHeld)) throw err;
        log.error(err.message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      try {
        await buildLocked(corpusDir, opts, parallel, verbose, shard);
      } finally {
        lock.release();
      }
    });
}

/** The build proper, while this process holds the corpus's build lock. */
async function buildLocked(corpusDir: string, opts: BuildOptions, parallel: number, verbose: boolean, shard: ShardSpec | undefined): Promise<void> {
  const paths = corpusPaths(corpusDir);
  // A killed earlier run may have left hidden temp files in the folders this run writes: clear them.
  removeCrashLeftovers(corpusDir, { books: booksOfShard(corpusDir, shard).map((b) => b.bookId), corpusSteps: !shard });
  const t0 = Date.now();
  let timings: StageTiming[] = [];
  const direct = !opts.nx || opts.shard || opts.join;
  if (direct) {
    try {
      timings = await buildDirect(corpusDir, { parallel, isolate: opts.isolate as Isolation, shard, joinOnly: opts.join });
    } catch (err) {
      if (!(err instanceof StageFailed)) throw err;
      log.error(err.message);
      process.exitCode = EXIT.FAILED;
      return;
    }
    if (opts.shard) return;
  } else {
    const res = await buildWithNx(corpusDir, { parallel, skipCache: opts.skipNxCache, verbose });
    timings = res.timings;
    if (!res.ok) {
      process.stderr.write(res.output.split('\n').slice(-60).join('\n') + '\n');
      process.exitCode = EXIT.FAILED;
      return;
    }
    log.info(`nx: ${res.ran} tasks ran, ${res.cached} from cache`);
  }
  const wallMs = Date.now() - t0;
  // The runner's own peak RSS includes its worker threads; process-isolated stages report theirs per task.
  const usage = process.resourceUsage();
  const peakRssMb = Math.round(Math.max(usage.maxRSS / 1024, ...timings.map((t) => t.maxRssMb ?? 0)));
  // CPU of this process (its worker threads included) plus that of the stage processes it waited for (direct mode).
  const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000 + timings.reduce((s, t) => s + (t.cpuMs ?? 0), 0));
  writeJsonAtomic(join(paths.reportDir, 'build-times.json'), { wallMs, parallel, mode: direct ? 'direct' : 'nx', ...(direct ? { isolate: opts.isolate, cpuMs } : {}), peakRssMb, byStage: timingsByStage(timings), tasks: timings });
  if (existsSync(paths.stats)) {
    process.stdout.write(formatSummary(JSON.parse(readFileSync(paths.stats, 'utf8'))) + '\n');
    log.info(`report: ${writeReport(corpusDir, corpusNameOf(corpusDir))}`);
  }
  const { failed, partial } = troubledBooks(corpusDir);
  for (const f of failed) log.warn(`book ${f.bookId} failed (${f.class}): ${f.message}`);
  for (const p of partial) log.warn(`book ${p.bookId} partial: ${p.message}`);
  process.stdout.write(`built ${paths.root} in ${(wallMs / 1000).toFixed(1)} s; shards in ${paths.shardsDir}\n`);
  if ((failed.length || partial.length) && opts.strict) process.exitCode = EXIT.FAILED;
}
