import { jest } from '@jest/globals';
import { BUILD_STAGES, BuildProgress, ProgressCounter, formatDuration, formatProgressLine, progressMode } from './progress.js';
import { parseNxTaskLine } from './run-nx.js';

const plan = { corpus: 'c', books: 2, stages: BUILD_STAGES };

describe('build progress counting', () => {
  it('follows the first unfinished stage, the books through their last stage, and the tasks', () => {
    const c = new ProgressCounter(plan);
    expect(c.snapshot(0)).toMatchObject({ stage: 'html', stageDone: 0, stageTotal: 2, booksDone: 0, booksTotal: 2, tasksDone: 0, tasksTotal: 12 });
    expect(c.taskDone('html', { pages: 30 })).toBe(false);
    expect(c.taskDone('tokens')).toBe(false); // pipelined: book 1 moves on while book 2 converts
    expect(c.snapshot(10_000)).toMatchObject({ stage: 'html', stageDone: 1, tasksDone: 2, pages: 30, pagesPerS: 3 });
    expect(c.taskDone('html', { pages: 10 })).toBe(true);
    expect(c.snapshot(20_000)).toMatchObject({ stage: 'tokens', stageDone: 1, stageTotal: 2, pages: 40, pagesPerS: 2 });
    for (const s of ['tokens', 'filter', 'filter', 'signatures', 'signatures', 'dedup', 'segments']) c.taskDone(s);
    expect(c.snapshot(30_000)).toMatchObject({ stage: 'segments', booksDone: 1 });
    expect(c.taskDone('segments')).toBe(true);
    expect(c.taskDone('build')).toBe(false); // Nx's umbrella target is no stage
    expect(c.taskDone('shards')).toBe(true);
    const end = c.snapshot(40_000);
    expect(end.stage).toBeUndefined();
    expect(end).toMatchObject({ booksDone: 2, tasksDone: 12, tasksTotal: 12, etaS: 0 });
  });

  it('counts a --shard run up to signatures and a --join run from dedup', () => {
    const shard = new ProgressCounter({ corpus: 'c', books: 3, stages: ['html', 'tokens', 'filter', 'signatures'] });
    expect(shard.snapshot(0)).toMatchObject({ tasksTotal: 12, booksTotal: 3 });
    for (const s of ['html', 'tokens', 'filter', 'signatures']) shard.taskDone(s);
    expect(shard.snapshot(1000).booksDone).toBe(1);
    const join = new ProgressCounter({ corpus: 'c', books: 3, stages: ['dedup', 'segments', 'shards'] });
    expect(join.snapshot(0)).toMatchObject({ stage: 'dedup', tasksTotal: 5 });
  });

  it('estimates the time left from the work done, each stage weighted by its measured task time', () => {
    const c = new ProgressCounter(plan);
    expect(c.snapshot(5000).etaS).toBeUndefined(); // nothing done yet: no estimate
    // One book through html (8 s) and tokens (2 s): other stages are weighted by the mean of these two (5 s).
    c.taskDone('html', { ms: 8000 });
    c.taskDone('tokens', { ms: 2000 });
    // Done 10; left: html 8 + tokens 2 + filter 10 + signatures 10 + dedup 5 + segments 10 + shards 5 = 50: 5x the 10 s so far.
    expect(c.snapshot(10_000).etaS).toBe(50);
  });

  it('takes unmeasured stage weights from the last build, and counts cache hits as no work', () => {
    const c = new ProgressCounter({ corpus: 'c', books: 1, stages: BUILD_STAGES }, { html: 9000, tokens: 1000, filter: 1000, signatures: 1000, dedup: 1000, segments: 1000, shards: 1000 });
    c.taskDone('html', { cached: true });
    expect(c.snapshot(1000).etaS).toBeUndefined(); // a cache hit is no pace to go by
    c.taskDone('tokens', { ms: 1000 });
    // done 1 (tokens), left 5 x 1: 5 s at 1 s per unit.
    expect(c.snapshot(1000)).toMatchObject({ etaS: 5, tasksCached: 1 });
  });
});

describe('progress output', () => {
  it('formats a line with the stage, books, tasks, pages/s and ETA', () => {
    const c = new ProgressCounter(plan);
    c.taskDone('html', { pages: 50, ms: 10_000 });
    expect(formatProgressLine(c.snapshot(25_000))).toBe('[build] c 25s: html 1/2 | books 0/2 | tasks 1/12 | 2 pages/s | eta 4m35s');
    c.taskDone('html', { cached: true });
    expect(formatProgressLine(c.snapshot(25_000), 'html')).toBe('[build] c 25s: html done | books 0/2 | tasks 2/12 (1 cached) | 2 pages/s | eta 4m10s');
    expect([formatDuration(59.4), formatDuration(61), formatDuration(7322)]).toEqual(['59s', '1m01s', '2h02m']);
  });

  it('picks JSON when asked, nothing when quiet, a bar on a terminal and lines elsewhere', () => {
    expect(progressMode({ json: true, quiet: true, tty: true })).toBe('json');
    expect(progressMode({ quiet: true, tty: false })).toBe('none');
    expect(progressMode({ tty: true })).toBe('bar');
    expect(progressMode({ tty: false })).toBe('lines');
  });

  it('away from a terminal, writes a line on every tick and at the end of each stage; JSON lines carry the same', () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const lines: string[] = [];
      const text = { write: (t: string) => lines.push(...t.split('\n').filter(Boolean)) };
      const p = new BuildProgress('/nonexistent', { corpus: 'c', books: 1, stages: ['dedup', 'shards'] }, { mode: 'lines', everyS: 10, textOut: text, now: () => now });
      now = 10_000;
      jest.advanceTimersByTime(10_000);
      p.taskDone('dedup', undefined, { ms: 4000 });
      p.stop();
      jest.advanceTimersByTime(30_000); // stopped: no more lines
      expect(lines).toEqual(['[build] c 10s: dedup 0/1 | books 0/1 | tasks 0/2 | 0 pages/s | eta ?', '[build] c 10s: dedup done | books 0/1 | tasks 1/2 | 0 pages/s | eta 10s']);

      const events: Array<Record<string, unknown>> = [];
      const json = { write: (t: string) => events.push(...t.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)) };
      now = 0;
      const q = new BuildProgress('/nonexistent', { corpus: 'c', books: 1, stages: ['dedup', 'shards'] }, { mode: 'json', jsonOut: json, now: () => now });
      now = 2000;
      q.taskDone('dedup', undefined);
      q.taskDone('shards', undefined);
      q.stop({ ok: true, exitCode: 0 });
      expect(events.map((e) => [e.event, e.ended])).toEqual([['start', undefined], ['stage-done', 'dedup'], ['stage-done', 'shards'], ['done', undefined]]);
      expect(events[3]).toMatchObject({ corpus: 'c', tasksDone: 2, tasksTotal: 2, ok: true, exitCode: 0, elapsedS: 2 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads the stage, the book and cache hits from Nx task headers', () => {
    expect(parseNxTaskLine('> nx run sample-pdkids:html', 'sample')).toEqual({ stage: 'html', bookId: 'pdkids', cached: false });
    expect(parseNxTaskLine('> nx run sample-pdkids:segments  [local cache]', 'sample')).toEqual({ stage: 'segments', bookId: 'pdkids', cached: true });
    expect(parseNxTaskLine('> nx run sample:dedup', 'sample')).toEqual({ stage: 'dedup', cached: false });
    expect(parseNxTaskLine('[build] nx: 3 tasks ran', 'sample')).toBeUndefined();
  });
});
