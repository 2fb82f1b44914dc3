import type { CorpusConfig } from './config.js';
import { charProfile, overlongLetters, strayCharShare, wordCount } from './text-measures.js';

/*
 * The garbled-text measure, shared by the filter stage (which drops a broken
 * text layer) and pdf-html (which OCRs the pages it would drop).
 */

export type GarbledSettings = Pick<CorpusConfig,
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
