import { isGarbledPage as isGarbledPageOf, type GarbledPageSettings } from '@mtb/core';
import { plainText } from '../layout/marks.js';
import type { Box, Line } from '../layout/types.js';

export type OcrMode = 'auto' | 'off' | 'force';

/**
 * Where a page's text comes from:
 * - `text`: its own text layer (born-digital);
 * - `scanned`: no usable text layer and mostly covered by images: OCR, and its images are the scan, not figures;
 * - `garbled`: a text layer the garbled measure rejects (fonts without a Unicode map): OCR, images kept;
 * - `forced`: `ocr: "force"`: OCR replaces the text layer, images kept.
 */
export type PageKind = 'text' | 'scanned' | 'garbled' | 'forced';

/** Fewer visible characters than this is no usable text layer: a watermark, a stamp, a page number. */
export const MIN_TEXT_LAYER_CHARS = 100;
/** Images covering at least this share of a page make it a scan (when it has no usable text); a page of photos leaves margins. */
export const SCAN_COVER_SHARE = 0.8;

function visibleChars(lines: Line[]): number {
  let n = 0;
  for (const l of lines) n += l.text.replace(/\s/g, '').length;
  return n;
}

/** Share of the page covered by the images' boxes (clipped to the page; overlaps counted once on a coarse grid). */
export function imageCover(boxes: Box[], width: number, height: number): number {
  if (!boxes.length || width <= 0 || height <= 0) return 0;
  const G = 64;
  const cells = new Uint8Array(G * G);
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor((b.x / width) * G));
    const y0 = Math.max(0, Math.floor((b.y / height) * G));
    const x1 = Math.min(G, Math.ceil(((b.x + b.w) / width) * G));
    const y1 = Math.min(G, Math.ceil(((b.y + b.h) / height) * G));
    for (let y = y0; y < y1; y++) cells.fill(1, y * G + x0, y * G + Math.max(x0, x1));
  }
  let on = 0;
  for (const c of cells) on += c;
  return on / (G * G);
}

/** The filter stage's judgement of a broken text layer (core's isGarbledPage), on the page's lines as printed: here it decides OCR instead of a drop. */
export function isGarbledPage(lines: Line[], s: GarbledPageSettings): boolean {
  // The layout's note-call wrapping (private-use characters) is no symbol of the page.
  return isGarbledPageOf(lines.map((l) => plainText(l.text)), s);
}

/** Which pages get OCR'd, from what the page already gives: its lines and where its images are drawn. Costs no rendering. */
export function classifyPage(page: { width: number; height: number; lines: Line[]; imageBoxes: Box[] }, mode: OcrMode, s: GarbledPageSettings): PageKind {
  if (mode === 'off') return 'text';
  const chars = visibleChars(page.lines);
  if (chars < MIN_TEXT_LAYER_CHARS && imageCover(page.imageBoxes, page.width, page.height) >= SCAN_COVER_SHARE) return 'scanned';
  if (mode === 'force') return 'forced';
  return isGarbledPage(page.lines, s) ? 'garbled' : 'text';
}
