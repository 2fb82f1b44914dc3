import { pageText, type PageView } from './book-view.js';
import { matterZone } from './zones.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

const CONTENTS_TITLE = /^(?:table of )?contents?$|^(?:brief|detailed|summary|short) (?:table of )?contents$|^contents (?:at a glance|in brief)$/i;
const LEADER = /(?:\s?\.){3,}|…+|(?:\s?·){3,}/g;
const ARABIC = /^\d{1,4}$/;
const ROMAN = /^[ivxlc]{1,7}$/;

export interface ContentsProfile {
  titled: boolean;
  leaders: number;
  /** Page references: a number (or lower-case roman numeral) ending an entry, after a word or a dot leader. */
  refs: number;
  refDensity: number;
  /** Share of consecutive arabic page references that do not go down. */
  ascending: number;
}

export function contentsProfile(page: PageView): ContentsProfile {
  const titled = page.content.some((n) => CONTENTS_TITLE.test(n.text.trim()));
  const raw = pageText(page);
  const leaders = raw.match(LEADER)?.length ?? 0;
  const tokens = raw.replace(LEADER, ' \u22ef ').split(/\s+/).filter(Boolean);
  const arabic: number[] = [];
  let refs = 0;
  let wordTokens = 0;
  tokens.forEach((tok, i) => {
    if (/[\p{L}\p{N}]/u.test(tok)) wordTokens++;
    const prev = tokens[i - 1];
    if (prev === undefined || ARABIC.test(prev) || ROMAN.test(prev)) return;
    if (!/[\p{L}\u22ef]/u.test(prev)) return;
    if (ARABIC.test(tok)) {
      refs++;
      arabic.push(Number(tok));
    } else if (ROMAN.test(tok) && prev === '\u22ef') refs++;
  });
  let up = 0;
  for (let i = 1; i < arabic.length; i++) if (arabic[i]! >= arabic[i - 1]!) up++;
  return { titled, leaders, refs, refDensity: wordTokens ? refs / wordTokens : 0, ascending: arabic.length > 1 ? up / (arabic.length - 1) : 0 };
}

/** Fewer references than this are no list at all, whatever their density. */
const MIN_REFS = 3;

/**
 * Contents pages: a "Contents" title (or the page after a contents page) over a
 * list of ascending page references, or dot leaders to page numbers in the front zone.
 */
export function findContentsPages(ctx: FilterContext): Set<number> {
  const { contentsMinRefDensity, contentsMinAscending, matterZonePages } = ctx.config;
  const zone = matterZone(ctx.book.pages.length, matterZonePages);
  const found = new Set<number>();
  let previousWasContents = false;
  for (const page of ctx.book.pages) {
    const p = contentsProfile(page);
    const listLike = p.refs >= MIN_REFS && p.refDensity >= contentsMinRefDensity && p.ascending >= contentsMinAscending;
    const isContents: boolean = listLike && (p.titled || previousWasContents || (p.leaders >= MIN_REFS && page.index < zone));
    if (isContents) found.add(page.page);
    previousWasContents = isContents;
  }
  return found;
}

export const contentsPages = perBook(findContentsPages);

export const tableOfContents: NodeFilter = (node, ctx) =>
  node.kind === 'text' && contentsPages(ctx).has(node.page) ? drop('contents-page') : KEEP;
