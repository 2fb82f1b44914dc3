import type { Box, TextRun } from '../layout/types.js';
import type { OcrLine, PixelBox } from './engine.js';

/** Line sizes within this share of the page's usual size are that size: OCR row heights jitter by a few pixels. */
const SAME_SIZE_SHARE = 0.15;
/** A word tesseract is less sure of than this, made of no letter or digit, is noise (specks, rules, picture edges). */
const MIN_SYMBOL_CONFIDENCE = 0.5;

/** A page region rendered at `scale` pixels per point, its top-left at (x, y) points. */
export interface PixelFrame {
  scale: number;
  x: number;
  y: number;
}

export function toPoints(b: PixelBox, f: PixelFrame): Box {
  return { x: f.x + b.x0 / f.scale, y: f.y + b.y0 / f.scale, w: (b.x1 - b.x0) / f.scale, h: (b.y1 - b.y0) / f.scale };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/**
 * OCR lines -> one run per word, in points, shaped like the runs pdf.js text
 * gives (box from ascent to descent around the baseline, font size), so the
 * same layout code reads them: lines, columns, paragraphs, headings. The size
 * is the row's ascender-to-descender height; sizes near the page's usual one
 * are snapped to it, so heading detection sees type sizes, not pixel jitter.
 * No weight or slant: tesseract's LSTM engine does not report fonts.
 */
export function ocrRuns(lines: OcrLine[], frame: PixelFrame): TextRun[] {
  const sizes = lines.map((l) => {
    const row = l.rowHeight + l.descenders;
    return (row > 0 ? row : l.bbox.y1 - l.bbox.y0) / frame.scale;
  });
  const usual = median(sizes);
  const runs: TextRun[] = [];
  lines.forEach((line, i) => {
    let size = sizes[i]!;
    if (usual > 0 && Math.abs(size - usual) <= SAME_SIZE_SHARE * usual) size = usual;
    const b = line.baseline;
    const slope = b.x1 !== b.x0 ? (b.y1 - b.y0) / (b.x1 - b.x0) : 0;
    for (const w of line.words) {
      if (w.confidence < MIN_SYMBOL_CONFIDENCE && !/[\p{L}\p{N}]/u.test(w.text)) continue;
      const cx = (w.bbox.x0 + w.bbox.x1) / 2;
      const baseline = frame.y + (b.y0 + slope * (cx - b.x0)) / frame.scale;
      const x = frame.x + w.bbox.x0 / frame.scale;
      runs.push({
        box: { x, y: baseline - 0.8 * size, w: (w.bbox.x1 - w.bbox.x0) / frame.scale, h: size },
        baseline,
        text: w.text.normalize('NFKC'),
        font: { size, bold: false, italic: false },
        confidence: w.confidence,
      });
    }
  });
  return runs;
}
