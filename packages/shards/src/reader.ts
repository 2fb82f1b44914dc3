import { closeSync, openSync, readSync } from 'node:fs';
import { RecordBatchReader } from 'apache-arrow';
import type { ShardRow } from './schema.js';
import { batchToRows, checkShardSchema } from './batch-decode.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The file's bytes as a lazy sequence of chunks (the reader pulls only what a batch needs). */
function* fileChunks(file: string, fd: number): Generator<Uint8Array> {
  let position = 0;
  for (;;) {
    const chunk = new Uint8Array(CHUNK_BYTES);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
    } catch (err) {
      throw new Error(`${file}: read failed at byte ${position} (${(err as Error).message})`);
    }
    if (n === 0) return;
    position += n;
    yield n === CHUNK_BYTES ? chunk : chunk.subarray(0, n);
  }
}

/**
 * The rows of one shard file (Arrow IPC stream), one record batch at a time:
 * memory holds a batch, never the shard. Stopping early closes the file.
 */
export async function* readShardBatches(file: string): AsyncGenerator<ShardRow[]> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new Error(`${file}: cannot open the shard (${(err as Error).message}); rebuild the shards or fix the path`);
  }
  try {
    let reader: RecordBatchReader;
    try {
      reader = RecordBatchReader.from(fileChunks(file, fd));
      reader.open();
    } catch (err) {
      throw new Error(`${file}: not an Arrow IPC stream (${(err as Error).message}); rebuild the shards`);
    }
    checkShardSchema(reader.schema, file);
    for (const batch of reader) yield batchToRows(batch);
  } finally {
    closeSync(fd);
  }
}

/** The rows of one shard file, lazily, in file order. */
export async function* readShardRows(file: string): AsyncGenerator<ShardRow> {
  for await (const rows of readShardBatches(file)) yield* rows;
}
