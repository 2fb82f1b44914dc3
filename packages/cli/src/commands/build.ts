import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { corpusPaths, listBooks, loadCorpusConfig, readBookStatus, bookPaths, assertNoEscapingSymlinks, removeCrashLeftovers, writeJsonAtomic, createLogger } from '@mtb/core';
import { formatSummary } from '@mtb/split';
import { writeReport } from '@mtb/viewer';
import { buildWithNx, corpusNameOf, nxCorpusName } from '../build/run-nx.js';
import { buildDirect, StageFailed, ISOLATIONS, type Isolation } from '../build/direct.js';
import { BOOK_STAGES_BEFORE_JOIN, booksOfShard, buildLockPath, parseShard, type ShardSpec } from '../build/plan.js';
import { timingsByStage, type StageTiming } from '../build/timings.js';
import { acquireBuildLock, BuildLockHeld, describeHolder, type BuildLock } from '../build/lock.js';
import { recordShardRun } from '../cluster/shard-runs.js';
import { sumOcrTimes } from '../build/ocr-times.js';
import { BUILD_STAGES, BuildProgress, progressMode, type BuildStage } from '../build/progress.js';
import { EXIT, exitCodes } from '../exit-codes.js';

const log = createLogger('build');

interface BuildOptions { parallel?: string; strict?: boolean; nx: boolean; skipNxCache?: boolean; shard?: string; join?: boolean; isolate: string; wait?: boolean; jsonProgress?: boolean; progressEvery: string; verbose?: boolean; quiet?: boolean }

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
  const cmd = program
    .command('build')
    .description('build a corpus end to end (PDFs -> HTML -> nodes -> filters -> dedup -> segments -> train/eval shards) through the Nx task graph, with per-book caching')
    .argument('<corpusDir>', 'corpus folder with pdf/*.pdf and optional corpus.json / books.json: datasets/<name> builds through Nx with its cache, any other folder directly')
    .option('-j, --parallel <n>', 'tasks run at once', String(Math.max(1, cpus().length)))
    .option('--strict', 'exit 1 when any book failed or is partial (damaged, pages missing) (default: such books are reported, exit 0)')
    .option('--no-nx', 'run the stages directly, without Nx or its cache (what a corpus outside datasets/ gets anyway)')
    .option('--skip-nx-cache', 'rerun every task even if its inputs are unchanged')
    .option('--shard <i/N>', 'direct mode: run only the per-book stages (html..signatures) of books i, i+N, ... (many machines; then --join)')
    .option('--join', 'direct mode: run only the corpus steps (dedup, segments, split) after all --shard runs')
    .option('--isolate <how>', 'direct mode: run stages in worker threads that load the code once ("worker"), or each as its own process with its peak RSS measured ("process")', 'worker')
    .option('--wait', 'when another build of this corpus is running, wait for it to end instead of exiting 2')
    .option('--json-progress', 'progress as JSON lines on stdout (start, progress, stage-done, done), for schedulers and dashboards; the summary goes to stderr')
    .option('--progress-every <s>', 'seconds between progress lines when stderr is not a terminal (CI, nohup, a log file)', '10')
    .addHelpText('after', `
Progress: a bar on a terminal; elsewhere one line every --progress-every seconds and at the end of each
stage (stage, books done, tasks, pages/s, ETA); nothing with --quiet.
Outputs: <corpus>/build/<book>/ (per-book intermediates and status/), <corpus>/shards/{train,eval}/
(HuggingFace-loadable Arrow shards), <corpus>/report/stats.json and build-times.json.
A bad book does not stop the build: it is reported with its failure class.`)
    .action(async (corpusDir: string, opts: BuildOptions, command: Command) => {
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
      const every = Number(opts.progressEvery);
      if (!(every > 0)) {
        log.error(`--progress-every ${opts.progressEvery}: expected a number of seconds > 0`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const globals = command.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
      let shard: ShardSpec | undefined;
      try {
        shard = opts.shard ? parseShard(opts.shard) : undefined;
      } catch (err) {
        log.error((err as Error).message);
        process.exitCode = EXIT.USAGE;
        return;
      }
      // Nx sees only the corpora of this workspace (datasets/<name>): any other folder is built directly, which gives the same files.
      if (opts.nx && !shard && !opts.join && !nxCorpusName(corpusDir)) {
        log.info(`${paths.root} is not under this workspace's datasets/, so Nx cannot cache it: building it directly (same stages and outputs; --no-nx says so)`);
        opts.nx = false;
      }
      // Lists (and so checks) the books before the lock writes build/: a refused corpus gets nothing written.
      const books = booksOfShard(corpusDir, shard).length;
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
      const stages: readonly BuildStage[] = shard ? BOOK_STAGES_BEFORE_JOIN : opts.join ? ['dedup', 'segments', 'shards'] : BUILD_STAGES;
      let progress: BuildProgress | undefined;
      let failed: string[] = [];
      try {
        progress = new BuildProgress(corpusDir, { corpus: corpusNameOf(corpusDir), books, stages }, {
          mode: progressMode({ json: opts.jsonProgress, quiet: globals.quiet, tty: process.stderr.isTTY }),
          everyS: every,
        });
        failed = await buildLocked(corpusDir, opts, { parallel, verbose: !!globals.verbose, shard, progress });
      } finally {
        const exitCode = process.exitCode ?? 0;
        progress?.stop({ ok: exitCode === 0, exitCode, failedBooks: failed, stats: existsSync(paths.stats) ? paths.stats : null });
        lock.release();
      }
    });
  exitCodes(cmd, {
    0: 'built (failed books, and partial ones whose file lost pages, are reported, not fatal, unless --strict)',
    1: 'a stage failed, or any book failed or is partial with --strict',
    2: 'usage error: bad options, no pdf/ folder, an invalid corpus.json, a link out of the corpus, or another build of this corpus is running (build/.lock; --wait waits for it)',
  });
}

/** The build proper, while this process holds the corpus's build lock; returns the failed books. */
async function buildLocked(corpusDir: string, opts: BuildOptions, run: { parallel: number; verbose: boolean; shard: ShardSpec | undefined; progress: BuildProgress }): Promise<string[]> {
  const { parallel, verbose, shard, progress } = run;
  // With --json-progress stdout carries only JSON lines.
  const say = (text: string): void => void (opts.jsonProgress ? process.stderr : process.stdout).write(text + '\n');
  const paths = corpusPaths(corpusDir);
  // A killed earlier run may have left hidden temp files in the folders this run writes: clear them.
  removeCrashLeftovers(corpusDir, { books: booksOfShard(corpusDir, shard).map((b) => b.bookId), corpusSteps: !shard });
  const t0 = Date.now();
  let timings: StageTiming[] = [];
  const direct = !opts.nx || opts.shard || opts.join;
  if (direct) {
    try {
      const run = (): Promise<StageTiming[]> => buildDirect(corpusDir, { parallel, isolate: opts.isolate as Isolation, shard, joinOnly: opts.join, progress });
      // A shard or join run leaves a record in report/cluster/ for `mtb cluster status`.
      timings = shard || opts.join ? await recordShardRun(corpusDir, { shard: shard ?? 'join', books: booksOfShard(corpusDir, shard).map((b) => b.bookId) }, run) : await run();
    } catch (err) {
      if (!(err instanceof StageFailed)) throw err;
      log.error(err.message);
      process.exitCode = EXIT.FAILED;
      return [];
    }
    if (opts.shard) return [];
  } else {
    const res = await buildWithNx(corpusDir, { parallel, skipCache: opts.skipNxCache, verbose, progress });
    timings = res.timings;
    if (!res.ok) {
      process.stderr.write(res.output.split('\n').slice(-60).join('\n') + '\n');
      process.exitCode = EXIT.FAILED;
      return [];
    }
    log.info(`nx: ${res.ran} tasks ran, ${res.cached} from cache`);
  }
  const wallMs = Date.now() - t0;
  // The runner's own peak RSS includes its worker threads; process-isolated stages report theirs per task.
  const usage = process.resourceUsage();
  const peakRssMb = Math.round(Math.max(usage.maxRSS / 1024, ...timings.map((t) => t.maxRssMb ?? 0)));
  // CPU of this process (its worker threads included) plus that of the stage processes it waited for (direct mode).
  const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000 + timings.reduce((s, t) => s + (t.cpuMs ?? 0), 0));
  // OCR time as recorded when each book's html stage last ran (a cache hit keeps its record).
  const ocr = sumOcrTimes(corpusDir, listBooks(corpusDir).map((b) => b.bookId));
  writeJsonAtomic(join(paths.reportDir, 'build-times.json'), { wallMs, parallel, mode: direct ? 'direct' : 'nx', ...(direct ? { isolate: opts.isolate, cpuMs } : {}), peakRssMb, ocr, byStage: timingsByStage(timings), tasks: timings });
  if (existsSync(paths.stats)) {
    say(formatSummary(JSON.parse(readFileSync(paths.stats, 'utf8'))));
    log.info(`report: ${writeReport(corpusDir, corpusNameOf(corpusDir))}`);
  }
  const { failed, partial } = troubledBooks(corpusDir);
  for (const f of failed) log.warn(`book ${f.bookId} failed (${f.class}): ${f.message}`);
  for (const p of partial) log.warn(`book ${p.bookId} partial: ${p.message}`);
  say(`built ${paths.root} in ${(wallMs / 1000).toFixed(1)} s; shards in ${paths.shardsDir}`);
  if ((failed.length || partial.length) && opts.strict) process.exitCode = EXIT.FAILED;
  return failed.map((f) => f.bookId);
}
