import type { CorpusConfig } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import type { BookView } from './book-view.js';

/** What a filter says about one node: keep it, or drop it for a named reason. */
export type Verdict = { readonly keep: true } | { readonly keep: false; readonly reason: string };

export const KEEP: Verdict = Object.freeze({ keep: true });

export function drop(reason: string): Verdict {
  return { keep: false, reason };
}

/** Everything a filter may look at besides the node: the settings and the whole book. */
export interface FilterContext {
  readonly config: CorpusConfig;
  readonly book: BookView;
}

/**
 * A filter is one small pure decision about one node. Counting, auditing and
 * writing live in the runner, once for all filters (datatrove's base filter).
 */
export type NodeFilter = (node: NodeRow, ctx: FilterContext) => Verdict;

/**
 * Per-book facts a filter needs (which pages are an index, the book's language),
 * computed on first use and remembered for that book's context only.
 */
export function perBook<T>(compute: (ctx: FilterContext) => T): (ctx: FilterContext) => T {
  const memo = new WeakMap<FilterContext, T>();
  return (ctx) => {
    if (!memo.has(ctx)) memo.set(ctx, compute(ctx));
    return memo.get(ctx)!;
  };
}
