import { mkdtempSync, mkdirSync, rmSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShardWriter, readIndex, type ShardRow } from '@mtb/shards';
import { CorpusData } from './corpus-data.js';

function row(i: number): ShardRow {
  // Enough text per row that a small maxShardBytes splits the split into several shards.
  const text = `segment ${i} ` + 'lorem ipsum dolor sit amet '.repeat(40);
  const ids = Int32Array.from({ length: 50 + (i % 7) }, (_, k) => 100 + k);
  return { id: `book-${Math.floor(i / 10)}/${i % 10}`, source: 'mtb', book_id: `book-${Math.floor(i / 10)}`, text, images: [], input_ids: ids, num_tokens: ids.length, num_images: 0, pages: [1 + (i % 5)] };
}

describe('CorpusData reads the shards lazily', () => {
  let corpus: string;
  let trainDir: string;
  const N = 300;

  beforeAll(async () => {
    corpus = mkdtempSync(join(tmpdir(), 'mtb-viewer-lazy-'));
    mkdirSync(join(corpus, 'pdf'));
    trainDir = join(corpus, 'shards', 'train');
    const w = new ShardWriter(trainDir, { maxShardBytes: 96 * 1024, batchRows: 10 });
    for (let i = 0; i < N; i++) await w.write(row(i));
    await w.close();
  });
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));

  it('pages through every row in order, 25 at a time, across shards', async () => {
    const data = new CorpusData(corpus);
    const index = readIndex(trainDir);
    expect(index.shards.length).toBeGreaterThanOrEqual(3);
    expect(data.totalRows('train')).toBe(N);
    const seen: string[] = [];
    for (let off = 0; off < N; off += 25) {
      const page = await data.segments('train', off, 25);
      expect(page.map((p) => p.index)).toEqual(Array.from({ length: Math.min(25, N - off) }, (_, k) => off + k));
      seen.push(...page.map((p) => p.row.id));
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => row(i).id));
    expect((await data.segmentAt('train', 123))?.text).toBe(row(123).text);
    expect(await data.segmentAt('train', N)).toBeUndefined();
  });

  it('serves page 1 without reading past its batches, and later pages without reading earlier shards', async () => {
    const index = readIndex(trainDir);
    const [first, second] = index.shards;
    const last = index.shards[index.shards.length - 1]!;
    // Cut the first shard after ~its first third and remove the last shard: a reader that
    // decoded whole shards (or every shard) would fail on these.
    const firstFile = join(trainDir, first!.file);
    truncateSync(firstFile, Math.floor(statSync(firstFile).size * 0.6));
    unlinkSync(join(trainDir, last.file));
    const data = new CorpusData(corpus);
    const page1 = await data.segments('train', 0, 25);
    expect(page1).toHaveLength(25);
    expect(page1[24]!.row.id).toBe(row(24).id);
    // a page inside the second shard skips the (now broken) first one entirely
    const off = first!.rows + 3;
    const inSecond = await data.segments('train', off, 5);
    expect(inSecond.map((p) => p.row.id)).toEqual([0, 1, 2, 3, 4].map((k) => row(off + k).id));
    expect(second!.rows).toBeGreaterThan(8);
    // and the damage is real: the cut shard's tail is unreadable, the removed shard fails by name
    const tail = await data.segments('train', first!.rows - 1, 1).then((r) => r.map((p) => p.row.id), (e: Error) => e);
    expect(tail).not.toEqual([row(first!.rows - 1).id]);
    await expect(data.segments('train', N - 1, 1)).rejects.toThrow(last.file);
  });
});
