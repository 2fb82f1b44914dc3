import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tempPathFor, writeJsonAtomic } from '@mtb/core';
import {
  buildSafetensorsHeader,
  bytesPerElement,
  dataToWrite,
  decodeTensor,
  dtypeToWrite,
  parseSafetensorsHeader,
  readSafetensorsHeader,
  safetensorsHeaderLength,
  SafetensorsError,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type TensorInfo,
  type TensorToWrite,
} from './safetensors.js';

/**
 * Safetensors on disk at any size: a file is opened by its header and each
 * tensor read by its byte range (never the whole file in memory: Node's
 * readFileSync stops at 2 GiB and typed arrays at 4 GiB, an fp32 LLaMA-7B is
 * 27 GB); HuggingFace sharded checkpoints (`<name>.safetensors.index.json`
 * with its `weight_map`) are read and written; writes stream one tensor at a
 * time to a temp file that is renamed into place.
 */

/** Where named tensors come from: one file, a sharded checkpoint, or bytes in memory. */
export interface TensorSource {
  /** The file (or index file) for messages. */
  readonly path: string;
  readonly metadata: Record<string, string>;
  names(): string[];
  info(name: string): { dtype: SafetensorsDtype; shape: number[] } | undefined;
  /** The tensor's values (F16/BF16 widened to float32); throws for an unknown name. */
  read(name: string): SafetensorsEntry;
  close(): void;
}

/** Largest single read or write call (Node's limit is 2 GiB - 1). */
const IO_CHUNK = 1 << 30;

function readFully(fd: number, into: Uint8Array, position: number, what: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(IO_CHUNK, into.length - done), position + done);
    if (n === 0) throw new SafetensorsError(`${what}: file ended after ${done} of ${into.length} bytes (truncated?)`);
    done += n;
  }
}

function writeFully(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, Math.min(IO_CHUNK, data.length - done));
}

/** One .safetensors file, read tensor by tensor through an open file descriptor. */
export class SafetensorsFile implements TensorSource {
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    readonly size: number,
    private readonly header: { tensors: Map<string, TensorInfo>; metadata: Record<string, string>; dataStart: number },
  ) {
    this.fd = fd;
  }

  static open(path: string): SafetensorsFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw new SafetensorsError(`${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      const size = fstatSync(fd).size;
      const prefix = new Uint8Array(8);
      if (size >= 8) readFully(fd, prefix, 0, path);
      const headerLen = safetensorsHeaderLength(prefix, size);
      const json = new Uint8Array(headerLen);
      readFully(fd, json, 8, path);
      const header = parseSafetensorsHeader(json, size - 8 - headerLen);
      return new SafetensorsFile(path, fd, size, header);
    } catch (err) {
      closeSync(fd);
      if (err instanceof SafetensorsError) throw new SafetensorsError(`${path}: ${err.message}`);
      throw err;
    }
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  names(): string[] {
    return [...this.header.tensors.keys()];
  }

  info(name: string): { dtype: SafetensorsDtype; shape: number[] } | undefined {
    const t = this.header.tensors.get(name);
    return t && { dtype: t.dtype, shape: t.shape };
  }

  /** Offset and length of a tensor's bytes in the file (for tools that copy raw data). */
  range(name: string): { offset: number; bytes: number } {
    const t = this.header.tensors.get(name);
    if (!t) throw new SafetensorsError(`${this.path}: no tensor "${name}"`);
    return { offset: this.header.dataStart + t.begin, bytes: t.end - t.begin };
  }

  read(name: string): SafetensorsEntry {
    if (this.fd === null) throw new SafetensorsError(`${this.path}: read of "${name}" after close`);
    const t = this.header.tensors.get(name);
    if (!t) throw new SafetensorsError(`${this.path}: no tensor "${name}"`);
    const buf = new ArrayBuffer(t.end - t.begin);
    readFully(this.fd, new Uint8Array(buf), this.header.dataStart + t.begin, `${this.path}, tensor "${name}"`);
    return { dtype: t.dtype, shape: t.shape, data: decodeTensor(t.dtype, buf) };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A whole file already in memory (small files, tests). */
export function bytesSource(bytes: Uint8Array, path = '(in memory)'): TensorSource {
  const { tensors, metadata, dataStart } = readSafetensorsHeader(bytes);
  return {
    path,
    metadata,
    names: () => [...tensors.keys()],
    info: (name) => {
      const t = tensors.get(name);
      return t && { dtype: t.dtype, shape: t.shape };
    },
    read: (name) => {
      const t = tensors.get(name);
      if (!t) throw new SafetensorsError(`${path}: no tensor "${name}"`);
      // Copy: the tensor may sit at an offset no typed array can view (alignment).
      const buf = Uint8Array.prototype.slice.call(bytes, dataStart + t.begin, dataStart + t.end).buffer as ArrayBuffer;
      return { dtype: t.dtype, shape: t.shape, data: decodeTensor(t.dtype, buf) };
    },
    close: () => {},
  };
}

/** HuggingFace's `model.safetensors.index.json`. */
export interface ShardIndex {
  metadata: Record<string, unknown> & { total_size?: number };
  weight_map: Record<string, string>;
}

export const INDEX_SUFFIX = '.safetensors.index.json';

/** A sharded checkpoint: the index names which shard file holds each tensor. */
export class ShardedSafetensors implements TensorSource {
  readonly metadata: Record<string, string>;

  private constructor(
    readonly path: string,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly where: Map<string, SafetensorsFile>,
    index: ShardIndex,
  ) {
    const first = files.values().next().value as SafetensorsFile | undefined;
    const fromIndex = Object.fromEntries(Object.entries(index.metadata ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    this.metadata = { ...(first?.metadata ?? {}), ...fromIndex };
  }

  static open(indexPath: string): ShardedSafetensors {
    let index: ShardIndex;
    try {
      index = JSON.parse(readFileSync(indexPath, 'utf8')) as ShardIndex;
    } catch (err) {
      throw new SafetensorsError(`${indexPath}: not a readable safetensors index (${(err as Error).message})`);
    }
    if (typeof index !== 'object' || index === null || typeof index.weight_map !== 'object' || index.weight_map === null) {
      throw new SafetensorsError(`${indexPath}: no "weight_map" object (expected HuggingFace's {"metadata": {...}, "weight_map": {tensor: file}})`);
    }
    const dir = dirname(indexPath);
    const files = new Map<string, SafetensorsFile>();
    const where = new Map<string, SafetensorsFile>();
    try {
      for (const [name, file] of Object.entries(index.weight_map)) {
        // A shard name is a file beside the index, never a path out of its folder.
        if (typeof file !== 'string' || file !== basename(file) || file === '..' || file === '.') {
          throw new SafetensorsError(`${indexPath}: tensor "${name}" maps to ${JSON.stringify(file)}, not a file name beside the index`);
        }
        let f = files.get(file);
        if (!f) {
          const p = join(dir, file);
          if (!existsSync(p)) throw new SafetensorsError(`${indexPath}: shard ${file} (holding "${name}") is missing`);
          f = SafetensorsFile.open(p);
          files.set(file, f);
        }
        if (!f.info(name)) throw new SafetensorsError(`${indexPath}: the index puts "${name}" in ${file}, which does not hold it`);
        where.set(name, f);
      }
    } catch (err) {
      for (const f of files.values()) f.close();
      throw err;
    }
    return new ShardedSafetensors(indexPath, files, where, index);
  }

  names(): string[] {
    return [...this.where.keys()];
  }

  info(name: string): { dtype: SafetensorsDtype; shape: number[] } | undefined {
    return this.where.get(name)?.info(name);
  }

  read(name: string): SafetensorsEntry {
    const f = this.where.get(name);
    if (!f) throw new SafetensorsError(`${this.path}: no tensor "${name}" in the index`);
    return f.read(name);
  }

  /** The shard files, in index order. */
  shardPaths(): string[] {
    return [...this.files.values()].map((f) => f.path);
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }
}

/**
 * Opens weights given as a `.safetensors` file, a `.safetensors.index.json`
 * (sharded), or a folder holding exactly one index or one safetensors file.
 */
export function openSafetensors(path: string): TensorSource {
  if (!existsSync(path)) throw new SafetensorsError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const entries = readdirSync(path);
    const indexes = entries.filter((f) => f.endsWith(INDEX_SUFFIX));
    if (indexes.length === 1) return ShardedSafetensors.open(join(path, indexes[0]!));
    if (indexes.length > 1) throw new SafetensorsError(`${path}: several indexes (${indexes.join(', ')}); pass the one to load`);
    const files = entries.filter((f) => f.endsWith('.safetensors') && !f.startsWith('.tmp-'));
    if (files.length === 1) return SafetensorsFile.open(join(path, files[0]!));
    throw new SafetensorsError(`${path}: ${files.length ? `several .safetensors files (${files.join(', ')}) and no index; pass the files` : 'no .safetensors file or index here'}`);
  }
  return path.endsWith('.index.json') ? ShardedSafetensors.open(path) : SafetensorsFile.open(path);
}

/** The file a single-file checkpoint named `base` is written to, and the index of a sharded one. */
export function checkpointPaths(dir: string, base: string): { single: string; index: string } {
  return { single: join(dir, `${base}.safetensors`), index: join(dir, `${base}${INDEX_SUFFIX}`) };
}

/** `<dir>/<base>.safetensors.index.json` when present, else `<dir>/<base>.safetensors`; null when neither exists. */
export function findCheckpointFile(dir: string, base: string): string | null {
  const { single, index } = checkpointPaths(dir, base);
  if (existsSync(index)) return index;
  if (existsSync(single)) return single;
  return null;
}

function byteSize(name: string, t: TensorToWrite): number {
  return t.shape.reduce((a, b) => a * b, 1) * bytesPerElement(dtypeToWrite(name, t));
}

/**
 * Streams one safetensors file to disk: header, then each tensor's bytes in
 * name order (a lazy tensor is produced only when written), into a temp file
 * in the same folder, fsynced and renamed over `path`. Returns the file size.
 */
export function writeSafetensorsFile(path: string, tensors: ReadonlyMap<string, TensorToWrite>, metadata?: Record<string, string>): number {
  const { header, names, dataBytes } = buildSafetensorsHeader(tensors, metadata);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w');
  try {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
    writeFully(fd, prefix);
    writeFully(fd, header);
    for (const name of names) {
      const d = dataToWrite(name, tensors.get(name)!);
      writeFully(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  return 8 + header.length + dataBytes;
}

/** HuggingFace's default shard limit is 5 GB; ours 2 GB keeps every shard under Node's 2 GiB single-read limit. */
export const DEFAULT_MAX_SHARD_BYTES = 2_000_000_000;

/**
 * Groups names (in sorted order) into shards of at most `maxShardBytes` tensor
 * bytes, as transformers' `split_torch_state_dict_into_shards` does: a new
 * shard starts when the next tensor would overflow the current one; a tensor
 * larger than the limit gets a shard of its own.
 */
export function planShards(sizes: ReadonlyMap<string, number>, maxShardBytes: number): string[][] {
  if (!(maxShardBytes > 0)) throw new RangeError(`maxShardBytes must be positive, got ${maxShardBytes}`);
  const shards: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const name of [...sizes.keys()].sort()) {
    const n = sizes.get(name)!;
    if (current.length > 0 && used + n > maxShardBytes) {
      shards.push(current);
      current = [];
      used = 0;
    }
    current.push(name);
    used += n;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  return shards;
}

export interface ShardedWriteOptions {
  /** Most tensor bytes per shard (default 2 GB). */
  maxShardBytes?: number;
  /** Each shard's `__metadata__`, and the index's `metadata` beside `total_size`. */
  metadata?: Record<string, string>;
}

export interface ShardedWriteResult {
  /** What to load: the single file, or the index. */
  path: string;
  files: string[];
  totalBytes: number;
}

const shardName = (base: string, i: number, n: number): string => `${base}-${String(i + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;

/**
 * Writes tensors as `<dir>/<base>.safetensors` when they fit one shard, else as
 * `<base>-00001-of-0000N.safetensors` shards plus `<base>.safetensors.index.json`
 * (HuggingFace's layout: `from_pretrained`, `load_checkpoint_in_model` and
 * `safetensors` read it). Every file is written atomically and the index
 * last, so a reader of the index never sees a shard set half written; files of
 * an earlier write under the same base that the new one does not use are
 * removed afterwards.
 */
export function writeSafetensorsSharded(dir: string, base: string, tensors: ReadonlyMap<string, TensorToWrite>, opts: ShardedWriteOptions = {}): ShardedWriteResult {
  const max = opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  const sizes = new Map([...tensors].map(([name, t]) => [name, byteSize(name, t)]));
  const plan = planShards(sizes, max);
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const { single, index } = checkpointPaths(dir, base);
  const written: string[] = [];
  if (plan.length === 1) {
    writeSafetensorsFile(single, tensors, opts.metadata);
    written.push(single);
  } else {
    const weightMap: Record<string, string> = {};
    plan.forEach((names, i) => {
      const file = shardName(base, i, plan.length);
      writeSafetensorsFile(join(dir, file), new Map(names.map((n) => [n, tensors.get(n)!])), opts.metadata);
      for (const n of names) weightMap[n] = file;
      written.push(join(dir, file));
    });
    writeJsonAtomic(index, { metadata: { ...(opts.metadata ?? {}), total_size: totalBytes }, weight_map: weightMap } satisfies ShardIndex);
  }
  // Leftovers of a previous write with another layout or shard count.
  const keep = new Set(written.map((f) => basename(f)));
  if (plan.length > 1) keep.add(basename(index));
  const ours = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-\\d{5}-of-\\d{5})?\\.safetensors(\\.index\\.json)?$`);
  for (const f of readdirSync(dir)) if (ours.test(f) && !keep.has(f)) rmSync(join(dir, f), { force: true });
  return { path: plan.length === 1 ? single : index, files: written, totalBytes };
}

/** "2GB", "500MB", "1.5GiB", "4096" (bytes) -> bytes; decimal units as HuggingFace's max_shard_size, binary with "i". */
export function parseByteSize(value: string | number, what = 'size'): number {
  if (typeof value === 'number') {
    if (!(value > 0)) throw new RangeError(`${what} must be positive, got ${value}`);
    return Math.floor(value);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i.exec(value);
  if (!m) throw new RangeError(`${what} "${value}": expected bytes or a number with KB, MB, GB (or KiB, MiB, GiB)`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
  const n = Math.floor(Number(m[1]) * mult[unit]!);
  if (!(n > 0)) throw new RangeError(`${what} "${value}" must be positive`);
  return n;
}
