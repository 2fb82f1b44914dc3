import type { LshParams } from './lsh-params.js';

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One 64-bit key per LSH band: two MurmurHash3 lanes with different seeds over
 * the band's rows, the band number mixed in so equal rows in different bands
 * never share a bucket. 64 bits because 5M units x 14 bands in 32-bit keys
 * would collide by chance millions of times (each one a wasted verification).
 * Writes 2 * bands uint32 (lo, hi per band) into `out` at `outOffset`.
 */
export function bandKeys(sig: Uint32Array, sigOffset: number, p: LshParams, out: Uint32Array, outOffset: number): void {
  for (let band = 0; band < p.bands; band++) {
    let h1 = 0x2545f491 ^ band;
    let h2 = 0x4f1bbcdc ^ Math.imul(band, 0x9e3779b1);
    const start = sigOffset + band * p.rows;
    for (let r = 0; r < p.rows; r++) {
      const v = sig[start + r]!;
      h1 = mix(h1, v);
      h2 = mix(h2, v ^ 0x5bd1e995);
    }
    out[outOffset + 2 * band] = fmix(h1 ^ p.rows);
    out[outOffset + 2 * band + 1] = fmix(h2 ^ (p.rows << 8));
  }
}
