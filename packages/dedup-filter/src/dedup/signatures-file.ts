import { readFileSync } from 'node:fs';
import {
  Field, FixedSizeList, Int32, List, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, tableFromIPC,
  Uint8, Uint32, Uint64, Utf8, type Data,
} from 'apache-arrow';
import { writeFileAtomic } from '@mtb/core';
import { KIND_IMAGE, KIND_TEXT, type BookSignatures } from './book-signatures.js';

const FORMAT = 'signatures/2';

/**
 * signatures.arrow: one row per kept node. Every field nullable (as the other
 * Arrow files of the pipeline). The MinHash width is part of the type, so the
 * schema is built per k; settings travel in the schema metadata.
 */
export function signaturesSchema(k: number, meta: { bookId: string; shingleSize: number; scheme: string }): Schema {
  return new Schema(
    [
      new Field('seq', new Int32(), true),
      new Field('kind', new Utf8(), true),
      new Field('words', new Int32(), true),
      new Field('hash', new Uint64(), true),
      new Field('phash', new Uint64(), true),
      new Field('numbers', new Uint64(), true),
      new Field('folds_digits', new Uint8(), true),
      new Field('minhash', new FixedSizeList(k, new Field('item', new Uint32(), true)), true),
      new Field('shingles', new List(new Field('item', new Uint32(), true)), true),
    ],
    new Map([
      ['mtb:format', FORMAT],
      ['mtb:book', meta.bookId],
      ['mtb:minhash', JSON.stringify({ k, shingleSize: meta.shingleSize, scheme: meta.scheme })],
    ]),
  );
}

function bitmap(n: number, isSet: (i: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (isSet(i)) nullBitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap, nullCount };
}

/** The Arrow IPC file bytes (uncompressed, deterministic). */
export function encodeSignatures(b: BookSignatures): Uint8Array {
  const schema = signaturesSchema(b.k, b);
  const n = b.rows;
  const f = (i: number) => schema.fields[i]!.type;
  const kindBytes = new TextEncoder().encode('text' + 'image');
  const kindOffsets = new Int32Array(n + 1);
  const kindData = new Uint8Array(n * 5);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const img = b.kind[i] === KIND_IMAGE;
    const src = img ? kindBytes.subarray(4, 9) : kindBytes.subarray(0, 4);
    kindData.set(src, at);
    at += src.length;
    kindOffsets[i + 1] = at;
  }
  const valid = bitmap(n, (i) => b.valid[i] === 1);
  const imageValid = bitmap(n, (i) => b.valid[i] === 1 && b.kind[i] === KIND_IMAGE);
  const textValid = bitmap(n, (i) => b.valid[i] === 1 && b.kind[i] === KIND_TEXT);
  const u64 = (words: Uint32Array) => new BigUint64Array(words.buffer, words.byteOffset, words.length / 2);
  const children: Data[] = [
    makeData({ type: f(0) as Int32, length: n, nullCount: 0, data: b.seq }),
    makeData({ type: f(1) as Utf8, length: n, nullCount: 0, valueOffsets: kindOffsets, data: kindData.subarray(0, at) }),
    makeData({ type: f(2) as Int32, length: n, nullCount: 0, data: b.words }),
    makeData({ type: f(3) as Uint64, length: n, ...valid, data: u64(b.hash) }),
    makeData({ type: f(4) as Uint64, length: n, ...imageValid, data: u64(b.phash) }),
    makeData({ type: f(5) as Uint64, length: n, ...textValid, data: u64(b.numbers) }),
    makeData({ type: f(6) as Uint8, length: n, nullCount: 0, data: b.foldsDigits }),
    makeData({
      type: f(7) as FixedSizeList<Uint32>, length: n, ...textValid,
      child: makeData({ type: new Uint32(), length: n * b.k, nullCount: 0, data: b.minhash }),
    }),
    makeData({
      type: f(8) as List<Uint32>, length: n, ...textValid, valueOffsets: b.shingleOffsets,
      child: makeData({ type: new Uint32(), length: b.shingles.length, nullCount: 0, data: b.shingles }),
    }),
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  const writer = new RecordBatchFileWriter();
  writer.write(new RecordBatch(schema, struct));
  writer.finish();
  return writer.toUint8Array(true);
}

export function writeSignatures(file: string, b: BookSignatures): void {
  writeFileAtomic(file, encodeSignatures(b));
}

function bad(source: string, why: string): Error {
  return new Error(`${source}: ${why}; rebuild it with \`mtb signatures <corpus>/build/<bookId>\``);
}

/** Copy a typed view of a Data's values honouring its offset. */
function values<T extends Int32Array | Uint32Array | Uint8Array>(d: Data, width: number, ctor: new (n: number) => T): T {
  const raw = d.values as ArrayBufferView;
  // 64-bit columns arrive as BigUint64Array: read them as pairs of uint32 (lo, hi; Arrow is little-endian)
  const v = (raw instanceof BigUint64Array ? new Uint32Array(raw.buffer, raw.byteOffset, raw.length * 2) : raw) as unknown as T;
  const out = new ctor(d.length * width);
  out.set(v.subarray(d.offset * width, (d.offset + d.length) * width) as never);
  return out;
}

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3]! & (1 << (j & 7))) !== 0;
}

export function decodeSignatures(bytes: Uint8Array, source = 'signatures.arrow'): BookSignatures {
  const table = tableFromIPC(bytes);
  const md = table.schema.metadata;
  if (md.get('mtb:format') !== FORMAT) throw bad(source, `not a signatures file (format "${md.get('mtb:format') ?? 'none'}")`);
  const settings = JSON.parse(md.get('mtb:minhash') ?? '{}') as { k: number; shingleSize: number; scheme: string };
  const k = settings.k;
  const n = table.numRows;
  const out: BookSignatures = {
    bookId: md.get('mtb:book') ?? '', k, shingleSize: settings.shingleSize, scheme: settings.scheme, rows: n,
    seq: new Int32Array(n), kind: new Uint8Array(n), valid: new Uint8Array(n), words: new Int32Array(n),
    hash: new Uint32Array(2 * n), phash: new Uint32Array(2 * n), numbers: new Uint32Array(2 * n), foldsDigits: new Uint8Array(n),
    minhash: new Uint32Array(n * k), shingleOffsets: new Int32Array(n + 1), shingles: new Uint32Array(0),
  };
  const shingleParts: Uint32Array[] = [];
  let row = 0;
  let total = 0;
  for (const batch of table.batches) {
    const d = (name: string): Data => {
      const c = batch.getChild(name);
      if (!c) throw bad(source, `column "${name}" missing`);
      return c.data[0]!;
    };
    const m = batch.numRows;
    out.seq.set(values(d('seq'), 1, Int32Array), row);
    out.words.set(values(d('words'), 1, Int32Array), row);
    const hash = d('hash');
    out.hash.set(values(hash, 2, Uint32Array), 2 * row);
    out.phash.set(values(d('phash'), 2, Uint32Array), 2 * row);
    out.numbers.set(values(d('numbers'), 2, Uint32Array), 2 * row);
    out.foldsDigits.set(values(d('folds_digits'), 1, Uint8Array), row);
    const mh = d('minhash');
    const mhChild = mh.children[0]!;
    const mhv = (mhChild.values as Uint32Array).subarray((mhChild.offset + mh.offset * k), (mhChild.offset + (mh.offset + m) * k));
    out.minhash.set(mhv, row * k);
    const kinds = batch.getChild('kind')!;
    const sh = d('shingles');
    const shChild = sh.children[0]!;
    const offs = sh.valueOffsets as Int32Array;
    const shv = shChild.values as Uint32Array;
    for (let i = 0; i < m; i++) {
      const kind = kinds.get(i) as string;
      if (kind !== 'text' && kind !== 'image') throw bad(source, `row ${row + i} has kind "${kind}"`);
      out.kind[row + i] = kind === 'image' ? KIND_IMAGE : KIND_TEXT;
      out.valid[row + i] = isValid(hash, i) ? 1 : 0;
      const s = offs[sh.offset + i]!;
      const e = offs[sh.offset + i + 1]!;
      const part = shv.subarray(shChild.offset + s, shChild.offset + e);
      shingleParts.push(part);
      total += part.length;
      out.shingleOffsets[row + i + 1] = total;
    }
    row += m;
  }
  out.shingles = new Uint32Array(total);
  let o = 0;
  for (const p of shingleParts) {
    out.shingles.set(p, o);
    o += p.length;
  }
  return out;
}

export function readSignatures(file: string): BookSignatures {
  return decodeSignatures(readFileSync(file), file);
}
