import type { TextRun } from '../layout/types.js';

/**
 * Letter-spaced text ("J E R E M Y R . M A N N I N G"): a title set with wide
 * tracking, where pdf.js' text content puts a space at every gap between
 * letters and keeps one at the gaps between words, so the words are lost. The
 * operator list still has each glyph's advance: the gaps between words are
 * wider than the tracking (a space glyph, or a larger TJ kern). The run is
 * written as its words ("JEREMY R. MANNING, PH.D."), which is what was printed
 * and what the garbled-text measure and OCR decision should judge.
 */

export interface TextOpCodes {
  showText: number;
  showSpacedText: number;
  setFont: number;
  setCharSpacing: number;
  setWordSpacing: number;
}

interface Glyph {
  unicode?: string;
  width?: number;
  isSpace?: boolean;
}

/** Fewest letters of a letter-spaced string. */
const MIN_LETTERS = 4;
/** Tracking wide enough for pdf.js to write a space after every letter (its TRACKING_SPACE_FACTOR, in em). */
const MIN_TRACKING_EM = 0.1;
/** A gap wider than this (in em) moves to another place on the line: what follows is judged apart. */
const SEGMENT_GAP_EM = 3;
/** A gap this much wider than the tracking (in em) is a word space. */
const WORD_GAP_EM = 0.15;

/** Three single letters, each followed by a space: a run worth looking at (cheap, before any operator walk). */
const SPACED_RUN = /(?:^|\s)[A-Za-z][.,]?\s[A-Za-z][.,]?\s[A-Za-z][.,]?\s[A-Za-z]/;

export function hasLetterSpacedRun(runs: TextRun[]): boolean {
  return runs.some((r) => SPACED_RUN.test(r.text));
}

/**
 * Each letter-spaced text-showing operator as its words: glyphs whose gaps are
 * all at least the tracking, split where a gap is a word space. Pure: takes the
 * op codes as input.
 */
export function letterSpacedStrings(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, ops: TextOpCodes): string[] {
  const out: string[] = [];
  let size = 1;
  let charSpacing = 0;
  let wordSpacing = 0;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === ops.setFont) size = Math.abs(Number(args?.[1])) || 1;
    else if (fn === ops.setCharSpacing) charSpacing = Number(args?.[0]) || 0;
    else if (fn === ops.setWordSpacing) wordSpacing = Number(args?.[0]) || 0;
    else if (fn === ops.showText || fn === ops.showSpacedText) {
      for (const segment of segments(args?.[0] as Array<Glyph | number> | undefined, charSpacing / size, wordSpacing / size)) {
        const words = spacedWords(segment);
        if (words) out.push(words);
      }
    }
  }
  return out;
}

/** One operator's glyphs with the gap before each (in em; the first one's is 0). */
interface Segment {
  chars: string[];
  gaps: number[];
}

/**
 * One operator's glyphs, split where a gap jumps to another place on the line (BMC's "R E V I E W" and, 27 em
 * right of it in the same operator, "Open Access"): each piece is letter-spaced or not on its own.
 */
function segments(items: Array<Glyph | number> | undefined, tc: number, tw: number): Segment[] {
  if (!Array.isArray(items)) return [];
  const out: Segment[] = [];
  let cur: Segment = { chars: [], gaps: [] };
  let gap = 0;
  for (const it of items) {
    if (typeof it === 'number') {
      gap += -it / 1000;
      continue;
    }
    if (!it || typeof it !== 'object') continue;
    if (it.isSpace || !it.unicode?.trim()) {
      // A space glyph is a word space, however wide.
      gap += ((it.width ?? 0) / 1000) + tc + tw + 1;
      continue;
    }
    if (cur.chars.length && gap > SEGMENT_GAP_EM) {
      out.push(cur);
      cur = { chars: [], gaps: [] };
    }
    if (cur.chars.length) cur.gaps.push(gap);
    cur.chars.push(it.unicode);
    gap = tc;
  }
  if (cur.chars.length) out.push(cur);
  return out;
}

/** A piece of an operator's glyphs as words, or undefined when it is not letter-spaced. */
function spacedWords({ chars, gaps }: Segment): string | undefined {
  const letters = chars.filter((c) => /\p{L}/u.test(c));
  // A row of table marks ("X X X X") is no word.
  if (letters.length < MIN_LETTERS || new Set(letters).size < 3) return undefined;
  const tracking = Math.min(...gaps);
  if (!(tracking >= MIN_TRACKING_EM)) return undefined;
  let s = chars[0]!;
  for (let k = 1; k < chars.length; k++) s += (gaps[k - 1]! >= tracking + WORD_GAP_EM ? ' ' : '') + chars[k]!;
  return s;
}

const compact = (s: string): string => s.replace(/\s+/gu, '');

/**
 * Runs whose text is a letter-spaced operator's glyphs, spaced a letter apart,
 * written as that operator's words. Other runs are returned as they are.
 */
export function collapseLetterSpacing(runs: TextRun[], spaced: string[], normalize: (s: string) => string): TextRun[] {
  if (!spaced.length) return runs;
  const byLetters = new Map<string, string>();
  for (const s of spaced) {
    const n = normalize(s);
    byLetters.set(compact(n), n);
  }
  return runs.map((r) => {
    if (!SPACED_RUN.test(r.text)) return r;
    const words = byLetters.get(compact(r.text));
    return words ? { ...r, text: words } : r;
  });
}
