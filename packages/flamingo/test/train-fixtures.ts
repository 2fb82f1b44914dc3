import sharp from 'sharp';
import { encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import { ShardWriter } from '@mtb/shards';

/** A small PNG: a colour gradient whose hue depends on `k`, so images differ. */
async function image(k: number): Promise<Uint8Array> {
  const w = 40;
  const h = 32;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[i] = (x * 6 + k * 37) % 256;
      raw[i + 1] = (y * 8 + k * 91) % 256;
      raw[i + 2] = (k * 53) % 256;
    }
  }
  return new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
}

const CAPTIONS = [
  'Axial CT of the abdomen showing a hypodense liver lesion.',
  'Chest radiograph with a right lower lobe consolidation.',
  'Histology of the kidney, glomeruli stained with PAS.',
  'MRI of the knee showing a torn medial meniscus.',
];

/**
 * A shard folder of `rows` hand-made rows: interleaved (`mtb`, one or two
 * images with text after each) or paired (`pmc-oa`, one image and a caption).
 * Short rows (30-60 tokens) keep model steps fast.
 */
export async function writeShards(dir: string, rows: number, source: 'mtb' | 'pmc-oa'): Promise<void> {
  const writer = new ShardWriter(dir, { fingerprintSeed: `test/${source}` });
  for (let i = 0; i < rows; i++) {
    const n = source === 'mtb' ? 1 + (i % 2) : 1;
    const text = source === 'pmc-oa'
      ? `${IMAGE}${CAPTIONS[i % CAPTIONS.length]}${ENDOFCHUNK}`
      : `Chapter ${i}. The portal vein. ${Array.from({ length: n }, (_, k) => `${IMAGE}Figure ${k + 1}. ${CAPTIONS[(i + k) % CAPTIONS.length]}${ENDOFCHUNK}`).join(' ')}`;
    const ids = encodeWithSpecials(text);
    await writer.write({
      id: `${source}-${i}`, source, book_id: `book-${i % 3}`, text,
      images: await Promise.all(Array.from({ length: n }, async (_, k) => ({ bytes: await image(i * 2 + k), path: `book-${i % 3}/p1-${k + 1}.png` }))),
      input_ids: Int32Array.from(ids), num_tokens: ids.length, num_images: n, pages: [1],
    });
  }
  await writer.close();
}
