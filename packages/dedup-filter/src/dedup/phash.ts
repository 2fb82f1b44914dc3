import sharp from 'sharp';

/**
 * 64-bit DCT perceptual hash (pHash, as phash.org's ph_dct_imagehash and the
 * imagehash package compute it): the image as 32x32 grayscale, its 2-D DCT-II,
 * the 8x8 lowest frequencies without the DC term (rows and columns 1..8), one
 * bit per coefficient: above the median of the 64 or not. Robust to re-encoding,
 * rescaling, small crops and brightness changes; two hashes of one picture
 * differ in a few bits.
 */
const N = 32;
const LOW = 8;

/** cos((2x + 1) u pi / 2N) for u = 0..LOW, x = 0..N-1 (only the coefficients we keep). */
const COS = (() => {
  const t = new Float64Array((LOW + 1) * N);
  for (let u = 0; u <= LOW; u++) for (let x = 0; x < N; x++) t[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));
  return t;
})();

/** pHash of 32x32 grayscale pixels (row-major, 1024 values) as [lo, hi]. */
export function phashOfGray32(pixels: ArrayLike<number>): [number, number] {
  if (pixels.length !== N * N) throw new Error(`pHash needs ${N * N} grayscale pixels, got ${pixels.length}`);
  // Separable DCT: rows first (N x (LOW+1)), then columns, for u, v in 1..LOW.
  const rowT = new Float64Array(N * (LOW + 1));
  for (let y = 0; y < N; y++) {
    for (let v = 1; v <= LOW; v++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += pixels[y * N + x]! * COS[v * N + x]!;
      rowT[y * (LOW + 1) + v] = s;
    }
  }
  const coeffs = new Float64Array(LOW * LOW);
  for (let u = 1; u <= LOW; u++) {
    for (let v = 1; v <= LOW; v++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rowT[y * (LOW + 1) + v]! * COS[u * N + y]!;
      coeffs[(u - 1) * LOW + (v - 1)] = s;
    }
  }
  const sorted = Float64Array.from(coeffs).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 64; i++) {
    if (coeffs[i]! > median) {
      if (i < 32) lo |= 1 << i;
      else hi |= 1 << (i - 32);
    }
  }
  return [lo >>> 0, hi >>> 0];
}

export interface ImageHashes {
  /** Hash of the decoded pixels (with width, height, channels): equal only for identical pictures. */
  pixel: [number, number];
  phash: [number, number];
}

/**
 * Both hashes of an encoded image. `hash64` is the byte hasher (xxHash64) so
 * exact image identity uses the same well-tested hash as text. Transparent
 * areas are flattened on white first, as a page shows them.
 */
export async function imageHashes(
  bytes: Uint8Array,
  hash64: (data: Uint8Array) => Uint32Array,
  maxPixels = 100_000_000,
): Promise<ImageHashes> {
  const opts = { limitInputPixels: maxPixels, failOn: 'error' as const };
  const { data, info } = await sharp(bytes, opts).raw().toBuffer({ resolveWithObject: true });
  const header = new Uint8Array(new Uint32Array([info.width, info.height, info.channels]).buffer);
  const whole = new Uint8Array(header.length + data.length);
  whole.set(header, 0);
  whole.set(data, header.length);
  const h = hash64(whole);
  const gray = await sharp(bytes, opts)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(N, N, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  return { pixel: [h[0]!, h[1]!], phash: phashOfGray32(gray) };
}
