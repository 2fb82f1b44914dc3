import { type Box, bottom, right, union } from '../layout/types.js';

/** Whitespace between two boxes along the axis that separates them most (0 when they overlap). */
export function gapBetween(a: Box, b: Box): number {
  return Math.max(0, b.x - right(a), a.x - right(b), b.y - bottom(a), a.y - bottom(b));
}

/**
 * Boxes closer than `gap` to each other, transitively, as groups of indexes
 * (in order of their first member) with the union of each group: the panels
 * of one figure become one figure.
 */
export function groupNear(boxes: Box[], gap: number): Array<{ box: Box; members: number[] }> {
  const groups = boxes.map((box, i) => ({ box, members: [i] }));
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++) {
      for (let j = i + 1; j < groups.length && !merged; j++) {
        if (gapBetween(groups[i]!.box, groups[j]!.box) > gap) continue;
        groups[i]!.box = union(groups[i]!.box, groups[j]!.box);
        groups[i]!.members.push(...groups[j]!.members);
        groups.splice(j, 1);
        merged = true;
      }
    }
  }
  return groups;
}
