import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FOLD_DIGITS_MIN_WORDS, joinSignatures, KIND_IMAGE, KIND_TEXT, shingleScheme, type BookSignatures, type SignatureSource } from '@mtb/dedup-filter';
import type { BenchCase } from '../types.js';

/**
 * The corpus dedup join at MTB scale, simulated: N paragraph signatures and M
 * image hashes spread over books of 1,000 paragraphs and 200 images, with
 * planted exact and near duplicates (paragraphs and images), a logo in every
 * book (decorative) and a few second copies of whole books. The source
 * generates each book's signatures on demand, deterministically, as the
 * signatures.arrow files would be read: the join holds only what it keeps.
 * It runs in a child process so its peak RSS is its own.
 */
const K = 128;
const PARAS_PER_BOOK = 1000;
const IMAGES_PER_BOOK = 200;
const SHINGLES = 100;

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** What content a paragraph carries: a fresh text, an exact copy, or a near copy with similarity j. */
function paragraphPlan(book: number, i: number): { content: number; variant: number; j: number } {
  const id = book * PARAS_PER_BOOK + i;
  const r = mix(id ^ 0x51ed270b) / 2 ** 32;
  if (book > 0 && r < 0.1) {
    // copy of an earlier paragraph (uniform over earlier books)
    const src = mix(id ^ 0x2c1b3c6d) % (book * PARAS_PER_BOOK);
    return r < 0.05 ? { content: src, variant: 0, j: 1 } : { content: src, variant: id, j: 0.7 + (mix(id) / 2 ** 32) * 0.3 };
  }
  return { content: id, variant: 0, j: 1 };
}

function simulatedSource(units: number, images: number): SignatureSource {
  const books = Math.max(1, Math.ceil(units / PARAS_PER_BOOK));
  const bookIds = Array.from({ length: books }, (_, b) => `book-${String(b).padStart(6, '0')}`);
  // one book in 500 is a second copy of the book before it
  const copyOf = (b: number) => (b % 500 === 499 ? b - 1 : b);
  const imagesPerBook = Math.max(1, Math.round(images / books));
  return {
    bookIds,
    load(bookId) {
      const b = copyOf(Number(bookId.slice(5)));
      const nText = Math.min(PARAS_PER_BOOK, units - b * PARAS_PER_BOOK);
      const nImg = Math.min(imagesPerBook, IMAGES_PER_BOOK);
      const n = nText + nImg;
      const sig: BookSignatures = {
        bookId, k: K, shingleSize: 5, scheme: shingleScheme(FOLD_DIGITS_MIN_WORDS), rows: n,
        seq: new Int32Array(n), kind: new Uint8Array(n), valid: new Uint8Array(n).fill(1), words: new Int32Array(n),
        hash: new Uint32Array(2 * n), phash: new Uint32Array(2 * n), minhash: new Uint32Array(n * K),
        // simulated paragraphs are long (100 shingles): their numbers may differ between near copies
        numbers: new Uint32Array(2 * n), foldsDigits: new Uint8Array(n).fill(1),
        shingleOffsets: new Int32Array(n + 1), shingles: new Uint32Array(nText * SHINGLES),
      };
      for (let i = 0; i < nText; i++) {
        const p = paragraphPlan(b, i);
        sig.seq[i] = i;
        sig.kind[i] = KIND_TEXT;
        sig.words[i] = SHINGLES + 4;
        sig.hash[2 * i] = mix(p.content ^ p.variant);
        sig.hash[2 * i + 1] = mix(p.content + 0x9e3779b9 + p.variant);
        // each MinHash value agrees with the source's with probability j, as real signatures do
        const agree = Math.floor(p.j * 2 ** 32);
        for (let x = 0; x < K; x++) {
          const same = p.variant === 0 || mix(p.variant ^ (x * 0x27d4eb2d)) < agree;
          sig.minhash[i * K + x] = mix((same ? p.content : p.variant + 0x7f4a7c15) * 131 + x);
        }
        // shingle set: the source's, with a share replaced so that Jaccard is about j; built
        // sorted (even offsets from a per-content base are shared, odd ones are the variant's own)
        const replaced = Math.round((SHINGLES * (1 - p.j)) / (1 + p.j));
        const o = i * SHINGLES;
        const base = mix(p.content * 1009) & 0x7fffffff;
        for (let s = 0; s < SHINGLES; s++) sig.shingles[o + s] = base + 2 * s + (s < replaced ? 1 : 0);
        sig.shingleOffsets[i + 1] = o + SHINGLES;
      }
      for (let x = 0; x < nImg; x++) {
        const i = nText + x;
        const id = b * IMAGES_PER_BOOK + x;
        sig.seq[i] = PARAS_PER_BOOK + x;
        sig.kind[i] = KIND_IMAGE;
        sig.shingleOffsets[i + 1] = sig.shingleOffsets[i]!;
        const r = mix(id ^ 0x1b873593) / 2 ** 32;
        let content = id;
        let flips = 0;
        if (x === 0) content = -1; // the publisher's logo, in every book
        else if (b > 0 && r < 0.06) {
          content = mix(id ^ 0x68e31da4) % (b * IMAGES_PER_BOOK);
          if (r >= 0.03) flips = 1 + (mix(id) % 5);
        }
        sig.hash[2 * i] = mix(content * 7 + flips);
        sig.hash[2 * i + 1] = mix(content * 13 + flips + 1);
        let lo = mix(content * 31 + 3);
        let hi = mix(content * 37 + 5);
        for (let f = 0; f < flips; f++) {
          const bit = mix(id * 17 + f) % 64;
          if (bit < 32) lo = (lo ^ (1 << bit)) >>> 0;
          else hi = (hi ^ (1 << (bit - 32))) >>> 0;
        }
        sig.phash[2 * i] = lo;
        sig.phash[2 * i + 1] = hi;
      }
      return sig;
    },
  };
}

interface ChildResult {
  joinMs: number;
  /** CPU time of the join (user + system): on a shared machine, wall time also counts other work. */
  cpuMs: number;
  timings: Record<string, number>;
  peakRssMB: number;
  summary: ReturnType<typeof joinSignatures>['summary'];
}

function runChild(units: number, images: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(units), String(images)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`dedup-join child exited ${code}`));
      else resolve(JSON.parse(out) as ChildResult);
    });
  });
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const units = opts.quick ? 200_000 : 5_000_000;
  const images = opts.quick ? 40_000 : 1_000_000;
  let last: ChildResult | undefined;
  return [
    {
      name: 'dedup-join',
      description: `corpus dedup join, simulated: ${units.toLocaleString('en')} paragraph signatures (k=128) + ${images.toLocaleString('en')} image hashes over ${Math.ceil(units / PARAS_PER_BOOK)} books (in a child process)`,
      work: { unit: 'paragraphs', amount: units },
      repetitions: opts.quick ? 2 : 1,
      ours: async () => {
        last = await runChild(units, images);
      },
      extras: async (): Promise<Record<string, number | string>> => {
        if (!last) return {};
        const s = last.summary;
        return {
          joinSeconds: Number((last.joinMs / 1000).toFixed(1)),
          joinCpuSeconds: Number((last.cpuMs / 1000).toFixed(1)),
          phasesMs: Object.entries(last.timings).map(([k, v]) => `${k}=${v}`).join(' '),
          peakRssMB: Math.round(last.peakRssMB),
          lsh: `${s.lsh.bands}x${s.lsh.rows}`,
          wholeBooks: s.wholeBookDrops.length,
          exactText: s.text.exact,
          nearText: s.text.near,
          verifiedPairs: s.text.verifiedPairs,
          rejectedPairs: s.text.rejectedPairs,
          exactImages: s.images.exact,
          nearImages: s.images.near,
          decorative: s.images.decorative,
          imageChunks: s.imageIndex.chunks,
          imagePairsVerified: s.images.verifiedPairs,
        };
      },
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const units = Number(process.argv[3]);
  const images = Number(process.argv[4]);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const timings: Record<string, number> = {};
  const { summary } = joinSignatures(simulatedSource(units, images), {
    threshold: 0.8, minhashPermutations: K, shingleSize: 5, imageHammingThreshold: 6, decorativeRepeat: 10, timings,
  });
  const joinMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ joinMs, cpuMs, timings, peakRssMB: process.resourceUsage().maxRSS / 1024, summary }));
}
