import { type Box, bottom, right } from './types.js';

export interface OrderOptions {
  /** Body font size of the page in points: gutters and gaps scale with it. */
  em: number;
}

/** A vertical gap narrower than this many ems is not a column gutter. */
const MIN_GUTTER_EM = 0.75;
/** Each side of a gutter must hold at least this share of the region's width (list numbers are not a column). */
const MIN_COLUMN_SHARE = 0.2;
/** Pieces of about one height (this ratio at most) share a row with any piece their middle lies beside. */
const MAX_ROW_RATIO = 1.6;
/** A display fraction's numerator and denominator stand at least this share of its line's height (limits are smaller). */
const MIN_FRACTION_SHARE = 0.8;

/** `float`: a figure, which text flows around; it never blocks a column gutter and reads in the column holding its centre. */
export type Placed = { box: Box; float?: boolean };

interface Gap {
  at: number;
  size: number;
}

/**
 * Reading order by recursive XY-cut: a region splits first at column gutters
 * (whitespace between its text running its full height; figures float, as in
 * print, and do not block a gutter), read left to right; otherwise at its
 * widest horizontal gap, read top to bottom, and each part is cut again. Cutting
 * at only the widest horizontal gap, never at every gap, keeps two columns with
 * aligned baselines from being read across, line by line.
 */
export function readingOrder<T extends Placed>(elements: T[], opts: OrderOptions): T[] {
  const out: T[] = [];
  cut(elements, opts, out);
  return out;
}

function cut<T extends Placed>(elements: T[], opts: OrderOptions, out: T[]): void {
  if (elements.length <= 1) {
    out.push(...elements);
    return;
  }
  const columns = splitColumns(elements, opts);
  if (columns) {
    for (const col of columns) cut(col, opts, out);
    return;
  }
  const gap = widestGap(elements.map((e) => [e.box.y, bottom(e.box)]));
  if (gap) {
    const above = elements.filter((e) => e.box.y + e.box.h / 2 < gap.at);
    const below = elements.filter((e) => e.box.y + e.box.h / 2 >= gap.at);
    if (above.length && below.length) {
      cut(above, opts, out);
      cut(below, opts, out);
      return;
    }
  }
  // Overlapping elements with no whitespace between them: row by row, a display fraction as one piece of its row.
  out.push(...rowsLeftToRight(elements));
}

const xOverlap = (a: Box, b: Box): boolean => Math.min(right(a), right(b)) > Math.max(a.x, b.x);
const yOverlap = (a: Box, b: Box): boolean => Math.min(bottom(a), bottom(b)) > Math.max(a.y, b.y);
const middle = (a: Box): number => a.y + a.h / 2;

/**
 * Display fractions: two pieces stacked one over the other (numerator and
 * denominator) that both reach into the height of a piece beside them, the
 * numerator centred above its top and the denominator below its bottom (the
 * formula's main line, "dN/dt = (b − d)N"), both set about as large as that line
 * and next to it. Each becomes one piece of that line's row: numerator, then
 * denominator.
 */
function fractions<T extends Placed>(elements: T[]): Array<{ line: T; parts: [T, T] }> {
  const used = new Set<T>();
  const out: Array<{ line: T; parts: [T, T] }> = [];
  const text = elements.filter((e) => !e.float);
  for (const a of text) {
    for (const b of text) {
      if (a === b || used.has(a) || used.has(b) || !xOverlap(a.box, b.box) || middle(a.box) >= middle(b.box) || bottom(a.box) > middle(b.box)) continue;
      // Numerator and denominator sit within a line's height of each other.
      if (b.box.y - bottom(a.box) > Math.max(a.box.h, b.box.h)) continue;
      const line = text.find(
        (c) =>
          c !== a &&
          c !== b &&
          // Set in the line's own size: the limits of a "∑" are smaller and stay in their rows.
          Math.min(a.box.h, b.box.h) >= MIN_FRACTION_SHARE * c.box.h &&
          !xOverlap(c.box, a.box) &&
          !xOverlap(c.box, b.box) &&
          yOverlap(c.box, a.box) &&
          yOverlap(c.box, b.box) &&
          // Numerator above the line's top, denominator below its bottom, each reaching into it.
          middle(a.box) < c.box.y &&
          middle(b.box) > bottom(c.box) &&
          // Beside the line, not across the page from it.
          Math.max(Math.min(a.box.x, b.box.x) - right(c.box), c.box.x - Math.max(right(a.box), right(b.box))) <= 2 * c.box.h,
      );
      if (!line) continue;
      used.add(a).add(b);
      out.push({ line, parts: [a, b] });
    }
  }
  return out;
}

const within = (a: Box, b: Box): boolean => middle(a) > b.y && middle(a) < bottom(b);

/**
 * Top to bottom by rows, where a row is the elements each of whose middle falls
 * within the other's height, or, among pieces of about one height, whose middle
 * falls within the first one's height: pieces of one line read left to right
 * however their tops differ ("= 1 − β", where the minus sign's box rises above
 * the "="). A figure is no piece of a row: the lines beside it keep their order.
 */
function rowsLeftToRight<T extends Placed>(elements: T[]): T[] {
  // A fraction stands in its line's row as one piece, at its own x.
  type Piece = { box: Box; float?: boolean; members: T[] };
  const units = fractions(elements);
  const inUnit = new Set(units.flatMap((u) => u.parts));
  const pieces: Piece[] = [
    ...elements.filter((e) => !inUnit.has(e)).map((e) => ({ box: e.box, ...(e.float ? { float: true } : {}), members: [e] })),
    ...units.map((u) => {
      const x = Math.min(u.parts[0].box.x, u.parts[1].box.x);
      const r = Math.max(right(u.parts[0].box), right(u.parts[1].box));
      return { box: { x, y: u.line.box.y, w: r - x, h: u.line.box.h }, members: [...u.parts] };
    }),
  ];
  const rest = pieces.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const out: T[] = [];
  while (rest.length) {
    const first = rest[0]!;
    const row = first.float ? [first] : rest.filter((e) => e === first || (!e.float && within(e.box, first.box) && (within(first.box, e.box) || Math.max(e.box.h, first.box.h) <= MAX_ROW_RATIO * Math.min(e.box.h, first.box.h))));
    out.push(...row.sort((a, b) => a.box.x - b.box.x).flatMap((p) => p.members));
    for (const e of row) rest.splice(rest.indexOf(e), 1);
  }
  return out;
}

function splitColumns<T extends Placed>(elements: T[], opts: OrderOptions): T[][] | undefined {
  const text = elements.filter((e) => !e.float);
  const blocking = text.length ? text : elements;
  const left = Math.min(...blocking.map((e) => e.box.x));
  const width = Math.max(...blocking.map((e) => right(e.box))) - left;
  const gaps = projectionGaps(blocking.map((e) => [e.box.x, right(e.box)]))
    .filter((g) => g.size >= MIN_GUTTER_EM * opts.em && sideBySide(blocking, g.at))
    .map((g) => g.at);
  if (!gaps.length) return undefined;
  const groups: T[][] = [];
  const bounds = [-Infinity, ...gaps, Infinity];
  for (let i = 0; i + 1 < bounds.length; i++) {
    groups.push(elements.filter((e) => e.box.x + e.box.w / 2 >= bounds[i]! && e.box.x + e.box.w / 2 < bounds[i + 1]!));
  }
  // Merge too-narrow groups into their neighbour: a column of list numbers or bullets reads with its text.
  const merged: T[][] = [];
  for (const g of groups.filter((grp) => grp.length > 0)) {
    const gl = Math.min(...g.map((e) => e.box.x));
    const gw = Math.max(...g.map((e) => right(e.box))) - gl;
    if (gw < MIN_COLUMN_SHARE * width && merged.length) merged[merged.length - 1]!.push(...g);
    else if (merged.length && merged[merged.length - 1]!.length && narrow(merged[merged.length - 1]!, width)) merged[merged.length - 1]!.push(...g);
    else merged.push([...g]);
  }
  return merged.length > 1 ? merged : undefined;
}

/**
 * Columns stand side by side: some text left of the gap shares a height with
 * some text right of it. Pieces only stacked, as a display formula set between
 * two lines of text is, read top to bottom.
 */
function sideBySide(elements: Placed[], at: number): boolean {
  const leftOf = elements.filter((e) => right(e.box) <= at);
  const rightOf = elements.filter((e) => e.box.x >= at);
  return leftOf.some((a) => rightOf.some((b) => yOverlap(a.box, b.box)));
}

function narrow<T extends Placed>(g: T[], width: number): boolean {
  const gl = Math.min(...g.map((e) => e.box.x));
  return Math.max(...g.map((e) => right(e.box))) - gl < MIN_COLUMN_SHARE * width;
}

/** Gaps in the union of the intervals, each as its midpoint and width. */
function projectionGaps(intervals: Array<[number, number]>): Gap[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((p, q) => p[0] - q[0]);
  const gaps: Gap[] = [];
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (end !== -Infinity && a > end) gaps.push({ at: (a + end) / 2, size: a - end });
    end = Math.max(end, b);
  }
  return gaps;
}

function widestGap(intervals: Array<[number, number]>): Gap | undefined {
  let best: Gap | undefined;
  for (const g of projectionGaps(intervals)) if (!best || g.size > best.size) best = g;
  return best;
}
