import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeJsonAtomic } from './atomic.js';

/** Failure classes: a bad book is data, reported by class, never a crash. */
export const FailureClass = z.enum([
  'encrypted', 'corrupt', 'empty', 'not-a-pdf', 'timeout', 'too-large', 'no-pages', 'upstream-failed', 'internal',
]);
export type FailureClass = z.infer<typeof FailureClass>;

/**
 * `build/<book>/status.json`: one entry per stage that ran, so later stages and
 * the corpus report know what happened to each book without re-reading outputs.
 */
export const StageStatusSchema = z.object({
  stage: z.string(),
  state: z.enum(['ok', 'failed', 'skipped']),
  error: z.object({ class: FailureClass, message: z.string() }).optional(),
  /** Counters by reason, e.g. { "images.skipped.sliver": 12, "pages.failed": 1 }. */
  counts: z.record(z.string(), z.number()).default({}),
  /** Free-form details (page-level errors and the like). */
  details: z.array(z.string()).default([]),
});
export type StageStatus = z.infer<typeof StageStatusSchema>;

export const BookStatusSchema = z.object({
  bookId: z.string(),
  state: z.enum(['ok', 'failed', 'skipped']),
  stages: z.record(z.string(), StageStatusSchema),
});
export type BookStatus = z.infer<typeof BookStatusSchema>;

export function readBookStatus(file: string, bookId: string): BookStatus {
  if (!existsSync(file)) return { bookId, state: 'ok', stages: {} };
  return BookStatusSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Record one stage's result; the book's state is failed if any stage failed. */
export function recordStage(file: string, bookId: string, status: StageStatus): BookStatus {
  const book = readBookStatus(file, bookId);
  book.stages[status.stage] = StageStatusSchema.parse(status);
  const states = Object.values(book.stages).map((s) => s.state);
  book.state = states.includes('failed') ? 'failed' : states.every((s) => s === 'skipped') && states.length ? 'skipped' : 'ok';
  writeJsonAtomic(file, book);
  return book;
}

/** Per-book stages ask this first: an upstream failure means "skip, write empty outputs". */
export function upstreamFailed(file: string, bookId: string): StageStatus | undefined {
  const book = readBookStatus(file, bookId);
  return Object.values(book.stages).find((s) => s.state === 'failed');
}

export class BookError extends Error {
  constructor(public readonly failureClass: FailureClass, message: string) {
    super(message);
    this.name = 'BookError';
  }
}
