/**
 * One benchmark: our code and, where there is one, the baseline it is judged
 * against, timed in the same process, alternating, so machine drift hits both.
 */
export interface BenchCase {
  name: string;
  description: string;
  /** Work done by one run, for throughput (e.g. { unit: 'pages', amount: 55 }); may be set by the first run. */
  work?: { unit: string; amount: number };
  setup?(): Promise<void>;
  ours(): Promise<void>;
  baseline?: { name: string; run(): Promise<void> };
  repetitions?: number;
  /** false: no untimed warm-up run (cases whose one run takes minutes and has no JIT to warm). */
  warmup?: boolean;
  /** Figures measured once beside the timings (peak RSS, accuracy, counts). */
  extras?(): Promise<Record<string, number | string>>;
  teardown?(): Promise<void>;
}

export interface CaseModule {
  cases(opts: { quick: boolean }): Promise<BenchCase[]>;
}

export interface CaseResult {
  name: string;
  description: string;
  repetitions: number;
  oursMs: number[];
  baselineMs?: number[];
  baselineName?: string;
  oursMedianMs: number;
  baselineMedianMs?: number;
  /** ours / baseline: below 1 is faster than the baseline. */
  ratio?: number;
  work?: { unit: string; amount: number };
  oursThroughput?: number;
  baselineThroughput?: number;
  extras?: Record<string, number | string>;
  error?: string;
}
