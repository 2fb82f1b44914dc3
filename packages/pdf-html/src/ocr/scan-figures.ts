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
/** A region whose ink lies mostly on thin straight lines is a rule, a frame or a table grid. */
const MAX_LINE_INK_SHARE = 0.6;
/** A thin line: at least this many cells long, at most this many cells of ink on either side across it. */
const LONG_LINE = 10;
const THIN = 1;
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

/**
 * Share of a region's ink cells that are thin straight lines: a run of at
 * least LONG_LINE cells along a row (or column) with at most THIN cells of ink
 * across it. Frames, rules and table grids are made of nothing else; photos
 * are solid, and plots add curves and marks to their axes.
 */
function lineInkShare(grid: Grid, r: Box): number {
  const { cols, cells } = grid;
  const c0 = Math.floor(r.x / grid.cell);
  const r0 = Math.floor(r.y / grid.cell);
  const c1 = Math.min(cols - 1, Math.floor(right(r) / grid.cell));
  const r1 = Math.min(grid.rows - 1, Math.floor(bottom(r) / grid.cell));
  const at = (x: number, y: number): number => (x < c0 || x > c1 || y < r0 || y > r1 ? 0 : cells[y * cols + x]!);
  const thinAcross = (x: number, y: number, dx: number, dy: number): boolean => {
    let n = 0;
    for (let k = -THIN; k <= THIN; k++) n += at(x + k * dy, y + k * dx);
    return n <= THIN;
  };
  const onLine = new Uint8Array((c1 - c0 + 1) * (r1 - r0 + 1));
  const mark = (horizontal: boolean): void => {
    const [outer0, outer1, inner0, inner1] = horizontal ? [r0, r1, c0, c1] : [c0, c1, r0, r1];
    for (let o = outer0; o <= outer1; o++) {
      let start = -1;
      for (let i = inner0; i <= inner1 + 1; i++) {
        const x = horizontal ? i : o;
        const y = horizontal ? o : i;
        const thin = i <= inner1 && at(x, y) && thinAcross(x, y, horizontal ? 1 : 0, horizontal ? 0 : 1);
        if (thin && start < 0) start = i;
        if (!thin && start >= 0) {
          if (i - start >= LONG_LINE) for (let k = start; k < i; k++) onLine[(horizontal ? o - r0 : k - r0) * (c1 - c0 + 1) + (horizontal ? k - c0 : o - c0)] = 1;
          start = -1;
        }
      }
    }
  };
  mark(true);
  mark(false);
  let ink = 0;
  let lines = 0;
  for (let y = r0; y <= r1; y++) {
    for (let x = c0; x <= c1; x++) {
      if (!at(x, y)) continue;
      ink++;
      lines += onLine[(y - r0) * (c1 - c0 + 1) + (x - c0)]!;
    }
  }
  return ink ? lines / ink : 1;
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
