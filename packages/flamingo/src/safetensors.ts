/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}, __metadata__}`,
 * then the raw little-endian tensor bytes. No pickle, so a checkpoint from
 * anywhere is safe to open. F16 and BF16 are widened to F32 on read: the model
 * computes in float32.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | 'U16' | 'U32' | 'U64';

export type TensorData = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface SafetensorsEntry {
  /** The dtype stored in the file (F16/BF16 entries carry Float32Array data). */
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** What the writers take: F32, I32 and U8 (8-bit optimizer state). */
export type WritableData = Float32Array | Int32Array | Uint8Array;
export type WritableDtype = 'F32' | 'I32' | 'U8';

/**
 * A tensor to write: its data, or (for the streaming writers) a function that
 * produces it when its turn comes, so that only one tensor at a time is
 * copied out of TensorFlow.js; a lazy tensor names its dtype up front.
 */
export type TensorToWrite =
  | { shape: number[]; data: WritableData }
  | { shape: number[]; dtype: WritableDtype; read: () => WritableData };

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8,
};

/** Refuse headers past this size: the reference implementation's own limit (100 MB). */
const MAX_HEADER = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let halfTable: Float32Array | undefined;
function f16ToF32(src: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = halfTable[src[i]!]!;
  return out;
}

function bf16ToF32(src: Uint16Array): Float32Array {
  // bfloat16 is the top half of a float32.
  const out = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! << 16;
  return new Float32Array(out.buffer);
}

function view(dtype: SafetensorsDtype, buf: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'F64': return new Float64Array(buf);
    case 'F32': return new Float32Array(buf);
    case 'F16': return f16ToF32(new Uint16Array(buf));
    case 'BF16': return bf16ToF32(new Uint16Array(buf));
    case 'I64': return new BigInt64Array(buf);
    case 'I32': return new Int32Array(buf);
    case 'I16': return new Int16Array(buf);
    case 'I8': return new Int8Array(buf);
    case 'U8': case 'BOOL': return new Uint8Array(buf);
    case 'U16': return new Uint16Array(buf);
    case 'U32': return new Uint32Array(buf);
    case 'U64': return new BigUint64Array(buf);
  }
}

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range in the data section (after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Offset of the data section in the file: 8 + header length. */
  dataStart: number;
}

/**
 * The 8-byte prefix: the header's length, checked against the file size
 * (numbers, not a buffer: a file may be far larger than any buffer).
 */
export function safetensorsHeaderLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.length < 8) throw new SafetensorsError(`not a safetensors file: ${fileSize} bytes, shorter than the 8-byte header length`);
  const headerLen = Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > MAX_HEADER || 8 + headerLen > fileSize) {
    throw new SafetensorsError(`bad safetensors header length ${headerLen} for a file of ${fileSize} bytes (truncated or not safetensors)`);
  }
  return headerLen;
}

/** Parses and validates the JSON header against the size of the data section that follows it. */
export function parseSafetensorsHeader(json: Uint8Array, dataLen: number): SafetensorsHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    throw new SafetensorsError(`safetensors header is not valid UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('safetensors header is not a JSON object');
  const dataStart = 8 + json.length;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) {
        throw new SafetensorsError('safetensors __metadata__ must map strings to strings');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.dtype !== 'string' || !(e.dtype in BYTES)) {
      throw new SafetensorsError(`tensor "${name}": unknown or missing dtype ${JSON.stringify(e?.dtype)}`);
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new SafetensorsError(`tensor "${name}": shape must be a list of non-negative integers, got ${JSON.stringify(e.shape)}`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw new SafetensorsError(`tensor "${name}": data_offsets must be [begin, end] with begin <= end, got ${JSON.stringify(off)}`);
    }
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (off[1] - off[0] !== expected) {
      throw new SafetensorsError(`tensor "${name}": ${dtype} ${JSON.stringify(shape)} needs ${expected} bytes, data_offsets span ${off[1] - off[0]}`);
    }
    if (off[1] > dataLen) throw new SafetensorsError(`tensor "${name}": data_offsets end ${off[1]} past the data (${dataLen} bytes; file truncated?)`);
    tensors.set(name, { dtype, shape, begin: off[0], end: off[1] });
  }
  // Like the reference implementation: the tensors tile the data exactly, no holes, no overlap.
  const spans = [...tensors.entries()].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let at = 0;
  for (const [name, t] of spans) {
    if (t.begin !== at) throw new SafetensorsError(`tensor "${name}": data starts at ${t.begin}, expected ${at} (overlapping or gapped data_offsets)`);
    at = t.end;
  }
  if (at !== dataLen) throw new SafetensorsError(`safetensors data is ${dataLen} bytes but the tensors cover ${at}`);
  return { tensors, metadata, dataStart };
}

/** The header of an in-memory file: names, dtypes, shapes and byte ranges. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const headerLen = safetensorsHeaderLength(bytes, bytes.length);
  return parseSafetensorsHeader(bytes.subarray(8, 8 + headerLen), bytes.length - 8 - headerLen);
}

/** A tensor's raw little-endian bytes (a fresh, aligned buffer) as its typed array; F16 and BF16 widened to float32. */
export function decodeTensor(dtype: SafetensorsDtype, buf: ArrayBuffer): TensorData {
  return view(dtype, buf);
}

export function bytesPerElement(dtype: SafetensorsDtype): number {
  return BYTES[dtype];
}

export function readSafetensors(bytes: Uint8Array): Map<string, SafetensorsEntry> {
  const { tensors, dataStart } = readSafetensorsHeader(bytes);
  const out = new Map<string, SafetensorsEntry>();
  for (const [name, t] of tensors) {
    // Copy: the tensor may sit at an offset no typed array can view (alignment).
    // Uint8Array's slice, not Buffer's, which would return a view of the whole pool.
    const buf = Uint8Array.prototype.slice.call(bytes, dataStart + t.begin, dataStart + t.end).buffer as ArrayBuffer;
    out.set(name, { dtype: t.dtype, shape: t.shape, data: view(t.dtype, buf) });
  }
  return out;
}

export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  return readSafetensorsHeader(bytes).metadata;
}

function dtypeOfData(name: string, d: WritableData): WritableDtype {
  if (d instanceof Float32Array) return 'F32';
  if (d instanceof Int32Array) return 'I32';
  if (d instanceof Uint8Array) return 'U8';
  throw new SafetensorsError(`tensor "${name}": only Float32Array, Int32Array and Uint8Array data can be written`);
}

export function dtypeToWrite(name: string, t: TensorToWrite): WritableDtype {
  return 'data' in t ? dtypeOfData(name, t.data) : t.dtype;
}

/** The tensor's data, produced now for a lazy one, checked against its declared shape and dtype. */
export function dataToWrite(name: string, t: TensorToWrite): WritableData {
  const d = 'data' in t ? t.data : t.read();
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n !== d.length) throw new SafetensorsError(`tensor "${name}": shape ${JSON.stringify(t.shape)} holds ${n} values, data has ${d.length}`);
  const dtype = dtypeOfData(name, d);
  if (!('data' in t) && dtype !== t.dtype) throw new SafetensorsError(`tensor "${name}": declared ${t.dtype}, produced ${dtype} data`);
  return d;
}

/**
 * The header bytes for these tensors in sorted name order, padded with spaces
 * to a multiple of 8 (so the data is aligned), and the total data size. Same
 * names, shapes and metadata give the same header.
 */
export function buildSafetensorsHeader(tensors: ReadonlyMap<string, TensorToWrite>, metadata?: Record<string, string>): { header: Uint8Array; names: string[]; dataBytes: number } {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    header.__metadata__ = Object.fromEntries(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
  }
  let at = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new SafetensorsError('"__metadata__" cannot be a tensor name');
    const t = tensors.get(name)!;
    const dtype = dtypeToWrite(name, t);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if ('data' in t && n !== t.data.length) throw new SafetensorsError(`tensor "${name}": shape ${JSON.stringify(t.shape)} holds ${n} values, data has ${t.data.length}`);
    const bytes = n * BYTES[dtype];
    header[name] = { dtype, shape: t.shape, data_offsets: [at, at + bytes] };
    at += bytes;
  }
  const json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) headerBytes = enc.encode(json + ' '.repeat(pad));
  return { header: headerBytes, names, dataBytes: at };
}

/**
 * A whole file in memory (small files: logits, tests). Names in sorted order,
 * header padded with spaces to 8 bytes: same tensors, same bytes. Large
 * checkpoints go through `writeSafetensorsFile` / `writeSafetensorsSharded`,
 * which stream one tensor at a time.
 */
export function writeSafetensors(tensors: ReadonlyMap<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const { header, names, dataBytes } = buildSafetensorsHeader(tensors, metadata);
  const out = new Uint8Array(8 + header.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let pos = 8 + header.length;
  for (const name of names) {
    const d = dataToWrite(name, tensors.get(name)!);
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

/** Any numeric entry as float32 (model weights). */
export function entryToFloat32(name: string, e: SafetensorsEntry): Float32Array {
  if (e.data instanceof Float32Array) return e.data;
  if (e.data instanceof BigInt64Array || e.data instanceof BigUint64Array) return Float32Array.from(e.data, (v) => Number(v));
  if (e.dtype === 'BOOL') throw new SafetensorsError(`tensor "${name}" is BOOL, expected a float tensor`);
  return Float32Array.from(e.data as ArrayLike<number>);
}

/** Any integer entry as int32 (token ids); refuses floats and values outside int32. */
export function entryToInt32(name: string, e: SafetensorsEntry): Int32Array {
  if (e.data instanceof Int32Array) return e.data;
  if (e.dtype.startsWith('F') || e.dtype === 'BF16') throw new SafetensorsError(`tensor "${name}" is ${e.dtype}, expected integer ids (I32 or I64)`);
  const out = new Int32Array(e.data.length);
  for (let i = 0; i < e.data.length; i++) {
    const v = Number(e.data[i]!);
    if (v < -2147483648 || v > 2147483647) throw new SafetensorsError(`tensor "${name}"[${i}] = ${v} does not fit int32`);
    out[i] = v;
  }
  return out;
}
