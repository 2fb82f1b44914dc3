import { unitInterval } from '@mtb/core';

/** Output folders. PMC-OA's public `valid` split is what Med-Flamingo evaluates on: it lands in `eval`. */
export const SPLITS = ['train', 'eval', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** The public split files and the shard folder each one feeds. */
export const PUBLIC_SPLIT_FILES: ReadonlyArray<{ file: string; split: Split }> = [
  { file: 'train.jsonl', split: 'train' },
  { file: 'valid.jsonl', split: 'eval' },
  { file: 'test.jsonl', split: 'test' },
];

export interface HashSplitOptions {
  evalFraction: number;
  testFraction: number;
  splitSeed: string;
}

/**
 * The split of a row when the input has no public split: a pure function of
 * (seed, key), so reruns, reorderings and appended rows never move a pair.
 * The defaults (0.1 / 0.1) mirror the public split's proportions.
 */
export function hashSplit(key: string, opts: HashSplitOptions): Split {
  if (!(opts.evalFraction >= 0 && opts.testFraction >= 0 && opts.evalFraction + opts.testFraction <= 1)) {
    throw new RangeError(`eval (${opts.evalFraction}) and test (${opts.testFraction}) fractions must be >= 0 and sum to at most 1`);
  }
  const u = unitInterval(`${opts.splitSeed}\u0000${key}`);
  if (u < opts.evalFraction) return 'eval';
  if (u < opts.evalFraction + opts.testFraction) return 'test';
  return 'train';
}
