import { hamming64 } from './hamming.js';

/**
 * Multi-index hashing (Norouzi, Punjani, Fleet 2012) for 64-bit hashes within a
 * Hamming radius: split the hash into m chunks; by the pigeonhole principle two
 * hashes at distance <= R agree within floor(R / m) bits on at least one chunk,
 * so probing each chunk's table at that radius finds every true neighbour, and
 * each candidate is verified by its full distance. m = R + 1 chunks with exact
 * lookups is the textbook case, but its chunks are 9 bits wide for R = 6, so
 * each bucket holds n / 512 hashes (2,000 at a million images); the plan picks
 * the m whose probes and candidates cost least for the expected n (at a million
 * images: 3 chunks of ~21 bits probed at radius 2).
 */
export interface MultiIndexPlan {
  chunks: number;
  /** Bit offsets and widths of the chunks. */
  starts: number[];
  widths: number[];
  /** Search radius inside each chunk: floor(R / chunks). */
  radius: number;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function probes(width: number, radius: number): number {
  let p = 0;
  for (let i = 0; i <= radius; i++) p += binomial(width, i);
  return p;
}

/** Widest chunk we give a dense table: 2^24 heads = 64 MB each. */
const MAX_WIDTH = 24;

export function planMultiIndex(threshold: number, expected: number, chunks?: number): MultiIndexPlan {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 63) throw new Error(`Hamming threshold must be 0..63, got ${threshold}`);
  const make = (m: number): MultiIndexPlan => {
    const starts: number[] = [];
    const widths: number[] = [];
    let at = 0;
    for (let c = 0; c < m; c++) {
      const w = Math.floor(64 / m) + (c < 64 % m ? 1 : 0);
      starts.push(at);
      widths.push(w);
      at += w;
    }
    return { chunks: m, starts, widths, radius: Math.floor(threshold / m) };
  };
  if (chunks !== undefined) {
    if (Math.ceil(64 / chunks) > MAX_WIDTH) throw new Error(`at least ${Math.ceil(64 / MAX_WIDTH)} chunks are needed`);
    return make(chunks);
  }
  let best = make(threshold + 1 > 64 ? 64 : Math.max(threshold + 1, Math.ceil(64 / MAX_WIDTH)));
  let bestCost = Infinity;
  for (let m = Math.ceil(64 / MAX_WIDTH); m <= 64; m++) {
    const plan = make(m);
    const narrowest = Math.min(...plan.widths);
    // a probe costs one table read; each candidate found costs a chain step, a hash read and
    // a popcount: about twice as much
    const cost = m * probes(plan.widths[0]!, plan.radius) * (1 + (2 * expected) / 2 ** narrowest);
    if (cost < bestCost) {
      bestCost = cost;
      best = plan;
    }
  }
  return best;
}

function chunkOf(lo: number, hi: number, start: number, width: number): number {
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  let v: number;
  if (start + width <= 32) v = lo >>> start;
  else if (start >= 32) v = hi >>> (start - 32);
  else v = (lo >>> start) | (hi << (32 - start));
  return (v & mask) >>> 0;
}

/** Every value within `radius` flipped bits of 0, as XOR masks. */
function flipMasks(width: number, radius: number): Int32Array {
  const out: number[] = [0];
  const rec = (from: number, left: number, mask: number): void => {
    for (let b = from; b < width; b++) {
      const m = mask | (1 << b);
      out.push(m);
      if (left > 1) rec(b + 1, left - 1, m);
    }
  };
  if (radius > 0) rec(0, radius, 0);
  return Int32Array.from(out);
}

/**
 * Incremental index of 64-bit hashes referenced by id (an index into the
 * caller's lo/hi arrays): insert ids one by one, query the nearest inserted
 * id within the threshold.
 */
export class HammingIndex {
  private readonly heads: Int32Array[];
  private next: Int32Array;
  private readonly masks: Int32Array[];
  private readonly stamp: Int32Array;
  private query = 0;
  verified = 0;

  constructor(
    readonly plan: MultiIndexPlan,
    readonly threshold: number,
    private readonly lo: Uint32Array,
    private readonly hi: Uint32Array,
  ) {
    this.heads = plan.widths.map((w) => new Int32Array(2 ** w).fill(-1));
    this.masks = plan.widths.map((w) => flipMasks(w, plan.radius));
    this.next = new Int32Array(lo.length * plan.chunks).fill(-1);
    this.stamp = new Int32Array(lo.length).fill(-1);
  }

  insert(id: number): void {
    const { starts, widths, chunks } = this.plan;
    for (let c = 0; c < chunks; c++) {
      const key = chunkOf(this.lo[id]!, this.hi[id]!, starts[c]!, widths[c]!);
      this.next[id * chunks + c] = this.heads[c]![key]!;
      this.heads[c]![key] = id;
    }
  }

  /**
   * The inserted id nearest to `id`'s hash within the threshold (ties: the
   * smallest id, i.e. the first occurrence), and its distance; -1 if none.
   */
  nearest(id: number): { id: number; distance: number } {
    const { starts, widths, chunks } = this.plan;
    const qlo = this.lo[id]!;
    const qhi = this.hi[id]!;
    const q = this.query++;
    let bestId = -1;
    let bestDist = this.threshold + 1;
    for (let c = 0; c < chunks; c++) {
      const key = chunkOf(qlo, qhi, starts[c]!, widths[c]!);
      const masks = this.masks[c]!;
      const heads = this.heads[c]!;
      for (let m = 0; m < masks.length; m++) {
        let cand = heads[(key ^ masks[m]!) >>> 0]!;
        while (cand !== -1) {
          if (this.stamp[cand] !== q) {
            this.stamp[cand] = q;
            this.verified++;
            const d = hamming64(qlo, qhi, this.lo[cand]!, this.hi[cand]!);
            if (d < bestDist || (d === bestDist && cand < bestId)) {
              bestDist = d;
              bestId = cand;
            }
          }
          cand = this.next[cand * chunks + c]!;
        }
      }
    }
    return { id: bestId, distance: bestId === -1 ? -1 : bestDist };
  }
}
