import { epochOrder, rankEpochLength, shardPermutation, locateSample, shardOffsets, type OrderSpec } from '../src/order.js';
import { Rng } from '../src/rng.js';

const base: OrderSpec = { shardSizes: [5, 7, 0, 3, 11, 4], seed: 42, epoch: 0, rank: 0, worldSize: 1, blockSize: 4, remainder: 'pad' };
const total = 30;

function allRanks(spec: OrderSpec): Uint32Array[] {
  return Array.from({ length: spec.worldSize }, (_, rank) => epochOrder({ ...spec, rank }));
}

describe('epochOrder', () => {
  it('is a pure function of its inputs', () => {
    expect(epochOrder(base)).toEqual(epochOrder({ ...base, shardSizes: [...base.shardSizes] }));
    expect(epochOrder(base)).not.toEqual(epochOrder({ ...base, seed: 43 }));
    expect(epochOrder(base)).not.toEqual(epochOrder({ ...base, epoch: 1 }));
  });

  it.each([1, 2, 3, 4, 7, 8, 29, 30])('gives every sample exactly once per epoch across %i ranks, equal counts, with "drop"', (worldSize) => {
    for (const epoch of [0, 1, 5]) {
      const orders = allRanks({ ...base, worldSize, epoch, remainder: 'drop' });
      const len = Math.floor(total / worldSize);
      const seen = new Map<number, number>();
      for (const o of orders) {
        expect(o.length).toBe(len);
        for (const id of o) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      expect(seen.size).toBe(len * worldSize);
      expect(total - seen.size).toBeLessThan(worldSize);
    }
  });

  it.each([1, 2, 3, 4, 7, 8, 29, 30, 31, 64])('covers every sample across %i ranks with "pad", repeating fewer than worldSize', (worldSize) => {
    for (const epoch of [0, 3]) {
      const orders = allRanks({ ...base, worldSize, epoch });
      const len = Math.ceil(total / worldSize);
      const seen = new Map<number, number>();
      for (const o of orders) {
        expect(o.length).toBe(len);
        // A rank never sees one sample twice in an epoch.
        expect(new Set(o).size).toBe(o.length);
        for (const id of o) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect(seen.size).toBe(total);
      const repeats = [...seen.values()].reduce((a, c) => a + c - 1, 0);
      expect(repeats).toBe(len * worldSize - total);
      expect([...seen.values()].every((c) => c >= 1)).toBe(true);
    }
  });

  it('permutes shard order per epoch and shuffles only inside blocks', () => {
    const spec: OrderSpec = { shardSizes: [10, 10, 10, 10, 10, 10, 10, 10], seed: 'x', epoch: 0, rank: 0, worldSize: 1, blockSize: 10, remainder: 'pad' };
    const perms = new Set<string>();
    for (let epoch = 0; epoch < 6; epoch++) {
      const order = epochOrder({ ...spec, epoch });
      const perm = shardPermutation(8, 'x', epoch);
      // Block b (10 samples, aligned with shards here) holds exactly the b-th shard of the epoch's permutation.
      for (let b = 0; b < 8; b++) {
        const block = [...order.subarray(b * 10, b * 10 + 10)].sort((a, c) => a - c);
        expect(block).toEqual(Array.from({ length: 10 }, (_, i) => perm[b]! * 10 + i));
      }
      perms.add([...perm].join(','));
    }
    expect(perms.size).toBeGreaterThan(1);
  });

  it('shuffles inside a block (not the identity)', () => {
    const order = epochOrder({ ...base, shardSizes: [1000], blockSize: 1000 });
    let fixed = 0;
    order.forEach((id, i) => { if (id === i) fixed++; });
    expect(fixed).toBeLessThan(20);
  });

  it('gives each rank a contiguous slice of the epoch stream (its own shards)', () => {
    const sizes = [100, 100, 100, 100];
    const orders = allRanks({ shardSizes: sizes, seed: 1, epoch: 2, rank: 0, worldSize: 4, blockSize: 16, remainder: 'pad' });
    for (const o of orders) expect(new Set([...o].map((id) => Math.floor(id / 100))).size).toBe(1);
  });

  it('interleaves lanes: a block mixes distant parts of the slice, still every sample once', () => {
    const spec: OrderSpec = { shardSizes: [100, 100, 100, 100], seed: 5, epoch: 1, rank: 0, worldSize: 1, blockSize: 8, remainder: 'pad', interleave: 4 };
    const order = epochOrder(spec);
    expect(new Set(order).size).toBe(400);
    // Shards are 100 long and lanes 100 long: each block of 8 holds 2 samples of every shard.
    for (let b = 0; b < 400; b += 8) {
      const shards = [...order.subarray(b, b + 8)].map((id) => Math.floor(id / 100)).sort();
      expect(shards).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    }
    // Uneven lanes (slice 30, 4 lanes of 8) still cover the slice once.
    const uneven = epochOrder({ ...base, interleave: 4 });
    expect([...uneven].sort((a, c) => a - c)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('rejects bad arguments', () => {
    expect(() => epochOrder({ ...base, rank: 1 })).toThrow(/rank/);
    expect(() => epochOrder({ ...base, blockSize: 0 })).toThrow(/blockSize/);
    expect(() => epochOrder({ ...base, worldSize: 0, rank: 0 })).toThrow();
    expect(rankEpochLength(5, 8, 'drop')).toBe(0);
  });
});

describe('locateSample', () => {
  it('maps global ids to shard rows, skipping empty shards', () => {
    const offsets = shardOffsets([2, 0, 3]);
    expect([0, 1, 2, 3, 4].map((id) => locateSample(offsets, id))).toEqual([
      { shard: 0, row: 0 }, { shard: 0, row: 1 }, { shard: 2, row: 0 }, { shard: 2, row: 1 }, { shard: 2, row: 2 },
    ]);
    expect(() => locateSample(offsets, 5)).toThrow(RangeError);
  });
});

describe('Rng', () => {
  it('is reproducible per key and roughly uniform', () => {
    const a = new Rng('k');
    const b = new Rng('k');
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = a.below(10);
      expect(b.below(10)).toBe(x);
      counts[x]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(new Rng('k').nextU32()).not.toBe(new Rng('l').nextU32());
  });
});
