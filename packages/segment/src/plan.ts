import type { Figure, FlowItem } from './figures.js';
import type { Tally } from './units.js';
import { add } from './units.js';

export interface SegmentLimits { minImages: number; maxImages: number; maxTokens: number }

/**
 * Token cost of a segment: BOS and EOS, each image's `<image>` and its
 * `<|endofchunk|>` (one before every image but the first, one at the end), and
 * a text-only segment's closing `<|endofchunk|>`.
 */
export function segmentCost(textTokens: number, images: number): number {
  return 2 + textTokens + 2 * images + (images === 0 ? 1 : 0);
}

/** Most tokens one text unit may have and still share a segment with an image. */
export function textBudget(limits: SegmentLimits): number {
  return limits.maxTokens - segmentCost(0, limits.minImages > 0 ? 1 : 0);
}

const tokensOf = (item: FlowItem): number =>
  item.kind === 'text' ? item.unit.tokens : item.figure.captions.reduce((n, c) => n + c.tokens, 0);
const imagesOf = (item: FlowItem): number => (item.kind === 'figure' ? item.figure.images.length : 0);

/**
 * Figures that fit one segment on their own: a figure with more than
 * maxImages images is cut into figures of maxImages (its caption stays with
 * the last), and caption text that would not fit beside its images is
 * dropped from the end (`token-overflow`).
 */
export function fitFigures(flow: readonly FlowItem[], limits: SegmentLimits, droppedTokens: Tally): FlowItem[] {
  const out: FlowItem[] = [];
  for (const item of flow) {
    if (item.kind === 'text') {
      out.push(item);
      continue;
    }
    const f = item.figure;
    const pieces: Figure[] = [];
    for (let i = 0; i < f.images.length; i += limits.maxImages) {
      const last = i + limits.maxImages >= f.images.length;
      pieces.push({ ...f, images: f.images.slice(i, i + limits.maxImages), captions: last ? [...f.captions] : [] });
    }
    for (const p of pieces) {
      let tokens = p.captions.reduce((n, c) => n + c.tokens, 0);
      while (p.captions.length > 0 && segmentCost(tokens, p.images.length) > limits.maxTokens) {
        const cut = p.captions.pop()!;
        tokens -= cut.tokens;
        add(droppedTokens, 'token-overflow', cut.tokens);
      }
      out.push({ kind: 'figure', figure: p });
    }
  }
  return out;
}

export interface ChapterPlan {
  /** Each segment's items in book order (the renderer opens it with its first figure). */
  segments: FlowItem[][];
  /** Items in no segment: text that could share a segment with no image, figures that could not be placed. */
  skipped: FlowItem[];
}

/**
 * The segments of one chapter, planned for what OpenFlamingo trains on. Its
 * label mask ignores every token before a segment's first `<image>`, so each
 * segment opens with its first figure (the renderer moves that figure before
 * the segment's leading text) and all of its text follows an image.
 * Segments are contiguous runs of the chapter's flow with
 * minImages..maxImages images and at most maxTokens tokens; text outside any
 * segment is dropped. An exact dynamic programme over the flow chooses the
 * runs, maximising in order:
 * 1. images kept (every figure fits a segment alone, so all are, unless
 *    minImages > 1 leaves too few in the chapter);
 * 2. text tokens kept, hence trained;
 * 3. text staying with the figure it follows: tokens that lead a segment
 *    (moved behind its first figure) count against a plan;
 * 4. fewer segments (more figures share one).
 * Window lengths are bounded by maxTokens, so the cost is O(items x maxTokens).
 */
export function planChapter(flow: readonly FlowItem[], limits: SegmentLimits): ChapterPlan {
  const n = flow.length;
  const minImages = limits.minImages;
  const PT = new Float64Array(n + 1);
  const PI = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    PT[i + 1] = PT[i]! + tokensOf(flow[i]!);
    PI[i + 1] = PI[i]! + imagesOf(flow[i]!);
  }
  const nextFigure = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) nextFigure[i] = flow[i]!.kind === 'figure' ? i : nextFigure[i + 1]!;

  // Scores of the best plan of the first j items (lexicographic; -Infinity = impossible).
  const images = new Float64Array(n + 1).fill(-Infinity);
  const text = new Float64Array(n + 1);
  const lead = new Float64Array(n + 1);
  const segs = new Float64Array(n + 1);
  const from = new Int32Array(n + 1).fill(-1);
  const isSegment = new Uint8Array(n + 1);
  images[0] = 0;
  const better = (im: number, tx: number, ld: number, sg: number, j: number): boolean => {
    if (im !== images[j]) return im > images[j]!;
    if (tx !== text[j]) return tx > text[j]!;
    if (ld !== lead[j]) return ld < lead[j]!;
    return sg < segs[j]!;
  };
  for (let j = 1; j <= n; j++) {
    // Item j-1 in no segment.
    images[j] = images[j - 1]!;
    text[j] = text[j - 1]!;
    lead[j] = lead[j - 1]!;
    segs[j] = segs[j - 1]!;
    from[j] = j - 1;
    isSegment[j] = 0;
    // A segment of items i..j-1.
    for (let i = j - 1; i >= 0; i--) {
      const k = PI[j]! - PI[i]!;
      if (k > limits.maxImages) break;
      const t = PT[j]! - PT[i]!;
      if (segmentCost(t, k) > limits.maxTokens) break;
      if (k < minImages || (k === 0 && minImages > 0) || images[i] === -Infinity) continue;
      const ld = k === 0 ? 0 : PT[Math.min(nextFigure[i]!, j)]! - PT[i]!;
      const im = images[i]! + k;
      const tx = text[i]! + t;
      const lt = lead[i]! + ld;
      const sg = segs[i]! + 1;
      if (better(im, tx, lt, sg, j)) {
        images[j] = im;
        text[j] = tx;
        lead[j] = lt;
        segs[j] = sg;
        from[j] = i;
        isSegment[j] = 1;
      }
    }
  }
  const segments: FlowItem[][] = [];
  const skipped: FlowItem[] = [];
  for (let j = n; j > 0; j = from[j]!) {
    const i = from[j]!;
    if (isSegment[j]) segments.push(flow.slice(i, j));
    else skipped.push(flow[i]!);
  }
  segments.reverse();
  skipped.reverse();
  return { segments, skipped };
}
