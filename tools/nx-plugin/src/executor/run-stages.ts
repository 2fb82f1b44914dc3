import { resolve } from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { bookTaskLimits, StagePool, type ProcessResult } from '@mtb/cli';
import { runTaskGraph } from './run-graph.js';
import { batchParallelism } from './parallelism.js';

/** Options of the `@mtb-tools/nx-plugin:stage` executor (schema.json): one `mtb` stage command. */
export interface StageOptions {
  /** The `mtb` arguments, e.g. ["tokens", "datasets/sample/build/pdkids"], relative to the workspace root. */
  args: string[];
  /** The corpus folder, whose corpus.json sets the per-book task limits. */
  corpus: string;
}

interface BatchTaskResult { task: string; result: { success: boolean; status: 'success' | 'failure' | 'skipped'; terminalOutput: string; startTime?: number; endTime?: number } }

/** What a task printed, and why the runner stopped it when it did. */
function explainKill(options: StageOptions, r: ProcessResult, limits: { heapMb?: number; timeoutMs?: number }): string {
  if (r.killed === 'out-of-memory') return `${r.output}mtb ${options.args.join(' ')}: went over the per-book heap limit of ${limits.heapMb} MB (stageMemoryMb in ${options.corpus}/corpus.json): raise it, or build this corpus with --no-nx, which records the book as failed and goes on\n`;
  if (r.killed === 'timeout') return `${r.output}mtb ${options.args.join(' ')}: stopped after ${Math.round(limits.timeoutMs! / 1000)} s (bookTimeoutMs in ${options.corpus}/corpus.json, + 60 s)\n`;
  return r.output;
}

/**
 * Pools of worker threads, one per corpus (its corpus.json sets the task
 * limits), each thread loading the CLI once: a batch pays the process and
 * module start once per thread instead of once per task.
 */
class Pools {
  private pools = new Map<string, { pool: StagePool; limits: { heapMb?: number; timeoutMs?: number } }>();

  constructor(private readonly size: number) {}

  async run(options: StageOptions): Promise<{ ok: boolean; output: string }> {
    const key = resolve(options.corpus);
    let entry = this.pools.get(key);
    if (!entry) {
      const limits = bookTaskLimits(options.corpus);
      entry = { pool: new StagePool(this.size, limits), limits };
      this.pools.set(key, entry);
    }
    const r = await entry.pool.run(options.args);
    return { ok: r.code === 0, output: explainKill(options, r, entry.limits) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.pool.close()));
  }
}

/** One task on its own (Nx with batching turned off, `--batch=false`). */
export async function runStage(options: StageOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // Stage arguments are workspace-relative, as the task graph's inputs and outputs are.
  process.chdir(context.root);
  const pools = new Pools(1);
  try {
    const r = await pools.run(options);
    process.stdout.write(r.output);
    return { success: r.ok };
  } finally {
    await pools.close();
  }
}

/**
 * Nx's batch implementation: every per-book task Nx hands over, run in this one
 * process, each after the tasks it depends on, results streamed back one by one
 * (Nx caches each task's outputs as usual).
 */
export async function* runStageBatch(taskGraph: TaskGraph, inputs: Record<string, StageOptions>, _overrides: unknown, context: ExecutorContext): AsyncGenerator<BatchTaskResult> {
  process.chdir(context.root);
  const parallel = batchParallelism(context);
  const pools = new Pools(Math.min(parallel, Object.keys(taskGraph.tasks).length));
  try {
    for await (const r of runTaskGraph(taskGraph, parallel, (id) => pools.run(inputs[id]!))) {
      yield { task: r.id, result: { success: r.status === 'success', status: r.status, terminalOutput: r.output, startTime: r.startTime, endTime: r.endTime } };
    }
  } finally {
    await pools.close();
  }
}
