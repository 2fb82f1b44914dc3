import { makeData, RecordBatch, Struct, type Data, type Binary, type Int32, type List, type Utf8 } from 'apache-arrow';
import { SHARD_SCHEMA, IMAGES_TYPE, IMAGE_STRUCT, INT32_LIST_TYPE, SHARD_SOURCES, type ShardRow } from './schema.js';

const utf8 = new TextEncoder();
const ROW_STRUCT = new Struct(SHARD_SCHEMA.fields);
const fieldType = <T>(name: string): T => SHARD_SCHEMA.fields.find((f) => f.name === name)!.type as T;
const UTF8 = fieldType<Utf8>('id');
const INT32 = fieldType<Int32>('num_tokens');
const BINARY = IMAGE_STRUCT.children[0]!.type as Binary;

/** Bytes a row adds to a batch body, close enough to bound batches and shards before encoding. */
export function estimateRowBytes(row: ShardRow): number {
  let bytes = 64 + row.id.length * 3 + row.book_id.length * 3 + row.source.length + row.text.length * 3;
  for (const image of row.images) bytes += image.bytes.byteLength + image.path.length * 3 + 8;
  return bytes + row.input_ids.length * 4 + row.pages.length * 4;
}

/** Refuse rows that would make a shard other readers misread; names the row. */
export function checkRow(row: ShardRow): void {
  const fail = (what: string): never => {
    throw new Error(`shard row "${row.id}": ${what}`);
  };
  if (typeof row.id !== 'string' || row.id === '') fail('empty id');
  if (!SHARD_SOURCES.includes(row.source)) fail(`source "${row.source}" is not one of ${SHARD_SOURCES.join(', ')}`);
  if (!(row.input_ids instanceof Int32Array)) fail('input_ids must be an Int32Array');
  if (row.num_tokens !== row.input_ids.length) fail(`num_tokens ${row.num_tokens} != input_ids length ${row.input_ids.length}`);
  if (row.num_images !== row.images.length) fail(`num_images ${row.num_images} != ${row.images.length} images`);
}

function utf8Column(values: readonly string[]): Data<Utf8> {
  const encoded = values.map((v) => utf8.encode(v));
  return varBinary(UTF8, encoded);
}

function varBinary<T extends Utf8 | Binary>(type: T, values: readonly Uint8Array[]): Data<T> {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    total += values[i]!.byteLength;
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < values.length; i++) data.set(values[i]!, offsets[i]!);
  return makeData({ type, length: values.length, nullCount: 0, valueOffsets: offsets, data } as never) as unknown as Data<T>;
}

function int32Column(values: ArrayLike<number>): Data<Int32> {
  return makeData({ type: INT32, length: values.length, nullCount: 0, data: Int32Array.from(values) });
}

function int32ListColumn(lists: ReadonlyArray<ArrayLike<number>>): Data<List<Int32>> {
  const offsets = new Int32Array(lists.length + 1);
  let total = 0;
  for (let i = 0; i < lists.length; i++) {
    total += lists[i]!.length;
    offsets[i + 1] = total;
  }
  const values = new Int32Array(total);
  for (let i = 0; i < lists.length; i++) values.set(lists[i]!, offsets[i]!);
  const child = makeData({ type: INT32, length: total, nullCount: 0, data: values });
  return makeData({ type: INT32_LIST_TYPE, length: lists.length, nullCount: 0, valueOffsets: offsets, child });
}

function imagesColumn(rows: readonly ShardRow[]): Data<typeof IMAGES_TYPE> {
  const offsets = new Int32Array(rows.length + 1);
  const bytes: Uint8Array[] = [];
  const paths: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (const image of rows[i]!.images) {
      bytes.push(image.bytes);
      paths.push(image.path);
    }
    offsets[i + 1] = bytes.length;
  }
  const struct = makeData({
    type: IMAGE_STRUCT, length: bytes.length, nullCount: 0,
    children: [varBinary(BINARY, bytes), varBinary(UTF8, paths.map((p) => utf8.encode(p)))],
  });
  return makeData({ type: IMAGES_TYPE, length: rows.length, nullCount: 0, valueOffsets: offsets, child: struct });
}

/**
 * One record batch of SHARD_SCHEMA, built straight from typed arrays with
 * makeData (builders are several times slower for List<Int32>).
 */
export function rowsToBatch(rows: readonly ShardRow[]): RecordBatch {
  const children = [
    utf8Column(rows.map((r) => r.id)),
    utf8Column(rows.map((r) => r.source)),
    utf8Column(rows.map((r) => r.book_id)),
    utf8Column(rows.map((r) => r.text)),
    imagesColumn(rows),
    int32ListColumn(rows.map((r) => r.input_ids)),
    int32Column(rows.map((r) => r.num_tokens)),
    int32Column(rows.map((r) => r.num_images)),
    int32ListColumn(rows.map((r) => r.pages)),
  ];
  const data = makeData({ type: ROW_STRUCT, length: rows.length, nullCount: 0, children: children as Data[] });
  return new RecordBatch(SHARD_SCHEMA, data);
}
