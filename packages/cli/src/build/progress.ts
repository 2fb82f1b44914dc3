import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { bookPaths, corpusPaths } from '@mtb/core';

/**
 * Progress of one `mtb build`, wherever it runs: a bar on a terminal; on
 * anything else (CI, nohup, a pipe into a log) one line every few seconds and
 * at the end of each stage, so a build of hours is never silent; JSON lines
 * for schedulers and dashboards; nothing with --quiet. Both runners (Nx,
 * direct) report each finished task; the rest is computed here.
 */
export type ProgressMode = 'bar' | 'lines' | 'json' | 'none';

/** The stages of a build in pipeline order, as the runners name their tasks. */
export const BUILD_STAGES = ['html', 'tokens', 'filter', 'signatures', 'dedup', 'segments', 'shards'] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];
const PER_BOOK: readonly BuildStage[] = ['html', 'tokens', 'filter', 'signatures', 'segments'];

export interface BuildPlan {
  corpus: string;
  books: number;
  /** The stages this run executes (a --shard run: html..signatures; a --join run: dedup..shards). */
  stages: readonly BuildStage[];
}

export interface ProgressSnapshot {
  corpus: string;
  elapsedS: number;
  /** The first stage, in pipeline order, with tasks still to finish; undefined when all are done. */
  stage?: BuildStage;
  stageDone: number;
  stageTotal: number;
  /** Books through the last per-book stage of this run. */
  booksDone: number;
  booksTotal: number;
  tasksDone: number;
  tasksTotal: number;
  tasksCached: number;
  /** Pages converted by html tasks that ran (cache hits are not work done now). */
  pages: number;
  pagesPerS: number;
  /** Remaining tasks at the mean pace so far; undefined before the first task. */
  etaS?: number;
}

/**
 * The counting part: no clock, no output, so it is tested with made-up events.
 * ETA: elapsed time x remaining work / work done, where a task's work is the
 * mean time of its stage's tasks: as measured in this run (direct mode reports
 * each task's time), else in this corpus's last build (`history`, from
 * report/build-times.json), else the mean of the stages known. Cache hits are
 * no work, so they neither speed up nor slow down the estimate.
 */
export class ProgressCounter {
  private readonly done = new Map<BuildStage, number>();
  private readonly ran = new Map<BuildStage, number>();
  private readonly measured = new Map<BuildStage, { ms: number; n: number }>();
  private readonly lastBookStage: BuildStage | undefined;
  private cached = 0;
  pages = 0;

  constructor(readonly plan: BuildPlan, private readonly history: Partial<Record<BuildStage, number>> = {}) {
    this.lastBookStage = [...plan.stages].reverse().find((s) => PER_BOOK.includes(s));
  }

  total(stage: BuildStage): number {
    if (!this.plan.stages.includes(stage)) return 0;
    return PER_BOOK.includes(stage) ? this.plan.books : 1;
  }

  doneOf(stage: BuildStage): number {
    return this.done.get(stage) ?? 0;
  }

  /** Records a finished task; returns true when it finished its stage. */
  taskDone(stage: string, opts: { cached?: boolean; pages?: number; ms?: number } = {}): boolean {
    if (!(BUILD_STAGES as readonly string[]).includes(stage)) return false; // Nx's umbrella `build` target
    const s = stage as BuildStage;
    const n = this.doneOf(s) + 1;
    this.done.set(s, n);
    if (opts.cached) this.cached++;
    else {
      this.ran.set(s, (this.ran.get(s) ?? 0) + 1);
      if (opts.ms !== undefined) {
        const m = this.measured.get(s) ?? { ms: 0, n: 0 };
        this.measured.set(s, { ms: m.ms + opts.ms, n: m.n + 1 });
      }
    }
    this.pages += opts.pages ?? 0;
    return n === this.total(s);
  }

  /** Mean time of one task of each stage, from this run, the last build, or the other stages. */
  weights(): Map<BuildStage, number> {
    const known = new Map<BuildStage, number>();
    for (const s of this.plan.stages) {
      const m = this.measured.get(s);
      const w = m && m.n ? m.ms / m.n : this.history[s];
      if (w !== undefined && w > 0) known.set(s, w);
    }
    const fallback = known.size ? [...known.values()].reduce((a, b) => a + b, 0) / known.size : 1;
    return new Map(this.plan.stages.map((s) => [s, known.get(s) ?? fallback]));
  }

  snapshot(elapsedMs: number): ProgressSnapshot {
    const elapsedS = elapsedMs / 1000;
    const stage = this.plan.stages.find((s) => this.doneOf(s) < this.total(s));
    const tasksTotal = this.plan.stages.reduce((a, s) => a + this.total(s), 0);
    const tasksDone = this.plan.stages.reduce((a, s) => a + Math.min(this.doneOf(s), this.total(s)), 0);
    const snap: ProgressSnapshot = {
      corpus: this.plan.corpus,
      elapsedS: round1(elapsedS),
      stageDone: stage ? this.doneOf(stage) : 0,
      stageTotal: stage ? this.total(stage) : 0,
      booksDone: this.lastBookStage ? this.doneOf(this.lastBookStage) : 0,
      booksTotal: this.plan.books,
      tasksDone,
      tasksTotal,
      tasksCached: this.cached,
      pages: this.pages,
      pagesPerS: elapsedS > 0 ? round1(this.pages / elapsedS) : 0,
    };
    if (stage) snap.stage = stage;
    const w = this.weights();
    let doneWork = 0;
    let leftWork = 0;
    for (const s of this.plan.stages) {
      doneWork += w.get(s)! * (this.ran.get(s) ?? 0);
      leftWork += w.get(s)! * Math.max(0, this.total(s) - this.doneOf(s));
    }
    if (leftWork === 0) snap.etaS = 0;
    else if (doneWork > 0) snap.etaS = Math.round((elapsedS * leftWork) / doneWork);
    return snap;
  }
}

/** Mean time of a task that ran, per stage, in the corpus's last build (report/build-times.json), for the ETA. */
export function stageTimesOfLastBuild(corpusDir: string): Partial<Record<BuildStage, number>> {
  const f = join(corpusPaths(corpusDir).reportDir, 'build-times.json');
  if (!existsSync(f)) return {};
  try {
    const tasks = (JSON.parse(readFileSync(f, 'utf8')) as { tasks?: Array<{ stage: string; ms: number; cached?: boolean }> }).tasks ?? [];
    const sum = new Map<string, { ms: number; n: number }>();
    for (const t of tasks) {
      if (t.cached || !(t.ms > 0)) continue;
      const m = sum.get(t.stage) ?? { ms: 0, n: 0 };
      sum.set(t.stage, { ms: m.ms + t.ms, n: m.n + 1 });
    }
    return Object.fromEntries([...sum].filter(([s]) => (BUILD_STAGES as readonly string[]).includes(s)).map(([s, m]) => [s, m.ms / m.n]));
  } catch {
    return {};
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** 42s, 3m05s, 2h07m. */
export function formatDuration(s: number): string {
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress line; `ended` names a stage that has just finished. */
export function formatProgressLine(s: ProgressSnapshot, ended?: BuildStage): string {
  const where = ended
    ? `${ended} done`
    : s.stage ? `${s.stage} ${s.stageDone}/${s.stageTotal}` : 'all stages done';
  const eta = s.etaS === undefined ? 'eta ?' : `eta ${formatDuration(s.etaS)}`;
  return `[build] ${s.corpus} ${formatDuration(s.elapsedS)}: ${where} | books ${s.booksDone}/${s.booksTotal} | tasks ${s.tasksDone}/${s.tasksTotal}${s.tasksCached ? ` (${s.tasksCached} cached)` : ''} | ${s.pagesPerS} pages/s | ${eta}`;
}

/** Pages of a book as its html stage recorded them (0 for a failed book). */
export function pagesOfBook(corpusDir: string, bookId: string): number {
  const f = join(bookPaths(corpusDir, bookId).status, 'html.json');
  if (!existsSync(f)) return 0;
  try {
    return (JSON.parse(readFileSync(f, 'utf8')) as { counts?: { pages?: number } }).counts?.pages ?? 0;
  } catch {
    return 0;
  }
}

export interface BuildProgressOptions {
  mode: ProgressMode;
  /** Seconds between lines (and JSON events) away from a terminal. */
  everyS?: number;
  /** Where JSON lines go (stdout by default, so stderr keeps the logs). */
  jsonOut?: { write(text: string): unknown };
  textOut?: { write(text: string): unknown };
  now?: () => number;
}

export class BuildProgress {
  readonly counter: ProgressCounter;
  private readonly t0: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private bar: cliProgress.SingleBar | undefined;

  constructor(private readonly corpusDir: string, plan: BuildPlan, private readonly opts: BuildProgressOptions) {
    this.counter = new ProgressCounter(plan, stageTimesOfLastBuild(corpusDir));
    this.now = opts.now ?? Date.now;
    this.t0 = this.now();
    if (opts.mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        { format: `build ${plan.corpus} [{bar}] {value}/{total} tasks | {where} | books {books} | {pps} pages/s | eta {left}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      const s = this.counter.snapshot(0);
      this.bar.start(s.tasksTotal, 0, this.payload(s));
    } else if (opts.mode === 'lines' || opts.mode === 'json') {
      this.timer = setInterval(() => this.emit(), (opts.everyS ?? 10) * 1000);
      this.timer.unref();
      this.emit('start');
    }
  }

  /** A finished task of `stage` (per-book tasks name their book: its html pages count toward pages/s), with its time when known. */
  taskDone(stage: string, bookId: string | undefined, opts: { cached?: boolean; ms?: number } = {}): void {
    const pages = stage === 'html' && bookId && !opts.cached ? pagesOfBook(this.corpusDir, bookId) : 0;
    const ended = this.counter.taskDone(stage, { ...opts, pages });
    if (this.bar) {
      const s = this.counter.snapshot(this.now() - this.t0);
      this.bar.update(s.tasksDone, this.payload(s));
    } else if (ended) this.emit('stage-done', stage as BuildStage);
  }

  snapshot(): ProgressSnapshot {
    return this.counter.snapshot(this.now() - this.t0);
  }

  /** Stops the timer or the bar; `result` goes out as the last JSON line. */
  stop(result?: Record<string, unknown>): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.bar?.stop();
    this.bar = undefined;
    if (this.opts.mode === 'json' && result) this.writeJson({ event: 'done', ...this.snapshot(), ...result });
  }

  private payload(s: ProgressSnapshot): Record<string, string> {
    return {
      where: s.stage ? `${s.stage} ${s.stageDone}/${s.stageTotal}` : 'done',
      books: `${s.booksDone}/${s.booksTotal}`,
      pps: String(s.pagesPerS),
      left: s.etaS === undefined ? '?' : formatDuration(s.etaS),
    };
  }

  private emit(event: 'start' | 'progress' | 'stage-done' = 'progress', ended?: BuildStage): void {
    const s = this.snapshot();
    if (this.opts.mode === 'json') this.writeJson({ event, ...(ended ? { ended } : {}), ...s });
    else if (this.opts.mode === 'lines' && event !== 'start') (this.opts.textOut ?? process.stderr).write(formatProgressLine(s, ended) + '\n');
  }

  private writeJson(obj: Record<string, unknown>): void {
    (this.opts.jsonOut ?? process.stdout).write(JSON.stringify(obj) + '\n');
  }
}

/** The mode a build gets: JSON when asked, none when quiet, a bar on a terminal, lines elsewhere. */
export function progressMode(opts: { json?: boolean; quiet?: boolean; tty?: boolean }): ProgressMode {
  if (opts.json) return 'json';
  if (opts.quiet) return 'none';
  return opts.tty ? 'bar' : 'lines';
}
