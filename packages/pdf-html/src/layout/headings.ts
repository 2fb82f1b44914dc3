import type { FontStyle } from './types.js';

export interface StyledText {
  text: string;
  font: FontStyle;
  lineCount: number;
  /** The page it stands on: a size barely above the body's is a heading size only if it recurs across pages. */
  page?: number;
}

export interface HeadingScale {
  bodySize: number;
  bodyBold: boolean;
  /** Heading sizes used more than once, largest first; index + 1 is the heading level (capped at 3). */
  sizes: number[];
  /** Of the sizes below CLEAR_RATIO, the weights ("12|true") short blocks use on several pages: only these are headings. */
  marginalStyles: string[];
}

/** Text this much larger than the body text is a heading candidate: LaTeX's \large in an 11 pt book is 12 on 10.95 (1.096). */
const SIZE_RATIO = 1.08;
/** Below this ratio a size is a heading size only when short blocks use it on several pages (not a title page's author line). */
const CLEAR_RATIO = 1.12;
const MAX_HEADING_LINES = 3;
const MAX_HEADING_CHARS = 160;

const round = (size: number): number => Math.round(size * 2) / 2;
/** A size (rounded to half points) and weight: "12|true". */
const styleKey = (font: { size: number; bold: boolean }): string => `${round(font.size)}|${!!font.bold}`;

/**
 * Two sentences or more, the last one finished: prose, however short ("mas. This was the only study ...
 * guidance."). A sentence ends in a word, not in a number or an initial ("8. At the end", "JEREMY R. MANNING").
 */
const SENTENCES = /\p{L}{2}[.!?]\s+\p{Lu}.*[.!?]$/su;

function looksLikeHeading(b: StyledText): boolean {
  // An equation set larger than the text ("∑n Let cp = Tj ...") is no heading.
  return b.lineCount <= MAX_HEADING_LINES && b.text.length <= MAX_HEADING_CHARS && /\p{L}.*\p{L}/su.test(b.text) && !b.text.includes('=') && !SENTENCES.test(b.text);
}

/**
 * The book's typographic scale: the body size is the size most characters are
 * set in; every larger size used by short blocks is a heading size, and sizes
 * rank into h1..h3 from the largest down, across the whole book, so a chapter
 * title is h1 on every page it occurs.
 */
export function headingScale(blocks: StyledText[]): HeadingScale {
  const chars = new Map<string, number>();
  for (const b of blocks) {
    const k = styleKey(b.font);
    chars.set(k, (chars.get(k) ?? 0) + b.text.length);
  }
  let bodyKey = '10|false';
  let best = -1;
  for (const [k, n] of [...chars.entries()].sort()) {
    if (n > best) {
      best = n;
      bodyKey = k;
    }
  }
  const [sizeStr, boldStr] = bodyKey.split('|');
  const bodySize = Number(sizeStr);
  const uses = new Map<number, number>();
  const pages = new Map<number, Set<number | undefined>>();
  const stylePages = new Map<string, Set<number | undefined>>();
  for (const b of blocks) {
    if (!looksLikeHeading(b) || b.font.size < bodySize * SIZE_RATIO) continue;
    const size = round(b.font.size);
    uses.set(size, (uses.get(size) ?? 0) + 1);
    pages.set(size, (pages.get(size) ?? new Set()).add(b.page));
    const style = styleKey(b.font);
    stylePages.set(style, (stylePages.get(style) ?? new Set()).add(b.page));
  }
  // A size used once (the title on the title page, a display line) does not take a rank of its own.
  const sizes = [...uses.entries()].filter(([size, n]) => (n >= 2 || uses.size === 1) && (size >= bodySize * CLEAR_RATIO || pages.get(size)!.size >= 2)).map(([size]) => size);
  // Just above the body size, the weight tells too: section heads in 12 pt bold on every page make no heading of a
  // title page's author and keywords lines in 12 pt regular.
  const marginalStyles = [...stylePages.entries()].filter(([style, p]) => Number(style.split('|')[0]) < bodySize * CLEAR_RATIO && p.size >= 2).map(([style]) => style);
  return { bodySize, bodyBold: boldStr === 'true', sizes: sizes.sort((a, b) => b - a), marginalStyles };
}

/** 1..3 for a heading, undefined for body text. Bold text at body size is the lowest level. */
export function headingLevel(b: StyledText, scale: HeadingScale): 1 | 2 | 3 | undefined {
  if (!looksLikeHeading(b)) return undefined;
  // Between SIZE_RATIO and CLEAR_RATIO a size is a heading's only in a weight short blocks use on several pages
  // (which also ranks the size).
  const marginal = b.font.size < scale.bodySize * CLEAR_RATIO;
  if (b.font.size >= scale.bodySize * SIZE_RATIO && (!marginal || scale.marginalStyles.includes(styleKey(b.font)))) {
    const size = round(b.font.size);
    const rank = scale.sizes.indexOf(size);
    // An unranked (single-use) size sits at the level of the ranked sizes above it.
    const level = rank >= 0 ? rank + 1 : 1 + scale.sizes.filter((s) => s > size).length;
    return Math.min(3, level) as 1 | 2 | 3;
  }
  const boldAtBodySize = b.font.bold && !scale.bodyBold && Math.abs(b.font.size - scale.bodySize) <= 0.12 * scale.bodySize;
  if (boldAtBodySize && b.lineCount <= 2 && b.text.length <= 100 && !/[.,;]$/.test(b.text)) {
    return Math.min(3, scale.sizes.length + 1) as 1 | 2 | 3;
  }
  return undefined;
}
