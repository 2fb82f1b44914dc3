import { Grid } from '../figures/grid.js';
import { type Box, bottom, right } from '../layout/types.js';

/** Darker than this (0-255 grey) is ink; scan noise and JPEG ringing on white stay above it. */
const INK = 200;
/** Grid cell and the gap that joins the parts of one picture, in points. */
const CELL = 2;
const JOIN_GAP = 8;
/** A figure is at least this big (points) and this share of the page. */
const MIN_SIDE = 40;
const MIN_AREA_SHARE = 0.015;
/** Words tesseract reads at least this surely are text; what it reads less surely may be a picture read as letters. */
const TEXT_CONFIDENCE = 0.6;
/** A region whose ink lies mostly on long straight rows or columns is a rule, a frame or a table grid. */
const MAX_LINE_INK_SHARE = 0.6;
const LONG_LINE_SHARE = 0.6;
/** Space around a cropped figure, in points. */
const PAD = 2;

export interface ScanImage {
  /** Grey pixels (one byte each). */
  grey: Uint8Array;
  width: number;
  height: number;
  /** Pixels per point; the image covers the page from its top-left corner. */
  scale: number;
}

/** Share of a region's ink cells that sit on rows or columns inked along most of the region: lines, not pictures. */
function lineInkShare(grid: Grid, r: Box): number {
  const c0 = Math.floor(r.x / grid.cell);
  const r0 = Math.floor(r.y / grid.cell);
  const c1 = Math.min(grid.cols - 1, Math.floor(right(r) / grid.cell));
  const r1 = Math.min(grid.rows - 1, Math.floor(bottom(r) / grid.cell));
  const w = c1 - c0 + 1;
  const h = r1 - r0 + 1;
  const rowInk = new Int32Array(h);
  const colInk = new Int32Array(w);
  let ink = 0;
  for (let y = r0; y <= r1; y++) {
    for (let x = c0; x <= c1; x++) {
      if (!grid.cells[y * grid.cols + x]) continue;
      ink++;
      rowInk[y - r0]!++;
      colInk[x - c0]!++;
    }
  }
  if (!ink) return 1;
  let onLines = 0;
  for (let y = r0; y <= r1; y++) {
    for (let x = c0; x <= c1; x++) {
      if (grid.cells[y * grid.cols + x] && (rowInk[y - r0]! >= LONG_LINE_SHARE * w || colInk[x - c0]! >= LONG_LINE_SHARE * h)) onLines++;
    }
  }
  return onLines / ink;
}

/**
 * Pictures on a scanned page: ink that the OCR did not read as text, grouped
 * into regions large enough to be figures (photos, drawings, plots), leaving
 * out rules, frames and table grids (ink along long straight lines) and the
 * areas given in `known` (images the page already places). Boxes in points.
 */
export function findScanFigures(img: ScanImage, page: { width: number; height: number }, words: Array<{ box: Box; confidence: number; text: string }>, known: Box[] = []): Box[] {
  const grid = new Grid(page.width, page.height, CELL);
  const step = img.scale * CELL;
  const { grey, width } = img;
  for (let py = 0; py < img.height; py++) {
    const row = py * width;
    const gy = Math.min(grid.rows - 1, Math.floor(py / step));
    for (let px = 0; px < width; px++) {
      if (grey[row + px]! < INK) grid.cells[gy * grid.cols + Math.min(grid.cols - 1, Math.floor(px / step))] = 1;
    }
  }
  for (const w of words) {
    if (w.confidence < TEXT_CONFIDENCE || !/[\p{L}\p{N}]/u.test(w.text)) continue;
    const m = 0.25 * w.box.h;
    grid.fill({ x: w.box.x - m, y: w.box.y - m, w: w.box.w + 2 * m, h: w.box.h + 2 * m }, 0);
  }
  for (const k of known) grid.fill(k, 0);
  const pageArea = page.width * page.height;
  return grid
    .regions(JOIN_GAP)
    .filter((r) => Math.min(r.w, r.h) >= MIN_SIDE && r.w * r.h >= MIN_AREA_SHARE * pageArea && lineInkShare(grid, r) <= MAX_LINE_INK_SHARE)
    .map((r) => {
      const x = Math.max(0, r.x - PAD);
      const y = Math.max(0, r.y - PAD);
      return { x, y, w: Math.min(page.width, right(r) + PAD) - x, h: Math.min(page.height, bottom(r) + PAD) - y };
    });
}
