import { median, runCase } from './index.js';

describe('bench harness', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('alternates ours and baseline and reports a ratio', async () => {
    const calls: string[] = [];
    const r = await runCase({
      name: 'x', description: 'x', repetitions: 3, work: { unit: 'items', amount: 10 },
      ours: async () => { calls.push('o'); },
      baseline: { name: 'b', run: async () => { calls.push('b'); } },
    }, 3);
    expect(calls.join('')).toBe('obobobob');
    expect(r.oursMs).toHaveLength(3);
    expect(r.ratio).toBeGreaterThan(0);
    expect(r.oursThroughput).toBeGreaterThan(0);
  });
  it('records an error instead of throwing', async () => {
    const r = await runCase({ name: 'bad', description: '', ours: async () => { throw new Error('boom'); } }, 1);
    expect(r.error).toMatch(/boom/);
  });
});
