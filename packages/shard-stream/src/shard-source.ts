import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readIndex, readShardRows, verifyShard, type ShardRow } from '@mtb/shards';
import type { RawSample } from './batch.js';
import type { SampleSource } from './source-feed.js';

type ShardIndex = ReturnType<typeof readIndex>;
type ShardEntry = ShardIndex['shards'][number];

interface Cursor {
  rows: AsyncGenerator<ShardRow>;
  next: number;
}


/**
 * One shard folder (index.json + data-*.arrow), read row by row in the order the
 * loader asks. Every shard's sha256 is checked against index.json before any of
 * its rows is read; a missing or resized file is refused when the folder is opened. Reads
 * continue an open sequential reader while the requested rows move forward,
 * which they do inside a block, so a shard is normally read once per epoch.
 */
export class ShardSource implements SampleSource {
  readonly dir: string;
  readonly index: ShardIndex;
  readonly shardSizes: number[];
  /** Identifies the data (shard hashes and row counts): a resume state must match it. */
  readonly digest: string;
  private readonly verified = new Set<number>();
  private readonly cursors = new Map<number, Cursor>();

  /**
   * maxOpenShards: sequential readers kept open; a block touches about two shards
   * per interleave lane, and a reader closed too early is reopened from the start.
   */
  constructor(dir: string, private readonly maxOpenShards = 4) {
    this.dir = resolve(dir);
    // readIndex's errors already name the file and what to do.
    this.index = readIndex(this.dir);
    for (const entry of this.index.shards) {
      const file = join(this.dir, entry.file);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new Error(`shard ${file} is missing (listed in ${join(this.dir, 'index.json')}); restore it or rebuild the shards`);
      }
      if (size !== entry.bytes) {
        throw new Error(`shard ${file} has ${size} bytes but index.json says ${entry.bytes}: the file is truncated or was replaced; rebuild the shards`);
      }
    }
    this.shardSizes = this.index.shards.map((s) => s.rows);
    const h = createHash('sha256');
    for (const s of this.index.shards) h.update(`${s.file}\0${s.rows}\0${s.sha256}\n`);
    this.digest = h.digest('hex').slice(0, 16);
  }

  shardFile(shard: number): string {
    return join(this.dir, this.entry(shard).file);
  }

  private entry(shard: number): ShardEntry {
    const e = this.index.shards[shard];
    if (!e) throw new RangeError(`shard ${shard} out of range in ${this.dir}`);
    return e;
  }

  /**
   * sha256 against index.json, once per shard per loader. verifyShard hashes the
   * file as a stream, so a 256 MB shard does not block the thread that also runs
   * the training loop for the whole hash.
   */
  async verify(shard: number): Promise<void> {
    if (this.verified.has(shard)) return;
    await verifyShard(this.dir, this.entry(shard));
    this.verified.add(shard);
  }

  /**
   * The given rows of one shard (ascending), as loader samples named `sourceName`.
   * Image bytes and ids are copied out of the Arrow batches, so holding a sample
   * does not keep its whole record batch alive and its buffers can be transferred.
   */
  async readRows(shard: number, rows: readonly number[], sourceName: string): Promise<Map<number, RawSample>> {
    await this.verify(shard);
    const out = new Map<number, RawSample>();
    if (rows.length === 0) return out;
    let cursor = this.cursors.get(shard);
    if (!cursor || cursor.next > rows[0]!) {
      if (cursor) await cursor.rows.return(undefined);
      cursor = { rows: readShardRows(this.shardFile(shard)), next: 0 };
    }
    this.cursors.delete(shard);
    this.cursors.set(shard, cursor); // most recently used last
    let i = 0;
    while (i < rows.length) {
      const step = await cursor.rows.next();
      if (step.done) {
        throw new Error(`shard ${this.shardFile(shard)} ended at row ${cursor.next} but index.json says ${this.entry(shard).rows} rows; rebuild the shards`);
      }
      const rowIndex = cursor.next++;
      if (rowIndex !== rows[i]) continue;
      out.set(rowIndex, toRawSample(step.value, sourceName));
      while (i < rows.length && rows[i] === rowIndex) i++;
    }
    await this.trimCursors();
    return out;
  }

  private async trimCursors(): Promise<void> {
    while (this.cursors.size > this.maxOpenShards) {
      const [oldest, cursor] = this.cursors.entries().next().value as [number, Cursor];
      this.cursors.delete(oldest);
      await cursor.rows.return(undefined);
    }
  }

  /** The `source` column of the first row ('mtb', 'pmc-oa'), after that shard is verified. */
  async label(): Promise<string> {
    const shard = this.shardSizes.findIndex((n) => n > 0);
    if (shard < 0) throw new Error(`${this.dir}: the shard folder has no rows`);
    await this.verify(shard);
    const rows = readShardRows(this.shardFile(shard));
    try {
      const first = await rows.next();
      if (first.done || !first.value.source) throw new Error(`shard ${this.shardFile(shard)}: first row has no source`);
      return first.value.source;
    } finally {
      await rows.return(undefined);
    }
  }

  async close(): Promise<void> {
    for (const cursor of this.cursors.values()) await cursor.rows.return(undefined);
    this.cursors.clear();
  }
}

function toRawSample(row: ShardRow, sourceName: string): RawSample {
  return {
    id: row.id,
    source: sourceName,
    inputIds: Int32Array.from(row.input_ids ?? []),
    // Every column is nullable in the shard schema. A null image keeps its place
    // (empty bytes fail to decode and become a masked slot), so later images stay
    // aligned with their <image> tokens.
    images: (row.images ?? []).map((img) => new Uint8Array(img?.bytes ?? new Uint8Array(0))),
  };
}
