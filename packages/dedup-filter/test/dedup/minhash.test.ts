import { estimateJaccard, jaccard, MinHasher, optimalLshParams, candidateProbability, sortUnique } from '@mtb/dedup-filter';
import { defaultHashers, rng } from './fixtures.js';

/** Two random sets with exactly the given Jaccard similarity. */
function pairWithJaccard(j: number, union: number, next: () => number): [Uint32Array, Uint32Array] {
  const shared = Math.round(j * union);
  const rest = union - shared;
  const values = new Set<number>();
  while (values.size < union) values.add(Math.floor(next() * 2 ** 32) >>> 0);
  const all = [...values];
  const a = all.slice(0, shared).concat(all.slice(shared, shared + Math.floor(rest / 2)));
  const b = all.slice(0, shared).concat(all.slice(shared + Math.floor(rest / 2)));
  return [sortUnique(Uint32Array.from(a)), sortUnique(Uint32Array.from(b))];
}

describe('MinHash estimates', () => {
  const k = 128;
  const mh = new MinHasher(k);
  it.each([0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95])('J = %p: unbiased, error within 3 sd of sqrt(J(1-J)/k)', (target) => {
    const next = rng(Math.round(target * 1000));
    const trials = 60;
    const errors: number[] = [];
    let exactJ = 0;
    for (let t = 0; t < trials; t++) {
      const [a, b] = pairWithJaccard(target, 400, next);
      exactJ = jaccard(a, b);
      errors.push(estimateJaccard(mh.signature(a), mh.signature(b)) - exactJ);
    }
    const sd = Math.sqrt((exactJ * (1 - exactJ)) / k);
    const within = errors.filter((e) => Math.abs(e) <= 3 * sd).length / trials;
    const mean = errors.reduce((s, e) => s + e, 0) / trials;
    const empiricalSd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / (trials - 1));
    expect(within).toBeGreaterThanOrEqual(0.97);
    expect(Math.abs(mean)).toBeLessThanOrEqual((3 * sd) / Math.sqrt(trials));
    // correlated permutations would inflate the spread beyond the binomial one
    expect(empiricalSd).toBeLessThanOrEqual(1.35 * sd);
  });

  it('estimates the Jaccard of real shingle sets', async () => {
    const h = await defaultHashers();
    const words = Array.from({ length: 200 }, (_, i) => `term${i % 97}x${i}`);
    const a = h.shingles.shinglesOfWords(words);
    const b = h.shingles.shinglesOfWords(words.slice(0, 170).concat(['other', 'words', 'here'], words.slice(170)));
    const j = jaccard(a, b);
    expect(Math.abs(estimateJaccard(h.minhash.signature(a), h.minhash.signature(b)) - j)).toBeLessThanOrEqual(3 * Math.sqrt((j * (1 - j)) / 128));
  });

  it('equals the textbook min over (a*x + b) mod 2^32 for any k', () => {
    const next = rng(5);
    const set = Uint32Array.from({ length: 50 }, () => Math.floor(next() * 2 ** 32));
    for (const k of [1, 7, 128, 130]) {
      const mh = new MinHasher(k);
      expect(mh.vectorized).toBe(k % 16 === 0);
      expect(Array.from(mh.signatureJs(set))).toEqual(Array.from(mh.signature(set)));
      const want = Array.from({ length: k }, (_, i) => {
        const a = BigInt(mh.a[i]! >>> 0);
        const b = BigInt(mh.b[i]! >>> 0);
        return Math.min(...Array.from(set, (x) => Number((a * BigInt(x) + b) % 2n ** 32n)));
      });
      expect(Array.from(mh.signature(set))).toEqual(want);
    }
  });

  it('gives identical signatures on the SIMD and JS paths for sets of any size', () => {
    const mh = new MinHasher(128);
    const next = rng(9);
    for (const n of [0, 1, 3, 100, 5000]) {
      const set = Uint32Array.from({ length: n }, () => Math.floor(next() * 2 ** 32));
      expect(Array.from(mh.signature(set))).toEqual(Array.from(mh.signatureJs(set)));
    }
  });

  it('is deterministic and exact in 32-bit arithmetic', () => {
    const s = Uint32Array.from([0, 1, 0xffffffff, 123456789]);
    const m1 = new MinHasher(16).signature(s);
    const m2 = new MinHasher(16).signature(s);
    expect(Array.from(m1)).toEqual(Array.from(m2));
    for (const v of m1) expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).toBe(true);
  });
});

describe('LSH parameters', () => {
  it('match text-dedup optimal_param with equal weights', () => {
    expect(optimalLshParams(0.8, 128, { falsePositive: 0.5, falseNegative: 0.5 })).toEqual({ bands: 9, rows: 13 });
  });
  it('by default find pairs at J >= 0.85 with probability >= 0.95, and rarely pairs at 0.5', () => {
    const p = optimalLshParams(0.8, 128);
    expect(p.bands * p.rows).toBeLessThanOrEqual(128);
    expect(candidateProbability(0.85, p)).toBeGreaterThanOrEqual(0.95);
    expect(candidateProbability(0.5, p)).toBeLessThan(0.05);
  });
});
