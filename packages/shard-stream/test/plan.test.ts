import { SamplePlanner, type PlanSpec, type SampleRef } from '../src/plan.js';

const spec: PlanSpec = {
  sources: [
    { name: 'mtb', weight: 1, shardSizes: [13, 9, 20] },
    { name: 'pmc-oa', weight: 1, shardSizes: [7, 7, 7, 7, 3] },
  ],
  seed: 7,
  rank: 0,
  worldSize: 1,
  blockSize: 5,
  remainder: 'pad',
};

function take(p: SamplePlanner, n: number): SampleRef[] {
  return Array.from({ length: n }, () => p.next());
}

describe('SamplePlanner', () => {
  it('resumes exactly from the counts at many random stop points, across epoch boundaries, on several ranks', () => {
    for (const worldSize of [1, 3, 4]) {
      for (let rank = 0; rank < worldSize; rank++) {
        const s = { ...spec, rank, worldSize };
        const full = take(new SamplePlanner(s), 400);
        let seed = 12345 + rank;
        for (let trial = 0; trial < 25; trial++) {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          const stop = seed % 380;
          const first = new SamplePlanner(s);
          const before = take(first, stop);
          const resumed = new SamplePlanner(s, [...first.consumed]);
          expect([...before, ...take(resumed, 400 - stop)]).toEqual(full);
        }
      }
    }
  });

  it('runs each source through its own epochs; every sample once per epoch on one rank', () => {
    const p = new SamplePlanner(spec);
    const refs = take(p, 2 * (42 + 31) + 10);
    const mtb = refs.filter((r) => r.source === 0);
    const epoch0 = mtb.filter((r) => r.epoch === 0).map((r) => r.sampleId);
    expect(epoch0.length).toBe(42);
    expect(new Set(epoch0).size).toBe(42);
    const pmc1 = refs.filter((r) => r.source === 1 && r.epoch === 1).map((r) => r.sampleId);
    expect(new Set(pmc1).size).toBe(pmc1.length);
    expect(p.epochOf(1)).toBeGreaterThanOrEqual(2);
  });

  it('gives all ranks the same source sequence (equal per-source counts, lockstep)', () => {
    const a = take(new SamplePlanner({ ...spec, worldSize: 3, rank: 0 }), 100).map((r) => r.source);
    const b = take(new SamplePlanner({ ...spec, worldSize: 3, rank: 2 }), 100).map((r) => r.source);
    expect(a).toEqual(b);
  });

  it('refuses a source too small for the world size', () => {
    expect(() => new SamplePlanner({ ...spec, worldSize: 50, remainder: 'drop' })).toThrow(/mtb.*too few/);
  });
});
