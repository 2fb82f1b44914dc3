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

/**
 * Panels of one figure drawn apart ("(a)" and "(b)" side by side, a tree and
 * its legend): boxes side by side or stacked (sharing at least a third of
 * their extent across), at most `maxGap` apart, with no text of the page
 * between them (no obstacle's centre inside their union), become one group.
 */
export function groupPanels(boxes: Box[], obstacles: Box[], maxGap: number): Array<{ box: Box; members: number[] }> {
  const groups = boxes.map((box, i) => ({ box, members: [i] }));
  const share = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)) / Math.max(1e-9, Math.min(a1 - a0, b1 - b0));
  const clear = (u: Box): boolean =>
    !obstacles.some((o) => {
      const cx = o.x + o.w / 2;
      const cy = o.y + o.h / 2;
      return cx > u.x && cx < right(u) && cy > u.y && cy < bottom(u);
    });
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i++) {
      for (let j = i + 1; j < groups.length && !merged; j++) {
        const a = groups[i]!.box;
        const b = groups[j]!.box;
        const across = Math.max(share(a.y, bottom(a), b.y, bottom(b)), share(a.x, right(a), b.x, right(b)));
        const u = union(a, b);
        if (across < 1 / 3 || gapBetween(a, b) > maxGap || !clear(u)) continue;
        groups[i]!.box = u;
        groups[i]!.members.push(...groups[j]!.members);
        groups.splice(j, 1);
        merged = true;
      }
    }
  }
  return groups;
}
