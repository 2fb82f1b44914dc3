import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { computeSignatures, createHashers, estimateJaccard, jaccard, normalizeWords, type Hashers } from '@mtb/dedup-filter';
import type { BenchCase } from '../types.js';

const require = createRequire(import.meta.url);

interface NpmMinhash {
  update(s: string): void;
  jaccard(o: NpmMinhash): number;
  hash(s: string): number;
}
const Minhash = require('minhash/src/minhash.js') as new (opts?: { numPerm?: number }) => NpmMinhash;

const CAPTIONS = join(process.cwd(), '..', 'shared', 'corpus', 'captions', 'roco-validation-radiology-captions.tsv');

/** Real biomedical text: ROCO captions, five to a paragraph (~100 words, as a book paragraph). */
function paragraphs(quick: boolean): string[] {
  let caps: string[];
  if (existsSync(CAPTIONS)) {
    caps = readFileSync(CAPTIONS, 'utf8').split('\n').map((l) => l.split('\t')[1]?.trim() ?? '').filter(Boolean);
  } else {
    const words = 'the left ventricle pumps oxygenated blood through the aorta to the systemic circulation while the right ventricle'.split(' ');
    caps = Array.from({ length: 8000 }, (_, i) => Array.from({ length: 20 }, (_, j) => words[(i * 31 + j * 7) % words.length]).join(' '));
  }
  const out: string[] = [];
  for (let i = 0; i + 5 <= caps.length; i += 5) out.push(caps.slice(i, i + 5).join(' '));
  return quick ? out.slice(0, 200) : out;
}

function shingleStrings(text: string, size: number): string[] {
  const w = normalizeWords(text);
  if (w.length <= size) return w.length ? [w.join(' ')] : [];
  const out: string[] = [];
  for (let i = 0; i + size <= w.length; i++) out.push(w.slice(i, i + size).join(' '));
  return out;
}

/** Drop every 12th word: a near-duplicate of known shingle-level Jaccard. */
function variant(text: string, every: number): string {
  return text.split(/\s+/).filter((_, i) => i % every !== every - 1).join(' ');
}

/**
 * MinHash signatures of real text (normalize, word 5-gram shingles, hash,
 * 128 permutations) against the npm `minhash` package fed the same shingles.
 * Single-threaded, so MB/s is per core.
 */
export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const paras = paragraphs(opts.quick);
  const mb = paras.reduce((s, p) => s + Buffer.byteLength(p), 0) / 1e6;
  const nodes = paras.map((text, seq) => ({ seq, kind: 'text' as const, text, image_bytes: null }));
  const settings = { minhashPermutations: 128, shingleSize: 5 };
  let hashers: Hashers;
  return [
    {
      name: 'minhash-signatures',
      description: `MinHash (k=128, word 5-grams) of ${paras.length} real paragraphs (${mb.toFixed(2)} MB), vs npm minhash fed the same normalized shingles`,
      work: { unit: 'MB', amount: mb },
      repetitions: opts.quick ? 2 : 7,
      ours: async () => {
        // fresh hashers: the word-hash cache starts cold, as in one book's stage run
        hashers = await createHashers(settings);
        await computeSignatures('bench', nodes, settings, hashers);
      },
      baseline: {
        name: 'npm minhash 0.0.9',
        run: async () => {
          for (const p of paras) {
            const m = new Minhash({ numPerm: 128 });
            for (const s of shingleStrings(p, 5)) m.update(s);
          }
        },
      },
      extras: async () => {
        // Estimation quality on pairs of known Jaccard, ours vs npm minhash.
        const h = await createHashers(settings);
        const pairs = paras.slice(0, opts.quick ? 100 : 400);
        let oursErr = 0;
        let npmErr = 0;
        let n = 0;
        for (const [i, p] of pairs.entries()) {
          const q = variant(p, 8 + (i % 20));
          const a = h.shingles.shingles(p);
          const b = h.shingles.shingles(q);
          const exact = jaccard(a, b);
          oursErr += Math.abs(estimateJaccard(h.minhash.signature(a), h.minhash.signature(b)) - exact);
          const ma = new Minhash({ numPerm: 128 });
          const mbb = new Minhash({ numPerm: 128 });
          for (const s of new Set(shingleStrings(p, 5))) ma.update(s);
          for (const s of new Set(shingleStrings(q, 5))) mbb.update(s);
          npmErr += Math.abs(ma.jaccard(mbb) - exact);
          n++;
        }
        // 32-bit shingle hash collisions over the whole text: ours vs npm's Java-style string hash.
        const distinct = new Set<string>();
        for (const p of paras) for (const s of shingleStrings(p, 5)) distinct.add(s);
        const probe = new Minhash({ numPerm: 1 });
        const npmHashes = new Set<number>();
        const ourHashes = new Set<number>();
        for (const s of distinct) {
          npmHashes.add(probe.hash(s));
          for (const v of h.shingles.shinglesOfWords(s.split(' '))) ourHashes.add(v);
        }
        return {
          pairs: n,
          oursMeanAbsError: Number((oursErr / n).toFixed(4)),
          npmMeanAbsError: Number((npmErr / n).toFixed(4)),
          expectedSdAtJ09: Number(Math.sqrt((0.9 * 0.1) / 128).toFixed(4)),
          distinctShingles: distinct.size,
          oursHashCollisions: distinct.size - ourHashes.size,
          npmHashCollisions: distinct.size - npmHashes.size,
        };
      },
    },
  ];
}
