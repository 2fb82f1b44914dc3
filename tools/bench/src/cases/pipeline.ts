import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCase } from '../types.js';
import { cachedScaleCorpus, WORKSPACE, type ScaleCorpusOptions } from '../pipeline/corpus.js';
import { cleanOutputs, copyCorpusInputs, corpusWork, note, ranByTarget, round, runBuild, stageFigures, touchPdf, type BuildRun, type Work } from '../pipeline/measure.js';

/**
 * The whole pipeline end to end (`mtb build`), on the sample corpus and on a
 * generated corpus of 50 books / ~10,000 pages with planted duplicates:
 * - direct mode with stages in worker threads (ours) against the same build
 *   with every stage as its own `mtb` process (baseline: how it ran before);
 *   the process run also gives each stage's peak RSS; a --parallel 1 run gives
 *   the scaling ratio;
 * - Nx mode: one book edited, rebuilt (ours) against a full rebuild without
 *   the cache (baseline), so the ratio is the incremental cost; then one
 *   stage's code changed, to show only that stage and its dependents rerun;
 * - Nx mode from scratch: per-book tasks in Nx batches (ours) against a process
 *   per task (baseline), with a direct build beside.
 * Builds take minutes, so the big cases run once, without a warm-up run.
 */
const SAMPLE = join(WORKSPACE, 'datasets', 'sample');
const SCRATCH = join(WORKSPACE, 'tmp', 'bench-pipeline');
/** Nx only sees corpora at datasets/<name>; removed in teardown. */
const NX_CORPUS_NAME = 'zz-bench-pipeline';
const NX_CORPUS = join(WORKSPACE, 'datasets', NX_CORPUS_NAME);
/** A stage's code, edited (one trailing newline) and restored to show which tasks its change reruns. */
const STAGE_CODE = join(WORKSPACE, 'packages', 'cli', 'src', 'commands', 'segment.ts');

function directCase(name: string, description: string, source: () => Promise<string>, big: boolean, quick: boolean): BenchCase {
  const dir = join(SCRATCH, name);
  let work: Work | undefined;
  let lastOurs: BuildRun | undefined;
  let lastBase: BuildRun | undefined;
  const c: BenchCase = {
    name,
    description,
    // A full build of the big corpus takes minutes: once each, no warm-up run.
    repetitions: big ? 1 : quick ? 1 : 2,
    warmup: !big && !quick,
    async setup() {
      copyCorpusInputs(await source(), dir);
    },
    async ours() {
      cleanOutputs(dir);
      lastOurs = await runBuild(dir, ['--no-nx', '--parallel', '2', '--isolate', 'worker']);
      work ??= corpusWork(dir);
      c.work ??= { unit: 'pages', amount: work.pages };
    },
    baseline: {
      name: 'stages as processes',
      async run() {
        cleanOutputs(dir);
        lastBase = await runBuild(dir, ['--no-nx', '--parallel', '2', '--isolate', 'process']);
      },
    },
    async extras() {
      const w = work ?? corpusWork(dir);
      cleanOutputs(dir);
      const p1 = await runBuild(dir, ['--no-nx', '--parallel', '1', '--isolate', 'worker']);
      const out: Record<string, number | string> = { books: w.books, pages: w.pages, images: w.images, tokens: w.tokens, quick: String(quick) };
      Object.assign(out, stageFigures(lastOurs!.times, w, 'p2.worker.'));
      Object.assign(out, stageFigures(p1.times, w, 'p1.worker.', false));
      Object.assign(out, stageFigures(lastBase!.times, w, 'p2.process.'));
      out['scaling.p1/p2'] = round(p1.times.wallMs / lastOurs!.times.wallMs);
      out['bottleneck.process/worker'] = round(lastBase!.times.wallMs / lastOurs!.times.wallMs);
      return out;
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}

function incrementalCase(source: () => Promise<string>, quick: boolean): BenchCase {
  let touches = 0;
  let lastOurs: BuildRun | undefined;
  let lastBase: BuildRun | undefined;
  let touched = '';
  let books = 0;
  let sourceDir = '';
  return {
    name: 'pipeline-incremental',
    description: `Nx build of the ${quick ? 'small' : '50-book'} generated corpus after editing one book (errata page), vs a full rebuild without the cache`,
    repetitions: 1,
    warmup: false,
    async setup() {
      sourceDir = await source();
      copyCorpusInputs(sourceDir, NX_CORPUS);
      note('incremental: initial Nx build (cache hits when a previous run built the same inputs)');
      await runBuild(NX_CORPUS, ['--parallel', '2']);
      books = corpusWork(NX_CORPUS).books;
    },
    async ours() {
      const ids = JSON.parse(readFileSync(join(sourceDir, 'planted.json'), 'utf8')) as { books: Array<{ id: string }> };
      // A book in the middle of the id order: its drop list and its twins' are what the join may change.
      touched = ids.books[Math.floor(ids.books.length / 2)]!.id;
      await touchPdf(join(NX_CORPUS, 'pdf', `${touched}.pdf`), ++touches);
      lastOurs = await runBuild(NX_CORPUS, ['--parallel', '2']);
    },
    baseline: {
      name: 'full Nx build, no cache',
      async run() {
        lastBase = await runBuild(NX_CORPUS, ['--parallel', '2', '--skip-nx-cache']);
      },
    },
    async extras() {
      const ran = ranByTarget(lastOurs!.times);
      const out: Record<string, number | string> = {
        books,
        'touched.book': touched,
        'incremental/full': round(lastOurs!.times.wallMs / lastBase!.times.wallMs),
        'incremental.wall.s': round(lastOurs!.times.wallMs / 1000),
        'full.wall.s': round(lastBase!.times.wallMs / 1000),
        'touch.ran.count': ran.count,
        'touch.ran': ran.summary,
        'touch.ran.books': [...new Set(ran.tasks.filter((t) => !t.startsWith(`${NX_CORPUS_NAME}:`)).map((t) => t.split(':')[0]!.slice(NX_CORPUS_NAME.length + 1)))].join(' '),
      };
      // A stage's code changes: only segments (every book) and the shards step may rerun.
      const before = readFileSync(STAGE_CODE, 'utf8');
      try {
        writeFileSync(STAGE_CODE, `${before}\n`);
        const code = await runBuild(NX_CORPUS, ['--parallel', '2']);
        const r = ranByTarget(code.times);
        out['code-change.file'] = 'packages/cli/src/commands/segment.ts';
        out['code-change.ran.count'] = r.count;
        out['code-change.ran'] = r.summary;
        out['code-change/full'] = round(code.times.wallMs / lastBase!.times.wallMs);
      } finally {
        // Undo only our own newline, so a concurrent edit of the file is never lost.
        const now = readFileSync(STAGE_CODE, 'utf8');
        if (now === `${before}\n`) writeFileSync(STAGE_CODE, before);
      }
      return out;
    },
    async teardown() {
      if (existsSync(NX_CORPUS)) rmSync(NX_CORPUS, { recursive: true, force: true });
    },
  };
}

/**
 * Nx mode from scratch (`--skip-nx-cache`): the per-book tasks in Nx batches
 * (one process, worker threads: ours) against the same executor with batching
 * off (`NX_BATCH_MODE=false`: a process per task, as Nx ran them before, the
 * baseline), and a direct build (`--no-nx`) of the same corpus for reference.
 */
function nxBatchCase(name: string, description: string, source: () => Promise<string>, big: boolean, quick: boolean): BenchCase {
  const corpus = join(WORKSPACE, 'datasets', `zz-bench-${name}`);
  let lastOurs: BuildRun | undefined;
  let lastBase: BuildRun | undefined;
  const build = async (env: NodeJS.ProcessEnv, args: string[]): Promise<BuildRun> => {
    cleanOutputs(corpus);
    return runBuild(corpus, ['--parallel', '2', ...args], WORKSPACE, env);
  };
  return {
    name,
    description,
    repetitions: big || quick ? 1 : 2,
    warmup: false,
    async setup() {
      copyCorpusInputs(await source(), corpus);
    },
    async ours() {
      lastOurs = await build({}, ['--skip-nx-cache']);
    },
    baseline: {
      name: 'Nx, a process per task (NX_BATCH_MODE=false)',
      async run() {
        lastBase = await build({ NX_BATCH_MODE: 'false' }, ['--skip-nx-cache']);
      },
    },
    async extras() {
      const direct = await build({}, ['--no-nx']);
      return {
        'batch.wall.s': round(lastOurs!.wallMs / 1000),
        'per-task.wall.s': round(lastBase!.wallMs / 1000),
        'direct.wall.s': round(direct.wallMs / 1000),
        'batch/per-task': round(lastOurs!.wallMs / lastBase!.wallMs),
        'batch/direct': round(lastOurs!.wallMs / direct.wallMs),
      };
    },
    async teardown() {
      rmSync(corpus, { recursive: true, force: true });
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const scale: ScaleCorpusOptions = opts.quick ? { books: 6, pagesPerBook: 40, seed: 'mtb-scale' } : { books: 50, pagesPerBook: 200, seed: 'mtb-scale' };
  const scaleDir = async (): Promise<string> => (await cachedScaleCorpus(scale, (m) => note(`generating ${m}`))).dir;
  return [
    directCase('pipeline-sample', 'mtb build --no-nx of the sample corpus (8 books), stages in worker threads vs as processes, --parallel 2', async () => SAMPLE, false, opts.quick),
    directCase('pipeline-scale', `mtb build --no-nx of a generated corpus (${scale.books} books x ${scale.pagesPerBook} pages, planted duplicates), worker threads vs processes, --parallel 2`, scaleDir, true, opts.quick),
    incrementalCase(scaleDir, opts.quick),
    nxBatchCase('pipeline-nx-batch-sample', 'mtb build of the sample corpus in Nx mode from scratch: per-book tasks in Nx batches vs a process per task; direct mode beside', async () => SAMPLE, false, opts.quick),
    nxBatchCase('pipeline-nx-batch-scale', `mtb build of the generated corpus (${scale.books} books x ${scale.pagesPerBook} pages) in Nx mode from scratch: batches vs a process per task; direct mode beside`, scaleDir, true, opts.quick),
  ];
}
