import { pageText, type PageView } from './book-view.js';
import { inBackZone } from './zones.js';
import { wordCount, words } from '@mtb/core';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

const INDEX_TITLE = /^(?:(?:subject|general|author|name|drug) )?index$/i;
/** A page locator: "23", "45–47", "112f", "88t", "see also"-free, with its separator. */
const LOCATOR = /^\d{1,4}(?:[-\u2013]\d{1,4})?[ft]?[,;.]?$/;

export interface IndexProfile {
  titled: boolean;
  /** Every block besides the title is entry-sized (a term with locators, or a letter divider). */
  onlyShortBlocks: boolean;
  locators: number;
  locatorDensity: number;
  /** Share of consecutive entry starts (the word after a locator) in alphabetical order. */
  alphabetical: number;
  /** Blocks of running text: many words, almost no locators among them (an index has none). */
  proseBlocks: number;
}

/** A block of running text has at least this many words, under this share of them locators. */
const PROSE_MIN_WORDS = 20;
const PROSE_MAX_LOCATOR_SHARE = 0.1;

function isProse(text: string): boolean {
  const tokens = words(text);
  return tokens.length >= PROSE_MIN_WORDS && tokens.filter((t) => LOCATOR.test(t)).length < PROSE_MAX_LOCATOR_SHARE * tokens.length;
}

export function indexProfile(page: PageView): IndexProfile {
  const titled = page.content.some((n) => INDEX_TITLE.test(n.text.trim()));
  const onlyShortBlocks = page.content.every((n) => INDEX_TITLE.test(n.text.trim()) || wordCount(n.text) <= ENTRY_MAX_WORDS);
  const tokens = pageText(page).split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  let locators = 0;
  const starts: string[] = [];
  tokens.forEach((tok, i) => {
    if (!LOCATOR.test(tok)) return;
    locators++;
    const next = tokens[i + 1];
    const first = next?.normalize('NFD').match(/\p{L}/u)?.[0]?.toLowerCase();
    if (first && !LOCATOR.test(next!) && /^\p{L}/u.test(next!)) starts.push(first);
  });
  let ordered = 0;
  for (let i = 1; i < starts.length; i++) if (starts[i]! >= starts[i - 1]!) ordered++;
  return {
    titled,
    onlyShortBlocks,
    locators,
    locatorDensity: tokens.length ? locators / tokens.length : 0,
    alphabetical: starts.length > 1 ? ordered / (starts.length - 1) : 0,
    proseBlocks: page.content.filter((n) => isProse(n.text)).length,
  };
}

/** An index entry: a term of a few words and its locators. */
const ENTRY_MAX_WORDS = 12;
/** Alphabetical order of entry starts on an untitled index page (sub-entries break it now and then). */
const MIN_ALPHABETICAL = 0.75;
/** An untitled page needs this many locators to be judged by their density at all. */
const MIN_LOCATORS = 10;

/**
 * Index pages: an "Index" title (or the page after an index page) over a dense
 * list of page locators, or a titled back-zone page of nothing but entry-sized
 * blocks; without a title, only in the back zone and only when the entries run
 * in alphabetical order, and never a page with running text on it.
 */
export function findIndexPages(ctx: FilterContext): Set<number> {
  const pages = ctx.book.pages;
  const { indexMinLocatorDensity, indexUntitledLocatorDensity, matterZonePages } = ctx.config;
  const found = new Set<number>();
  let previousWasIndex = false;
  for (const page of pages) {
    const p = indexProfile(page);
    const back = inBackZone(page.index, pages.length, matterZonePages);
    const continued: boolean = (p.titled || (previousWasIndex && p.proseBlocks === 0)) && p.locators >= 3 && p.locatorDensity >= indexMinLocatorDensity;
    const entriesOnly = p.titled && back && p.onlyShortBlocks;
    // A plot's tick values read as text look like locators; the paragraphs around it are no index.
    const untitled = back && p.proseBlocks === 0 && p.locators >= MIN_LOCATORS &&
      p.locatorDensity >= indexUntitledLocatorDensity && p.alphabetical >= MIN_ALPHABETICAL;
    const isIndex: boolean = continued || entriesOnly || untitled;
    if (isIndex) found.add(page.page);
    previousWasIndex = isIndex;
  }
  return found;
}

const indexPages = perBook(findIndexPages);

export const indexPage: NodeFilter = (node, ctx) => (node.kind === 'text' && indexPages(ctx).has(node.page) ? drop('index-page') : KEEP);
