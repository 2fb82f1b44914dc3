import { runTaskGraph, type DependencyGraph, type TaskRun } from './run-graph.js';
import { batchParallelism } from './parallelism.js';

/** Two books' chains, html -> tokens -> filter, as Nx hands them to a batch. */
function chains(books: string[]): DependencyGraph {
  const tasks: Record<string, unknown> = {};
  const dependencies: DependencyGraph['dependencies'] = {};
  for (const b of books) {
    tasks[`${b}:html`] = {};
    tasks[`${b}:tokens`] = {};
    tasks[`${b}:filter`] = {};
    dependencies[`${b}:html`] = [{ id: 'corpus:outside' }]; // done before the batch: ignored
    dependencies[`${b}:tokens`] = [{ id: `${b}:html` }];
    dependencies[`${b}:filter`] = [`${b}:tokens`];
  }
  return { tasks, dependencies };
}

async function collect(graph: DependencyGraph, parallel: number, fail = new Set<string>()): Promise<{ runs: TaskRun[]; started: string[]; maxRunning: number }> {
  const started: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const runs: TaskRun[] = [];
  const gen = runTaskGraph(graph, parallel, async (id) => {
    started.push(id);
    maxRunning = Math.max(maxRunning, ++running);
    await new Promise((r) => setTimeout(r, 2));
    running--;
    return { ok: !fail.has(id), output: `${id} ran\n` };
  });
  for await (const r of gen) runs.push(r);
  return { runs, started, maxRunning };
}

describe('batch executor: running a task graph', () => {
  it('runs every task once, each after its dependencies, at most `parallel` at once', async () => {
    const { runs, started, maxRunning } = await collect(chains(['a', 'b', 'c']), 2);
    expect(runs.map((r) => r.id).sort()).toEqual(Object.keys(chains(['a', 'b', 'c']).tasks).sort());
    expect(runs.every((r) => r.status === 'success' && r.output.endsWith('ran\n'))).toBe(true);
    expect(new Set(started).size).toBe(started.length);
    for (const b of ['a', 'b', 'c']) {
      expect(started.indexOf(`${b}:html`)).toBeLessThan(started.indexOf(`${b}:tokens`));
      expect(started.indexOf(`${b}:tokens`)).toBeLessThan(started.indexOf(`${b}:filter`));
    }
    expect(maxRunning).toBe(2);
    for (const r of runs) expect(r.endTime!).toBeGreaterThanOrEqual(r.startTime!);
  });

  it('finishes a started book before starting the next one when it can', async () => {
    const { started } = await collect(chains(['a', 'b', 'c']), 1);
    expect(started).toEqual(['a:html', 'a:tokens', 'a:filter', 'b:html', 'b:tokens', 'b:filter', 'c:html', 'c:tokens', 'c:filter']);
  });

  it("skips a failed task's dependents and still runs the other books", async () => {
    const { runs, started } = await collect(chains(['a', 'b']), 2, new Set(['a:tokens']));
    const status = Object.fromEntries(runs.map((r) => [r.id, r.status]));
    expect(status).toEqual({ 'a:html': 'success', 'a:tokens': 'failure', 'a:filter': 'skipped', 'b:html': 'success', 'b:tokens': 'success', 'b:filter': 'success' });
    expect(started).not.toContain('a:filter');
    expect(runs.find((r) => r.id === 'a:filter')!.output).toContain('a:tokens failed');
  });

  it('reports a task whose runner throws as failed, with the error', async () => {
    const runs: TaskRun[] = [];
    for await (const r of runTaskGraph(chains(['a']), 2, async (id) => {
      if (id === 'a:html') throw new Error('worker could not start');
      return { ok: true, output: '' };
    })) runs.push(r);
    expect(runs.map((r) => [r.id, r.status])).toEqual([['a:html', 'failure'], ['a:tokens', 'skipped'], ['a:filter', 'skipped']]);
    expect(runs[0]!.output).toContain('worker could not start');
  });

  it('refuses a cycle instead of waiting forever', async () => {
    const graph: DependencyGraph = { tasks: { x: {}, y: {} }, dependencies: { x: ['y'], y: ['x'] } };
    await expect(collect(graph, 2)).rejects.toThrow(/cycle/);
  });

  it('takes its parallelism from mtb build, then nx.json, then the cores', () => {
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 3 } }, { MTB_PARALLEL: '5' })).toBe(5);
    expect(batchParallelism({ nxJsonConfiguration: { parallel: 3 } }, {})).toBe(3);
    expect(batchParallelism({ nxJsonConfiguration: {} }, { MTB_PARALLEL: 'x' })).toBeGreaterThanOrEqual(1);
  });
});
