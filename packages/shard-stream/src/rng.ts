import { createHash } from 'node:crypto';

/**
 * xoshiro128** seeded from sha256 of a string key: integer-only (Math.imul), so
 * the same key gives the same stream on every platform and Node version, and
 * keys like `seed/shards/epoch` give independent streams without bookkeeping.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(key: string) {
    const d = createHash('sha256').update(key).digest();
    this.s0 = d.readUInt32LE(0);
    this.s1 = d.readUInt32LE(4);
    this.s2 = d.readUInt32LE(8);
    this.s3 = d.readUInt32LE(12);
    // The all-zero state is a fixed point; sha256 makes it practically impossible, but never loop on it.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n), n <= 2^32, without modulo bias (rejection sampling). */
  below(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32) || !Number.isInteger(n)) throw new RangeError(`Rng.below: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher-Yates over arr[start, end). */
  shuffle(arr: Uint32Array, start = 0, end = arr.length): void {
    for (let i = end - 1; i > start; i--) {
      const j = start + this.below(i - start + 1);
      const tmp = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = tmp;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
