import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeSignatures, createHashers, type BookSignatures, type Hashers, type SignatureInput, type SignatureSource } from '@mtb/dedup-filter';

/** A seeded generator (mulberry32): every fixture is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAPTIONS = join(process.cwd(), '..', 'shared', 'corpus', 'captions', 'roco-validation-radiology-captions.tsv');

/** Real biomedical captions (ROCO, read from ../shared at test time), or null where the shared corpus is absent. */
export function realCaptions(): string[] | null {
  if (!existsSync(CAPTIONS)) return null;
  return readFileSync(CAPTIONS, 'utf8').split('\n').map((l) => l.split('\t')[1]?.trim() ?? '').filter((c) => c.split(/\s+/).length >= 8);
}

/** The vocabulary of the captions with its frequencies, as a sampling table (Zipf-like, as real text). */
export function vocabulary(captions: string[] | null): string[] {
  if (captions) return captions.join(' ').split(/\s+/).filter(Boolean);
  const r = rng(7);
  const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
  return Array.from({ length: 50_000 }, () => words[Math.floor(words.length * r() ** 2)]!);
}

export function textNode(seq: number, text: string): SignatureInput {
  return { seq, kind: 'text', text, image_bytes: null };
}

export async function signaturesOf(bookId: string, nodes: SignatureInput[], hashers: Hashers, k = 128, shingleSize = 5): Promise<BookSignatures> {
  return (await computeSignatures(bookId, nodes, { minhashPermutations: k, shingleSize }, hashers)).signatures;
}

export async function defaultHashers(k = 128, shingleSize = 5): Promise<Hashers> {
  return createHashers({ minhashPermutations: k, shingleSize });
}

export function memorySource(books: BookSignatures[]): SignatureSource {
  const byId = new Map(books.map((b) => [b.bookId, b]));
  return { bookIds: [...byId.keys()].sort(), load: (id) => byId.get(id)! };
}

export const JOIN_DEFAULTS = { threshold: 0.8, minhashPermutations: 128, shingleSize: 5, imageHammingThreshold: 6, decorativeRepeat: 10, quiet: true };

export interface FakeImage {
  seq: number;
  pixel: [number, number];
  phash: [number, number];
}

/** Signatures of a book of text rows plus images with given hashes, merged in seq order. */
export function withImages(text: BookSignatures, images: FakeImage[]): BookSignatures {
  const rows = [
    ...Array.from({ length: text.rows }, (_, i) => ({ seq: text.seq[i]!, text: i, img: null as FakeImage | null })),
    ...images.map((img) => ({ seq: img.seq, text: -1, img })),
  ].sort((a, b) => a.seq - b.seq);
  const n = rows.length;
  const k = text.k;
  const out: BookSignatures = {
    ...text, rows: n, seq: new Int32Array(n), kind: new Uint8Array(n), valid: new Uint8Array(n), words: new Int32Array(n),
    hash: new Uint32Array(2 * n), phash: new Uint32Array(2 * n), numbers: new Uint32Array(2 * n), foldsDigits: new Uint8Array(n),
    minhash: new Uint32Array(n * k), shingleOffsets: new Int32Array(n + 1),
  };
  const parts: Uint32Array[] = [];
  let total = 0;
  rows.forEach((r, i) => {
    out.seq[i] = r.seq;
    if (r.img) {
      out.kind[i] = 1;
      out.valid[i] = 1;
      out.hash.set(r.img.pixel, 2 * i);
      out.phash.set(r.img.phash, 2 * i);
    } else {
      const j = r.text;
      out.valid[i] = text.valid[j]!;
      out.words[i] = text.words[j]!;
      out.hash.set(text.hash.subarray(2 * j, 2 * j + 2), 2 * i);
      out.numbers.set(text.numbers.subarray(2 * j, 2 * j + 2), 2 * i);
      out.foldsDigits[i] = text.foldsDigits[j]!;
      out.minhash.set(text.minhash.subarray(j * k, (j + 1) * k), i * k);
      const s = text.shingles.subarray(text.shingleOffsets[j]!, text.shingleOffsets[j + 1]!);
      parts.push(s);
      total += s.length;
    }
    out.shingleOffsets[i + 1] = total;
  });
  out.shingles = new Uint32Array(total);
  let o = 0;
  for (const p of parts) {
    out.shingles.set(p, o);
    o += p.length;
  }
  return out;
}

/** A paragraph of n pseudo-random words (distinct across seeds). */
export function paragraph(seed: number, n = 80): string {
  const next = rng(seed);
  return Array.from({ length: n }, () => `w${Math.floor(next() * 5000).toString(36)}`).join(' ');
}

/** Replace `count` evenly spaced words: a near-duplicate whose Jaccard falls as count grows. */
export function edit(text: string, count: number, salt: string, offset = 0): string {
  const w = text.split(' ');
  const step = Math.floor(w.length / (count + 1));
  for (let c = 1; c <= count; c++) w[c * step + offset] = `${salt}${c}`;
  return w.join(' ');
}
