/** Counts of values in fixed-width bins [edges[i], edges[i+1]). */
export interface Histogram { edges: number[]; counts: number[] }

export function histogram(values: readonly number[], binWidth: number, max: number): Histogram {
  const bins = Math.max(1, Math.ceil((max + 1) / binWidth));
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * binWidth);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v / binWidth))]!++;
  return { edges, counts };
}
