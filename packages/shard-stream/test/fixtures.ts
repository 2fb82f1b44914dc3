import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import { ShardWriter, type ShardRow } from '@mtb/shards';

/** Real PMC figure captions (ROCO, CC BY rows), read from the shared corpus at test time. */
export function rocoCaptions(limit: number): string[] {
  const dir = join(process.cwd(), '..', 'shared', 'corpus', 'captions');
  const licences = new Map(
    readFileSync(join(dir, 'roco-validation-radiology-licences.csv'), 'utf8').split('\n').slice(1)
      .map((l) => l.split(',')).filter((f) => f.length >= 3).map((f) => [f[0]!, f.slice(2).join(',').trim()]),
  );
  const out: string[] = [];
  for (const line of readFileSync(join(dir, 'roco-validation-radiology-captions.tsv'), 'utf8').split('\n')) {
    const [id, caption] = line.split('\t');
    if (!id || !caption || licences.get(id) !== 'CC BY') continue;
    out.push(caption.trim());
    if (out.length >= limit) break;
  }
  return out;
}

/** A small uniform-colour PNG whose colour encodes (i): cheap to decode, exact after any resize. */
export async function colourImage(i: number, width = 40, height = 30): Promise<Uint8Array> {
  const buf = await sharp({ create: { width, height, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 } } }).png().toBuffer();
  return new Uint8Array(buf);
}

function row(id: string, source: ShardRow['source'], bookId: string, text: string, images: Uint8Array[]): ShardRow {
  const ids = encodeWithSpecials(text);
  return {
    id,
    source,
    book_id: bookId,
    text,
    images: images.map((bytes, n) => ({ bytes, path: `${bookId}/p1-${n + 1}.png` })),
    input_ids: Int32Array.from(ids),
    num_tokens: ids.length,
    num_images: images.length,
    pages: [1],
  };
}

/** MTB-like interleaved rows (1..3 images each) in several shards. */
export async function writeMtbShards(dir: string, rows: number, maxShardBytes = 6_000): Promise<ShardRow[]> {
  const writer = new ShardWriter(dir, { maxShardBytes, batchRows: 4 });
  const written: ShardRow[] = [];
  for (let i = 0; i < rows; i++) {
    const n = 1 + (i % 3);
    const images = await Promise.all(Array.from({ length: n }, (_, k) => colourImage(i * 10 + k)));
    const chunks = Array.from({ length: n }, (_, k) => `${IMAGE}Figure ${k + 1} of segment ${i}: the heart in section ${k}.${ENDOFCHUNK}`);
    const r = row(`book-${Math.floor(i / 5)}/${i % 5}`, 'mtb', `book-${Math.floor(i / 5)}`, `Chapter text before the figures of segment ${i}. ${chunks.join('')}`, images);
    await writer.write(r);
    written.push(r);
  }
  await writer.close();
  return written;
}

/** PMC-OA-like paired rows: `<image>{caption}<|endofchunk|>` with real captions. */
export async function writePmcShards(dir: string, rows: number, maxShardBytes = 6_000): Promise<ShardRow[]> {
  const captions = rocoCaptions(rows);
  const writer = new ShardWriter(dir, { maxShardBytes, batchRows: 4 });
  const written: ShardRow[] = [];
  for (let i = 0; i < rows; i++) {
    const r = row(`PMC${1000 + i}_fig${i}.jpg`, 'pmc-oa', `PMC${1000 + i}`, `${IMAGE}${captions[i % captions.length]}${ENDOFCHUNK}`, [await colourImage(500 + i)]);
    await writer.write(r);
    written.push(r);
  }
  await writer.close();
  return written;
}
