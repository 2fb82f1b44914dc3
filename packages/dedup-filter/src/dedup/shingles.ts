import { endianness } from 'node:os';
import { createXXHash64, type IHasher } from 'hash-wasm';
import { isDigitUnit, normalizeInto } from './normalize.js';
import { sortUnique } from './jaccard.js';

/** Version of normalization + shingle hashing; stored in signatures.arrow so a change forces a rebuild. */
export const SHINGLE_SCHEME = 'nfkc-lower-nopunct-exact/digit0-shingles/xxh64-utf16le-words/murmur3-5gram/3';

/** Default of corpus.json's `foldDigitsMinWords`. */
export const FOLD_DIGITS_MIN_WORDS = 50;

/**
 * The scheme a book's signatures are made with: normalization and hashing,
 * plus the digit rule (exact hashes keep digits; numbers may differ between
 * near duplicates only when both are non-caption blocks of at least
 * `foldDigitsMinWords` words). The join refuses to mix schemes.
 */
export function shingleScheme(foldDigitsMinWords: number): string {
  return `${SHINGLE_SCHEME}/fold-digits-from-${foldDigitsMinWords}-words`;
}

/** Forget cached word hashes past this many distinct words (bounds memory on huge runs). */
const WORD_CACHE_LIMIT = 1 << 20;

if (endianness() !== 'LE') {
  // normalized text is hashed as the bytes of a Uint16Array: only little-endian gives the stored hashes
  throw new Error('@mtb/dedup-filter hashes UTF-16LE text and needs a little-endian machine');
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmurBlock(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** What one text contributes to its signature row. */
export interface TextFeatures {
  /** Normalized words. */
  words: number;
  /** xxHash64 of the normalized text with its digits, (lo, hi): what exact duplicates share. */
  hashLo: number;
  hashHi: number;
  /** xxHash64 of the block's numbers in order (its digit runs), (lo, hi). */
  numbersLo: number;
  numbersHi: number;
  /**
   * The block is a non-caption paragraph of at least foldDigitsMinWords words:
   * between two such blocks numbers may differ (a renumbered figure or
   * citation); any other near-duplicate pair must have the same numbers.
   */
  foldsDigits: boolean;
  /** Sorted, duplicate-free hashes of word n-grams with digits folded to 0 (a fresh array). */
  shingles: Uint32Array;
}

/** What decides whether a block's numbers may differ from its near duplicate's. */
export interface FeatureOptions {
  /** Captions never fold digits: their number is what tells "Figure 12.8" from "Figure 12.9". */
  caption?: boolean;
}

/**
 * Hashes of text for duplicate detection. Bytes are hashed by xxHash64 from
 * hash-wasm (a WebAssembly build of the reference C code): the normalized
 * text once (exact duplicates) and each distinct word once per cache
 * lifetime. A hash-wasm call costs about 200 ns of JS<->WASM crossings
 * whatever its length (measured), which per shingle would cap the stage near
 * 15 MB/s; so words are looked up in a cache read straight from the
 * normalized buffer (no string per word), and a shingle's 32-bit hash is
 * MurmurHash3_x86_32 over the 64-bit hashes of its words: order-sensitive
 * and as collision-free as a 32-bit hash can be. Text is hashed as its
 * UTF-16LE code units (the buffer normalization writes).
 */
export class ShingleHasher {
  // word cache: open addressing (FNV-1a of the code units picks the slot) -> entry
  private slots = new Int32Array(1 << 16).fill(-1);
  private entryHash = new Uint32Array(1 << 15);
  private entryStart = new Int32Array(1 << 15);
  private entryLen = new Int32Array(1 << 15);
  private entryLo = new Uint32Array(1 << 15);
  private entryHi = new Uint32Array(1 << 15);
  private entries = 0;
  private pool = new Uint16Array(1 << 18);
  private poolLen = 0;
  private wordLo = new Uint32Array(1024);
  private wordHi = new Uint32Array(1024);
  private scratch = new Uint32Array(1024);
  private utf8 = new Uint8Array(4096);
  private readonly encoder = new TextEncoder();
  private readonly digestOut = new Uint32Array(2);

  private constructor(private readonly xxh: IHasher, readonly shingleSize: number, readonly foldDigitsMinWords: number) {}

  static async create(shingleSize = 5, foldDigitsMinWords = FOLD_DIGITS_MIN_WORDS): Promise<ShingleHasher> {
    if (!Number.isInteger(shingleSize) || shingleSize < 1) throw new Error(`shingle size must be a positive integer, got ${shingleSize}`);
    if (!Number.isInteger(foldDigitsMinWords) || foldDigitsMinWords < 1) throw new Error(`foldDigitsMinWords must be a positive integer, got ${foldDigitsMinWords}`);
    return new ShingleHasher(await createXXHash64(0, 0), shingleSize, foldDigitsMinWords);
  }

  /** The scheme these hashers write (see shingleScheme). */
  get scheme(): string {
    return shingleScheme(this.foldDigitsMinWords);
  }

  /** xxHash64 of bytes (or a string's UTF-8 bytes) as [lo, hi] 32-bit halves. */
  hash64(data: string | Uint8Array, out: Uint32Array = new Uint32Array(2)): Uint32Array {
    if (typeof data === 'string') {
      // encode into a reused buffer: hash-wasm would allocate a fresh one per call
      if (data.length * 3 > this.utf8.length) this.utf8 = new Uint8Array(data.length * 3);
      data = this.utf8.subarray(0, this.encoder.encodeInto(data, this.utf8).written);
    }
    this.xxh.init();
    this.xxh.update(data);
    const d = this.xxh.digest('binary');
    // digest is big-endian (canonical xxHash output)
    out[1] = ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
    out[0] = ((d[4]! << 24) | (d[5]! << 16) | (d[6]! << 8) | d[7]!) >>> 0;
    return out;
  }

  private clearCache(): void {
    this.slots.fill(-1);
    this.entries = 0;
    this.poolLen = 0;
  }

  private growSlots(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let e = 0; e < this.entries; e++) {
      let s = this.entryHash[e]! & mask;
      while (slots[s] !== -1) s = (s + 1) & mask;
      slots[s] = e;
    }
    this.slots = slots;
  }

  private growEntries(): void {
    const cap = this.entryHash.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.entryHash = grow(this.entryHash, (n) => new Uint32Array(n));
    this.entryStart = grow(this.entryStart, (n) => new Int32Array(n));
    this.entryLen = grow(this.entryLen, (n) => new Int32Array(n));
    this.entryLo = grow(this.entryLo, (n) => new Uint32Array(n));
    this.entryHi = grow(this.entryHi, (n) => new Uint32Array(n));
  }

  /** Cache entry of the word units[start, end) whose FNV-1a is h: found, or hashed with xxHash64 and added. */
  private wordEntry(units: Uint16Array, start: number, end: number, h: number): number {
    const len = end - start;
    const slots = this.slots;
    const entryHash = this.entryHash;
    const entryLen = this.entryLen;
    const entryStart = this.entryStart;
    const pool = this.pool;
    let mask = slots.length - 1;
    let s = (h ^ (h >>> 16)) & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === -1) break;
      if (entryHash[e] === h && entryLen[e] === len) {
        const p = entryStart[e]! - start;
        let i = start;
        while (i < end && pool[p + i] === units[i]) i++;
        if (i === end) return e;
      }
      s = (s + 1) & mask;
    }
    // a miss: hash the word's bytes with the library and remember it
    if (this.entries >= WORD_CACHE_LIMIT) this.clearCache();
    if ((this.entries + 1) * 2 > this.slots.length) this.growSlots();
    if (this.entries === this.entryHash.length) this.growEntries();
    if (this.poolLen + len > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, this.poolLen + len));
      pool.set(this.pool.subarray(0, this.poolLen));
      this.pool = pool;
    }
    mask = this.slots.length - 1;
    s = (h ^ (h >>> 16)) & mask;
    while (this.slots[s] !== -1) s = (s + 1) & mask;
    const e = this.entries++;
    this.slots[s] = e;
    this.entryHash[e] = h;
    this.entryStart[e] = this.poolLen;
    this.entryLen[e] = len;
    this.pool.set(units.subarray(start, end), this.poolLen);
    this.poolLen += len;
    const d = this.hash64(new Uint8Array(units.buffer, units.byteOffset + start * 2, len * 2), this.digestOut);
    this.entryLo[e] = d[0]!;
    this.entryHi[e] = d[1]!;
    return e;
  }

  /**
   * Normalize, hash and shingle one text. The exact hash keeps digits and the
   * block's numbers are hashed on their own; the shingles fold digits, so
   * that two long paragraphs that differ only in numbers are near duplicates.
   */
  features(text: string, opts: FeatureOptions = {}): TextFeatures {
    const { units, length } = normalizeInto(text);
    if (length === 0) return { words: 0, hashLo: 0, hashHi: 0, numbersLo: 0, numbersHi: 0, foldsDigits: false, shingles: new Uint32Array(0) };
    const whole = this.hash64(new Uint8Array(units.buffer, units.byteOffset, length * 2), this.digestOut);
    const hashLo = whole[0]!;
    const hashHi = whole[1]!;
    const numbers = this.hashNumbersAndFold(units, length);
    if (length > this.wordLo.length) {
      this.wordLo = new Uint32Array(length);
      this.wordHi = new Uint32Array(length);
      this.scratch = new Uint32Array(length);
    }
    const wl = this.wordLo;
    const wh = this.wordHi;
    let n = 0;
    let start = 0;
    let h = 0x811c9dc5;
    for (let i = 0; i <= length; i++) {
      const c = i === length ? 32 : units[i]!;
      if (c !== 32) {
        h = Math.imul(h ^ c, 0x01000193);
        continue;
      }
      const e = this.wordEntry(units, start, i, h >>> 0);
      wl[n] = this.entryLo[e]!;
      wh[n] = this.entryHi[e]!;
      n++;
      start = i + 1;
      h = 0x811c9dc5;
    }
    const size = Math.min(this.shingleSize, n);
    const count = n - size + 1;
    const out = this.scratch;
    const bytes = size * 8;
    for (let i = 0; i < count; i++) {
      let h = 0x5eed5eed;
      for (let j = i; j < i + size; j++) {
        h = murmurBlock(h, wl[j]!);
        h = murmurBlock(h, wh[j]!);
      }
      out[i] = fmix32(h ^ bytes);
    }
    return {
      words: n, hashLo, hashHi, numbersLo: numbers[0]!, numbersHi: numbers[1]!,
      foldsDigits: !opts.caption && n >= this.foldDigitsMinWords,
      shingles: sortUnique(out.subarray(0, count)).slice(),
    };
  }

  private numbersBuf = new Uint16Array(256);
  private readonly numbersOut = new Uint32Array(2);

  /**
   * xxHash64 of the digit runs of normalized units (each run followed by a
   * space), folding every digit to 0 in place on the way (one pass for both).
   */
  private hashNumbersAndFold(units: Uint16Array, length: number): Uint32Array {
    if (this.numbersBuf.length < length + 1) this.numbersBuf = new Uint16Array(length + 1);
    const buf = this.numbersBuf;
    let n = 0;
    let inRun = false;
    for (let i = 0; i < length; i++) {
      const c = units[i]!;
      const digit = isDigitUnit(c);
      if (digit) {
        buf[n++] = c;
        units[i] = 48;
      } else if (inRun) buf[n++] = 32;
      inRun = digit;
    }
    return this.hash64(new Uint8Array(buf.buffer, 0, n * 2), this.numbersOut);
  }

  /** The shingle set of a text (digits folded; sorted, duplicate-free; empty for a text without words). */
  shingles(text: string, opts: FeatureOptions = {}): Uint32Array {
    return this.features(text, opts).shingles;
  }

  /** The shingle set of already normalized words (normalization is idempotent). */
  shinglesOfWords(words: readonly string[], opts: FeatureOptions = {}): Uint32Array {
    return this.features(words.join(' '), opts).shingles;
  }
}
