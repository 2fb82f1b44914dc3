import type { Box } from '../layout/types.js';

/**
 * Sets every cell within `g` steps of a set cell along each of `lines` lines of
 * `length` cells (cell k of line i at i * lineStep + k * step): two sweeps, one
 * each way, keep the distance to the last set cell.
 */
function dilate(src: Uint8Array, lines: number, length: number, lineStep: number, step: number, g: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < lines; i++) {
    const base = i * lineStep;
    let last = -Infinity;
    for (let k = 0; k < length; k++) {
      if (src[base + k * step]) last = k;
      if (k - last <= g) out[base + k * step] = 1;
    }
    last = Infinity;
    for (let k = length - 1; k >= 0; k--) {
      if (src[base + k * step]) last = k;
      if (last - k <= g) out[base + k * step] = 1;
    }
  }
  return out;
}

interface CellBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Holds a set cell (not only cells the closing added). */
  any: boolean;
}

/** The set cells' bounding box grown by g cells, clipped to the grid; undefined when no cell is set. */
function setWindow(cells: Uint8Array, cols: number, rows: number, g: number): { x: number; y: number; cols: number; rows: number } | undefined {
  let x0 = cols;
  let y0 = rows;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < rows; y++) {
    const row = y * cols;
    let first = -1;
    for (let x = 0; x < cols; x++) {
      if (cells[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = cols - 1; x > first; x--) {
      if (cells[row + x]) {
        last = x;
        break;
      }
    }
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  if (y1 < 0) return undefined;
  const x = Math.max(0, x0 - g);
  const y = Math.max(0, y0 - g);
  return { x, y, cols: Math.min(cols - 1, x1 + g) - x + 1, rows: Math.min(rows - 1, y1 + g) - y + 1 };
}

/** Groups of cells joined after closing gaps of up to g cells, in row-major order of their first cell. */
function components(cells: Uint8Array, cols: number, rows: number, g: number): CellBox[] {
  // Dilate by g cells along rows, then along columns (a square structuring element, separable).
  const wide = dilate(cells, rows, cols, cols, 1, g);
  const grown = dilate(wide, cols, rows, 1, cols, g);
  const label = new Int32Array(cells.length).fill(-1);
  const boxes: CellBox[] = [];
  // A typed stack and neighbours checked in place: an array of neighbours per cell cost more than the fill.
  const stack = new Int32Array(cells.length);
  for (let start = 0; start < cells.length; start++) {
    if (!grown[start] || label[start]! >= 0) continue;
    const id = boxes.length;
    const b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, any: false };
    boxes.push(b);
    label[start] = id;
    let top = 0;
    stack[top++] = start;
    while (top) {
      const i = stack[--top]!;
      const x = i % cols;
      const y = (i - x) / cols;
      if (cells[i]) {
        b.any = true;
        if (x < b.x0) b.x0 = x;
        if (y < b.y0) b.y0 = y;
        if (x > b.x1) b.x1 = x;
        if (y > b.y1) b.y1 = y;
      }
      // Each cell is labelled when pushed, so it is pushed once: the stack never outgrows the grid.
      if (x > 0 && grown[i - 1] && label[i - 1]! < 0) {
        label[i - 1] = id;
        stack[top++] = i - 1;
      }
      if (x < cols - 1 && grown[i + 1] && label[i + 1]! < 0) {
        label[i + 1] = id;
        stack[top++] = i + 1;
      }
      if (y > 0 && grown[i - cols] && label[i - cols]! < 0) {
        label[i - cols] = id;
        stack[top++] = i - cols;
      }
      if (y < rows - 1 && grown[i + cols] && label[i + cols]! < 0) {
        label[i + cols] = id;
        stack[top++] = i + cols;
      }
    }
  }
  return boxes;
}

/**
 * A page as a coarse occupancy grid (cells of `cell` points): marks are laid
 * on it, and regions are its connected components after closing gaps of up
 * to `gap` points. Linear in cells and marks, where pairwise box merging would
 * be quadratic in the thousands of marks a plot can paint.
 */
export class Grid {
  readonly cols: number;
  readonly rows: number;
  readonly cells: Uint8Array;

  constructor(readonly width: number, readonly height: number, readonly cell: number) {
    this.cols = Math.max(1, Math.ceil(width / cell));
    this.rows = Math.max(1, Math.ceil(height / cell));
    this.cells = new Uint8Array(this.cols * this.rows);
  }

  private span(b: Box): [number, number, number, number] {
    const x0 = Math.max(0, Math.floor(b.x / this.cell));
    const y0 = Math.max(0, Math.floor(b.y / this.cell));
    const x1 = Math.min(this.cols - 1, Math.floor((b.x + b.w) / this.cell));
    const y1 = Math.min(this.rows - 1, Math.floor((b.y + b.h) / this.cell));
    return [x0, y0, x1, y1];
  }

  fill(b: Box, value: number): void {
    const [x0, y0, x1, y1] = this.span(b);
    if (x1 < x0 || y1 < y0) return;
    for (let y = y0; y <= y1; y++) this.cells.fill(value, y * this.cols + x0, y * this.cols + x1 + 1);
  }

  /** Cells of `b` that are set. */
  count(b: Box): number {
    const [x0, y0, x1, y1] = this.span(b);
    let n = 0;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) n += this.cells[y * this.cols + x]! ? 1 : 0;
    return n;
  }

  /**
   * Connected groups of set cells, where cells up to `gap` points apart join;
   * each as the box of its set cells (the closing never widens a box).
   */
  regions(gap: number): Box[] {
    // Both sides grow by half the gap: cells `gap` apart then touch.
    const g = Math.max(0, Math.round(gap / this.cell / 2));
    // Nothing grows farther than g cells from the set ones: the closing and the fill need only that window
    // (most pages draw on a small part of themselves), and scanned row by row it finds the groups in the same order.
    const w = setWindow(this.cells, this.cols, this.rows, g);
    if (!w) return [];
    const full = w.cols === this.cols && w.rows === this.rows;
    const cells = full ? this.cells : new Uint8Array(w.cols * w.rows);
    if (!full) for (let y = 0; y < w.rows; y++) cells.set(this.cells.subarray((w.y + y) * this.cols + w.x, (w.y + y) * this.cols + w.x + w.cols), y * w.cols);
    const boxes = components(cells, w.cols, w.rows, g);
    for (const b of boxes) {
      b.x0 += w.x;
      b.x1 += w.x;
      b.y0 += w.y;
      b.y1 += w.y;
    }
    const c = this.cell;
    return boxes
      .filter((b) => b.any)
      .map((b) => {
        const x = b.x0 * c;
        const y = b.y0 * c;
        return { x, y, w: Math.min(this.width, (b.x1 + 1) * c) - x, h: Math.min(this.height, (b.y1 + 1) * c) - y };
      });
  }
}
