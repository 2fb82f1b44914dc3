/**
 * Runs a batch's task graph with at most `parallel` tasks at once, each task
 * after the tasks it depends on, and yields every task's result as soon as it
 * is known, so Nx can report progress and schedule while the batch goes on.
 * Kept free of Nx and of the stages: a pure scheduler over task ids.
 */

/** The part of Nx's TaskGraph a batch needs: task ids and, per task, what it depends on. */
export interface DependencyGraph {
  tasks: Record<string, unknown>;
  /** Nx 24 gives edges as `{ id }`; older versions as plain ids. */
  dependencies: Record<string, ReadonlyArray<string | { id: string }>>;
}

export interface TaskRun {
  id: string;
  status: 'success' | 'failure' | 'skipped';
  /** What the task printed; for a skipped task, which dependency failed. */
  output: string;
  startTime?: number;
  endTime?: number;
}

export type RunTask = (id: string) => Promise<{ ok: boolean; output: string }>;

/**
 * Dependencies inside the batch only: a dependency outside it has completed
 * (Nx batches a task only once its outside dependencies are done).
 */
function inBatchDependencies(graph: DependencyGraph): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const id of Object.keys(graph.tasks)) {
    const edges = graph.dependencies[id] ?? [];
    deps.set(id, edges.map((e) => (typeof e === 'string' ? e : e.id)).filter((d) => d in graph.tasks));
  }
  return deps;
}

/**
 * Order among ready tasks: deepest first (a book's later stage before another
 * book's first), so books finish one by one, their outputs reach Nx early, and
 * few books are half-built at once; then by id, so a run is reproducible.
 */
function depths(deps: Map<string, string[]>): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) throw new Error(`the batch's task graph has a cycle through ${id}`);
    seen.add(id);
    const d = Math.max(-1, ...deps.get(id)!.map((p) => visit(p, seen))) + 1;
    seen.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of deps.keys()) visit(id, new Set());
  return depth;
}

export async function* runTaskGraph(graph: DependencyGraph, parallel: number, run: RunTask): AsyncGenerator<TaskRun> {
  const deps = inBatchDependencies(graph);
  const depth = depths(deps);
  const dependents = new Map<string, string[]>();
  for (const [id, ds] of deps) for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), id]);
  const waitingOn = new Map([...deps].map(([id, ds]) => [id, new Set(ds)]));
  const ready: string[] = [...deps.keys()].filter((id) => waitingOn.get(id)!.size === 0);
  const finished: TaskRun[] = [];
  let running = 0;
  let wake: (() => void) | undefined;
  let remaining = deps.size;

  const byPriority = (a: string, b: string): number => depth.get(b)! - depth.get(a)! || (a < b ? -1 : a > b ? 1 : 0);
  /** A failed task's dependents, transitively, never run: they are reported as skipped. */
  const skipDependents = (failed: string): void => {
    const stack = [...(dependents.get(failed) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      if (!waitingOn.has(id)) continue;
      waitingOn.delete(id);
      finished.push({ id, status: 'skipped', output: `not run: ${failed} failed\n` });
      stack.push(...(dependents.get(id) ?? []));
    }
  };
  const start = (id: string): void => {
    running++;
    waitingOn.delete(id);
    const startTime = Date.now();
    const settle = (r: TaskRun): void => {
      running--;
      finished.push(r);
      if (r.status === 'success') {
        for (const d of dependents.get(id) ?? []) {
          const w = waitingOn.get(d);
          if (w && w.delete(id) && w.size === 0) ready.push(d);
        }
      } else skipDependents(id);
      wake?.();
    };
    run(id).then(
      (r) => settle({ id, status: r.ok ? 'success' : 'failure', output: r.output, startTime, endTime: Date.now() }),
      (err: unknown) => settle({ id, status: 'failure', output: `${(err as Error).stack ?? String(err)}\n`, startTime, endTime: Date.now() }),
    );
  };

  while (remaining > 0) {
    ready.sort(byPriority);
    while (running < Math.max(1, parallel) && ready.length) start(ready.shift()!);
    if (!finished.length) {
      if (!running) throw new Error(`the batch stalled with ${remaining} tasks left: a dependency is missing from its graph`);
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    while (finished.length) {
      remaining--;
      yield finished.shift()!;
    }
  }
}
