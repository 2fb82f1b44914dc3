export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Bits that differ between two 64-bit values given as (lo, hi) halves. */
export function hamming64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  return popcount32((aLo ^ bLo) >>> 0) + popcount32((aHi ^ bHi) >>> 0);
}
