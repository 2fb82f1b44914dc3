import { createProgress } from '@mtb/core';
import { KIND_IMAGE, KIND_TEXT, shinglesOf, type BookSignatures } from './book-signatures.js';
import { bandKeys } from './band-keys.js';
import { GrowableI32, GrowableU32 } from './growable.js';
import { HammingIndex, planMultiIndex, type MultiIndexPlan } from './multi-index.js';
import { jaccard, unionOfSorted } from './jaccard.js';
import { optimalLshParams, type LshParams } from './lsh-params.js';
import { mergeMin } from './minhash.js';
import { U64Table } from './u64-table.js';

export type DedupReason = 'exact-text' | 'near-text' | 'exact-image' | 'near-image' | 'decorative';

export interface DedupDrop {
  seq: number;
  reason: DedupReason;
  /** `<bookId>/<seq>` of the kept occurrence; null for the first occurrence of a decorative image. */
  twin: string | null;
  /** Jaccard (text) or 1 - Hamming/64 (images) to the twin; null when there is no twin. */
  similarity: number | null;
}

export interface DedupDropList {
  bookId: string;
  wholeBook: null | { twinBook: string; similarity: number };
  drops: DedupDrop[];
}

/** Where the join reads per-book signatures: files on disk, or a generator in the benchmark. */
export interface SignatureSource {
  /** Book ids in corpus order (sorted): the first occurrence is the one kept. */
  readonly bookIds: readonly string[];
  load(bookId: string): BookSignatures;
}

export interface JoinSettings {
  /** Jaccard at or above which two paragraphs (or books) are duplicates. */
  threshold: number;
  minhashPermutations: number;
  shingleSize: number;
  imageHammingThreshold: number;
  decorativeRepeat: number;
  /** The scheme every book's signatures must have been made with (shingleScheme of the corpus settings); unchecked when absent. */
  scheme?: string;
  /** Override the LSH bands/rows (default: optimalLshParams). */
  lsh?: LshParams;
  /** Override the image multi-index chunk count (default: planned for the image count). */
  imageChunks?: number;
  quiet?: boolean;
  /** When given, filled with the milliseconds each phase took (for the benchmark). */
  timings?: Record<string, number>;
}

export interface JoinSummary {
  books: number;
  wholeBookDrops: Array<{ bookId: string; twinBook: string; similarity: number }>;
  lsh: LshParams;
  imageIndex: { chunks: number; radius: number };
  text: {
    rows: number;
    /** Rows with at least `shingleSize` words: shorter ones (headings, labels) are never called duplicates. */
    eligible: number;
    exact: number;
    near: number;
    /** Distinct paragraphs that share an LSH band with another. */
    colliding: number;
    /** Candidate pairs whose exact Jaccard was computed, and how many of them were below the threshold. */
    verifiedPairs: number;
    rejectedPairs: number;
    /** Candidate pairs refused before any Jaccard because their numbers differ and one of them is short or a caption. */
    numberMismatches: number;
  };
  images: { rows: number; exact: number; near: number; decorative: number; verifiedPairs: number };
  drops: Record<DedupReason, number>;
}

export interface JoinResult {
  lists: DedupDropList[];
  summary: JoinSummary;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function checkBook(b: BookSignatures, s: JoinSettings, scheme: { value: string | null }): void {
  if (b.rows === 0) return;
  const where = `signatures of book "${b.bookId}"`;
  if (b.k !== s.minhashPermutations || b.shingleSize !== s.shingleSize) {
    throw new Error(`${where} were made with ${b.k} permutations and ${b.shingleSize}-word shingles, the corpus settings say ${s.minhashPermutations} and ${s.shingleSize}: rerun \`mtb signatures\` for every book`);
  }
  if (s.scheme !== undefined && b.scheme !== s.scheme) {
    throw new Error(`${where} use hashing scheme "${b.scheme}", the corpus settings say "${s.scheme}": rerun \`mtb signatures\` for every book`);
  }
  if (scheme.value === null) scheme.value = b.scheme;
  else if (scheme.value !== b.scheme) throw new Error(`${where} use hashing scheme "${b.scheme}", other books "${scheme.value}": rerun \`mtb signatures\` for every book`);
  for (let i = 1; i < b.rows; i++) {
    if (b.seq[i]! <= b.seq[i - 1]!) throw new Error(`${where}: seq not increasing at row ${i}: rerun \`mtb signatures\``);
  }
}

/**
 * The corpus-wide dedup join over per-book signatures (DESIGN.md 4.3).
 *
 * Order decides what is kept: books by id, rows by seq; a row is dropped only
 * for a verified match with an earlier row that is itself kept, so no chain of
 * unverified (or even verified) matches merges two rows that are not
 * themselves similar. Steps:
 * 1. stream every book once, keeping only compact columns: per text row its
 *    normalized-text hash and LSH band keys, per image its two hashes, per
 *    book the MinHash of its whole shingle set (the elementwise min);
 * 2. whole books: LSH over book signatures, candidates verified by exact
 *    Jaccard of the books' shingle sets; a book >= threshold with an earlier
 *    kept book is dropped whole and takes no further part;
 * 3. exact text: first occurrence of each normalized-text hash (digits kept:
 *    "Figure 12.8" and "Figure 12.9" are different blocks);
 * 4. near text: per band, rows sharing a key form buckets; only rows in some
 *    bucket can have a near duplicate, so only their shingle sets are read
 *    back (a second pass over the books); then, in order, each such row is
 *    compared (exact Jaccard of digit-folded shingles) with the kept rows of
 *    its buckets whose numbers agree: numbers may differ only between two
 *    non-caption paragraphs of at least foldDigitsMinWords words;
 * 5. images: exact by pixel hash, near by pHash within the Hamming threshold
 *    (multi-index hashing over kept images), then clusters larger than
 *    decorativeRepeat dropped whole as decorative.
 * Memory is typed arrays sized by the row counts; nothing per row is a JS object.
 */
export function joinSignatures(source: SignatureSource, settings: JoinSettings): JoinResult {
  const k = settings.minhashPermutations;
  const t = settings.threshold;
  const lsh = settings.lsh ?? optimalLshParams(t, k);
  const bookIds = source.bookIds;
  const nBooks = bookIds.length;
  const quiet = settings.quiet ? { quiet: true } : {};
  const scheme = { value: null as string | null };
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    if (settings.timings) settings.timings[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };

  // ---- 1. one streaming pass: compact columns only
  const bookMinhash = new Uint32Array(nBooks * k).fill(0xffffffff);
  const bookHasText = new Uint8Array(nBooks);
  const unitBook = new GrowableI32();
  const unitSeq = new GrowableI32();
  const unitRow = new GrowableI32();
  const unitHash = new GrowableU32();
  const unitNumbers = new GrowableU32();
  const unitFolds = new GrowableI32();
  const unitBands = new GrowableU32();
  const imgBook = new GrowableI32();
  const imgSeq = new GrowableI32();
  const imgPixel = new GrowableU32();
  const imgPhashLo = new GrowableU32();
  const imgPhashHi = new GrowableU32();
  let textRows = 0;
  const bandWidth = 2 * lsh.bands;
  if (lsh.bands * lsh.rows > k) throw new Error(`LSH ${lsh.bands} bands x ${lsh.rows} rows needs more than ${k} permutations`);
  let bar = createProgress('dedup: reading signatures', nBooks, 'books', quiet);
  for (let bi = 0; bi < nBooks; bi++) {
    const b = source.load(bookIds[bi]!);
    checkBook(b, settings, scheme);
    const bookSig = bookMinhash.subarray(bi * k, (bi + 1) * k);
    for (let i = 0; i < b.rows; i++) {
      if (b.valid[i] !== 1) continue;
      if (b.kind[i] === KIND_TEXT) {
        textRows++;
        mergeMin(bookSig, b.minhash, i * k);
        bookHasText[bi] = 1;
        if (b.words[i]! < settings.shingleSize) continue;
        unitBook.push(bi);
        unitSeq.push(b.seq[i]!);
        unitRow.push(i);
        const h = unitHash.reserve(2);
        unitHash.data[h] = b.hash[2 * i]!;
        unitHash.data[h + 1] = b.hash[2 * i + 1]!;
        const nb = unitNumbers.reserve(2);
        unitNumbers.data[nb] = b.numbers[2 * i]!;
        unitNumbers.data[nb + 1] = b.numbers[2 * i + 1]!;
        unitFolds.push(b.foldsDigits[i]!);
        const at = unitBands.reserve(bandWidth); // reserve may reallocate .data: read it after
        bandKeys(b.minhash, i * k, lsh, unitBands.data, at);
      } else if (b.kind[i] === KIND_IMAGE) {
        imgBook.push(bi);
        imgSeq.push(b.seq[i]!);
        const h = imgPixel.reserve(2);
        imgPixel.data[h] = b.hash[2 * i]!;
        imgPixel.data[h + 1] = b.hash[2 * i + 1]!;
        imgPhashLo.push(b.phash[2 * i]!);
        imgPhashHi.push(b.phash[2 * i + 1]!);
      }
    }
    bar.increment();
  }
  bar.stop();
  phase('read');

  // ---- 2. whole books
  const bookDropped = new Uint8Array(nBooks);
  const wholeBook: Array<DedupDropList['wholeBook']> = new Array(nBooks).fill(null);
  const wholeBookDrops: JoinSummary['wholeBookDrops'] = [];
  {
    const buckets = new Map<string, number[]>();
    const setCache = new Map<number, Uint32Array>();
    const bookSet = (bi: number): Uint32Array => {
      let s = setCache.get(bi);
      if (!s) {
        const b = source.load(bookIds[bi]!);
        const parts: Uint32Array[] = [];
        for (let i = 0; i < b.rows; i++) if (b.valid[i] === 1 && b.kind[i] === KIND_TEXT) parts.push(shinglesOf(b, i));
        s = unionOfSorted(parts);
        if (setCache.size >= 16) setCache.delete(setCache.keys().next().value!);
        setCache.set(bi, s);
      }
      return s;
    };
    const keys = new Uint32Array(bandWidth);
    for (let bi = 0; bi < nBooks; bi++) {
      if (!bookHasText[bi]) continue;
      bandKeys(bookMinhash, bi * k, lsh, keys, 0);
      const bandKey = (j: number) => `${j}:${keys[2 * j]}:${keys[2 * j + 1]}`;
      const candidates = new Set<number>();
      for (let j = 0; j < lsh.bands; j++) for (const c of buckets.get(bandKey(j)) ?? []) candidates.add(c);
      let best = -1;
      let bestJ = -1;
      for (const c of [...candidates].sort((a, b) => a - b)) {
        const sim = jaccard(bookSet(bi), bookSet(c));
        if (sim >= t && sim > bestJ) {
          best = c;
          bestJ = sim;
        }
      }
      if (best >= 0) {
        bookDropped[bi] = 1;
        wholeBook[bi] = { twinBook: bookIds[best]!, similarity: round4(bestJ) };
        wholeBookDrops.push({ bookId: bookIds[bi]!, twinBook: bookIds[best]!, similarity: round4(bestJ) });
        continue;
      }
      for (let j = 0; j < lsh.bands; j++) {
        const key = bandKey(j);
        const list = buckets.get(key);
        if (list) list.push(bi);
        else buckets.set(key, [bi]);
      }
    }
  }

  phase('books');

  // ---- 3. exact text
  const nUnits = unitBook.length;
  const uBook = unitBook.data;
  const uHash = unitHash.data;
  const uBands = unitBands.data;
  /** For a unit: -1 = distinct (first of its text); else the first unit with the same text. */
  const exactOf = new Int32Array(nUnits).fill(-1);
  let eligible = 0;
  {
    const table = new U64Table(nUnits);
    for (let u = 0; u < nUnits; u++) {
      if (bookDropped[uBook[u]!]) continue;
      eligible++;
      const prev = table.putIfAbsent(uHash[2 * u]!, uHash[2 * u + 1]!, u);
      if (prev >= 0) exactOf[u] = prev;
    }
  }

  phase('exactText');

  // ---- 4. near text: buckets of distinct units sharing a band key
  const memBucket = new GrowableI32();
  const memUnit = new GrowableI32();
  let nBuckets = 0;
  {
    const table = new U64Table(Math.max(16, eligible));
    const groupFirst = new GrowableI32(eligible + 1);
    const groupBucket = new GrowableI32(eligible + 1);
    for (let band = 0; band < lsh.bands; band++) {
      table.clear();
      groupFirst.length = 0;
      groupBucket.length = 0;
      for (let u = 0; u < nUnits; u++) {
        if (exactOf[u] !== -1 || bookDropped[uBook[u]!]) continue;
        const at = u * bandWidth + 2 * band;
        const g = table.putIfAbsent(uBands[at]!, uBands[at + 1]!, groupFirst.length);
        if (g === -1) {
          groupFirst.push(u);
          groupBucket.push(-1);
          continue;
        }
        let bucket = groupBucket.data[g]!;
        if (bucket === -1) {
          bucket = nBuckets++;
          groupBucket.data[g] = bucket;
          memBucket.push(bucket);
          memUnit.push(groupFirst.data[g]!);
        }
        memBucket.push(bucket);
        memUnit.push(u);
      }
    }
  }
  // Per-unit list of its buckets (CSR over units).
  const nMem = memUnit.length;
  const memStart = new Int32Array(nUnits + 1);
  for (let m = 0; m < nMem; m++) memStart[memUnit.data[m]! + 1]!++;
  for (let u = 0; u < nUnits; u++) memStart[u + 1]! += memStart[u]!;
  const unitBuckets = new Int32Array(nMem);
  {
    const fill = memStart.slice(0, nUnits);
    for (let m = 0; m < nMem; m++) unitBuckets[fill[memUnit.data[m]!]!++] = memBucket.data[m]!;
  }
  let colliding = 0;
  for (let u = 0; u < nUnits; u++) if (memStart[u + 1]! > memStart[u]!) colliding++;

  phase('buckets');

  // Second pass: shingle sets of colliding units only.
  const poolStart = new Int32Array(nUnits + 1);
  const pool = new GrowableU32();
  {
    const needs = new Uint8Array(nBooks);
    for (let u = 0; u < nUnits; u++) if (memStart[u + 1]! > memStart[u]!) needs[uBook[u]!] = 1;
    bar = createProgress('dedup: reading shingles of candidates', nBooks, 'books', quiet);
    let u = 0;
    for (let bi = 0; bi < nBooks; bi++) {
      const b = needs[bi] ? source.load(bookIds[bi]!) : null;
      for (; u < nUnits && uBook[u] === bi; u++) {
        poolStart[u] = pool.length;
        if (b && memStart[u + 1]! > memStart[u]!) {
          const s = shinglesOf(b, unitRow.data[u]!);
          const at = pool.reserve(s.length);
          pool.data.set(s, at);
        }
        poolStart[u + 1] = pool.length;
      }
      bar.increment();
    }
    bar.stop();
    for (; u < nUnits; u++) poolStart[u + 1] = pool.length;
  }
  phase('readShingles');
  const setOf = (u: number): Uint32Array => pool.data.subarray(poolStart[u]!, poolStart[u + 1]!);

  // Greedy, in order: compare with the kept units of the unit's buckets.
  const nearTwin = new Int32Array(nUnits).fill(-1);
  const nearSim = new Float64Array(nUnits);
  let verifiedPairs = 0;
  let rejectedPairs = 0;
  let numberMismatches = 0;
  const uNumbers = unitNumbers.data;
  const uFolds = unitFolds.data;
  /** Numbers may differ only between two long non-caption paragraphs; any other pair must have the same numbers. */
  const numbersAgree = (u: number, v: number): boolean =>
    (uFolds[u] === 1 && uFolds[v] === 1) || (uNumbers[2 * u] === uNumbers[2 * v] && uNumbers[2 * u + 1] === uNumbers[2 * v + 1]);
  {
    const keptHead = new Int32Array(nBuckets).fill(-1);
    const nodeUnit = new GrowableI32();
    const nodeNext = new GrowableI32();
    const stamp = new Int32Array(nUnits).fill(-1);
    for (let u = 0; u < nUnits; u++) {
      const m0 = memStart[u]!;
      const m1 = memStart[u + 1]!;
      if (m0 === m1) continue;
      const su = setOf(u);
      let best = -1;
      let bestJ = -1;
      for (let m = m0; m < m1; m++) {
        for (let node = keptHead[unitBuckets[m]!]!; node !== -1; node = nodeNext.data[node]!) {
          const v = nodeUnit.data[node]!;
          if (stamp[v] === u) continue;
          stamp[v] = u;
          if (!numbersAgree(u, v)) {
            numberMismatches++;
            continue;
          }
          verifiedPairs++;
          const sim = jaccard(su, setOf(v));
          if (sim < t) {
            rejectedPairs++;
            continue;
          }
          if (sim > bestJ || (sim === bestJ && v < best)) {
            best = v;
            bestJ = sim;
          }
        }
      }
      if (best >= 0) {
        nearTwin[u] = best;
        nearSim[u] = bestJ;
        continue;
      }
      for (let m = m0; m < m1; m++) {
        const bucket = unitBuckets[m]!;
        nodeUnit.push(u);
        nodeNext.push(keptHead[bucket]!);
        keptHead[bucket] = nodeUnit.length - 1;
      }
    }
  }

  phase('nearText');

  // ---- 5. images
  const nImg = imgBook.length;
  const iBook = imgBook.data;
  const phLo = imgPhashLo.trimmed();
  const phHi = imgPhashHi.trimmed();
  const imgExactOf = new Int32Array(nImg).fill(-1);
  const imgNearTwin = new Int32Array(nImg).fill(-1);
  const imgNearSim = new Float64Array(nImg);
  const plan: MultiIndexPlan = planMultiIndex(settings.imageHammingThreshold, nImg, settings.imageChunks);
  const index = new HammingIndex(plan, settings.imageHammingThreshold, phLo, phHi);
  {
    const table = new U64Table(Math.max(16, nImg));
    for (let x = 0; x < nImg; x++) {
      if (bookDropped[iBook[x]!]) continue;
      const prev = table.putIfAbsent(imgPixel.data[2 * x]!, imgPixel.data[2 * x + 1]!, x);
      if (prev >= 0) {
        imgExactOf[x] = prev;
        continue;
      }
      const near = index.nearest(x);
      if (near.id >= 0) {
        imgNearTwin[x] = near.id;
        imgNearSim[x] = 1 - near.distance / 64;
      } else index.insert(x);
    }
  }
  // Cluster root = the kept image each one duplicates; count occurrences per root.
  const root = new Int32Array(nImg).fill(-1);
  const clusterSize = new Int32Array(nImg);
  for (let x = 0; x < nImg; x++) {
    if (bookDropped[iBook[x]!]) continue;
    const first = imgExactOf[x] === -1 ? x : imgExactOf[x]!;
    const r = imgNearTwin[first] === -1 ? first : imgNearTwin[first]!;
    root[x] = r;
    clusterSize[r]!++;
  }

  phase('images');

  // ---- drop lists
  const drops: DedupDrop[][] = Array.from({ length: nBooks }, () => []);
  const counts: Record<DedupReason, number> = { 'exact-text': 0, 'near-text': 0, 'exact-image': 0, 'near-image': 0, decorative: 0 };
  const unitId = (u: number) => `${bookIds[uBook[u]!]}/${unitSeq.data[u]}`;
  const imgId = (x: number) => `${bookIds[iBook[x]!]}/${imgSeq.data[x]}`;
  const add = (bi: number, d: DedupDrop) => {
    drops[bi]!.push(d);
    counts[d.reason]++;
  };
  for (let u = 0; u < nUnits; u++) {
    const bi = uBook[u]!;
    if (bookDropped[bi]) continue;
    const seq = unitSeq.data[u]!;
    const first = exactOf[u]!;
    if (first !== -1) {
      if (nearTwin[first] === -1) add(bi, { seq, reason: 'exact-text', twin: unitId(first), similarity: 1 });
      else add(bi, { seq, reason: 'near-text', twin: unitId(nearTwin[first]!), similarity: round4(nearSim[first]!) });
    } else if (nearTwin[u] !== -1) {
      add(bi, { seq, reason: 'near-text', twin: unitId(nearTwin[u]!), similarity: round4(nearSim[u]!) });
    }
  }
  for (let x = 0; x < nImg; x++) {
    const bi = iBook[x]!;
    if (bookDropped[bi]) continue;
    const seq = imgSeq.data[x]!;
    const r = root[x]!;
    const first = imgExactOf[x] === -1 ? x : imgExactOf[x]!;
    if (clusterSize[r]! > settings.decorativeRepeat) {
      add(bi, { seq, reason: 'decorative', twin: r === x ? null : imgId(r), similarity: r === x ? null : round4(imgNearTwin[first] === -1 ? 1 : imgNearSim[first]!) });
    } else if (imgExactOf[x] !== -1) {
      if (imgNearTwin[first] === -1) add(bi, { seq, reason: 'exact-image', twin: imgId(first), similarity: 1 });
      else add(bi, { seq, reason: 'near-image', twin: imgId(imgNearTwin[first]!), similarity: round4(imgNearSim[first]!) });
    } else if (imgNearTwin[x] !== -1) {
      add(bi, { seq, reason: 'near-image', twin: imgId(imgNearTwin[x]!), similarity: round4(imgNearSim[x]!) });
    }
  }
  const lists: DedupDropList[] = bookIds.map((bookId, bi) => ({
    bookId,
    wholeBook: wholeBook[bi]!,
    drops: drops[bi]!.sort((a, b) => a.seq - b.seq),
  }));
  let imgRows = 0;
  for (let x = 0; x < nImg; x++) if (!bookDropped[iBook[x]!]) imgRows++;
  return {
    lists,
    summary: {
      books: nBooks,
      wholeBookDrops,
      lsh,
      imageIndex: { chunks: plan.chunks, radius: plan.radius },
      text: { rows: textRows, eligible, exact: counts['exact-text'], near: counts['near-text'], colliding, verifiedPairs, rejectedPairs, numberMismatches },
      images: { rows: imgRows, exact: counts['exact-image'], near: counts['near-image'], decorative: counts.decorative, verifiedPairs: index.verified },
      drops: counts,
    },
  };
}
