import sharp from 'sharp';
import { hamming64, HammingIndex, imageHashes, phashOfGray32, planMultiIndex, ShingleHasher } from '@mtb/dedup-filter';
import { rng } from './fixtures.js';

/** A synthetic "figure": smooth shading plus a few shapes, seeded. */
async function figure(seed: number, width = 320, height = 240): Promise<Buffer> {
  const next = rng(seed);
  const data = Buffer.alloc(width * height * 3);
  const blobs = Array.from({ length: 5 }, () => ({ x: next() * width, y: next() * height, r: 20 + next() * 60, c: [next() * 255, next() * 255, next() * 255] }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      let px = [(x / width) * 120, (y / height) * 120, 60];
      for (const b of blobs) if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r ** 2) px = b.c;
      data[o] = px[0]!;
      data[o + 1] = px[1]!;
      data[o + 2] = px[2]!;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('image hashes', () => {
  let hasher: ShingleHasher;
  beforeAll(async () => {
    hasher = await ShingleHasher.create();
  });
  const hash64 = (d: Uint8Array) => hasher.hash64(d);
  const dist = (a: [number, number], b: [number, number]) => hamming64(a[0], a[1], b[0], b[1]);

  it('pHash is stable under re-encoding, rescaling and brightness; far for other pictures', async () => {
    const png = await figure(1);
    const base = await imageHashes(png, hash64);
    const jpeg = await imageHashes(await sharp(png).jpeg({ quality: 70 }).toBuffer(), hash64);
    const small = await imageHashes(await sharp(png).resize(160, 120).png().toBuffer(), hash64);
    const brighter = await imageHashes(await sharp(png).modulate({ brightness: 1.1 }).png().toBuffer(), hash64);
    expect(dist(base.phash, jpeg.phash)).toBeLessThanOrEqual(6);
    expect(dist(base.phash, small.phash)).toBeLessThanOrEqual(6);
    expect(dist(base.phash, brighter.phash)).toBeLessThanOrEqual(6);
    // the pixel hash tells identical pixels only
    expect(jpeg.pixel).not.toEqual(base.pixel);
    expect((await imageHashes(Buffer.from(png), hash64)).pixel).toEqual(base.pixel);
    for (let s = 2; s < 8; s++) expect(dist(base.phash, (await imageHashes(await figure(s), hash64)).phash)).toBeGreaterThan(12);
  });

  it('pHash sets 32 of 64 bits (median threshold) and ignores the DC term', () => {
    const next = rng(3);
    const px = Array.from({ length: 1024 }, () => Math.floor(next() * 256));
    const [lo, hi] = phashOfGray32(px);
    const bits = (x: number) => x.toString(2).split('').filter((c) => c === '1').length;
    expect(bits(lo) + bits(hi)).toBe(32);
    expect(phashOfGray32(px.map((v) => Math.min(255, v + 0) * 0.5 + 40))).toEqual([lo, hi]);
  });

  it('rejects undecodable bytes with an error (the stage records it)', async () => {
    await expect(imageHashes(new Uint8Array([1, 2, 3, 4]), hash64)).rejects.toThrow();
  });
});

describe('multi-index Hamming search', () => {
  function dataset(n: number, seed: number) {
    const next = rng(seed);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      if (i > 0 && next() < 0.4) {
        // a neighbour of an earlier hash at distance 0..10
        const j = Math.floor(next() * i);
        lo[i] = lo[j]!;
        hi[i] = hi[j]!;
        const flips = Math.floor(next() * 11);
        for (let f = 0; f < flips; f++) {
          const bit = Math.floor(next() * 64);
          if (bit < 32) lo[i] = (lo[i]! ^ (1 << bit)) >>> 0;
          else hi[i] = (hi[i]! ^ (1 << (bit - 32))) >>> 0;
        }
      } else {
        lo[i] = Math.floor(next() * 2 ** 32) >>> 0;
        hi[i] = Math.floor(next() * 2 ** 32) >>> 0;
      }
    }
    return { lo, hi };
  }

  it.each([[undefined], [3], [4], [7], [8]])('finds exactly the brute-force nearest earlier hash (chunks %p)', (chunks) => {
    const n = 1500;
    const threshold = 6;
    const { lo, hi } = dataset(n, 11);
    const plan = planMultiIndex(threshold, n, chunks);
    const index = new HammingIndex(plan, threshold, lo, hi);
    const wrong: string[] = [];
    let found = 0;
    for (let i = 0; i < n; i++) {
      let best = -1;
      let bestD = threshold + 1;
      for (let j = 0; j < i; j++) {
        const d = hamming64(lo[i]!, hi[i]!, lo[j]!, hi[j]!);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      const got = index.nearest(i);
      if (got.id !== best || (best >= 0 && got.distance !== bestD)) wrong.push(`${i}: got ${got.id}, want ${best}`);
      if (best >= 0) found++;
      index.insert(i);
    }
    expect(wrong).toEqual([]);
    expect(found).toBeGreaterThan(300);
  });

  it('plans few probes for large collections', () => {
    const plan = planMultiIndex(6, 1_000_000);
    expect(plan.chunks).toBeGreaterThanOrEqual(3);
    expect(plan.chunks).toBeLessThanOrEqual(4);
  });
});
