/**
 * Where a page draws its images, from pdf.js' operator list: a walk that keeps
 * the current transformation matrix through save/restore, cm, form XObjects and
 * transparency groups, and reports one record per image draw (pdf.js' own
 * batching of repeated draws is unrolled, so each draw is counted once as
 * poppler's `pdfimages -list` counts it). Pure: it takes the op codes as input.
 */

export type Matrix = [number, number, number, number, number, number];

export interface OpCodes {
  save: number;
  restore: number;
  transform: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  beginGroup: number;
  endGroup: number;
  paintImageXObject: number;
  paintImageXObjectRepeat: number;
  paintInlineImageXObject: number;
  paintInlineImageXObjectGroup: number;
  paintImageMaskXObject: number;
  paintImageMaskXObjectRepeat: number;
  paintImageMaskXObjectGroup: number;
  paintSolidColorImageMask: number;
}

/** pdf.js' decoded image: `kind` 1 = 1 bit grey, 2 = RGB, 3 = RGBA; masks have no kind (1 bit, 0 = painted). */
export interface PdfImageData {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray | string | null;
}

export type ImageSource =
  /** An image XObject: pixels come from page.objs, or page.commonObjs for `g_` ids (shared across pages). */
  | { type: 'object'; id: string }
  /** Pixels carried in the operator list itself (inline images, most stencil masks). */
  | { type: 'inline'; image: PdfImageData };

export interface ImageDraw {
  source: ImageSource;
  /** 1-bit stencil mask: painted pixels are the figure. */
  mask: boolean;
  width: number;
  height: number;
  /** Maps the unit square onto the page (PDF user space). */
  matrix: Matrix;
  /** Part of a pdf.js atlas of small inline images. */
  crop?: { x: number; y: number; w: number; h: number };
  /** Drawn inside a soft-mask group: it is another image's alpha, not a picture. */
  inSoftMask: boolean;
  /** The clip it is drawn under (page user space), when the walk tracks clips: what of it shows. */
  clip?: { x0: number; y0: number; x1: number; y1: number };
}

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2 in PDF's row-vector convention: the result of `cm m2` under CTM m1. */
export function multiply(m1: readonly number[], m2: readonly number[]): Matrix {
  return [
    m2[0]! * m1[0]! + m2[1]! * m1[2]!,
    m2[0]! * m1[1]! + m2[1]! * m1[3]!,
    m2[2]! * m1[0]! + m2[3]! * m1[2]!,
    m2[2]! * m1[1]! + m2[3]! * m1[3]!,
    m2[4]! * m1[0]! + m2[5]! * m1[2]! + m1[4]!,
    m2[4]! * m1[1]! + m2[5]! * m1[3]! + m1[5]!,
  ];
}

function asMatrix(v: unknown): Matrix | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const a = v as ArrayLike<number>;
  if (typeof a[0] !== 'number' || typeof a[5] !== 'number') return undefined;
  return [a[0], a[1]!, a[2]!, a[3]!, a[4]!, a[5]!];
}

function positions(v: unknown): number[] {
  return v && typeof v === 'object' ? Array.from(v as ArrayLike<number>) : [];
}

function maskSource(img: PdfImageData): ImageSource {
  return typeof img.data === 'string' ? { type: 'object', id: img.data } : { type: 'inline', image: img };
}

/** The codes of the operators that change where things are drawn (and, when given, what clips them). */
export type TransformOpCodes = Pick<OpCodes, 'save' | 'restore' | 'transform' | 'paintFormXObjectBegin' | 'paintFormXObjectEnd' | 'beginGroup' | 'endGroup'> & {
  clip?: number;
  eoClip?: number;
  constructPath?: number;
};

/** What a drawing operator is subject to. Visitors may set `clip`; save/restore keep it like the CTM. */
export interface GraphicsState {
  ctm: Matrix;
  /** Inside a soft-mask group: drawing there is another object's alpha, not a picture. */
  inSoftMask: boolean;
  /** The clip's box in the page's user space (PDF units, y up); tracked when the clip op codes are given. */
  clip?: { x0: number; y0: number; x1: number; y1: number };
  /** Paint colours as pdf.js gives them ("#rrggbb"), when a visitor tracks them. */
  fillColor?: unknown;
  strokeColor?: unknown;
}

/**
 * Walks an operator list, keeping the graphics state through save/restore,
 * cm, form XObjects and transparency groups, and hands every other operator
 * to `visit` with the state it runs under.
 */
export function walkOperators(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, ops: TransformOpCodes, visit: (fn: number, args: unknown[], state: GraphicsState) => void): void {
  let state: GraphicsState = { ctm: IDENTITY, inSoftMask: false };
  const stack: GraphicsState[] = [];
  // W and W* clip by the path that follows them (pdf.js: clip, then constructPath).
  let clipNext = false;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = (argsArray[i] ?? []) as unknown[];
    if (fn === ops.clip || fn === ops.eoClip) clipNext = true;
    else if (fn === ops.constructPath && clipNext) {
      clipNext = false;
      const minMax = args[2] as ArrayLike<number> | null | undefined;
      if (minMax && minMax.length >= 4) {
        const b = boxUnder(state.ctm, minMax[0]!, minMax[1]!, minMax[2]!, minMax[3]!);
        const prev = state.clip;
        state.clip = prev ? { x0: Math.max(prev.x0, b.x0), y0: Math.max(prev.y0, b.y0), x1: Math.min(prev.x1, b.x1), y1: Math.min(prev.y1, b.y1) } : b;
      }
    }
    switch (fn) {
      case ops.save:
        stack.push({ ...state });
        break;
      case ops.restore:
        state = stack.pop() ?? state;
        break;
      case ops.transform: {
        const m = asMatrix(args);
        if (m) state.ctm = multiply(state.ctm, m);
        break;
      }
      case ops.paintFormXObjectBegin: {
        stack.push({ ...state });
        const m = asMatrix(args[0]);
        if (m) state.ctm = multiply(state.ctm, m);
        break;
      }
      case ops.paintFormXObjectEnd:
        state = stack.pop() ?? state;
        break;
      case ops.beginGroup: {
        // The group's matrix is applied by the paintFormXObjectBegin that follows.
        const group = (args[0] ?? {}) as { smask?: unknown };
        stack.push({ ...state });
        state.inSoftMask ||= !!group.smask;
        break;
      }
      case ops.endGroup:
        state = stack.pop() ?? state;
        break;
      default:
        visit(fn, args, state);
    }
  }
}

/** The axis-aligned box, under matrix m, of the box (x0, y0)-(x1, y1). */
export function boxUnder(m: readonly number[], x0: number, y0: number, x1: number, y1: number): { x0: number; y0: number; x1: number; y1: number } {
  const xs = [m[0]! * x0 + m[2]! * y0 + m[4]!, m[0]! * x1 + m[2]! * y0 + m[4]!, m[0]! * x0 + m[2]! * y1 + m[4]!, m[0]! * x1 + m[2]! * y1 + m[4]!];
  const ys = [m[1]! * x0 + m[3]! * y0 + m[5]!, m[1]! * x1 + m[3]! * y0 + m[5]!, m[1]! * x0 + m[3]! * y1 + m[5]!, m[1]! * x1 + m[3]! * y1 + m[5]!];
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

export function collectImageDraws(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, ops: OpCodes): ImageDraw[] {
  const draws: ImageDraw[] = [];
  walkOperators(fnArray, argsArray, ops, (fn, args, state) => {
    const ctm = state.ctm;
    // A value, not a closure: this runs for every operator, and tsx names each closure made (defineProperty) as it is made.
    const inSoftMask = state.inSoftMask;
    const before = draws.length;
    switch (fn) {
      case ops.paintImageXObject:
        draws.push({ source: { type: 'object', id: String(args[0]) }, mask: false, width: Number(args[1]), height: Number(args[2]), matrix: ctm, inSoftMask });
        break;
      case ops.paintImageXObjectRepeat: {
        const [id, sx, sy] = args as [string, number, number];
        const pos = positions(args[3]);
        for (let k = 0; k + 1 < pos.length; k += 2) {
          draws.push({ source: { type: 'object', id: String(id) }, mask: false, width: 0, height: 0, matrix: multiply(ctm, [sx, 0, 0, sy, pos[k]!, pos[k + 1]!]), inSoftMask });
        }
        break;
      }
      case ops.paintInlineImageXObject: {
        const img = args[0] as PdfImageData;
        draws.push({ source: { type: 'inline', image: img }, mask: false, width: img.width, height: img.height, matrix: ctm, inSoftMask });
        break;
      }
      case ops.paintInlineImageXObjectGroup: {
        const img = args[0] as PdfImageData;
        const map = (args[1] ?? []) as Array<{ transform: number[]; x: number; y: number; w: number; h: number }>;
        for (const e of map) {
          draws.push({
            source: { type: 'inline', image: img },
            mask: false,
            width: e.w,
            height: e.h,
            matrix: multiply(ctm, e.transform),
            crop: { x: e.x, y: e.y, w: e.w, h: e.h },
            inSoftMask,
          });
        }
        break;
      }
      case ops.paintImageMaskXObject: {
        const img = args[0] as PdfImageData;
        draws.push({ source: maskSource(img), mask: true, width: img.width, height: img.height, matrix: ctm, inSoftMask });
        break;
      }
      case ops.paintImageMaskXObjectRepeat: {
        const img = args[0] as PdfImageData;
        const [sx, kx, ky, sy] = args.slice(1, 5) as number[];
        const pos = positions(args[5]);
        for (let k = 0; k + 1 < pos.length; k += 2) {
          draws.push({ source: maskSource(img), mask: true, width: img.width, height: img.height, matrix: multiply(ctm, [sx!, kx!, ky!, sy!, pos[k]!, pos[k + 1]!]), inSoftMask });
        }
        break;
      }
      case ops.paintImageMaskXObjectGroup: {
        const images = (args[0] ?? []) as Array<PdfImageData & { transform: number[] }>;
        for (const img of images) {
          draws.push({ source: maskSource(img), mask: true, width: img.width, height: img.height, matrix: multiply(ctm, img.transform), inSoftMask });
        }
        break;
      }
      case ops.paintSolidColorImageMask:
        // pdf.js' rewrite of a 1x1 stencil mask: a drawn dot, still one image to account for.
        draws.push({ source: { type: 'inline', image: { width: 1, height: 1, data: new Uint8Array([0]) } }, mask: true, width: 1, height: 1, matrix: ctm, inSoftMask });
        break;
      default:
        break;
    }
    if (state.clip) for (let k = before; k < draws.length; k++) draws[k]!.clip = state.clip;
  });
  return draws;
}

/** The axis-aligned box (in the matrix's target space) of the unit square under m. */
export function unitSquareBounds(m: readonly number[]): { x0: number; y0: number; x1: number; y1: number } {
  const xs = [m[4]!, m[0]! + m[4]!, m[2]! + m[4]!, m[0]! + m[2]! + m[4]!];
  const ys = [m[5]!, m[1]! + m[5]!, m[3]! + m[5]!, m[1]! + m[3]! + m[5]!];
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}
