/**
 * MinHash signatures over 32-bit shingle hashes, on typed arrays. Permutation
 * i is x -> (a_i * x + b_i) mod 2^32 with a_i odd (a bijection), computed with
 * Math.imul: exact 32-bit arithmetic, where the npm `minhash` package's
 * `(a*x + b) % p` exceeds 2^53 and silently loses bits. The inputs are
 * already uniform hashes, so each permutation's minimum is a uniform draw
 * from the set and the estimate is unbiased; the multipliers are random odd
 * numbers, which decorrelates the permutations' orderings. Where k is a
 * multiple of 16 the same arithmetic runs as WebAssembly SIMD (minhash-simd.ts).
 */
import { createSimdMinhash, type SimdMinhash } from './minhash-simd.js';

export const MINHASH_SEED = 0x6d7462; // "mtb"

/** splitmix32: a small deterministic generator for the permutation parameters. */
function splitmix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class MinHasher {
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** The WebAssembly SIMD loop (k a multiple of 16 and SIMD available), else null: the JS loop runs. */
  private readonly simd: SimdMinhash | null;

  constructor(readonly k: number, readonly seed: number = MINHASH_SEED) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`minhash permutations must be a positive integer, got ${k}`);
    const next = splitmix32(seed);
    this.a = new Int32Array(k);
    this.b = new Int32Array(k);
    for (let i = 0; i < k; i++) {
      this.a[i] = next() | 1;
      this.b[i] = next() | 0;
    }
    this.simd = createSimdMinhash(this.a, this.b);
  }

  /** Whether signatures are computed by the WebAssembly SIMD loop. */
  get vectorized(): boolean {
    return this.simd !== null;
  }

  /**
   * Signature of a shingle set into `out` (length k). An empty set gives all
   * 0xffffffff, which never shares a band with a real signature by chance
   * more often than any other value; callers skip empty sets anyway.
   */
  signature(shingles: Uint32Array, out: Uint32Array = new Uint32Array(this.k)): Uint32Array {
    if (this.simd) {
      this.simd.signature(shingles, out);
      return out;
    }
    return this.signatureJs(shingles, out);
  }

  /** The same signature by the plain JS loop (the fallback, and the reference in tests). */
  signatureJs(shingles: Uint32Array, out: Uint32Array = new Uint32Array(this.k)): Uint32Array {
    const n = shingles.length;
    const k = this.k;
    const A = this.a;
    const B = this.b;
    let i = 0;
    // Permutation-major, four at a time: each shingle is loaded once per four
    // permutations and the four min chains run in parallel (measured 1.5-2.5x
    // faster than one permutation per pass).
    for (; i + 4 <= k; i += 4) {
      const a0 = A[i]!, a1 = A[i + 1]!, a2 = A[i + 2]!, a3 = A[i + 3]!;
      const b0 = B[i]!, b1 = B[i + 1]!, b2 = B[i + 2]!, b3 = B[i + 3]!;
      let m0 = 0xffffffff, m1 = 0xffffffff, m2 = 0xffffffff, m3 = 0xffffffff;
      for (let j = 0; j < n; j++) {
        const x = shingles[j]!;
        const v0 = (Math.imul(a0, x) + b0) >>> 0;
        if (v0 < m0) m0 = v0;
        const v1 = (Math.imul(a1, x) + b1) >>> 0;
        if (v1 < m1) m1 = v1;
        const v2 = (Math.imul(a2, x) + b2) >>> 0;
        if (v2 < m2) m2 = v2;
        const v3 = (Math.imul(a3, x) + b3) >>> 0;
        if (v3 < m3) m3 = v3;
      }
      out[i] = m0;
      out[i + 1] = m1;
      out[i + 2] = m2;
      out[i + 3] = m3;
    }
    for (; i < k; i++) {
      const a = A[i]!;
      const b = B[i]!;
      let min = 0xffffffff;
      for (let j = 0; j < n; j++) {
        const v = (Math.imul(a, shingles[j]!) + b) >>> 0;
        if (v < min) min = v;
      }
      out[i] = min;
    }
    return out;
  }
}

/** Share of equal positions: the MinHash estimate of Jaccard similarity. */
export function estimateJaccard(x: Uint32Array, y: Uint32Array, xOffset = 0, yOffset = 0, k = x.length - xOffset): number {
  let same = 0;
  for (let i = 0; i < k; i++) if (x[xOffset + i] === y[yOffset + i]) same++;
  return same / k;
}

/** acc = elementwise min(acc, sig): the signature of a union is the min of the signatures. */
export function mergeMin(acc: Uint32Array, sig: Uint32Array, sigOffset = 0): void {
  for (let i = 0; i < acc.length; i++) {
    const v = sig[sigOffset + i]!;
    if (v < acc[i]!) acc[i] = v;
  }
}
