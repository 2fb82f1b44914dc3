import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * ShardSource's own logic (verify before read, forward-only sequential readers,
 * errors naming the file) against the @mtb/shards contract, with that package
 * replaced by a stand-in over JSON-lines files. The real format is exercised in
 * shards.test.ts.
 */
const opened: string[] = [];

jest.unstable_mockModule('@mtb/shards', () => ({
  verifyShard: async (dir: string, entry: { file: string; sha256: string }) => {
    const digest = createHash('sha256').update(readFileSync(join(dir, entry.file))).digest('hex');
    if (digest !== entry.sha256) throw new Error(`shard ${join(dir, entry.file)} has sha256 ${digest} but index.json says ${entry.sha256}`);
  },
  readIndex: (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')),
  readShardRows: async function* (file: string) {
    opened.push(file);
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { id: string; source: string; ids: number[] };
      yield { id: r.id, source: r.source, input_ids: Int32Array.from(r.ids), images: [{ bytes: new Uint8Array([1, 2, 3]), path: 'x' }] };
    }
  },
}));

const { ShardSource } = await import('../src/shard-source.js');

function writeFolder(sizes: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'shard-source-'));
  const shards = sizes.map((rows, s) => {
    const file = `data-${String(s).padStart(5, '0')}-of-${String(sizes.length).padStart(5, '0')}.arrow`;
    const body = Array.from({ length: rows }, (_, r) => JSON.stringify({ id: `s${s}r${r}`, source: 'mtb', ids: [1, s, r, 2] })).join('\n') + '\n';
    writeFileSync(join(dir, file), body);
    return { file, rows, bytes: statSync(join(dir, file)).size, sha256: createHash('sha256').update(body).digest('hex') };
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ formatVersion: 1, schemaVersion: 1, totalRows: sizes.reduce((a, b) => a + b, 0), shards }));
  return dir;
}

describe('ShardSource', () => {
  beforeEach(() => {
    opened.length = 0;
  });

  it('reads requested rows, continuing one sequential reader while rows move forward', async () => {
    const src = new ShardSource(writeFolder([6, 4]));
    expect(src.shardSizes).toEqual([6, 4]);
    const a = await src.readRows(0, [1, 3], 'mtb');
    const b = await src.readRows(0, [4, 5], 'mtb');
    expect([...a.values()].map((s) => s.id)).toEqual(['s0r1', 's0r3']);
    expect([...b.values()].map((s) => s.id)).toEqual(['s0r4', 's0r5']);
    expect([...b.get(5)!.inputIds]).toEqual([1, 0, 5, 2]);
    expect(opened.length).toBe(1);
    // Going back reopens the shard.
    await src.readRows(0, [0], 'mtb');
    expect(opened.length).toBe(2);
    expect(await src.label()).toBe('mtb');
    await src.close();
  });

  it('verifies a shard before reading any row of it, and names it when the hash differs', async () => {
    const dir = writeFolder([3, 3]);
    const file = join(dir, 'data-00001-of-00002.arrow');
    const body = readFileSync(file);
    body[5]! ^= 1;
    writeFileSync(file, body);
    const src = new ShardSource(dir);
    await expect(src.readRows(0, [0], 'mtb')).resolves.toBeDefined();
    await expect(src.readRows(1, [0], 'mtb')).rejects.toThrow(/data-00001-of-00002\.arrow has sha256 [0-9a-f]{64} but index\.json says/);
    expect(opened.every((f) => !f.endsWith('data-00001-of-00002.arrow'))).toBe(true);
  });

  it('refuses a folder whose shard is missing or has another size, naming the file', () => {
    const dir = writeFolder([2, 2]);
    writeFileSync(join(dir, 'data-00000-of-00002.arrow'), 'short');
    expect(() => new ShardSource(dir)).toThrow(/data-00000-of-00002\.arrow has 5 bytes but index\.json says/);
    expect(() => new ShardSource(join(dir, 'nope'))).toThrow(/nope\/index\.json/);
  });

  it('keeps at most maxOpenShards readers open', async () => {
    const src = new ShardSource(writeFolder([2, 2, 2, 2]), 2);
    for (const shard of [0, 1, 2]) await src.readRows(shard, [0], 'mtb');
    await src.readRows(0, [1], 'mtb'); // shard 0's reader was closed: reopened
    expect(opened.filter((f) => f.endsWith('data-00000-of-00004.arrow')).length).toBe(2);
    await src.readRows(2, [1], 'mtb'); // still open: continued
    expect(opened.filter((f) => f.endsWith('data-00002-of-00004.arrow')).length).toBe(1);
  });
});
