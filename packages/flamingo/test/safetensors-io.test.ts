import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openSafetensors,
  parseByteSize,
  planShards,
  readSafetensors,
  SafetensorsFile,
  ShardedSafetensors,
  writeSafetensors,
  writeSafetensorsFile,
  writeSafetensorsSharded,
  type TensorToWrite,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'safetensors-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tensors(): Map<string, TensorToWrite> {
  return new Map<string, TensorToWrite>([
    ['a.weight', { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i - 5.5) }],
    ['b.ids', { shape: [2], data: Int32Array.from([32001, -7]) }],
    ['c.codes', { shape: [5], data: Uint8Array.from([0, 1, 127, 128, 255]) }],
    // Lazy: produced only when the writer reaches it.
    ['d.lazy', { shape: [2, 2], dtype: 'F32', read: () => Float32Array.from([1, 2, 3, 4]) }],
    ['e.big', { shape: [100], data: new Float32Array(100).fill(0.25) }],
  ]);
}

describe('safetensors files read by ranges', () => {
  it('a streamed file has the bytes of the in-memory writer, and reads back tensor by tensor', () => {
    const file = join(dir, 'one.safetensors');
    const size = writeSafetensorsFile(file, tensors(), { format: 'pt' });
    expect(statSync(file).size).toBe(size);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(writeSafetensors(tensors(), { format: 'pt' })))).toBe(true);
    const f = SafetensorsFile.open(file);
    expect(f.names().sort()).toEqual(['a.weight', 'b.ids', 'c.codes', 'd.lazy', 'e.big']);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(Array.from(f.read('d.lazy').data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from(f.read('c.codes').data as Uint8Array)).toEqual([0, 1, 127, 128, 255]);
    expect(f.read('b.ids').dtype).toBe('I32');
    f.close();
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('errors name the file and what is wrong', () => {
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([1, 2, 3]));
    expect(() => SafetensorsFile.open(bad)).toThrow(/bad\.safetensors.*not a safetensors file/);
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, writeSafetensors(tensors()).subarray(0, 200));
    expect(() => SafetensorsFile.open(truncated)).toThrow(/truncated\.safetensors/);
    expect(() => SafetensorsFile.open(join(dir, 'nope.safetensors'))).toThrow(/nope\.safetensors: cannot open \(ENOENT\)/);
  });

  it('reads a tensor past 2 GiB in a file larger than any Node buffer read (a sparse file)', () => {
    // Header: a 2.25 GiB U8 tensor (a hole on disk), then a small F32 tensor at its end.
    const hole = 2 ** 31 + 2 ** 28;
    const header = new TextEncoder().encode(JSON.stringify({
      hole: { dtype: 'U8', shape: [hole], data_offsets: [0, hole] },
      tail: { dtype: 'F32', shape: [3], data_offsets: [hole, hole + 12] },
    }).padEnd(160, ' '));
    const file = join(dir, 'sparse.safetensors');
    const fd = openSync(file, 'w');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, header, 0, header.length, 8);
    writeSync(fd, new Uint8Array(Float32Array.from([1.5, -2, 3.25]).buffer), 0, 12, 8 + header.length + hole);
    closeSync(fd);
    expect(statSync(file).size).toBeGreaterThan(2 ** 31);
    expect(() => readFileSync(file)).toThrow(/2 GiB|ERR_FS_FILE_TOO_LARGE|larger than/);
    const f = SafetensorsFile.open(file);
    expect(f.info('hole')!.shape).toEqual([hole]);
    expect(Array.from(f.read('tail').data as Float32Array)).toEqual([1.5, -2, 3.25]);
    expect(f.range('tail').offset).toBe(8 + header.length + hole);
    f.close();
    rmSync(file);
  });
});

describe('HuggingFace sharded checkpoints', () => {
  it('plans shards as transformers does: a new shard when the next tensor would overflow; an oversize tensor alone', () => {
    const sizes = new Map([['a', 40], ['b', 40], ['c', 30], ['d', 200], ['e', 10]]);
    expect(planShards(sizes, 100)).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    expect(planShards(sizes, 1000)).toEqual([['a', 'b', 'c', 'd', 'e']]);
    expect(planShards(new Map(), 10)).toEqual([[]]);
    expect(() => planShards(sizes, 0)).toThrow(/positive/);
  });

  it('writes shards with an index under a tiny limit, reads them back through the index or the folder, and cleans up a previous layout', () => {
    const out = join(dir, 'sharded');
    // First as one file, then re-written sharded: the single file must go.
    expect(writeSafetensorsSharded(out, 'model', tensors(), { metadata: { format: 'pt' } }).files).toHaveLength(1);
    const r = writeSafetensorsSharded(out, 'model', tensors(), { maxShardBytes: 64, metadata: { format: 'pt' } });
    expect(r.path).toBe(join(out, 'model.safetensors.index.json'));
    expect(r.files.length).toBeGreaterThan(2);
    expect(readdirSync(out).sort()).toEqual([...r.files.map((f) => f.slice(out.length + 1)), 'model.safetensors.index.json'].sort());
    expect(readdirSync(out)).not.toContain('model.safetensors');
    const index = JSON.parse(readFileSync(r.path, 'utf8')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(index.metadata.total_size).toBe(48 + 8 + 5 + 16 + 400);
    expect(index.weight_map['e.big']).toMatch(/^model-\d{5}-of-\d{5}\.safetensors$/);
    for (const src of [ShardedSafetensors.open(r.path), openSafetensors(out)]) {
      expect(src.names().sort()).toEqual(['a.weight', 'b.ids', 'c.codes', 'd.lazy', 'e.big']);
      expect(Array.from(src.read('a.weight').data as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i - 5.5));
      expect(src.metadata.format).toBe('pt');
      src.close();
    }
    // Back to one file: the shards and the index go.
    writeSafetensorsSharded(out, 'model', tensors(), { metadata: { format: 'pt' } });
    expect(readdirSync(out)).toEqual(['model.safetensors']);
    expect(readSafetensors(readFileSync(join(out, 'model.safetensors'))).size).toBe(5);
  });

  it('an index naming a missing shard or a path outside its folder is refused', () => {
    const out = join(dir, 'broken');
    const r = writeSafetensorsSharded(out, 'model', tensors(), { maxShardBytes: 64 });
    rmSync(r.files[0]!);
    expect(() => ShardedSafetensors.open(r.path)).toThrow(/shard model-00001-of-\d{5}\.safetensors .* is missing/);
    const evil = join(out, 'evil.safetensors.index.json');
    writeFileSync(evil, JSON.stringify({ metadata: {}, weight_map: { x: '../x.safetensors' } }));
    expect(() => ShardedSafetensors.open(evil)).toThrow(/not a file name beside the index/);
  });

  it('parses shard sizes as HuggingFace writes them', () => {
    expect(parseByteSize('2GB')).toBe(2e9);
    expect(parseByteSize('500MB')).toBe(5e8);
    expect(parseByteSize('1GiB')).toBe(2 ** 30);
    expect(parseByteSize(4096)).toBe(4096);
    expect(() => parseByteSize('2 bananas')).toThrow(/KB, MB, GB/);
  });
});
