import { NameTable } from '../src/name-table.js';
import { mapOrdered } from '../src/ordered-map.js';

describe('NameTable', () => {
  it('gives dense ids in insertion order, refuses repeats and finds every name after growing', () => {
    const t = new NameTable(4);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(t.add(`PMC${i}_Fig${i % 9}.jpg`)).toBe(i);
    expect(t.size).toBe(n);
    expect(t.add('PMC7_Fig7.jpg')).toBe(-1);
    for (let i = 0; i < n; i += 997) expect(t.get(`PMC${i}_Fig${i % 9}.jpg`)).toBe(i);
    expect(t.get('PMC7_Fig8.jpg')).toBe(-1);
    expect(t.get('')).toBe(-1);
    // 8 bytes per name plus 4 per slot at load <= 1/2: well under a string map.
    expect(t.byteSize).toBeLessThan(n * 32);
  });
});

describe('mapOrdered', () => {
  it('keeps input order whatever the completion order, with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const delays = [30, 1, 20, 5, 0, 15, 2, 8, 25, 3, 1, 12];
    const fn = async (i: number): Promise<number> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, delays[i]));
      inFlight--;
      return i * 10;
    };
    const out: number[] = [];
    for await (const r of mapOrdered(delays.keys(), fn, 4)) out.push(r);
    expect(out).toEqual(delays.map((_, i) => i * 10));
    expect(peak).toBe(4);
  });

  it('re-throws a failure in its turn, after earlier results', async () => {
    const out: number[] = [];
    const run = async (): Promise<void> => {
      for await (const r of mapOrdered([0, 1, 2, 3], async (i) => {
        if (i === 2) throw new Error('boom at 2');
        await new Promise((res) => setTimeout(res, 5));
        return i;
      }, 3)) out.push(r);
    };
    await expect(run()).rejects.toThrow('boom at 2');
    expect(out).toEqual([0, 1]);
  });

  it('refuses a concurrency below 1', async () => {
    await expect(mapOrdered([1], async (x) => x, 0).next()).rejects.toThrow(RangeError);
  });
});
