import { wordCount } from '@mtb/core';
import type { PageView } from './book-view.js';
import { KEEP, drop, perBook, type NodeFilter } from './verdict.js';

const LEFT_BLANK = /\b(?:page|side)\b.{0,30}\b(?:intentionally|deliberately)\b.{0,20}\bblank\b|^\s*\[?\s*blank(?: page)?\s*\]?\s*$/i;

/**
 * A page with no image and next to no words ("This page intentionally left
 * blank", a stray mark): nothing on it is book content.
 */
export function isBlankPage(page: PageView, minWords: number): boolean {
  if (page.images.length > 0) return false;
  const text = page.content.map((n) => n.text).join(' ');
  if (LEFT_BLANK.test(text) && wordCount(text) <= 12) return true;
  return page.content.every((n) => n.role === 'body') && wordCount(text) < Math.max(1, minWords) && page.content.length <= 1;
}

const blankPages = perBook((ctx) => new Set(ctx.book.pages.filter((p) => isBlankPage(p, ctx.config.minWords)).map((p) => p.page)));

export const blankPage: NodeFilter = (node, ctx) => (blankPages(ctx).has(node.page) ? drop('blank-page') : KEEP);
