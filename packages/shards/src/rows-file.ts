import { readFileSync } from 'node:fs';
import { RecordBatchFileWriter, tableFromIPC } from 'apache-arrow';
import { writeFileAtomic } from '@mtb/core';
import type { ShardRow } from './schema.js';
import { estimateRowBytes, checkRow, rowsToBatch } from './batch-encode.js';
import { batchToRows, checkShardSchema } from './batch-decode.js';

const MAX_BATCH_ROWS = 256;
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

/** Consecutive runs of rows within the batch bounds (Binary offsets are Int32). */
function* batchRuns(rows: readonly ShardRow[]): Generator<readonly ShardRow[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = estimateRowBytes(rows[i]!);
    if (i > start && (i - start >= MAX_BATCH_ROWS || bytes + size > MAX_BATCH_BYTES)) {
      yield rows.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  yield rows.slice(start);
}

/** Bytes of an uncompressed Arrow IPC file of shard rows; identical rows give identical bytes. */
export function encodeRowsFile(rows: readonly ShardRow[]): Uint8Array {
  for (const row of rows) checkRow(row);
  const writer = new RecordBatchFileWriter({ compressionType: null });
  // An empty run still writes one empty batch, so an empty file carries its schema.
  for (const run of batchRuns(rows)) writer.write(rowsToBatch(run));
  writer.finish();
  return writer.toUint8Array(true);
}

/** One Arrow IPC file of rows (a book's segments.arrow), written atomically. */
export function writeRowsFile(file: string, rows: readonly ShardRow[]): void {
  writeFileAtomic(file, encodeRowsFile(rows));
}

export function decodeRowsFile(bytes: Uint8Array, source = 'rows file'): ShardRow[] {
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new Error(`${source}: not an Arrow IPC file (${(err as Error).message}); rebuild it`);
  }
  checkShardSchema(table.schema, source);
  return table.batches.flatMap((b) => batchToRows(b));
}

export function readRowsFile(file: string): ShardRow[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as Error).message}); rebuild it with the stage that writes it`);
  }
  return decodeRowsFile(bytes, file);
}
