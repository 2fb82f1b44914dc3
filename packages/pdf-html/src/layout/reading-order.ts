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
/** A formula line with its fractions has a handful of pieces; more overlapping pieces are something else. */
const MAX_FRACTION_PIECES = 12;
/** ... and is at most this many of its pieces' (median) heights tall. */
const MAX_FRACTION_LINES = 3;

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
  // Overlapping elements with no whitespace between them: a display fraction by its stacks, otherwise row by row.
  if (elements.length <= MAX_FRACTION_PIECES && isFraction(elements)) out.push(...stacksLeftToRight(elements));
  else out.push(...rowsLeftToRight(elements));
}

const xOverlap = (a: Box, b: Box): boolean => Math.min(right(a), right(b)) > Math.max(a.x, b.x);
const yOverlap = (a: Box, b: Box): boolean => Math.min(bottom(a), bottom(b)) > Math.max(a.y, b.y);

/**
 * A display fraction: two pieces stacked one over the other (numerator and
 * denominator) that both reach into the height of a piece beside them (the
 * formula's main line, "dN/dt = (b − d)N").
 */
function isFraction(elements: Placed[]): boolean {
  const text = elements.filter((e) => !e.float);
  if (text.length !== elements.length) return false;
  // One formula line with its numerators and denominators, not several lines.
  const heights = text.map((e) => e.box.h).sort((a, b) => a - b);
  const top = Math.min(...text.map((e) => e.box.y));
  if (Math.max(...text.map((e) => bottom(e.box))) - top > MAX_FRACTION_LINES * heights[heights.length >> 1]!) return false;
  return text.some((a) =>
    text.some(
      (b) =>
        b !== a &&
        xOverlap(a.box, b.box) &&
        bottom(a.box) <= b.box.y + b.box.h / 2 &&
        text.some((c) => c !== a && c !== b && !xOverlap(c.box, a.box) && !xOverlap(c.box, b.box) && yOverlap(c.box, a.box) && yOverlap(c.box, b.box)),
    ),
  );
}

/** Pieces stacked over one another read top to bottom as one, the stacks left to right: numerator, denominator, then the rest of the line. */
function stacksLeftToRight<T extends Placed>(elements: T[]): T[] {
  const stacks: T[][] = [];
  for (const e of [...elements].sort((a, b) => a.box.y - b.box.y)) {
    const hit = stacks.filter((s) => s.some((o) => xOverlap(o.box, e.box)));
    const merged = [...hit.flat(), e];
    for (const h of hit) stacks.splice(stacks.indexOf(h), 1);
    stacks.push(merged);
  }
  const left = (s: T[]): number => Math.min(...s.map((e) => e.box.x));
  return stacks.sort((a, b) => left(a) - left(b)).flatMap((s) => s.sort((a, b) => a.box.y - b.box.y));
}

/**
 * Top to bottom by rows, where a row is the elements each of whose middle falls
 * within the other's height, or, among pieces of about one height, whose middle
 * falls within the first one's height: pieces of one line read left to right
 * however their tops differ ("= 1 − β", where the minus sign's box rises above
 * the "="). A figure is no piece of a row: the lines beside it keep their order.
 */
const within = (a: Box, b: Box): boolean => a.y + a.h / 2 > b.y && a.y + a.h / 2 < bottom(b);

function rowsLeftToRight<T extends Placed>(elements: T[]): T[] {
  const rest = [...elements].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const out: T[] = [];
  while (rest.length) {
    const first = rest[0]!;
    const row = first.float ? [first] : rest.filter((e) => e === first || (!e.float && within(e.box, first.box) && (within(first.box, e.box) || Math.max(e.box.h, first.box.h) <= MAX_ROW_RATIO * Math.min(e.box.h, first.box.h))));
    out.push(...row.sort((a, b) => a.box.x - b.box.x));
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
  return leftOf.some((a) => rightOf.some((b) => Math.min(bottom(a.box), bottom(b.box)) > Math.max(a.box.y, b.box.y)));
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
