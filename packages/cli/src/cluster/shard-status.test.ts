import type { ShardRun } from './shard-runs.js';
import { joinStatus, shardStatus, type SchedulerQueue, type ShardStatusInput } from './shard-status.js';
import { arraySpec, parseTaskList } from './task-list.js';

const BOOKS = [['a', 'd'], ['b', 'e'], ['c']];

function run(index: number, over: Partial<ShardRun> = {}): ShardRun {
  return {
    kind: 'shard', shard: { index, count: 3 }, state: 'ok', books: BOOKS[index]!, host: 'node7', pid: 4242,
    slurm: { jobId: String(100 + index), arrayJobId: '99', arrayTaskId: String(index) },
    startedAt: '2026-01-01T10:00:00.000Z', endedAt: '2026-01-01T10:05:00.000Z', failedBooks: [], ...over,
  };
}

function input(runs: ShardRun[], over: Partial<ShardStatusInput> = {}): ShardStatusInput {
  return {
    count: 3, booksOfShard: BOOKS, runs: new Map(runs.map((r) => [r.shard!.index, r])),
    bookReady: () => true, isAlive: () => undefined, ...over,
  };
}

const queue = (entries: Record<string, string>, byShard: Record<number, string> = {}, join?: string): SchedulerQueue => ({
  byJobId: new Map(Object.entries(entries).map(([k, state]) => [k, { state }])),
  byShard: new Map(Object.entries(byShard).map(([k, state]) => [Number(k), { state, reason: 'Resources' }])),
  ...(join ? { join: { state: join, reason: 'Dependency' } } : {}),
});

describe('cluster status: where each shard stands', () => {
  it('calls a shard done when its run ended ok over the same books and they have their outputs', () => {
    const r = shardStatus(input([run(0), run(1, { failedBooks: [{ bookId: 'e', class: 'encrypted' }] }), run(2)]));
    expect(r.map((s) => s.state)).toEqual(['done', 'done', 'done']);
    expect(r[0]!.detail).toContain('job 99_0 on node7');
    // A failed book is data: the shard is done, and says which.
    expect(r[1]!.detail).toContain('e: encrypted');
  });

  it('tells failed, missing, stale and incomplete shards apart', () => {
    const r = shardStatus(input(
      [run(0, { state: 'failed', error: 'stopped by SIGTERM (a scheduler\'s time limit, ...)' }), run(1, { books: ['b'] })],
      { bookReady: (id) => id !== 'c' },
    ));
    expect(r.map((s) => s.state)).toEqual(['failed', 'missing', 'missing']);
    expect(r[0]!.detail).toContain('SIGTERM');
    expect(r[1]!.detail).toContain('the corpus changed');
    expect(r[2]!.detail).toContain('no run recorded');
    const gone = shardStatus(input([run(0), run(1), run(2)], { bookReady: (id) => id !== 'c' }));
    expect(gone[2]).toMatchObject({ state: 'failed' });
    expect(gone[2]!.detail).toContain('lack their outputs');
  });

  it("trusts a 'running' record only while its job is queued, or, without Slurm, while its process lives", () => {
    const running = [run(0, { state: 'running', endedAt: undefined }), run(1, { state: 'running', endedAt: undefined }), run(2)];
    // Slurm's queue read: 99_0 is there, 99_1 is gone (killed with SIGKILL, or its node lost).
    const q = shardStatus(input(running, { queue: queue({ '100': 'RUNNING', '99_0': 'RUNNING' }) }));
    expect(q.map((s) => s.state)).toEqual(['running', 'failed', 'done']);
    expect(q[1]!.detail).toContain('stopped without finishing');
    // No scheduler: a process of this host that is gone is a killed run; another host's cannot be checked.
    const local = shardStatus(input(running, { isAlive: (_h, pid) => (pid === 4242 ? false : undefined) }));
    expect(local.map((s) => s.state)).toEqual(['failed', 'failed', 'done']);
    const remote = shardStatus(input(running));
    expect(remote[0]).toMatchObject({ state: 'running' });
    expect(remote[0]!.detail).toContain('no scheduler to confirm');
  });

  it('lets a queued or running array task override an older record', () => {
    const r = shardStatus(input([run(0, { state: 'failed', error: 'x' }), run(1)], { queue: queue({}, { 0: 'PENDING', 2: 'RUNNING' }) }));
    expect(r.map((s) => s.state)).toEqual(['queued', 'done', 'running']);
    expect(r[0]!.detail).toContain('PENDING: Resources');
  });

  it('calls the join done only when it ran after the last shard, over shards that are all done', () => {
    const runs = [run(0), run(1), run(2)];
    const shards = shardStatus(input(runs));
    const byIndex = new Map(runs.map((r) => [r.shard!.index, r]));
    const join = (over: Partial<ShardRun>): ShardRun => ({ ...run(0), kind: 'join', shard: undefined, books: ['a', 'b', 'c', 'd', 'e'], slurm: { jobId: '103' }, startedAt: '2026-01-01T10:06:00.000Z', endedAt: '2026-01-01T10:09:00.000Z', ...over });
    const env = { isAlive: () => undefined };
    expect(joinStatus(join({}), shards, byIndex, env).state).toBe('done');
    expect(joinStatus(undefined, shards, byIndex, env).state).toBe('missing');
    expect(joinStatus(join({ startedAt: '2026-01-01T10:01:00.000Z' }), shards, byIndex, env)).toMatchObject({ state: 'missing' });
    expect(joinStatus(join({ state: 'failed', error: 'stage dedup failed' }), shards, byIndex, env).detail).toContain('stage dedup failed');
    expect(joinStatus(join({}), shardStatus(input([run(0), run(1)])), byIndex, env).state).toBe('missing');
    expect(joinStatus(undefined, shards, byIndex, { ...env, queue: queue({}, {}, 'PENDING') })).toMatchObject({ state: 'queued' });
    expect(joinStatus(join({ state: 'running' }), shards, byIndex, { ...env, queue: queue({}) }).state).toBe('failed');
  });
});

describe('cluster: Slurm array task lists', () => {
  it('writes and reads --array lists', () => {
    expect(arraySpec([4, 0, 1, 2, 7, 5])).toBe('0-2,4-5,7');
    expect(arraySpec([3])).toBe('3');
    expect(parseTaskList('0-2,4-5,7', 8)).toEqual([0, 1, 2, 4, 5, 7]);
    expect(parseTaskList(' 1 ,1', 2)).toEqual([1]);
    expect(() => parseTaskList('2-1', 8)).toThrow(/0\.\.7/);
    expect(() => parseTaskList('8', 8)).toThrow(/0\.\.7/);
    expect(() => parseTaskList('a', 8)).toThrow(/expected task ids/);
  });
});
