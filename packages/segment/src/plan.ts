import type { Unit, Tally } from './units.js';
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

class Open {
  units: Unit[] = [];
  images = 0;
  text = 0;
  cost(extraText = 0, extraImages = 0): number {
    return segmentCost(this.text + extraText, this.images + extraImages);
  }
  push(u: Unit): void {
    this.units.push(u);
    if (u.kind === 'image') this.images++;
    else this.text += u.tokens;
  }
  shift(): Unit {
    const u = this.units.shift()!;
    if (u.kind === 'text') this.text -= u.tokens;
    else this.images--;
    return u;
  }
}

/**
 * Greedy segmentation in reading order. A segment takes units while its
 * images stay <= maxImages and its cost <= maxTokens; text after the last
 * image stays with that image (captions and discussion follow figures), an
 * image starts a new segment when its chunk would not fit the open one, and
 * text waiting for the next image is kept as that segment's lead, dropping
 * the oldest lead text first when it overflows (`no-image`: it could share no
 * segment with an image). Every image lands in exactly one segment, each text
 * unit in at most one.
 */
export function planSegments(units: readonly Unit[], limits: SegmentLimits, dropped: { tokens: Tally; images: Tally }): Unit[][] {
  const segments: Unit[][] = [];
  const textOnly = limits.minImages === 0;
  let cur = new Open();
  const emit = (): void => {
    if (cur.units.length === 0) return;
    if (cur.images === 0 && !textOnly) {
      for (const u of cur.units) if (u.kind === 'text') add(dropped.tokens, 'no-image', u.tokens);
    } else if (cur.images < limits.minImages) {
      for (const u of cur.units) {
        if (u.kind === 'text') add(dropped.tokens, 'too-few-images', u.tokens);
        else add(dropped.images, 'too-few-images');
      }
    } else {
      segments.push(cur.units);
    }
    cur = new Open();
  };
  // Lead text (no image yet) that no longer fits goes: into its own segment
  // when text-only segments are allowed, else it is dropped oldest first.
  const makeRoom = (extraText: number, extraImages: number): void => {
    if (textOnly) {
      if (cur.cost(extraText, extraImages) > limits.maxTokens) emit();
      return;
    }
    while (cur.units.length > 0 && cur.cost(extraText, extraImages) > limits.maxTokens) {
      const u = cur.shift();
      if (u.kind === 'text') add(dropped.tokens, 'no-image', u.tokens);
    }
  };
  // Text tokens from each image to the next image (or the end).
  const chunkText = new Array<number>(units.length).fill(0);
  for (let i = units.length - 1, run = 0; i >= 0; i--) {
    const u = units[i]!;
    if (u.kind === 'text') run += u.tokens;
    else { chunkText[i] = run; run = 0; }
  }
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u.kind === 'text') {
      if (cur.images > 0) {
        if (cur.cost(u.tokens) > limits.maxTokens) emit();
        else { cur.push(u); continue; }
      }
      makeRoom(u.tokens, 0);
      cur.push(u);
    } else {
      // Join the open segment only if this image's whole chunk (the text up to
      // the next image) fits too; otherwise a fresh segment gives that text a
      // full budget. Dense figures still share segments; long prose is not lost.
      if (cur.images > 0 && (cur.images >= limits.maxImages || cur.cost(chunkText[i]!, 1) > limits.maxTokens)) emit();
      if (cur.images === 0) makeRoom(0, 1);
      cur.push(u);
    }
  }
  emit();
  return segments;
}
