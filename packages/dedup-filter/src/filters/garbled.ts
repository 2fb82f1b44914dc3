import { garbledReason, isGarbledPageText } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { measuredText, pageText } from './book-view.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

/** Per node, remembered: the page rule reads every node of a page. */
const nodeReasons = perBook((ctx: FilterContext) => {
  const reasons = new Map<number, string | null>();
  return (node: NodeRow): string | null => {
    let r = reasons.get(node.seq);
    if (r === undefined) {
      r = garbledReason(measuredText(node), ctx.config);
      reasons.set(node.seq, r);
    }
    return r;
  };
});

/**
 * Pages whose text layer is broken: the page's text read as one block is
 * garbled (a broken font often comes out as many blocks, each too short to
 * judge), or garbled blocks hold more than maxGarbledPageShare of its
 * characters. What reads as clean on such a page (a short label, a lone
 * formula) comes from the same broken font.
 */
const garbledPages = perBook((ctx: FilterContext) => {
  const reasonOf = nodeReasons(ctx);
  const pages = new Set<number>();
  for (const page of ctx.book.pages) {
    let total = 0, garbled = 0;
    for (const n of page.content) {
      const length = measuredText(n).length;
      total += length;
      if (reasonOf(n)) garbled += length;
    }
    if (total === 0) continue;
    if (garbled / total > ctx.config.maxGarbledPageShare || isGarbledPageText(pageText(page), ctx.config)) pages.add(page.page);
  }
  return pages;
});

export const garbled: NodeFilter = (node, ctx) => {
  if (node.kind !== 'text') return KEEP;
  const reason = nodeReasons(ctx)(node);
  if (reason) return drop(reason);
  return garbledPages(ctx).has(node.page) ? drop('garbled-page') : KEEP;
};
