import { boxUnder, multiply, walkOperators, type GraphicsState, type TransformOpCodes } from '../pdfjs/operators.js';
import type { Box } from '../layout/types.js';

/** pdf.js' path commands inside a constructPath's data (its DrawOPS). */
const DRAW = { moveTo: 0, lineTo: 1, curveTo: 2, quadraticCurveTo: 3, closePath: 4 } as const;

export interface PaintOpCodes extends TransformOpCodes {
  constructPath: number;
  /** Clips narrow what a shading paints; the walk tracks them. */
  clip: number;
  eoClip: number;
  endPath: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
  rawFillPath: number;
  shadingFill: number;
  setFillRGBColor: number;
  setStrokeRGBColor: number;
}

/**
 * What one painted subpath is, for telling drawings from page decoration:
 * `rect`: an axis-aligned rectangle (or a degenerate one: a rule);
 * `rounded`: a rounded rectangle (a callout or a button: decoration);
 * `rule`: one straight axis-aligned segment;
 * `shape`: anything else (curves, slanted segments, polylines): what plots and diagrams are made of.
 * `shading`: a smooth shading painted over the clip.
 */
export type MarkKind = 'rect' | 'rounded' | 'rule' | 'shape' | 'shading';

export interface PaintMark {
  kind: MarkKind;
  /** In the page's viewport space (points, y down). */
  box: Box;
  /** Curves and slanted segments (and the segments of axis-aligned polylines): how much drawing a shape holds. */
  weight: number;
  filled: boolean;
  /** Painted in white: invisible on the page, never ink. */
  white: boolean;
}

interface Piece {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  lines: number;
  slanted: number;
  curves: number;
  closed: boolean;
}

const EPS = 1e-3;

function pieces(path: ArrayLike<number>): Piece[] {
  const out: Piece[] = [];
  let cur: Piece | undefined;
  let px = 0;
  let py = 0;
  const grow = (x: number, y: number): void => {
    cur!.x0 = Math.min(cur!.x0, x);
    cur!.y0 = Math.min(cur!.y0, y);
    cur!.x1 = Math.max(cur!.x1, x);
    cur!.y1 = Math.max(cur!.y1, y);
  };
  for (let i = 0; i < path.length; ) {
    const op = path[i]!;
    if (op === DRAW.moveTo) {
      px = path[i + 1]!;
      py = path[i + 2]!;
      cur = { x0: px, y0: py, x1: px, y1: py, lines: 0, slanted: 0, curves: 0, closed: false };
      out.push(cur);
      i += 3;
    } else if (op === DRAW.lineTo) {
      const x = path[i + 1]!;
      const y = path[i + 2]!;
      if (cur) {
        grow(x, y);
        cur.lines++;
        if (Math.abs(x - px) > EPS && Math.abs(y - py) > EPS) cur.slanted++;
      }
      px = x;
      py = y;
      i += 3;
    } else if (op === DRAW.curveTo || op === DRAW.quadraticCurveTo) {
      const n = op === DRAW.curveTo ? 6 : 4;
      if (cur) {
        for (let k = 1; k < n; k += 2) grow(path[i + k]!, path[i + k + 1]!);
        cur.curves++;
      }
      px = path[i + n - 1]!;
      py = path[i + n]!;
      i += n + 1;
    } else {
      if (cur) cur.closed = true;
      i += 1;
    }
  }
  return out;
}

function kindOf(p: Piece): { kind: MarkKind; weight: number } {
  if (p.curves === 0 && p.slanted === 0) {
    if (p.lines <= 1) return { kind: 'rule', weight: 0 };
    // moveTo + 3 or 4 axis-aligned lines, closed or returning to the start.
    if (p.lines <= 4 && (p.closed || p.lines === 4)) return { kind: 'rect', weight: 0 };
    return { kind: 'shape', weight: p.lines };
  }
  if (p.closed && p.slanted === 0 && p.curves === 4 && p.lines >= 2 && p.lines <= 4) return { kind: 'rounded', weight: 0 };
  return { kind: 'shape', weight: p.slanted + p.curves };
}

function boxOf(m: readonly number[], x0: number, y0: number, x1: number, y1: number): Box {
  const b = boxUnder(m, x0, y0, x1, y1);
  return { x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0 };
}

function intersect(a: Box, b: Box): Box | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.min(a.x + a.w, b.x + b.w) - x;
  const h = Math.min(a.y + a.h, b.y + b.h) - y;
  return w >= 0 && h >= 0 ? { x, y, w, h } : undefined;
}

const FILLS = (o: PaintOpCodes): Set<number> => new Set([o.fill, o.eoFill, o.fillStroke, o.eoFillStroke, o.closeFillStroke, o.closeEOFillStroke, o.rawFillPath]);
const STROKES = (o: PaintOpCodes): Set<number> => new Set([o.stroke, o.closeStroke, o.fillStroke, o.eoFillStroke, o.closeFillStroke, o.closeEOFillStroke]);
const isWhite = (c: unknown): boolean => typeof c === 'string' && /^#f[c-f]f[c-f]f[c-f]$/i.test(c);

/**
 * Every painted path on a page, one mark per subpath, placed by the current
 * transform (through save/restore, cm and form XObjects) and then the
 * viewport. Clipping paths (painted with endPath) paint nothing but bound
 * the shadings painted after them. Pure: op codes come in as arguments.
 */
export function collectPaintMarks(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, ops: PaintOpCodes, viewport: readonly number[]): PaintMark[] {
  const marks: PaintMark[] = [];
  const fills = FILLS(ops);
  const strokes = STROKES(ops);
  walkOperators(fnArray, argsArray, ops, (fn: number, args: unknown[], state: GraphicsState) => {
    if (fn === ops.setFillRGBColor) state.fillColor = args[0];
    else if (fn === ops.setStrokeRGBColor) state.strokeColor = args[0];
    else if (fn === ops.shadingFill) {
      // `sh` paints the whole clip: without one it is a page background, not a mark.
      const c = state.clip;
      if (c) marks.push({ kind: 'shading', box: boxOf(viewport, c.x0, c.y0, c.x1, c.y1), weight: 0, filled: true, white: false });
    } else if (fn === ops.constructPath) {
      const [paint, data] = args as [number, [ArrayLike<number> | null] | undefined];
      // Clipping paths (W n) paint nothing; the walk has already narrowed the clip by them.
      if (paint === ops.endPath || !(fills.has(paint) || strokes.has(paint))) return;
      const path = data?.[0];
      if (!path || typeof (path as ArrayLike<number>).length !== 'number') return;
      const filled = fills.has(paint);
      const white = filled && !strokes.has(paint) ? isWhite(state.fillColor) : !filled && isWhite(state.strokeColor);
      const m = multiply(viewport, state.ctm);
      // Only what shows counts: hatching cut to its frame must not reach past it.
      const clip = state.clip ? boxOf(viewport, state.clip.x0, state.clip.y0, state.clip.x1, state.clip.y1) : undefined;
      for (const p of pieces(path as ArrayLike<number>)) {
        const { kind, weight } = kindOf(p);
        const box = clip ? intersect(boxOf(m, p.x0, p.y0, p.x1, p.y1), clip) : boxOf(m, p.x0, p.y0, p.x1, p.y1);
        if (box) marks.push({ kind, box, weight, filled, white });
      }
    }
  });
  return marks;
}
