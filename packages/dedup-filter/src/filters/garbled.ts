import { garbledReason, isFormula, isGarbledPage } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { measuredText } from './book-view.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

/** Per node, remembered: a node is judged once. */
const nodeReasons = perBook((ctx: FilterContext) => {
  const reasons = new Map<number, string | null>();
  return (node: NodeRow): string | null => {
    let r = reasons.get(node.seq);
    if (r === undefined) {
      const text = measuredText(node);
      r = garbledReason(text, ctx.config);
      // A formula's operators are no broken font's symbols (a2 − 4b = (|a| − 2)2 − 4(1 + b − |a|)), and its
      // one-letter variables no stray glyphs (P(Oi = 1|Hi = 0, α) = α).
      if ((r === 'garbled-symbols' && isFormula(text)) || (r === 'garbled-stray-chars' && isFormula(text, { strict: true }))) r = null;
      reasons.set(node.seq, r);
    }
    return r;
  };
});

/**
 * Pages whose text layer is broken, judged as pdf-html judges them before
 * OCR (core's isGarbledPage): the page's text read as one block is garbled (a
 * broken font often comes out as many blocks, each too short to judge), or
 * garbled blocks hold more than maxGarbledPageShare of its characters; its
 * formulas and dot leaders are left out of both. What reads as clean on such
 * a page (a short label, a lone formula) comes from the same broken font.
 */
const garbledPages = perBook((ctx: FilterContext) => {
  const pages = new Set<number>();
  for (const page of ctx.book.pages) {
    if (isGarbledPage(page.content.map(measuredText).filter((t) => t.length > 0), ctx.config)) pages.add(page.page);
  }
  return pages;
});

export const garbled: NodeFilter = (node, ctx) => {
  if (node.kind !== 'text') return KEEP;
  const reason = nodeReasons(ctx)(node);
  if (reason) return drop(reason);
  return garbledPages(ctx).has(node.page) ? drop('garbled-page') : KEEP;
};
