import { type Box, bottom, right } from './types.js';

const CAPTION = /^(?:fig(?:ure)?s?\.?|table|tab\.|plate|chart|scheme|exhibit|illustration)\s*(?:[A-Z]?\d+[A-Za-z]?(?:[.\-–]\d+)*|[IVXL]+)\b/i;

/**
 * A LaTeX figure caption printed as source, when a converter (R Markdown,
 * pandoc) failed to typeset it: "\begin{figure} \caption{[short]{Long text.}}
 * \end{figure}" under the plot. The text is still the figure's caption.
 */
const RAW_TEX_CAPTION = /^(?:\\begin\{figure\*?\}\s*)?\\caption\s*\{/;

/** LaTeX source printed as text ("\\begin{figure}", "\\cap-"): a failed conversion's caption, never a figure's label. */
export const isTexSource = (text: string): boolean => /^\\[a-z]{3,}/i.test(text.trim());

export const isRawTexCaption = (text: string): boolean => RAW_TEX_CAPTION.test(text.trim());

/**
 * A label run on by a lower-case word is the subject of a body sentence ("Figure 10 shows the
 * relative speedups", "Figs. 3 and 4 compare"), not a caption; "continued" is a caption's.
 */
const LABEL_IN_PROSE = /^\s+(?!cont)\p{Ll}{3,}/u;

/** "Figure 3.2", "Fig. 4", "Table 1", "FIGURE 12-3", or a raw LaTeX \caption{, at the start of a block. */
export function isCaption(text: string): boolean {
  const t = text.trim();
  const label = CAPTION.exec(t);
  if (label) return !LABEL_IN_PROSE.test(t.slice(label[0].length));
  return RAW_TEX_CAPTION.test(t);
}

/** A caption's label with nothing after it but a stop ("Table 4", "Figure 13."): its text was set apart from it. */
export function isCaptionLabel(text: string): boolean {
  const t = text.trim();
  const label = CAPTION.exec(t);
  return !!label && /^[.:]?$/.test(t.slice(label[0].length).trim());
}

/** A caption's text without the LaTeX source around a raw \caption{...}; the rest stays as printed. */
export function captionText(text: string): string {
  const t = text.trim();
  const m = RAW_TEX_CAPTION.exec(t);
  if (!m) return t;
  return t
    .slice(m[0].length)
    .replace(/\s*\\end\{figure\*?\}\s*$/, '')
    .replace(/\}+\s*$/, '')
    .trim();
}

/** A caption farther from its image than this share of the page height is not adjacent. */
const MAX_DISTANCE_SHARE = 0.2;

/** Whitespace between two boxes (0 when they touch or overlap). */
export function boxDistance(a: Box, b: Box): number {
  const dx = Math.max(0, b.x - right(a), a.x - right(b));
  const dy = Math.max(0, b.y - bottom(a), a.y - bottom(b));
  return Math.hypot(dx, dy);
}

/**
 * Each caption goes to the nearest image on its page that has no caption yet,
 * closest pairs first, if the two are adjacent. Returns caption index -> image index.
 */
export function linkCaptions(captions: Array<{ box: Box }>, images: Array<{ box: Box }>, pageHeight: number): Map<number, number> {
  const pairs: Array<{ c: number; i: number; d: number }> = [];
  captions.forEach((c, ci) =>
    images.forEach((im, ii) => {
      const d = boxDistance(c.box, im.box);
      if (d <= MAX_DISTANCE_SHARE * pageHeight) pairs.push({ c: ci, i: ii, d });
    }),
  );
  pairs.sort((a, b) => a.d - b.d || a.c - b.c || a.i - b.i);
  const links = new Map<number, number>();
  const used = new Set<number>();
  for (const p of pairs) {
    if (links.has(p.c) || used.has(p.i)) continue;
    links.set(p.c, p.i);
    used.add(p.i);
  }
  return links;
}
