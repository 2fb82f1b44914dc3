import { contentsPages } from './contents-page.js';
import { pageText, type PageView } from './book-view.js';
import { wordCount } from '@mtb/core';
import { matterZone } from './zones.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

/** Things only an imprint page says; two different ones make a copyright page. */
const IMPRINT_MARKERS: readonly RegExp[] = [
  /©|\(c\)\s*(?:19|20)\d\d|\bcopyright\b/i,
  /\ball rights reserved\b/i,
  /\bISBN(?:-1[03])?\b|\bISSN\b/,
  /\blibrary of congress\b|\bbritish library\b|\bcatalogu?ing[- ]in[- ]publication\b/i,
  /\bno part of this (?:publication|book|work)\b/i,
  /\bprinted (?:and bound )?in\b/i,
  /\b(?:first|second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:edition|published|printing|impression)\b/i,
  /\bpublished by\b|\bpublishers?\b/i,
  /\btypeset (?:by|in)\b/i,
  /\bdisclaimer\b|\bdosages?\b.{0,80}\b(?:verify|check|responsib)/i,
  /\btrademarks?\b|\bregistered trade ?marks?\b/i,
];

export function imprintMarkerCount(text: string): number {
  return IMPRINT_MARKERS.filter((re) => re.test(text)).length;
}

/** A block this long without any imprint marker is prose (an article's abstract beside its licence line). */
const PROSE_BLOCK_WORDS = 60;

export interface FrontMatter {
  /** Whole pages: title and copyright pages. */
  pages: Set<number>;
  /** Single imprint blocks on a page that also carries prose. */
  blocks: Set<number>;
}

/**
 * Copyright (imprint) pages in the front zone or on the last pages, and the
 * short title pages before the first imprint or contents page. A page with two
 * imprint markers that also holds real prose (a journal article's first page)
 * loses only its imprint blocks.
 */
export function findFrontMatter(ctx: FilterContext): FrontMatter {
  const pages = ctx.book.pages;
  const zone = matterZone(pages.length, ctx.config.matterZonePages);
  const inZone = (p: PageView) => p.index < zone || p.index >= pages.length - 3;
  const found: FrontMatter = { pages: new Set(), blocks: new Set() };
  for (const p of pages) {
    if (!inZone(p) || imprintMarkerCount(pageText(p)) < 2) continue;
    const marked = p.content.filter((n) => imprintMarkerCount(n.text) > 0);
    const prose = p.content.some((n) => !marked.includes(n) && wordCount(n.text) >= PROSE_BLOCK_WORDS);
    if (prose) for (const n of marked) found.blocks.add(n.seq);
    else found.pages.add(p.page);
  }
  const toc = contentsPages(ctx);
  const anchors = pages.filter((p) => found.pages.has(p.page) || toc.has(p.page)).map((p) => p.index);
  const firstAnchor = anchors.length ? Math.min(...anchors) : -1;
  for (const p of pages) {
    if (p.index >= firstAnchor || p.index >= zone) break;
    if (wordCount(pageText(p)) <= ctx.config.titlePageMaxWords) found.pages.add(p.page);
  }
  return found;
}

const frontMatterOf = perBook(findFrontMatter);

/** Title and copyright pages, images included (publisher logos), and imprint lines elsewhere in the front. */
export const frontMatter: NodeFilter = (node, ctx) => {
  const found = frontMatterOf(ctx);
  return found.pages.has(node.page) || found.blocks.has(node.seq) ? drop('front-matter') : KEEP;
};
