/**
 * Which drawn images become figures. Every draw that is not written is
 * counted under one of these reasons, so that written + skipped equals what an
 * independent tool (poppler's `pdfimages -list`) counts for the same file.
 * `scan`: the page image of a scanned page (its text is OCR'd, its figures
 * cropped from it); `in-figure`: part of a vector-drawn figure rendered whole.
 */
export const SKIP_REASONS = ['soft-mask', 'too-many-pixels', 'sliver', 'too-small', 'repeated', 'undecodable', 'page-failed', 'scan', 'in-figure'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface ImagePolicy {
  /** Images thinner than this (pixels) are rules and strips. */
  minSliverSide: number;
  /** Images claiming more pixels than this are refused (decompression bombs). */
  maxImagePixels: number;
}

/** Drawn smaller than this on the page (points) is invisible: tracking pixels, hidden placeholders. */
const MIN_DRAWN_SIDE = 1;

/** Before the pixels are fetched: what the draw itself tells. */
export function skipByDraw(draw: { inSoftMask: boolean; box: { w: number; h: number } }): SkipReason | undefined {
  if (draw.inSoftMask) return 'soft-mask';
  if (Math.min(draw.box.w, draw.box.h) < MIN_DRAWN_SIDE) return 'too-small';
  return undefined;
}

/** From the image's pixel size. Icons above these limits survive here; the filter stage judges figure size. */
export function skipBySize(width: number, height: number, policy: ImagePolicy): SkipReason | undefined {
  if (width * height > policy.maxImagePixels) return 'too-many-pixels';
  if (Math.min(width, height) < policy.minSliverSide) return 'sliver';
  if (width * height < 4 * policy.minSliverSide * policy.minSliverSide) return 'too-small';
  return undefined;
}
