import type { CorpusConfig } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { measuredText, pageText } from './book-view.js';
import { charProfile, overlongLetters, strayCharShare, wordCount } from './text-measures.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

type GarbledSettings = Pick<CorpusConfig,
  'garbledMinChars' | 'minRepetitionChars' | 'maxSymbolShare' | 'maxCharRepetition' | 'maxWordLength' | 'maxLongWordShare' | 'maxStrayCharShare'>;

/** Stray-character share needs a few words to mean anything. */
const STRAY_MIN_WORDS = 6;

/**
 * Why a text block looks like a broken text layer rather than language, or null.
 * Each measure is one symptom of a font whose glyphs do not map to Unicode:
 * symbols instead of letters, one glyph repeated, words run together, or a
 * stream of isolated glyphs.
 */
export function garbledReason(text: string, s: GarbledSettings): string | null {
  const c = charProfile(text);
  if (c.visible < s.garbledMinChars) return null;
  if (c.symbols / c.visible > s.maxSymbolShare) return 'garbled-symbols';
  if (c.visible >= s.minRepetitionChars && c.topNonDigitCount / c.visible > s.maxCharRepetition) return 'garbled-repetition';
  const long = overlongLetters(text, s.maxWordLength);
  if (long.letters > 0 && long.overlong / long.letters > s.maxLongWordShare) return 'garbled-long-words';
  if (wordCount(text) >= STRAY_MIN_WORDS && strayCharShare(text) > s.maxStrayCharShare) return 'garbled-stray-chars';
  return null;
}

/**
 * A page's text read as one block: long enough that its symbol and lone-glyph
 * shares are stable, so it is held to the tighter page thresholds.
 */
export function isGarbledPageText(text: string, s: Pick<CorpusConfig, 'garbledMinChars' | 'maxPageSymbolShare' | 'maxPageStrayCharShare'>): boolean {
  const c = charProfile(text);
  if (c.visible < s.garbledMinChars) return false;
  return c.symbols / c.visible > s.maxPageSymbolShare || (wordCount(text) >= STRAY_MIN_WORDS && strayCharShare(text) > s.maxPageStrayCharShare);
}

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
      total += n.text.length;
      if (reasonOf(n)) garbled += n.text.length;
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
