/**
 * bitsandbytes' blockwise dynamic 8-bit quantisation (Dettmers et al., "8-bit
 * Optimizers via Block-wise Quantization", 2022), the optimizer-state format of
 * its Adam8bit / AdamW8bit: each block of 2,048 values is scaled by its largest
 * magnitude into [-1, 1] and stored as the index (one byte) of the nearest of
 * 256 values of the "dynamic" map, a float format with a variable split between
 * exponent and fraction bits.
 */

/** bitsandbytes' block size for 8-bit blockwise optimizer state. */
export const OPTIMIZER_BLOCK = 2048;

const f = Math.fround;

/** torch.linspace(start, end, steps) in float32, as ATen's CPU kernel computes it (two halves, from each end). */
function linspace32(start: number, end: number, steps: number): number[] {
  const step = f(f(end - start) / (steps - 1));
  const half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => (i < half ? f(start + f(step * i)) : f(end - f(step * (steps - i - 1)))));
}

/**
 * `bitsandbytes.functional.create_dynamic_map(signed, max_exponent_bits=7,
 * total_bits=8)`: for each exponent e = 0..6 the midpoints of an even split of
 * [0.1, 1] into 2^e (signed) or 2^(e+1) (unsigned) parts, times 10^(e-6), with
 * their negatives when signed; then 0 and 1; sorted, 256 float32 values.
 */
export function dynamicMap(signed: boolean): Float32Array {
  const maxExponentBits = 7;
  const totalBits = 8;
  const nonSignBits = totalBits - 1;
  const data: number[] = [];
  for (let i = 0; i < maxExponentBits; i++) {
    const items = signed ? 2 ** (i + nonSignBits - maxExponentBits) + 1 : 2 ** (i + nonSignBits - maxExponentBits + 1) + 1;
    const b = linspace32(0.1, 1, items);
    const scale = f(10 ** (-(maxExponentBits - 1) + i));
    for (let k = 0; k + 1 < b.length; k++) {
      const mean = f(f(b[k]! + b[k + 1]!) / 2);
      data.push(f(scale * mean));
      if (signed) data.push(f(-scale * mean));
    }
  }
  data.push(0, 1);
  // The signed map has 2 x 127 + 2 = 256 entries, the unsigned 254 + 2: no padding.
  if (data.length !== 2 ** totalBits) throw new Error(`internal: dynamic map has ${data.length} values`);
  return Float32Array.from(data.sort((a, b) => a - b));
}

/** Midpoints between neighbouring code values: the nearest code of x is the number of midpoints below it. */
export function codeMidpoints(code: Float32Array): Float64Array {
  const mid = new Float64Array(code.length - 1);
  for (let i = 0; i + 1 < code.length; i++) mid[i] = (code[i]! + code[i + 1]!) / 2;
  return mid;
}

/** Index of the code value nearest to x (x already scaled into the code's range); ties go to the lower index. */
export function nearestCode(mid: Float64Array, x: number): number {
  let lo = 0;
  let hi = mid.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (x > mid[m]!) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export interface QuantizedBlocks {
  codes: Uint8Array;
  absmax: Float32Array;
}

export function blockCount(n: number, block = OPTIMIZER_BLOCK): number {
  return Math.ceil(n / block);
}

/** Blockwise quantisation of x (as `quantize_blockwise`): absmax per block, then the nearest code of x / absmax. */
export function quantizeBlockwise(x: ArrayLike<number>, code: Float32Array, block = OPTIMIZER_BLOCK): QuantizedBlocks {
  const n = x.length;
  const mid = codeMidpoints(code);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(blockCount(n, block));
  for (let b = 0; b < absmax.length; b++) {
    const end = Math.min(n, (b + 1) * block);
    let m = 0;
    for (let i = b * block; i < end; i++) m = Math.max(m, Math.abs(x[i]!));
    absmax[b] = m;
    const inv = m > 0 ? 1 / f(m) : 0;
    for (let i = b * block; i < end; i++) codes[i] = nearestCode(mid, x[i]! * inv);
  }
  return { codes, absmax };
}

/** The values the codes stand for: code[c] x absmax of the block. */
export function dequantizeBlockwise(q: QuantizedBlocks, code: Float32Array, block = OPTIMIZER_BLOCK): Float32Array {
  const out = new Float32Array(q.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = code[q.codes[i]!]! * q.absmax[Math.floor(i / block)]!;
  return out;
}
