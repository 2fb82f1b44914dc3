import { pickSource, countsAfter, proportions, validateWeights } from '../src/mix.js';


describe('weighted mixing', () => {
  it('alternates equal weights (MTB and PMC-OA at 1.0 each)', () => {
    const counts = [0, 0];
    const picks: number[] = [];
    for (let k = 0; k < 6; k++) {
      const s = pickSource(counts, [1, 1]);
      picks.push(s);
      counts[s]!++;
    }
    expect(picks).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('keeps every prefix within about one sample of the target proportions', () => {
    const weights = [3, 1, 0.5];
    const sum = 4.5;
    const counts = [0, 0, 0];
    for (let k = 1; k <= 2000; k++) {
      counts[pickSource(counts, weights)]!++;
      weights.forEach((w, i) => expect(Math.abs(counts[i]! - (k * w) / sum)).toBeLessThanOrEqual(1));
    }
    const p = proportions(counts);
    expect(p[0]).toBeCloseTo(3 / 4.5, 2);
    expect(p[2]).toBeCloseTo(0.5 / 4.5, 2);
  });

  it('stays within 1.5 samples of target for arbitrary weights', () => {
    let x = 99;
    const rand = (): number => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      const weights = Array.from({ length: 2 + (t % 5) }, () => 0.01 + rand() * 5);
      const sum = weights.reduce((a, b) => a + b, 0);
      const counts = weights.map(() => 0);
      for (let k = 1; k <= 300; k++) {
        counts[pickSource(counts, weights)]!++;
        weights.forEach((w, i) => { worst = Math.max(worst, Math.abs(counts[i]! - (k * w) / sum)); });
      }
    }
    expect(worst).toBeLessThan(1.5);
  });

  it('is a function of the counts alone (the resume position)', () => {
    const weights = [2, 5];
    expect(countsAfter(700, weights)).toEqual([200, 500]);
    const c = countsAfter(123, weights);
    expect(c[0]! + c[1]!).toBe(123);
  });

  it('rejects zero, negative and non-finite weights', () => {
    expect(() => validateWeights([1, 0])).toThrow(/positive/);
    expect(() => validateWeights([Number.NaN])).toThrow();
    expect(() => validateWeights([])).toThrow();
  });
});
