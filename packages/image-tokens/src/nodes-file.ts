import { readFileSync } from 'node:fs';
import {
  makeData, RecordBatch, RecordBatchFileWriter, Struct, tableFromIPC,
  type Data, type Int32, type Binary, type Bool, type Utf8,
} from 'apache-arrow';
import { writeFileAtomic } from '@mtb/core';
import { NODES_SCHEMA, NODE_ROLES, type NodeKind, type NodeRole, type NodeRow } from './schema.js';

/** Bounds a record batch: Binary offsets are Int32, and readers hold one batch at a time. */
const MAX_BATCH_ROWS = 8192;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

const utf8 = new TextEncoder();

function validity(nulls: boolean[]): { nullBitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(nulls.length / 8));
  let nullCount = 0;
  nulls.forEach((isNull, i) => {
    if (isNull) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: bitmap, nullCount };
}

function int32Column(values: number[]): Data<Int32> {
  return makeData({ type: NODES_SCHEMA.fields[0]!.type as Int32, length: values.length, nullCount: 0, data: Int32Array.from(values) });
}

function boolColumn(values: boolean[]): Data<Bool> {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v) bits[i >> 3]! |= 1 << (i & 7); });
  return makeData({ type: field<Bool>(12), length: values.length, nullCount: 0, data: bits });
}

function bytesColumn<T extends Utf8 | Binary>(type: T, values: Array<Uint8Array | null>): Data<T> {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    total += v?.byteLength ?? 0;
    offsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  values.forEach((v, i) => { if (v) data.set(v, offsets[i]!); });
  const { nullBitmap, nullCount } = validity(values.map((v) => v === null));
  return makeData({ type, length: values.length, nullCount, nullBitmap: nullCount ? nullBitmap : undefined, valueOffsets: offsets, data } as never) as unknown as Data<T>;
}

function field<T>(i: number): T {
  return NODES_SCHEMA.fields[i]!.type as T;
}

function toBatch(rows: readonly NodeRow[]): RecordBatch {
  const text = (get: (r: NodeRow) => string | null) => rows.map((r) => { const v = get(r); return v === null ? null : utf8.encode(v); });
  const children = [
    int32Column(rows.map((r) => r.seq)),
    int32Column(rows.map((r) => r.page)),
    bytesColumn(field<Utf8>(2), text((r) => r.kind)),
    bytesColumn(field<Utf8>(3), text((r) => r.role)),
    bytesColumn(field<Utf8>(4), text((r) => r.text)),
    bytesColumn(field<Utf8>(5), text((r) => r.image_path)),
    int32Column(rows.map((r) => r.width)),
    int32Column(rows.map((r) => r.height)),
    bytesColumn(field<Binary>(8), rows.map((r) => r.image_bytes)),
    int32Column(rows.map((r) => r.num_tokens)),
    int32Column(rows.map((r) => r.level)),
    int32Column(rows.map((r) => r.figure)),
    boolColumn(rows.map((r) => r.ocr)),
  ];
  const struct = makeData({ type: new Struct(NODES_SCHEMA.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(NODES_SCHEMA, struct);
}

function batchesOf(rows: readonly NodeRow[]): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = (rows[i]!.image_bytes?.byteLength ?? 0) + rows[i]!.text.length * 3;
    if (i > start && (i - start >= MAX_BATCH_ROWS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(toBatch(rows.slice(start, i)));
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  // An empty book still gets one (empty) batch, so the file carries its schema.
  if (start < rows.length || batches.length === 0) batches.push(toBatch(rows.slice(start)));
  return batches;
}

/** nodes.arrow bytes: an uncompressed Arrow IPC file, byte-identical for identical rows. */
export function encodeNodes(rows: readonly NodeRow[]): Uint8Array {
  const writer = new RecordBatchFileWriter();
  for (const batch of batchesOf(rows)) writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/** Write nodes.arrow (or kept.arrow) atomically. */
export function writeNodes(file: string, rows: readonly NodeRow[]): void {
  writeFileAtomic(file, encodeNodes(rows));
}

function checkSchema(names: string[], source: string): void {
  const expected = NODES_SCHEMA.fields.map((f) => f.name);
  if (names.join(',') !== expected.join(',')) {
    throw new Error(`${source}: not a nodes file (columns ${names.join(', ')}; expected ${expected.join(', ')}); rebuild it with \`mtb tokens\``);
  }
}

/** Rows of an Arrow IPC nodes file, in file order. Image bytes are views into the file's buffer. */
export function decodeNodes(bytes: Uint8Array, source = 'nodes.arrow'): NodeRow[] {
  const table = tableFromIPC(bytes);
  checkSchema(table.schema.fields.map((f) => f.name), source);
  const rows: NodeRow[] = [];
  for (const batch of table.batches) {
    const col = (name: string) => batch.getChild(name)!;
    const [seq, page, kind, role, text, path, width, height, img, tokens, level, figure, ocr] =
      ['seq', 'page', 'kind', 'role', 'text', 'image_path', 'width', 'height', 'image_bytes', 'num_tokens', 'level', 'figure', 'ocr'].map(col);
    for (let i = 0; i < batch.numRows; i++) {
      const k = kind!.get(i) as string;
      const r = role!.get(i) as string;
      if ((k !== 'text' && k !== 'image') || !NODE_ROLES.includes(r as NodeRole)) {
        throw new Error(`${source}: row ${rows.length} has kind "${k}" / role "${r}", which no nodes file holds; rebuild it with \`mtb tokens\``);
      }
      rows.push({
        seq: seq!.get(i) as number,
        page: page!.get(i) as number,
        kind: k as NodeKind,
        role: r as NodeRole,
        text: (text!.get(i) as string | null) ?? '',
        image_path: (path!.get(i) as string | null) ?? null,
        width: width!.get(i) as number,
        height: height!.get(i) as number,
        image_bytes: (img!.get(i) as Uint8Array | null) ?? null,
        num_tokens: tokens!.get(i) as number,
        level: (level!.get(i) as number | null) ?? 0,
        figure: (figure!.get(i) as number | null) ?? 0,
        ocr: (ocr!.get(i) as boolean | null) ?? false,
      });
    }
  }
  return rows;
}

export function readNodes(file: string): NodeRow[] {
  return decodeNodes(readFileSync(file), file);
}
