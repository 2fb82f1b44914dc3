import { unitInterval } from '@mtb/core';
import { assignSplit, type SplitName } from './assign.js';

export type SplitUnit = 'book' | 'segment';

/** Segments at or above which the eval split is never empty (when evalFraction > 0). */
export const MIN_SEGMENTS_FOR_EVAL = 20;

export interface SplitPlan {
  /** The unit asked for in corpus.json. */
  requested: SplitUnit;
  /** The unit used. */
  unit: SplitUnit;
  /** Eval share of segments a book-level split gives (whether or not it is used); null when not asked. */
  bookLevelEvalFraction: number | null;
  /** Why the requested unit was not used; null when it was. */
  warning: string | null;
  splitOf(bookId: string, segmentId: string): SplitName;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * Which split each segment goes to (DESIGN.md 4.5).
 * - `book`: a book is in eval when the salted hash of its id is below
 *   evalFraction, so no book is in both splits and adding books never moves
 *   another. Used only when it comes near the target: its realized eval share
 *   of segments must lie within a factor of two of evalFraction
 *   ([f/2, 2f]). A corpus of a few books cannot do that (3 books put 69% in
 *   eval, 2 books none); it falls back to `segment`, with a warning.
 * - `segment`: the round(f x N) segments with the lowest salted hashes of
 *   their ids are eval, at least one when there are 20 segments or more, so
 *   the realized fraction is as near the target as N allows.
 */
export function planSplit(books: ReadonlyArray<{ bookId: string; segments: number }>, evalFraction: number, seed: string, requested: SplitUnit): SplitPlan {
  const total = books.reduce((n, b) => n + b.segments, 0);
  let bookLevel: number | null = null;
  if (requested === 'book') {
    const evalSegments = books.reduce((n, b) => n + (assignSplit(b.bookId, evalFraction, seed) === 'eval' ? b.segments : 0), 0);
    bookLevel = total > 0 ? evalSegments / total : 0;
    const near = evalFraction <= 0 || evalFraction >= 1 || total === 0 || (bookLevel >= evalFraction / 2 && bookLevel <= 2 * evalFraction);
    if (near) {
      return { requested, unit: 'book', bookLevelEvalFraction: bookLevel, warning: null, splitOf: (bookId) => assignSplit(bookId, evalFraction, seed) };
    }
  }
  const ids = books.flatMap((b) => Array.from({ length: b.segments }, (_, i) => `${b.bookId}/${i}`));
  let evalCount = Math.round(evalFraction * ids.length);
  if (evalFraction > 0 && ids.length >= MIN_SEGMENTS_FOR_EVAL) evalCount = Math.max(1, evalCount);
  if (evalFraction < 1 && ids.length >= 2) evalCount = Math.min(ids.length - 1, evalCount);
  const ranked = ids.map((id) => ({ id, h: unitInterval(`${seed}\u0000${id}`) })).sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
  const evalIds = new Set(ranked.slice(0, evalCount).map((r) => r.id));
  const warning = requested === 'book'
    ? `${books.length} book${books.length === 1 ? '' : 's'} with segments are too few for a book-level split near evalFraction ${evalFraction}: ` +
      `whole books would put ${pct(bookLevel!)} of ${total} segments in eval (the rule: within a factor of 2 of the target); ` +
      `split by segment instead (set "splitUnit": "segment" in corpus.json to choose it, or add books)`
    : null;
  return { requested, unit: 'segment', bookLevelEvalFraction: bookLevel, warning, splitOf: (_bookId, segmentId) => (evalIds.has(segmentId) ? 'eval' : 'train') };
}
