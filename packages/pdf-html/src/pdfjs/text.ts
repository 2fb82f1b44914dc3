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

/** A list's bullet as the layout reads it, whatever glyph the PDF drew. */
const BULLET = '•';
/** Text right of a bullet starts within this many ems of it. */
const BULLET_GAP_EM = 3;

/**
 * Bullets drawn with a glyph of a symbol font that maps to no character: its
 * text is a control character ("\u0002" in IBM's BookMaster, which Docling
 * prints as the glyph's name, "SM590000"), nothing once control characters are
 * taken out, and the items of the list ran together. Such an item opens its
 * line, is set in another font than the text right after it, and the same
 * glyph in the same font opens at least one more line at the same x: a list.
 * (A glyph that maps to a letter, "r\u0001" in redp5110's subset of Janson,
 * stays the letter: Docling reads it so too, and nothing says it is no "r".)
 * Returns each such bullet with the text item it leads: the two become one
 * run, "• text", which no gutter between the bullets and the text can split.
 */
function bulletItems(items: PdfTextItem[]): Map<PdfTextItem, PdfTextItem> {
  const level = (it: PdfTextItem): boolean => Math.abs(it.transform[1]!) < 1e-6 && Math.abs(it.transform[2]!) < 1e-6 && it.transform[0]! > 0;
  const size = (it: PdfTextItem): number => Math.abs(it.transform[3]!) || Math.abs(it.transform[0]!);
  const opens = new Map<string, Array<[PdfTextItem, PdfTextItem]>>();
  for (const it of items) {
    // Control characters and spaces only (most items fail the first test: this runs for every item of a page).
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u001f]/.test(it.str) || /[^\u0000-\u001f\s]/.test(it.str) || !level(it)) continue;
    const em = size(it);
    const x = it.transform[4]!;
    const y = it.transform[5]!;
    const sameRow = (o: PdfTextItem): boolean => o !== it && level(o) && Math.abs(o.transform[5]! - y) < 0.3 * em && /[\p{L}\p{N}]/u.test(o.str);
    const next = items.find((o) => sameRow(o) && o.fontName !== it.fontName && o.transform[4]! >= x + it.width - 0.1 * em && o.transform[4]! <= x + it.width + BULLET_GAP_EM * em);
    const before = items.some((o) => sameRow(o) && o.transform[4]! < x && o.transform[4]! + o.width > x - BULLET_GAP_EM * em);
    if (!next || before) continue;
    const key = `${it.str}|${it.fontName}|${Math.round(x)}`;
    opens.set(key, [...(opens.get(key) ?? []), [it, next]]);
  }
  return new Map([...opens.values()].filter((pairs) => pairs.length >= 2).flat());
}

/** Control characters a glyph may map to in place of a word space (tab, line and form feeds, CR aside). */
const CONTROL = String.raw`[\u0001-\u0008\u000e-\u001f]`;
const HAS_CONTROL = new RegExp(CONTROL, 'u');
/** A control character between two letters (or after a letter, ending the item). */
const CONTROL_BETWEEN = new RegExp(String.raw`(?<=[\p{L}\p{N}\p{P}])${CONTROL}(?=[\p{L}\p{N}\p{Ps}]|${CONTROL}*$)`, 'gu');
const CONTROL_TRAILING = new RegExp(String.raw`${CONTROL}+$`, 'u');
const CONTROL_AFTER_WORD = new RegExp(String.raw`[\p{L}\p{N}\p{P}]${CONTROL}+$`, 'u');
const CONTROL_CAMEL = new RegExp(String.raw`(?<=\p{Ll})${CONTROL}(?=\p{Lu})`, 'gu');

/**
 * Word spaces drawn with a glyph that maps to a control character (tam-review's headings set in a font whose
 * ToUnicode sends its space to "\u0002": "The\u0002Theory\u0002of\u0002Reasoned\u0002Action\u0002\u0002").
 * Taken out, they glue the words ("TheTheoryofReasonedAction", as pdftotext prints it). An item set without any
 * real space, with such a character between its words twice or more, or after its last word, spaces its words with
 * it, and so does one between a small letter and a capital; a ligature mapped to a control character ("de\u0002ne")
 * stands once inside a word, or beside real spaces.
 */
function controlSpaces(str: string): string {
  if (!HAS_CONTROL.test(str) || /\s/.test(str)) return str;
  const between = str.match(CONTROL_BETWEEN)?.length ?? 0;
  if (between >= 2 || CONTROL_AFTER_WORD.test(str)) return str.replace(CONTROL_TRAILING, '').replace(CONTROL_BETWEEN, ' ');
  // Once, between a small letter and a capital ("Perceived\u0002Usefulness,"): words, not a ligature.
  return str.replace(CONTROL_CAMEL, ' ');
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
  const bullets = bulletItems(items);
  const led = new Map([...bullets].map(([bullet, text]) => [text, bullet]));
  for (const item of items) {
    if (typeof item.str !== 'string' || !item.str.trim() || bullets.has(item)) continue;
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
    const bullet = led.get(item);
    const str = controlSpaces(item.str);
    const text = bullet ? `${BULLET} ${normalize(str)}` : normalize(str);
    if (!text.trim()) continue;
    const tag = item.artifact ? { artifact: true } : item.mcid ? { mcid: item.mcid } : {};
    if (Math.abs(uy) < 0.02 && ux > 0) {
      // A bullet's run starts where the bullet is drawn.
      const x = bullet ? Math.min(m[4], multiply(viewport, bullet.transform)[4]) : m[4];
      runs.push({
        box: { x, y: m[5] - ascent * size, w: Math.max(0, item.width + m[4] - x), h: (ascent - descent) * size },
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
