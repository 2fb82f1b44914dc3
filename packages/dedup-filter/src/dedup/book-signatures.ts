/**
 * The per-book dedup features, columnar, one row per kept node (text or image)
 * in seq order: what signatures.arrow stores and the corpus join reads.
 */
export const KIND_TEXT = 0;
export const KIND_IMAGE = 1;

export interface BookSignatures {
  bookId: string;
  /** MinHash permutations. */
  k: number;
  shingleSize: number;
  /** Normalization / hashing scheme (a join refuses to mix schemes). */
  scheme: string;
  rows: number;
  seq: Int32Array;
  /** KIND_TEXT or KIND_IMAGE. */
  kind: Uint8Array;
  /** 1 when the row has hashes (text with at least one word; an image that decoded). */
  valid: Uint8Array;
  /** Normalized words of a text row (0 for images). */
  words: Int32Array;
  /** 64-bit hash per row as (lo, hi): xxHash64 of the normalized text, or of an image's decoded pixels. */
  hash: Uint32Array;
  /** 64-bit DCT pHash per image row as (lo, hi); 0 for text. */
  phash: Uint32Array;
  /** 64-bit hash of a text row's numbers (its digit runs in order) as (lo, hi); 0 for images. */
  numbers: Uint32Array;
  /** 1 for a non-caption text row of at least foldDigitsMinWords words: its numbers may differ from a near duplicate's that is one too. */
  foldsDigits: Uint8Array;
  /** k MinHash values per row (zeros for images and invalid rows). */
  minhash: Uint32Array;
  /** Row i's sorted shingle hashes are shingles[shingleOffsets[i] .. shingleOffsets[i+1]). */
  shingleOffsets: Int32Array;
  shingles: Uint32Array;
}

export function emptyBookSignatures(bookId: string, k: number, shingleSize: number, scheme: string): BookSignatures {
  return {
    bookId, k, shingleSize, scheme, rows: 0,
    seq: new Int32Array(0), kind: new Uint8Array(0), valid: new Uint8Array(0), words: new Int32Array(0),
    hash: new Uint32Array(0), phash: new Uint32Array(0), numbers: new Uint32Array(0), foldsDigits: new Uint8Array(0),
    minhash: new Uint32Array(0), shingleOffsets: new Int32Array(1), shingles: new Uint32Array(0),
  };
}

/** Row i's shingle set (a view). */
export function shinglesOf(b: BookSignatures, i: number): Uint32Array {
  return b.shingles.subarray(b.shingleOffsets[i]!, b.shingleOffsets[i + 1]!);
}
