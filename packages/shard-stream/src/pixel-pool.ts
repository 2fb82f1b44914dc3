import { IMAGE_FLOATS } from './shapes.js';

/** Pixels for one batch: a view on a slab of the pool, or on a buffer of its own (slab null). */
export interface PixelLease {
  pixels: Float32Array;
  /** The slab held an earlier batch's pixels: the caller zeroes the slots it leaves empty. */
  recycled: boolean;
  slab: number | null;
  /** The slab was (re)created for this lease: the other side of a thread has not seen it yet. */
  created: boolean;
}

/**
 * Pixel buffers reused once the consumer releases batches (ShardStream.release).
 * A fresh buffer per batch costs more than the JPEG decode of a sample: the
 * kernel faults in and zeroes ~10 MB per batch, and V8 counts every new
 * ArrayBuffer object, including one that merely arrives by transfer, as external
 * memory pressure, so each isolate that sees it runs a full mark-compact every
 * few batches. Slabs are therefore made once (SharedArrayBuffer when they
 * cross threads: each side keeps its own handle) and only a slab number goes
 * back and forth. Until the first release no slab is made and every batch gets
 * a buffer of its own, exactly sized, as without a pool.
 */
export class PixelPool {
  private readonly slabs: { buffer: ArrayBufferLike; busy: boolean }[] = [];
  private recycling = false;

  /** shared: slabs are SharedArrayBuffers (a worker thread's pool). */
  constructor(private readonly maxSlabs = 4, private readonly shared = true) {}

  get size(): number {
    return this.slabs.length;
  }

  /** Slabs not lent out. */
  get idle(): number {
    return this.slabs.filter((s) => !s.busy).length;
  }

  /** The consumer releases batches: from now on batches go on slabs. */
  enable(): void {
    this.recycling = true;
  }

  /**
   * `batchSize * imageSlots * IMAGE_FLOATS` floats: on the smallest idle slab that
   * holds them; else on a new slab (or one replacing the smallest idle slab that
   * is too small) while there are fewer than maxSlabs; else on a buffer of their
   * own. A slab's capacity is rounded up to a power-of-two slot count per sample
   * (at most maxImages), so batches with 3, 5 or 6 images per sample can share
   * slabs; pages never written are never touched and cost no memory.
   */
  take(batchSize: number, imageSlots: number, maxImages: number): PixelLease {
    const length = batchSize * imageSlots * IMAGE_FLOATS;
    if (!this.recycling) return { pixels: new Float32Array(length), recycled: false, slab: null, created: false };
    let best = -1;
    let smallestIdle = -1;
    for (let i = 0; i < this.slabs.length; i++) {
      const s = this.slabs[i]!;
      if (s.busy) continue;
      if (s.buffer.byteLength >= length * 4 && (best < 0 || s.buffer.byteLength < this.slabs[best]!.buffer.byteLength)) best = i;
      if (smallestIdle < 0 || s.buffer.byteLength < this.slabs[smallestIdle]!.buffer.byteLength) smallestIdle = i;
    }
    if (best >= 0) {
      const slab = this.slabs[best]!;
      slab.busy = true;
      return { pixels: new Float32Array(slab.buffer, 0, length), recycled: true, slab: best, created: false };
    }
    const index = this.slabs.length < this.maxSlabs ? this.slabs.length : smallestIdle;
    if (index < 0) return { pixels: new Float32Array(length), recycled: false, slab: null, created: false };
    let slots = 1;
    while (slots < imageSlots) slots *= 2;
    const bytes = batchSize * Math.max(imageSlots, Math.min(slots, maxImages)) * IMAGE_FLOATS * 4;
    const buffer = this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    this.slabs[index] = { buffer, busy: true };
    return { pixels: new Float32Array(buffer, 0, length), recycled: false, slab: index, created: true };
  }

  /** The slab's batch was released; its memory serves a later batch. */
  free(slab: number): void {
    const s = this.slabs[slab];
    if (!s) throw new RangeError(`no pixel slab ${slab}`);
    s.busy = false;
    this.recycling = true;
  }

  /** The slab's own buffer (for the other side of a thread when it was created). */
  buffer(slab: number): ArrayBufferLike {
    const s = this.slabs[slab];
    if (!s) throw new RangeError(`no pixel slab ${slab}`);
    return s.buffer;
  }
}
