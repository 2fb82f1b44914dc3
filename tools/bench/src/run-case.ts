import { performance } from 'node:perf_hooks';
import type { BenchCase, CaseResult } from './types.js';
import { median } from './stats.js';

async function timeOnce(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Alternate ours and baseline (ABAB...) after one untimed warm-up of each, so
 * JIT warm-up and slow drift of a noisy machine affect both sides alike.
 */
export async function runCase(c: BenchCase, defaultReps: number): Promise<CaseResult> {
  const reps = c.repetitions ?? defaultReps;
  const result: CaseResult = { name: c.name, description: c.description, repetitions: reps, oursMs: [], oursMedianMs: NaN, work: c.work };
  try {
    await c.setup?.();
    if (c.warmup !== false) {
      await c.ours();
      if (c.baseline) await c.baseline.run();
    }
    const baseMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      result.oursMs.push(await timeOnce(() => c.ours()));
      if (c.baseline) baseMs.push(await timeOnce(() => c.baseline!.run()));
    }
    result.oursMedianMs = median(result.oursMs);
    if (c.baseline) {
      result.baselineName = c.baseline.name;
      result.baselineMs = baseMs;
      result.baselineMedianMs = median(baseMs);
      result.ratio = result.oursMedianMs / result.baselineMedianMs;
    }
    result.work = c.work;
    if (c.work) {
      result.oursThroughput = c.work.amount / (result.oursMedianMs / 1000);
      if (result.baselineMedianMs) result.baselineThroughput = c.work.amount / (result.baselineMedianMs / 1000);
    }
    result.extras = await c.extras?.();
  } catch (err) {
    result.error = (err as Error).stack ?? String(err);
  } finally {
    await c.teardown?.();
  }
  return result;
}
