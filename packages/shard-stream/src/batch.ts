import { PAD_ID } from '@mtb/core';
import { buildLabels, fitTokens } from './labels.js';
import { preprocessImage, type PreprocessOptions } from './preprocess.js';
import { IMAGE_FLOATS } from './shapes.js';

/** One sample as the reader hands it to preprocessing: plain, transferable data. */
export interface RawSample {
  id: string;
  source: string;
  inputIds: Int32Array;
  images: Uint8Array[];
}

/**
 * A training batch: plain typed arrays, row-major, shapes in `batchShapes`.
 * inputIds/attentionMask/labels [B, T]; pixels [B, M, 3, 224, 224] (M = imageSlots);
 * imageMask [B, M] (1 where a slot holds a real image; empty slots are zeros).
 */
export interface Batch {
  batchSize: number;
  /** T: token positions per row. */
  seqLen: number;
  /** M: image slots per sample. */
  imageSlots: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  pixels: Float32Array;
  imageMask: Uint8Array;
  /** Source name of each sample (for per-source loss weights). */
  sources: string[];
  /** Row id of each sample (`<book-id>/<segment>` or the PMC-OA image name). */
  ids: string[];
  /** Images that failed to decode and were left as a masked empty slot, by sample id. */
  badImages: { id: string; image: number; error: string }[];
}

export interface CollateOptions extends PreprocessOptions {
  maxImages: number;
  maxTokens: number;
  /** Pad every batch to maxTokens (static shapes) instead of to its longest sample. */
  padToMaxTokens?: boolean;
  /**
   * Image slots per sample M: by default the most images any sample of the batch
   * uses (at least 1); with true always maxImages (static shapes, as OpenFlamingo
   * pads MMC4), which for paired data means mostly zero slots: megabytes per
   * sample to allocate and, in the model, vision-encoder work on zeros.
   */
  padImagesToMax?: boolean;
}

/**
 * Tokens, labels and pixels of a batch; runs in a worker thread or in-process.
 * `allocate` gives the pixel array for B samples of M slots (see PixelPool);
 * `recycled` says it holds old pixels. Default: a new, zeroed array.
 */
export async function assembleBatch(
  samples: readonly RawSample[],
  opts: CollateOptions,
  allocate: (batchSize: number, imageSlots: number) => { pixels: Float32Array; recycled: boolean } = (b, m) => ({ pixels: new Float32Array(b * m * IMAGE_FLOATS), recycled: false }),
): Promise<Batch> {
  const B = samples.length;
  const fitted = samples.map((s) => fitTokens(s.inputIds, opts.maxImages, opts.maxTokens));
  const M = opts.padImagesToMax
    ? opts.maxImages
    : Math.max(1, ...fitted.map((f, b) => Math.min(f.numImages, samples[b]!.images.length)));
  const T = opts.padToMaxTokens ? opts.maxTokens : Math.max(1, ...fitted.map((f) => f.ids.length));
  const inputIds = new Int32Array(B * T).fill(PAD_ID);
  const attentionMask = new Int32Array(B * T);
  const labels = new Int32Array(B * T);
  const { pixels, recycled } = allocate(B, M);
  const imageMask = new Uint8Array(B * M);
  const badImages: Batch['badImages'] = [];
  for (let b = 0; b < B; b++) {
    const { ids } = fitted[b]!;
    inputIds.set(ids, b * T);
    attentionMask.fill(1, b * T, b * T + ids.length);
    buildLabels(ids, T, labels, b * T);
    // The <image> tokens that survived fitting decide how many images are used; a
    // row with fewer images than tokens leaves the missing slots empty and masked.
    const used = Math.min(fitted[b]!.numImages, samples[b]!.images.length);
    // Sequential on purpose: one image at a time keeps a worker on one core, so
    // worker count = cores used and throughput per core is measurable.
    for (let m = 0; m < used; m++) {
      const slot = b * M + m;
      try {
        await preprocessImage(samples[b]!.images[m]!, pixels, slot * IMAGE_FLOATS, opts);
        imageMask[slot] = 1;
      } catch (err) {
        pixels.fill(0, slot * IMAGE_FLOATS, (slot + 1) * IMAGE_FLOATS);
        badImages.push({ id: samples[b]!.id, image: m, error: (err as Error).message });
      }
    }
    // A reused buffer still holds an earlier batch's pixels in the slots this row leaves empty.
    if (recycled && used < M) pixels.fill(0, (b * M + used) * IMAGE_FLOATS, (b + 1) * M * IMAGE_FLOATS);
  }
  return {
    batchSize: B,
    seqLen: T,
    imageSlots: M,
    inputIds,
    attentionMask,
    labels,
    pixels,
    imageMask,
    sources: samples.map((s) => s.source),
    ids: samples.map((s) => s.id),
    badImages,
  };
}

/** The batch's typed arrays own their buffers, so a worker hands them over without a copy (shared slabs are not moved). */
export function batchTransferables(batch: Batch): ArrayBuffer[] {
  return [batch.inputIds, batch.attentionMask, batch.labels, batch.pixels, batch.imageMask]
    .map((a) => a.buffer)
    .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
