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

export type GarbledPageSettings = GarbledSettings & Pick<CorpusConfig, 'maxGarbledPageShare' | 'maxPageSymbolShare' | 'maxPageStrayCharShare'>;

/** A line of one letter or dot repeated ("ll lll l", "....."): plot markers set in a symbol font, or leaders. A lone "%" or "&" is a broken font and stays. */
const ONE_GLYPH_REPEATED = /^\s*([\p{L}.·•])\1*(?:\s+\1+)*\s*$/u;

/** A relation or operator only mathematics sets: "=", "≪", "⟹", "∑", "√". */
const MATH_OPERATOR = /[=<>±∓×÷≤≥≪≫≈≠∼∝→⇒⟹∑∏∫√∂∇∞]/u;
/** What a formula is written with: letters (Greek included), digits, math symbols, brackets and punctuation. */
const FORMULA_CHAR = /[\p{L}\p{N}\p{Sm}()[\]{}|,.;:'′∗*^_/+\-−]/u;
/** The letters a formula's variables are written in: Latin without accents, Greek, and the math alphabets. */
const FORMULA_LETTER = /[A-Za-z\u0370-\u03ff\u{1d400}-\u{1d7ff}ℓℏ]/u;
/** A formula has at least this share of its characters from FORMULA_CHAR; a broken font's stream has more strays. */
const MIN_FORMULA_SHARE = 0.9;

/**
 * Mathematics ("a2 − 4b = (|a| − 2)2 − 4(1 + b − |a|)."): its symbols are
 * operators, not the stray glyphs of a font without a Unicode map. `strict`,
 * for a judgement that keeps text: a letter at least, and every letter Latin
 * without accents, Greek or a math alphabet (a mis-mapped font's "ÜÇ O1I1 Ü
 * O2I2 u T" has a few accented letters among plain ones, "! % 7 <" none).
 */
export function isFormula(text: string, opts: { strict?: boolean } = {}): boolean {
  if (!MATH_OPERATOR.test(text)) return false;
  const chars = [...text.replace(/\s/g, '')];
  if (chars.filter((c) => FORMULA_CHAR.test(c)).length < MIN_FORMULA_SHARE * chars.length) return false;
  // A formula's variables are Latin or Greek letters; a Latin-1 mis-mapping ("Ì±×ÊÏ÷") has ± × ÷ among accented ones.
  const letters = chars.filter((c) => /\p{L}/u.test(c));
  if (opts.strict) return letters.length > 0 && letters.every((c) => FORMULA_LETTER.test(c));
  return letters.filter((c) => FORMULA_LETTER.test(c)).length >= 0.5 * letters.length;
}

/**
 * One judgement of a page's text layer, for pdf-html (which OCRs such a page)
 * and the filter stage (which drops it): broken when its text read as one block
 * is garbled, or garbled blocks hold more than maxGarbledPageShare of its
 * characters. Two symptoms are left out: a character repeated (dot leaders of
 * a contents page, a plot's markers set as letters: "l ll lll") is no broken
 * font, and a formula's operators are no stray symbols; without the second, a
 * page of mathematics read as broken.
 */
export function isGarbledPage(blocks: string[], s: GarbledPageSettings): boolean {
  const texts = blocks.filter((t) => !ONE_GLYPH_REPEATED.test(t) && !isFormula(t));
  let total = 0;
  let garbled = 0;
  for (const t of texts) {
    total += t.length;
    const reason = garbledReason(t, s);
    if (reason && reason !== 'garbled-repetition') garbled += t.length;
  }
  if (total === 0) return false;
  return garbled / total > s.maxGarbledPageShare || isGarbledPageText(texts.join('\n'), s);
}
