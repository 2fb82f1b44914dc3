import type { TextRun } from '../layout/types.js';
import { multiply } from './operators.js';

export interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  fontName: string;
  /** Set by readPage on tagged pages: the innermost marked content with an id, or an artifact. */
  mcid?: string;
  artifact?: boolean;
}

export interface PdfTextStyle {
  ascent?: number;
  descent?: number;
}

export interface FontFacts {
  name?: string;
  bold?: boolean;
  black?: boolean;
  italic?: boolean;
}

const BOLD_NAME = /bold|black|heavy|demi|semibold|extrabold|ultra|[-,](?:bd|b)$/i;
const ITALIC_NAME = /italic|oblique|[-,](?:it|i)$/i;
const MONO_NAME = /mono|courier|consol|menlo|typewriter|^(?:cm|sf|ec)tt|^lmtt/i;

/**
 * pdf.js text items -> runs in viewport space (rotation applied, y down).
 * Weight and slant come from the font's flags and, because subset fonts often
 * lack the flags, from its PostScript name ("ABCDEF+Minion-Bold").
 */
export function textRuns(
  items: PdfTextItem[],
  styles: Record<string, PdfTextStyle>,
  viewport: readonly number[],
  font: (fontName: string) => FontFacts | undefined,
  normalize: (s: string) => string,
): TextRun[] {
  const runs: TextRun[] = [];
  const facts = new Map<string, { bold: boolean; italic: boolean; mono: boolean }>();
  for (const item of items) {
    if (typeof item.str !== 'string' || !item.str.trim()) continue;
    const m = multiply(viewport, item.transform);
    const size = Math.hypot(m[2], m[3]);
    if (!(size >= 0.5) || !Number.isFinite(m[4]) || !Number.isFinite(m[5])) continue;
    let f = facts.get(item.fontName);
    if (!f) {
      const info = font(item.fontName) ?? {};
      const name = (info.name ?? '').replace(/^[A-Z]{6}\+/, '');
      f = { bold: !!info.bold || !!info.black || BOLD_NAME.test(name), italic: !!info.italic || ITALIC_NAME.test(name), mono: MONO_NAME.test(name) };
      facts.set(item.fontName, f);
    }
    const style = styles[item.fontName] ?? {};
    // Standard-14 fonts and broken font files report no (or NaN) metrics.
    let ascent = Number.isFinite(style.ascent) ? Math.min(1.1, Math.max(0.5, style.ascent!)) : 0.8;
    let descent = Number.isFinite(style.descent) ? Math.min(0, Math.max(-0.5, style.descent!)) : -0.2;
    // A font claiming under 0.7 em from descender to ascender (some subset fonts report an x-height) would make its lines look set apart.
    if (ascent - descent < 0.7) {
      ascent = 0.8;
      descent = -0.2;
    }
    const len = Math.hypot(m[0], m[1]);
    const ux = len ? m[0] / len : 1;
    const uy = len ? m[1] / len : 0;
    const text = normalize(item.str);
    if (!text.trim()) continue;
    const tag = item.artifact ? { artifact: true } : item.mcid ? { mcid: item.mcid } : {};
    if (Math.abs(uy) < 0.02 && ux > 0) {
      runs.push({
        box: { x: m[4], y: m[5] - ascent * size, w: Math.max(0, item.width), h: (ascent - descent) * size },
        baseline: m[5],
        text,
        font: { size, bold: f.bold, italic: f.italic, ...(f.mono ? { mono: true } : {}) },
        ...tag,
      });
      continue;
    }
    // Rotated text: its bounding box, so it still takes its place on the page.
    const ex = m[4] + ux * item.width;
    const ey = m[5] + uy * item.width;
    const x0 = Math.min(m[4], ex) - size * 0.5;
    const y0 = Math.min(m[5], ey) - size * 0.5;
    runs.push({
      box: { x: x0, y: y0, w: Math.abs(ex - m[4]) + size, h: Math.abs(ey - m[5]) + size },
      baseline: y0 + size,
      text,
      font: { size, bold: f.bold, italic: f.italic, ...(f.mono ? { mono: true } : {}) },
      rotated: true,
      ...tag,
    });
  }
  return runs;
}
