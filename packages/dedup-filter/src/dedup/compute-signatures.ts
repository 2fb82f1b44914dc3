import { MinHasher } from './minhash.js';
import { FOLD_DIGITS_MIN_WORDS, ShingleHasher } from './shingles.js';
import { imageHashes } from './phash.js';
import { KIND_IMAGE, KIND_TEXT, type BookSignatures } from './book-signatures.js';

/** The node fields signatures need (a NodeRow of @mtb/image-tokens has them all). */
export interface SignatureInput {
  seq: number;
  kind: 'text' | 'image';
  text: string;
  image_bytes: Uint8Array | null;
  image_path?: string | null;
  /** A caption's shingles never fold digits (a NodeRow's role). */
  role?: string;
}

export interface SignatureSettings {
  minhashPermutations: number;
  shingleSize: number;
  /** Shingles fold digits in non-caption blocks of at least this many words (default FOLD_DIGITS_MIN_WORDS). */
  foldDigitsMinWords?: number;
  maxImagePixels?: number;
}

export interface ComputedSignatures {
  signatures: BookSignatures;
  counts: Record<string, number>;
  problems: string[];
}

/** Reusable hashers (hash-wasm instance, permutations, word cache) for many books. */
export interface Hashers {
  shingles: ShingleHasher;
  minhash: MinHasher;
}

export async function createHashers(settings: SignatureSettings): Promise<Hashers> {
  return {
    shingles: await ShingleHasher.create(settings.shingleSize, settings.foldDigitsMinWords ?? FOLD_DIGITS_MIN_WORDS),
    minhash: new MinHasher(settings.minhashPermutations),
  };
}

/**
 * Per-book dedup features of the kept nodes: for text, the normalized-text
 * hash, the shingle set and its MinHash signature; for images, the hash of the
 * decoded pixels and the pHash. An image that cannot be decoded gets no hashes
 * (it takes no part in image dedup) and is reported.
 */
export async function computeSignatures(
  bookId: string,
  nodes: readonly SignatureInput[],
  settings: SignatureSettings,
  hashers?: Hashers,
  onRow?: () => void,
): Promise<ComputedSignatures> {
  const h = hashers ?? (await createHashers(settings));
  const k = settings.minhashPermutations;
  if (h.minhash.k !== k || h.shingles.shingleSize !== settings.shingleSize || h.shingles.foldDigitsMinWords !== (settings.foldDigitsMinWords ?? FOLD_DIGITS_MIN_WORDS)) {
    throw new Error('hashers were made for other settings');
  }
  const n = nodes.length;
  const sig: BookSignatures = {
    bookId, k, shingleSize: settings.shingleSize, scheme: h.shingles.scheme, rows: n,
    seq: new Int32Array(n), kind: new Uint8Array(n), valid: new Uint8Array(n), words: new Int32Array(n),
    hash: new Uint32Array(2 * n), phash: new Uint32Array(2 * n), numbers: new Uint32Array(2 * n), foldsDigits: new Uint8Array(n),
    minhash: new Uint32Array(n * k),
    shingleOffsets: new Int32Array(n + 1), shingles: new Uint32Array(0),
  };
  const counts: Record<string, number> = { 'text.rows': 0, 'text.hashed': 0, 'text.foldsDigits': 0, shingles: 0, 'image.rows': 0, 'image.hashed': 0, 'image.undecodable': 0 };
  const problems: string[] = [];
  const parts: Uint32Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    sig.seq[i] = node.seq;
    if (node.kind === 'text') {
      sig.kind[i] = KIND_TEXT;
      counts['text.rows']!++;
      const f = h.shingles.features(node.text, { caption: node.role === 'caption' });
      sig.words[i] = f.words;
      if (f.words > 0) {
        sig.valid[i] = 1;
        sig.hash[2 * i] = f.hashLo;
        sig.hash[2 * i + 1] = f.hashHi;
        h.minhash.signature(f.shingles, sig.minhash.subarray(i * k, (i + 1) * k));
        parts.push(f.shingles);
        total += f.shingles.length;
        counts['text.hashed']!++;
        sig.numbers[2 * i] = f.numbersLo;
        sig.numbers[2 * i + 1] = f.numbersHi;
        if (f.foldsDigits) {
          sig.foldsDigits[i] = 1;
          counts['text.foldsDigits']!++;
        }
      }
    } else {
      sig.kind[i] = KIND_IMAGE;
      counts['image.rows']!++;
      if (node.image_bytes && node.image_bytes.length > 0) {
        try {
          const ih = await imageHashes(node.image_bytes, (d) => h.shingles.hash64(d), settings.maxImagePixels);
          sig.hash[2 * i] = ih.pixel[0];
          sig.hash[2 * i + 1] = ih.pixel[1];
          sig.phash[2 * i] = ih.phash[0];
          sig.phash[2 * i + 1] = ih.phash[1];
          sig.valid[i] = 1;
          counts['image.hashed']!++;
        } catch (err) {
          counts['image.undecodable']!++;
          problems.push(`seq ${node.seq} (${node.image_path ?? 'image'}): cannot decode, left out of image dedup: ${(err as Error).message}`);
        }
      } else {
        counts['image.undecodable']!++;
        problems.push(`seq ${node.seq} (${node.image_path ?? 'image'}): no image bytes, left out of image dedup`);
      }
    }
    sig.shingleOffsets[i + 1] = total;
    onRow?.();
  }
  sig.shingles = new Uint32Array(total);
  let o = 0;
  for (const p of parts) {
    sig.shingles.set(p, o);
    o += p.length;
  }
  counts.shingles = total;
  return { signatures: sig, counts, problems };
}
