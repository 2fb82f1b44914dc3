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

/** Distinct strings of at least 3 letters whose advance per character a font must show before it counts as monospaced. */
const MONO_MIN_STRINGS = 4;
/** Their largest advance per character over their smallest: a proportional face spreads 15-70% on a page of text. */
const MONO_MAX_SPREAD = 1.01;

interface AdvanceEvidence {
  strings: Set<string>;
  min: number;
  max: number;
}
/** Per font object of a document (pdf.js keeps one per font in commonObjs): what its pages showed so far. */
const advanceEvidence = new WeakMap<object, AdvanceEvidence>();

/**
 * Fonts whose every glyph has the same advance: code faces whose names do
 * not say so (IBM's "BookMasterGothic", a foundry's "Letter Gothic"). Read from
 * the text items themselves (width over characters and size), because pdf.js
 * exports a font's fixed-pitch flag only with fontExtraProperties, whose
 * per-font maps would cross its worker port for every font of every book.
 * Evidence adds up over a document's pages, so a page with one line of code still
 * knows its face.
 */
function monospacedByAdvance(items: PdfTextItem[], font: (fontName: string) => FontFacts | undefined): Set<string> {
  const page = new Map<string, AdvanceEvidence>();
  for (const item of items) {
    const str = typeof item.str === 'string' ? item.str : '';
    if (str.replace(/\s/g, '').length < 3) continue;
    const size = Math.hypot(item.transform[2]!, item.transform[3]!);
    const advance = item.width / (str.length * size);
    if (!(advance > 0) || !Number.isFinite(advance)) continue;
    const key = font(item.fontName) ?? item.fontName;
    let e = typeof key === 'object' ? advanceEvidence.get(key) : page.get(key);
    if (!e) {
      e = { strings: new Set(), min: advance, max: advance };
      if (typeof key === 'object') advanceEvidence.set(key, e);
      else page.set(key, e);
    }
    if (e.strings.size < MONO_MIN_STRINGS) e.strings.add(str);
    e.min = Math.min(e.min, advance);
    e.max = Math.max(e.max, advance);
  }
  const mono = new Set<string>();
  for (const item of items) {
    if (mono.has(item.fontName)) continue;
    const key = font(item.fontName) ?? item.fontName;
    const e = typeof key === 'object' ? advanceEvidence.get(key) : page.get(key);
    if (e && e.strings.size >= MONO_MIN_STRINGS && e.max <= MONO_MAX_SPREAD * e.min) mono.add(item.fontName);
  }
  return mono;
}

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
  const fixedPitch = monospacedByAdvance(items, font);
  for (const item of items) {
    if (typeof item.str !== 'string' || !item.str.trim()) continue;
    const m = multiply(viewport, item.transform);
    const size = Math.hypot(m[2], m[3]);
    if (!(size >= 0.5) || !Number.isFinite(m[4]) || !Number.isFinite(m[5])) continue;
    let f = facts.get(item.fontName);
    if (!f) {
      const info = font(item.fontName) ?? {};
      const name = (info.name ?? '').replace(/^[A-Z]{6}\+/, '');
      f = { bold: !!info.bold || !!info.black || BOLD_NAME.test(name), italic: !!info.italic || ITALIC_NAME.test(name), mono: MONO_NAME.test(name) || fixedPitch.has(item.fontName) };
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
