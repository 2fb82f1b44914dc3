import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './atomic.js';

/** Failure classes: a bad book is data, reported by class, never a crash. */
export const FailureClass = z.enum([
  'encrypted', 'corrupt', 'empty', 'not-a-pdf', 'timeout', 'too-large', 'no-pages', 'upstream-failed', 'internal',
  // set by the build runner when a stage task itself died: over its memory limit, past its watchdog, or crashed
  'out-of-memory', 'crashed',
]);
export type FailureClass = z.infer<typeof FailureClass>;

/**
 * `partial`: the stage ran and its output is usable but incomplete (a damaged
 * file with missing pages): later stages go on, the build warns, `--strict` fails.
 */
export const StageState = z.enum(['ok', 'partial', 'failed', 'skipped']);
export type StageState = z.infer<typeof StageState>;

/**
 * `build/<book>/status.json`: one entry per stage that ran, so later stages and
 * the corpus report know what happened to each book without re-reading outputs.
 */
export const StageStatusSchema = z.object({
  stage: z.string(),
  state: StageState,
  error: z.object({ class: FailureClass, message: z.string() }).optional(),
  /** Counters by reason, e.g. { "images.skipped.sliver": 12, "pages.failed": 1 }. */
  counts: z.record(z.string(), z.number()).default({}),
  /** Free-form details (page-level errors and the like). */
  details: z.array(z.string()).default([]),
});
export type StageStatus = z.infer<typeof StageStatusSchema>;

export const BookStatusSchema = z.object({
  bookId: z.string(),
  state: StageState,
  stages: z.record(z.string(), StageStatusSchema),
});
export type BookStatus = z.infer<typeof BookStatusSchema>;

/**
 * A book's status lives in a folder, one file per stage (`status/<stage>.json`):
 * each cached Nx target owns its own file, so restoring one target from the
 * cache never clobbers another stage's record. Reading aggregates them.
 */
export function readBookStatus(statusDir: string, bookId: string): BookStatus {
  const book: BookStatus = { bookId, state: 'ok', stages: {} };
  if (!existsSync(statusDir)) return book;
  for (const f of readdirSync(statusDir).filter((n) => n.endsWith('.json')).sort()) {
    const stage = StageStatusSchema.parse(JSON.parse(readFileSync(join(statusDir, f), 'utf8')));
    book.stages[stage.stage] = stage;
  }
  const states = Object.values(book.stages).map((s) => s.state);
  book.state = states.includes('failed') ? 'failed' : states.includes('partial') ? 'partial' : states.length && states.every((s) => s === 'skipped') ? 'skipped' : 'ok';
  return book;
}

/** Record one stage's result as `<statusDir>/<stage>.json`; returns the aggregated status. */
export function recordStage(statusDir: string, bookId: string, status: StageStatus): BookStatus {
  const parsed = StageStatusSchema.parse(status);
  if (!/^[a-z0-9-]+$/.test(parsed.stage)) throw new Error(`invalid stage name "${parsed.stage}"`);
  writeJsonAtomic(join(statusDir, `${parsed.stage}.json`), parsed);
  return readBookStatus(statusDir, bookId);
}

/** Per-book stages ask this first: an upstream failure means "skip, write empty outputs". */
export function upstreamFailed(statusDir: string, bookId: string, ownStage?: string): StageStatus | undefined {
  const book = readBookStatus(statusDir, bookId);
  // A stage's own earlier failure is not "upstream": a rerun must retry it.
  return Object.values(book.stages).find((s) => s.state === 'failed' && s.stage !== ownStage);
}

export class BookError extends Error {
  constructor(public readonly failureClass: FailureClass, message: string) {
    super(message);
    this.name = 'BookError';
  }
}
