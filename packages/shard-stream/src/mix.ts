/**
 * Deterministic weighted mixing by largest deficit: the next sample comes from
 * the source that is furthest behind its target count, i.e. argmax
 * (k + 1) * w_i / sum(w) - count_i after k picks, ties to the earlier source.
 * Every prefix of the schedule then holds each source within about one sample
 * of its target share (equal weights alternate exactly), and the schedule is a
 * function of the counts alone: the counts are the mixing position that a resume
 * state stores.
 */
export function pickSource(counts: ArrayLike<number>, weights: readonly number[]): number {
  let picks = 0;
  let totalWeight = 0;
  for (let i = 0; i < weights.length; i++) {
    picks += counts[i]!;
    totalWeight += weights[i]!;
  }
  let best = -1;
  let bestDeficit = -Infinity;
  for (let i = 0; i < weights.length; i++) {
    const deficit = ((picks + 1) * weights[i]!) / totalWeight - counts[i]!;
    if (deficit > bestDeficit) {
      bestDeficit = deficit;
      best = i;
    }
  }
  if (best < 0) throw new Error('pickSource: no source to pick from');
  return best;
}

export function validateWeights(weights: readonly number[]): void {
  if (weights.length === 0) throw new RangeError('at least one source is needed');
  for (const w of weights) {
    if (!(Number.isFinite(w) && w > 0)) throw new RangeError(`source weights must be positive finite numbers, got ${w}`);
  }
}

/** The per-source counts after `picks` samples, replaying the schedule from zero. */
export function countsAfter(picks: number, weights: readonly number[]): number[] {
  const counts = new Array<number>(weights.length).fill(0);
  for (let k = 0; k < picks; k++) counts[pickSource(counts, weights)]!++;
  return counts;
}

/** Shares of each source in `counts` (what the loader reports as realized proportions). */
export function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}
