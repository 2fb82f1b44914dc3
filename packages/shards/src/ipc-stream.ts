import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import { rowsToBatch } from './batch-encode.js';

/** The stream's end marker: continuation token then a zero length. */
export const STREAM_EOS = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

/**
 * A whole one-batch stream from apache-arrow's own writer, uncompressed (the
 * 21.x writers can body-compress, which pyarrow rejects; image bytes are
 * already compressed anyway).
 */
function oneBatchStream(batch: RecordBatch): Uint8Array {
  const writer = new RecordBatchStreamWriter({ compressionType: null });
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/** Length of the schema message that opens a stream: continuation, int32 length, metadata. */
function schemaMessageLength(stream: Uint8Array): number {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  if (view.getUint32(0, true) !== 0xffffffff) throw new Error('apache-arrow wrote a stream without a continuation token');
  return 8 + view.getInt32(4, true);
}

let schemaBytes: Uint8Array | undefined;

/** The schema message every shard file starts with (identical for every file). */
export function schemaMessage(): Uint8Array {
  if (!schemaBytes) {
    const stream = oneBatchStream(rowsToBatch([]));
    schemaBytes = stream.slice(0, schemaMessageLength(stream));
  }
  return schemaBytes;
}

/**
 * The IPC message (metadata and body) of one record batch, cut out of a
 * one-batch stream. A shard file is then schemaMessage() + batch messages +
 * STREAM_EOS: exactly the bytes one long-lived writer would produce, but
 * written to disk batch by batch, with no async sink holding the shard.
 */
export function batchMessage(batch: RecordBatch): Uint8Array {
  const stream = oneBatchStream(batch);
  const start = schemaMessageLength(stream);
  // Every batch must carry SHARD_SCHEMA exactly (names, types, nullability,
  // metadata), or the shard would mix schemas under one header.
  if (!equalBytes(stream.subarray(0, start), schemaMessage())) {
    throw new Error(`record batch schema differs from SHARD_SCHEMA (${batch.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')})`);
  }
  const end = stream.byteLength - STREAM_EOS.byteLength;
  return stream.subarray(start, end);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
