/** Slurm array task ids: one per shard. */
import { SlurmPlanError } from './errors.js';

/** "0,2-4,7": Slurm's --array syntax for a set of task ids. */
export function arraySpec(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return parts.join(',');
}

/** Parses "0,2-4,7" (an --array or --tasks list) into indices below `count`. */
export function parseTaskList(spec: string, count: number): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new SlurmPlanError(`--tasks "${spec}": expected task ids like 0,2-4,7`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b >= count) throw new SlurmPlanError(`--tasks "${spec}": ids must lie in 0..${count - 1}`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}
