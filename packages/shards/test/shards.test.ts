import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tableFromIPC, type Field, type Schema } from 'apache-arrow';
import {
  ShardWriter, SHARD_SCHEMA, readIndex, readShardRows, verifyShard, writeRowsFile, readRowsFile, type ShardRow,
} from '@mtb/shards';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'shards-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function row(i: number, imageBytes = 500): ShardRow {
  const images = Array.from({ length: i % 3 }, (_, k) => ({ bytes: new Uint8Array(imageBytes).fill((i + k) & 255), path: `book/p${i}-${k}.jpg` }));
  const ids = Int32Array.from({ length: 3 + (i % 7) }, (_, k) => (k === 0 ? 1 : i * 10 + k));
  return { id: `book/${i}`, source: 'mtb', book_id: 'book', text: `row ${i} é ${'<image>'.repeat(images.length)}`, images, input_ids: ids, num_tokens: ids.length, num_images: images.length, pages: [i, i + 1] };
}

async function writeAll(out: string, rows: ShardRow[], opts = {}) {
  const w = new ShardWriter(out, opts);
  for (const r of rows) await w.write(r);
  return w.close();
}

function allFields(schema: Schema): Field[] {
  const out: Field[] = [];
  const walk = (f: Field) => { out.push(f); for (const c of (f.type.children ?? []) as Field[]) walk(c); };
  schema.fields.forEach(walk);
  return out;
}

test('schema: every field and child nullable, HF features in metadata', () => {
  const fields = allFields(SHARD_SCHEMA);
  expect(fields.length).toBe(14);
  expect(fields.filter((f) => !f.nullable).map((f) => f.name)).toEqual([]);
  expect(String(SHARD_SCHEMA.fields.find((f) => f.name === 'images')!.type)).toBe('List<Struct<{bytes:Binary, path:Utf8}>>');
  const hf = JSON.parse(SHARD_SCHEMA.metadata.get('huggingface')!);
  expect(Object.keys(hf.info.features)).toEqual(SHARD_SCHEMA.fields.map((f) => f.name));
  expect(hf.info.features.images).toEqual({ feature: { _type: 'Image' }, _type: 'Sequence' });
  expect(hf.info.features.text).toEqual({ dtype: 'string', _type: 'Value' });
  expect(hf.info.features.input_ids).toEqual({ feature: { dtype: 'int32', _type: 'Value' }, _type: 'Sequence' });
});

test('round trip through shards, bounded size, index, verify', async () => {
  const rows = Array.from({ length: 200 }, (_, i) => row(i));
  const index = await writeAll(dir, rows, { maxShardBytes: 40_000, batchRows: 16 });
  expect(index.shards.length).toBeGreaterThan(3);
  expect(index.totalRows).toBe(200);
  expect(readIndex(dir)).toEqual(index);
  const n = index.shards.length;
  expect(index.shards.map((s) => s.file)).toEqual(index.shards.map((_, i) => `data-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.arrow`));
  const back: ShardRow[] = [];
  for (const s of index.shards) {
    const bytes = readFileSync(join(dir, s.file));
    expect(bytes.byteLength).toBe(s.bytes);
    expect(bytes.byteLength).toBeLessThanOrEqual(40_000);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
    await verifyShard(dir, s);
    // Any Arrow reader sees the same schema, with metadata, nullable flags, and no body compression.
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(s.rows);
    expect(allFields(table.schema).every((f) => f.nullable)).toBe(true);
    expect(table.schema.metadata.get('huggingface')).toBe(SHARD_SCHEMA.metadata.get('huggingface'));
    for await (const r of readShardRows(join(dir, s.file))) back.push(r);
  }
  expect(back).toEqual(rows);
  expect(readdirSync(dir).filter((f) => f.startsWith('.tmp'))).toEqual([]);
});

test('HF files: state.json and dataset_info.json as save_to_disk writes them', async () => {
  const index = await writeAll(dir, [row(1), row(2)], { fingerprintSeed: 'x' });
  const state = readFileSync(join(dir, 'state.json'), 'utf8');
  const fp = JSON.parse(state)._fingerprint;
  expect(fp).toMatch(/^[0-9a-f]{16}$/);
  expect(state).toBe(JSON.stringify({
    _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _fingerprint: fp, _format_columns: null,
    _format_kwargs: {}, _format_type: null, _output_all_columns: false, _split: null,
  }, null, 2));
  const info = JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8'));
  expect(Object.keys(info)).toEqual(['citation', 'description', 'features', 'homepage', 'license']);
  expect(info.features).toEqual(JSON.parse(SHARD_SCHEMA.metadata.get('huggingface')!).info.features);
  expect(index.shards[0]!.rows).toBe(2);
});

test('deterministic bytes; fewer shards on rewrite removes stale ones; empty dataset', async () => {
  const rows = Array.from({ length: 60 }, (_, i) => row(i));
  const a = await writeAll(join(dir, 'a'), rows, { maxShardBytes: 30_000 });
  const b = await writeAll(join(dir, 'b'), rows, { maxShardBytes: 30_000 });
  expect(b).toEqual(a);
  expect(readFileSync(join(dir, 'b', 'state.json'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'state.json'), 'utf8'));
  writeFileSync(join(dir, 'a', '.tmp-shard-00003.arrow-1-abcd'), 'left by a killed run');
  const c = await writeAll(join(dir, 'a'), rows.slice(0, 2), { maxShardBytes: 30_000 });
  expect(c.shards.length).toBe(1);
  expect(readdirSync(join(dir, 'a')).filter((f) => f.includes('.arrow'))).toEqual(['data-00000-of-00001.arrow']);
  const empty = await writeAll(join(dir, 'e'), []);
  expect(empty.totalRows).toBe(0);
  expect(tableFromIPC(readFileSync(join(dir, 'e', empty.shards[0]!.file))).numRows).toBe(0);
});

test('a row larger than a shard is written alone; rows are checked', async () => {
  const big = row(1, 50_000);
  const index = await writeAll(dir, [row(0), big, row(3)], { maxShardBytes: 20_000 });
  expect(index.shards.map((s) => s.rows)).toEqual([1, 1, 1]);
  const w = new ShardWriter(join(dir, 'x'));
  await expect(w.write({ ...row(1), num_tokens: 99 })).rejects.toThrow(/book\/1.*num_tokens/);
});

test('verifyShard names the shard on corruption; readIndex names the file', async () => {
  const index = await writeAll(dir, [row(1), row(2)]);
  const file = join(dir, index.shards[0]!.file);
  const bytes = readFileSync(file);
  bytes[bytes.length - 20] ^= 1;
  writeFileSync(file, bytes);
  await expect(verifyShard(dir, index.shards[0]!)).rejects.toThrow(/data-00000-of-00001\.arrow.*sha256/);
  rmSync(file);
  await expect(verifyShard(dir, index.shards[0]!)).rejects.toThrow(/missing/);
  writeFileSync(join(dir, 'index.json'), '{"formatVersion":1}');
  expect(() => readIndex(dir)).toThrow(/index\.json.*not a valid shard index/);
});

test('rows file round trip (segments.arrow)', () => {
  const rows = Array.from({ length: 30 }, (_, i) => row(i));
  writeRowsFile(join(dir, 'segments.arrow'), rows);
  expect(readRowsFile(join(dir, 'segments.arrow'))).toEqual(rows);
  writeRowsFile(join(dir, 'empty.arrow'), []);
  expect(readRowsFile(join(dir, 'empty.arrow'))).toEqual([]);
});

test('validateShardDir: ok on good shards, names the problems otherwise', async () => {
  const { encodeWithSpecials } = await import('@mtb/core');
  const { validateShardDir } = await import('@mtb/shards');
  const good = (i: number): ShardRow => {
    const text = `<image>Figure ${i}.<|endofchunk|>`;
    const ids = Int32Array.from(encodeWithSpecials(text));
    return { id: `b/${i}`, source: 'mtb', book_id: 'b', text, images: [{ bytes: Uint8Array.of(1), path: `b/p1-${i}.jpg` }], input_ids: ids, num_tokens: ids.length, num_images: 1, pages: [1] };
  };
  await writeAll(dir, [good(1), good(2)]);
  expect(await validateShardDir(dir, { retokenize: true })).toEqual({ rows: 2, shards: 1, problems: [] });
  const bad = good(3);
  bad.input_ids[2] = 5;
  await writeAll(dir, [good(1), good(1), bad]);
  const report = await validateShardDir(dir, { retokenize: true, maxTokens: 4 });
  expect(report.problems.join('\n')).toMatch(/row 1 \(b\/1\): duplicate id/);
  expect(report.problems.join('\n')).toMatch(/row 2 \(b\/3\): input_ids differ/);
  expect(report.problems.join('\n')).toMatch(/tokens > maxTokens 4/);
});
