import { ShardStream, type ShardStreamOptions } from '../src/loader.js';
import { parseStreamState } from '../src/state.js';
import { batchShapes, IMAGE_FLOATS } from '../src/shapes.js';
import { MemorySource } from './memory-source.js';

function options(over: Partial<ShardStreamOptions> = {}): ShardStreamOptions {
  return {
    sources: [
      { source: new MemorySource([9, 4, 12], 'mtb'), name: 'mtb' },
      { source: new MemorySource([5, 5, 6], 'pmc'), name: 'pmc-oa' },
    ],
    batchSize: 3,
    seed: 11,
    blockSize: 4,
    workers: 0,
    maxImages: 1,
    ...over,
  };
}

async function ids(stream: ShardStream, batches: number): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < batches; i++) out.push((await stream.next()).ids);
  return out;
}

describe('ShardStream', () => {
  it('resumes from state() at random stops, across epoch boundaries, on several ranks', async () => {
    for (const worldSize of [1, 3]) {
      for (let rank = 0; rank < worldSize; rank++) {
        const full = await ShardStream.open(options({ rank, worldSize }));
        // 25 + 16 samples: with worldSize 1 this runs through 2+ epochs of each source.
        const expected = await ids(full, 30);
        await full.close();
        let x = 7 + rank;
        for (let trial = 0; trial < 6; trial++) {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          const stop = 1 + (x % 28);
          const first = await ShardStream.open(options({ rank, worldSize, prefetch: 1 + (x % 4) }));
          const head = await ids(first, stop);
          const saved = JSON.parse(JSON.stringify(first.state()));
          await first.close();
          const second = await ShardStream.open(options({ rank, worldSize, resume: saved }));
          const tail = await ids(second, 30 - stop);
          await second.close();
          expect([...head, ...tail]).toEqual(expected);
        }
      }
    }
  });

  it('lets another rank resume from rank 0\'s state (ranks run in lockstep)', async () => {
    const a = await ShardStream.open(options({ rank: 1, worldSize: 2 }));
    const expected = await ids(a, 10);
    await a.close();
    const r0 = await ShardStream.open(options({ rank: 0, worldSize: 2 }));
    await ids(r0, 4);
    const state = r0.state();
    await r0.close();
    const r1 = await ShardStream.open(options({ rank: 1, resume: state }));
    expect(await ids(r1, 6)).toEqual(expected.slice(4));
    await r1.close();
  });

  it('gives equal counts per rank and every sample once per epoch across ranks', async () => {
    const worldSize = 3;
    const perRank: string[][] = [];
    for (let rank = 0; rank < worldSize; rank++) {
      const s = await ShardStream.open(options({ rank, worldSize, sources: [{ source: new MemorySource([9, 4, 12], 'mtb'), name: 'mtb' }], batchSize: 1, remainder: 'drop' }));
      // 25 samples over 3 ranks, 'drop': 8 each, one sample skipped this epoch.
      expect(s.state().sources[0]!.epochLength).toBe(8);
      perRank.push((await ids(s, 8)).flat());
      await s.close();
    }
    const all = perRank.flat();
    expect(new Set(all).size).toBe(24);
    expect(perRank.map((r) => r.length)).toEqual([8, 8, 8]);
  });

  it('mixes sources by weight and reports the realized proportions', async () => {
    const s = await ShardStream.open(options({
      sources: [
        { source: new MemorySource([50], 'a'), name: 'a', weight: 3 },
        { source: new MemorySource([50], 'b'), name: 'b', weight: 1 },
      ],
      batchSize: 4,
    }));
    const batches = [];
    for (let i = 0; i < 25; i++) batches.push(await s.next());
    const sources = batches.flatMap((b) => b.sources);
    expect(sources.filter((x) => x === 'a').length).toBe(75);
    const report = s.report();
    expect(report.samples).toBe(100);
    expect(report.sources.map((r) => [r.name, r.share, r.targetShare])).toEqual([['a', 0.75, 0.75], ['b', 0.25, 0.25]]);
    await s.close();
  });

  it('state() counts only batches handed out, not prefetched ones', async () => {
    const s = await ShardStream.open(options({ prefetch: 5 }));
    await s.next();
    await s.next();
    const st = parseStreamState(JSON.stringify(s.state()));
    expect(st.samplesConsumed).toBe(6);
    expect(st.sources.map((x) => x.samplesConsumed)).toEqual([3, 3]);
    expect(st.epoch).toBe(0);
    await s.close();
  });

  it('refuses a state for other data, weights or world size', async () => {
    const s = await ShardStream.open(options());
    await s.next();
    const state = s.state();
    await s.close();
    await expect(ShardStream.open(options({ resume: state, worldSize: 2 }))).rejects.toThrow(/worldSize/);
    const other = options({ resume: state });
    other.sources = [{ source: new MemorySource([9, 4, 13], 'mtb'), name: 'mtb' }, other.sources[1]!];
    await expect(ShardStream.open(other)).rejects.toThrow(/other shards/);
    await expect(ShardStream.open(options({ resume: { ...state, version: 2 } as never }))).rejects.toThrow(/invalid loader state/);
  });

  it('builds batches with the documented shapes: padding, masks, empty image slots', async () => {
    const s = await ShardStream.open(options({
      sources: [{ source: new MemorySource([6], 'img', 2), name: 'mtb' }, { source: new MemorySource([6], 'txt', 0), name: 'pmc-oa' }],
      batchSize: 2,
      maxImages: 3,
      padImagesToMax: true,
    }));
    const b = await s.next();
    await s.close();
    const shapes = batchShapes(b.batchSize, b.seqLen, b.imageSlots);
    expect(b.seqLen).toBe(10); // BOS + 2 x (image, 2 tokens, endofchunk) + EOS
    expect(b.inputIds.length).toBe(shapes.inputIds[0] * shapes.inputIds[1]);
    expect(b.pixels.length).toBe(2 * 3 * IMAGE_FLOATS);
    expect([...b.imageMask]).toEqual([1, 1, 0, 0, 0, 0]);
    expect(b.sources).toEqual(['mtb', 'pmc-oa']);
    // The text-only sample is BOS EOS then padding: mask 1 1 0..., labels all ignored.
    expect([...b.attentionMask.subarray(10, 20)]).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...b.inputIds.subarray(12, 20)].every((v) => v === 32002)).toBe(true);
    expect([...b.labels.subarray(10, 20)].every((v) => v === -100)).toBe(true);
    // Empty slots are exactly zero; a real slot is not.
    expect(b.pixels.subarray(2 * IMAGE_FLOATS, 6 * IMAGE_FLOATS).every((v) => v === 0)).toBe(true);
    expect(b.pixels[0]).not.toBe(0);
  });

  it('sizes image slots to the batch by default', async () => {
    const s = await ShardStream.open(options({
      sources: [{ source: new MemorySource([6], 'img', 2), name: 'mtb' }, { source: new MemorySource([6], 'txt', 0), name: 'pmc-oa' }],
      batchSize: 2,
      maxImages: 10,
    }));
    const b = await s.next();
    await s.close();
    expect(b.imageSlots).toBe(2);
    expect(b.pixels.length).toBe(2 * 2 * IMAGE_FLOATS);
    expect([...b.imageMask]).toEqual([1, 1, 0, 0]);
  });

  it('reads each block once, rows ascending per shard, never more than two blocks ahead', async () => {
    const src = new MemorySource([40, 40, 40], 'mtb');
    const s = await ShardStream.open(options({ sources: [{ source: src, name: 'mtb' }], batchSize: 2, blockSize: 10, prefetch: 2 }));
    await ids(s, 30); // 60 samples of 120
    await s.close();
    const rowsRead = src.reads.reduce((a, r) => a + r.rows.length, 0);
    expect(rowsRead).toBeLessThanOrEqual(60 + 2 * 10);
    for (const r of src.reads) expect(r.rows).toEqual([...r.rows].sort((a, b) => a - b));
  });

  it('prepares at most `prefetch` batches ahead of the consumer (bounded queue)', async () => {
    const src = new MemorySource([200], 'mtb');
    // Block size 1: rows are read one sample ahead of the batches being prepared, no more.
    const s = await ShardStream.open(options({ sources: [{ source: src, name: 'mtb' }], batchSize: 2, blockSize: 1, prefetch: 3 }));
    await ids(s, 5);
    // Let anything that would run ahead do so.
    await new Promise((r) => setTimeout(r, 50));
    const rowsRead = src.reads.reduce((a, r) => a + r.rows.length, 0);
    expect(rowsRead).toBeGreaterThanOrEqual((5 + 3) * 2);
    expect(rowsRead).toBeLessThanOrEqual((5 + 3) * 2 + 1);
    await s.close();
  });

  it('holds at most two blocks of rows per source over a long run', async () => {
    const s = await ShardStream.open(options({
      sources: [{ source: new MemorySource([37, 41, 29], 'mtb'), name: 'mtb' }, { source: new MemorySource([13, 17], 'pmc'), name: 'pmc-oa', weight: 2 }],
      batchSize: 5,
      blockSize: 8,
    }));
    let most = 0;
    for (let i = 0; i < 300; i++) {
      await s.next();
      for (const r of s.report().sources) most = Math.max(most, r.rowsHeld);
    }
    // 1,500 samples mixed 1:2 over sources of 107 and 30 rows: several epochs each.
    expect(s.report().sources.map((r) => r.epoch)).toEqual([Math.floor(500 / 107), Math.floor(1000 / 30)]);
    expect(most).toBeLessThanOrEqual(16);
    await s.close();
  });

  it('runs the same batches on worker threads as in-process', async () => {
    const make = (workers: number) => options({
      sources: [{ source: new MemorySource([4, 3], 'img', 2), name: 'mtb' }],
      batchSize: 2,
      maxImages: 2,
      workers,
    });
    const inproc = await ShardStream.open(make(0));
    const threaded = await ShardStream.open(make(2));
    for (let i = 0; i < 4; i++) {
      const a = await inproc.next();
      const b = await threaded.next();
      expect(b.ids).toEqual(a.ids);
      expect(b.labels).toEqual(a.labels);
      expect(Buffer.from(b.pixels.buffer).equals(Buffer.from(a.pixels.buffer))).toBe(true);
    }
    await inproc.close();
    await threaded.close();
  });
});
