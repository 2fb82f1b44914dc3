import { unitInterval } from '@mtb/core';

export type SplitName = 'train' | 'eval';

/**
 * A unit's split is a pure function of its key: a salted sha256 mapped to
 * [0, 1) and compared with evalFraction. Adding or removing other units never
 * moves it, so splits stay stable as a corpus grows.
 */
export function assignSplit(unitKey: string, evalFraction: number, seed: string): SplitName {
  return unitInterval(`${seed}\u0000${unitKey}`) < evalFraction ? 'eval' : 'train';
}
