import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import { sha256Hex, tempPathFor, writeFileAtomic, writeJsonAtomic } from '@mtb/core';
import { FORMAT_VERSION, SCHEMA_VERSION, type ShardRow } from './schema.js';
import { checkRow, estimateRowBytes, rowsToBatch } from './batch-encode.js';
import { batchMessage, schemaMessage, STREAM_EOS } from './ipc-stream.js';
import { INDEX_FILE, type ShardEntry, type ShardIndex } from './index-file.js';
import { DATASET_INFO_FILE, STATE_FILE, datasetInfoJson, stateJson } from './hf-files.js';

export interface ShardWriterOptions {
  /** Largest shard file in bytes (default 256 MB); only a single row larger than this exceeds it. */
  maxShardBytes?: number;
  /** Most rows per record batch (default 256): readers hold one batch at a time. */
  batchRows?: number;
  /** Most estimated bytes per record batch (default 32 MB, at most half a shard). */
  batchBytes?: number;
  /** Salt of the `_fingerprint` in state.json (e.g. "mtb/train"); the data digest does the rest. */
  fingerprintSeed?: string;
  /** Text of dataset_info.json's `description`. */
  description?: string;
}

export const DEFAULT_MAX_SHARD_BYTES = 256 * 1024 * 1024;
const DEFAULT_BATCH_ROWS = 256;
const DEFAULT_BATCH_BYTES = 32 * 1024 * 1024;
const SHARD_NAME_RE = /^data-\d{5}-of-\d{5}\.arrow$/;
/** tempPathFor() names of shards being written (see openShard). */
const TEMP_SHARD_RE = /^\.tmp-shard-\d{5}\.arrow-/;
/** What a shard folder holds; a folder with anything else is not this writer's alone to replace. */
const OWN_FILES = new Set([INDEX_FILE, STATE_FILE, DATASET_INFO_FILE]);

/** `data-00003-of-00012.arrow`, as `datasets.save_to_disk` names its files. */
export function shardFileName(index: number, count: number): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `data-${pad(index)}-of-${pad(count)}.arrow`;
}

interface OpenShard { tmp: string; fd: number; hash: Hash; bytes: number; rows: number; batches: number }
interface ClosedShard { tmp: string; rows: number; bytes: number; sha256: string }

/**
 * Writes rows into uncompressed Arrow IPC stream shards of bounded size, then
 * index.json, state.json and dataset_info.json. The shard count is only known
 * at the end, so the whole dataset is written into a hidden sibling folder
 * (`.tmp-<name>-<pid>-<hex>`) that close() swaps in with two renames: at any
 * moment, even after SIGKILL, `dir` is the complete old dataset, the complete
 * new one, or absent; never shards that index.json does not list. (A folder
 * that also holds foreign files is updated in place instead, with index.json
 * removed first and written last.) Same rows and options give byte-identical files.
 */
export class ShardWriter {
  readonly dir: string;
  private readonly maxShardBytes: number;
  private readonly batchRows: number;
  private readonly batchBytes: number;
  private readonly fingerprintSeed: string;
  private readonly description: string;
  private pending: ShardRow[] = [];
  private pendingBytes = 0;
  private current: OpenShard | null = null;
  private readonly closedShards: ClosedShard[] = [];
  private state: 'open' | 'closed' | 'aborted' = 'open';
  /** The hidden sibling folder this writer builds the dataset in. */
  private readonly staging: string;

  constructor(dir: string, opts: ShardWriterOptions = {}) {
    this.dir = resolve(dir);
    this.staging = tempPathFor(this.dir);
    this.maxShardBytes = opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
    this.batchRows = Math.max(1, opts.batchRows ?? DEFAULT_BATCH_ROWS);
    this.batchBytes = Math.max(1, Math.min(opts.batchBytes ?? DEFAULT_BATCH_BYTES, Math.floor(this.maxShardBytes / 2)));
    this.fingerprintSeed = opts.fingerprintSeed ?? '';
    this.description = opts.description ?? '';
    if (!(this.maxShardBytes > schemaMessage().byteLength + STREAM_EOS.byteLength)) {
      throw new Error(`maxShardBytes ${this.maxShardBytes} is smaller than an empty shard; use at least a few kilobytes`);
    }
  }

  async write(row: ShardRow): Promise<void> {
    if (this.state !== 'open') throw new Error(`ShardWriter(${this.dir}): write after ${this.state === 'closed' ? 'close' : 'abort'}`);
    checkRow(row);
    this.pending.push(row);
    this.pendingBytes += estimateRowBytes(row);
    if (this.pending.length >= this.batchRows || this.pendingBytes >= this.batchBytes || this.pendingBytes >= this.room()) {
      this.flush();
    }
  }

  /** Finish every shard, rename them into place, write the three JSON files; returns the index. */
  async close(): Promise<ShardIndex> {
    if (this.state !== 'open') throw new Error(`ShardWriter(${this.dir}): close after ${this.state === 'closed' ? 'close' : 'abort'}`);
    try {
      this.flush();
      // A split with no rows is still a dataset: one shard holding only the schema.
      if (!this.current && this.closedShards.length === 0) this.openShard();
      if (this.current) this.closeShard();
      const index = this.publish();
      this.state = 'closed';
      return index;
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Drop the temp files; the folder keeps what it held before this writer. */
  abort(): void {
    if (this.state === 'open') this.state = 'aborted';
    if (this.current) {
      closeSync(this.current.fd);
      rmSync(this.current.tmp, { force: true });
      this.current = null;
    }
    for (const shard of this.closedShards) rmSync(shard.tmp, { force: true });
    this.closedShards.length = 0;
    rmSync(this.staging, { recursive: true, force: true });
  }

  /** Bytes a batch may still take in the shard being written (or a fresh one). */
  private room(): number {
    const used = this.current ? this.current.bytes : schemaMessage().byteLength;
    return this.maxShardBytes - used - STREAM_EOS.byteLength;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writeRows(rows);
  }

  private writeRows(rows: ShardRow[]): void {
    const message = batchMessage(rowsToBatch(rows));
    if (this.current && this.current.batches > 0 && message.byteLength > this.room()) this.closeShard();
    if (message.byteLength > this.room() && rows.length > 1) {
      // The estimate undershot: halve until each part fits (a single row larger
      // than a whole shard is written alone, the one case above maxShardBytes).
      const half = rows.length >> 1;
      this.writeRows(rows.slice(0, half));
      this.writeRows(rows.slice(half));
      return;
    }
    if (!this.current) this.openShard();
    this.append(message);
    this.current!.rows += rows.length;
    this.current!.batches++;
  }

  private openShard(): void {
    mkdirSync(this.staging, { recursive: true });
    const tmp = tempPathFor(join(this.staging, `shard-${String(this.closedShards.length).padStart(5, '0')}.arrow`));
    this.current = { tmp, fd: openSync(tmp, 'w'), hash: createHash('sha256'), bytes: 0, rows: 0, batches: 0 };
    this.append(schemaMessage());
  }

  private append(bytes: Uint8Array): void {
    const shard = this.current!;
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(shard.fd, bytes, off, bytes.byteLength - off);
    shard.hash.update(bytes);
    shard.bytes += bytes.byteLength;
  }

  private closeShard(): void {
    this.append(STREAM_EOS);
    const shard = this.current!;
    fsyncSync(shard.fd);
    closeSync(shard.fd);
    this.closedShards.push({ tmp: shard.tmp, rows: shard.rows, bytes: shard.bytes, sha256: shard.hash.digest('hex') });
    this.current = null;
  }

  private publish(): ShardIndex {
    const count = this.closedShards.length;
    const entries: ShardEntry[] = this.closedShards.map((s, i) => ({ file: shardFileName(i, count), rows: s.rows, bytes: s.bytes, sha256: s.sha256 }));
    for (let i = 0; i < count; i++) renameSync(this.closedShards[i]!.tmp, join(this.staging, entries[i]!.file));
    this.closedShards.length = 0;
    const fingerprint = sha256Hex([this.fingerprintSeed, ...entries.map((e) => e.sha256)].join('\n')).slice(0, 16);
    writeFileAtomic(join(this.staging, DATASET_INFO_FILE), datasetInfoJson(this.description));
    writeFileAtomic(join(this.staging, STATE_FILE), stateJson(entries.map((e) => e.file), fingerprint));
    const index: ShardIndex = {
      formatVersion: FORMAT_VERSION,
      schemaVersion: SCHEMA_VERSION,
      totalRows: entries.reduce((n, e) => n + e.rows, 0),
      shards: entries,
    };
    writeJsonAtomic(join(this.staging, INDEX_FILE), index);
    this.removeLeftovers();
    if (!existsSync(this.dir)) {
      renameSync(this.staging, this.dir);
    } else if (readdirSync(this.dir).every((f) => SHARD_NAME_RE.test(f) || OWN_FILES.has(f) || f.startsWith('.tmp-'))) {
      // Two renames: a crash between them leaves no folder (rebuilt by the rerun), never a mixed one.
      const old = tempPathFor(this.dir);
      renameSync(this.dir, old);
      renameSync(this.staging, this.dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      this.publishInPlace(entries);
    }
    return index;
  }

  /** Staging and replaced folders of killed runs of a writer on the same folder. */
  private removeLeftovers(): void {
    const parent = dirname(this.dir);
    const base = basename(this.dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const leftover = new RegExp(`^\\.tmp-${base}-\\d+-[0-9a-f]{8}$`);
    for (const f of readdirSync(parent)) {
      if (leftover.test(f) && join(parent, f) !== this.staging) rmSync(join(parent, f), { recursive: true, force: true });
    }
  }

  /**
   * For a folder that holds files of others: index.json goes first (a reader
   * then refuses the folder as incomplete) and comes back last, so a listed
   * shard is always the one index.json describes.
   */
  private publishInPlace(entries: ShardEntry[]): void {
    rmSync(join(this.dir, INDEX_FILE), { force: true });
    for (const e of entries) renameSync(join(this.staging, e.file), join(this.dir, e.file));
    const keep = new Set(entries.map((e) => e.file));
    for (const f of readdirSync(this.dir)) {
      if ((SHARD_NAME_RE.test(f) && !keep.has(f)) || TEMP_SHARD_RE.test(f)) rmSync(join(this.dir, f), { force: true });
    }
    for (const f of [DATASET_INFO_FILE, STATE_FILE, INDEX_FILE]) renameSync(join(this.staging, f), join(this.dir, f));
    rmSync(this.staging, { recursive: true, force: true });
  }
}
