import { type Line, right } from './types.js';

/** The main column spans at least this share of the text's width. */
const MIN_MAIN_SHARE = 0.5;
/** A margin column is at most this share of the main column's width. */
const MAX_MARGIN_SHARE = 0.5;
/** ... and holds less than this share of the main column's characters. */
const MAX_MARGIN_CHARS = 0.6;
/** Bins of the page's x projection, in points. */
const BIN = 2;
/** A bin covered by at most this share of the busiest bin's lines is whitespace (a full-width title may cross a gutter). */
const GAP_SHARE = 0.1;

interface Interval {
  x0: number;
  x1: number;
  chars: number;
}

/** Notes are words: a column of page numbers (a table of contents) or of figures' values is no margin. */
function wordy(lines: Line[]): boolean {
  const all = lines.map((l) => l.text).join(' ');
  const letters = (all.match(/\p{L}/gu) ?? []).length;
  return letters >= 0.5 * all.replace(/\s/g, '').length && all.split(/\s+/).length >= 2 * lines.length;
}

/**
 * Main text and margin column from the whole page's whitespace: the x
 * projection of every line splits the page into column intervals at the
 * gutters; an outer interval much narrower than the widest one and holding far
 * less text is a margin column (Tufte-style sidenotes, marginal notes and
 * glosses). Its lines come back as `margin`; lines that reach into the main
 * column never do. Two columns of similar width are columns, not margins.
 */
export function splitMargin(lines: Line[]): { main: Line[]; margin: Line[] } {
  const text = lines.filter((l) => !l.rotated && l.text.trim());
  if (text.length < 4) return { main: lines, margin: [] };
  // A tenth of the busiest x's lines first, so that a full-width title crossing a gutter does not close it; then
  // plain whitespace, for a margin of a note or two whose lines are fewer than that tenth (cdl-lab-manual p. 10).
  const margins = marginIntervals(text, GAP_SHARE) ?? marginIntervals(text, 0, GAP_SHARE);
  if (!margins) return { main: lines, margin: [] };
  const main: Line[] = [];
  const margin: Line[] = [];
  for (const l of lines) (!l.rotated && margins.some((iv) => inside(l, iv)) ? margin : main).push(l);
  return { main, margin };
}

const inside = (l: Line, iv: { x0: number; x1: number }): boolean => l.box.x >= iv.x0 - BIN && right(l.box) <= iv.x1 + BIN;

/**
 * The page's column intervals where fewer than `share` of the busiest x's lines
 * cross, and of them the outer ones that are margins, each bounded only on
 * its side toward the main column; undefined when there are none. With
 * `sparse`, a margin's busiest x has at most that share of the page's busiest
 * x's lines: a note or two, not a column of text beside a layout the first
 * pass could not read (a back cover's three columns).
 */
function marginIntervals(text: Line[], share: number, sparse = Infinity): Interval[] | undefined {
  const x0 = Math.min(...text.map((l) => l.box.x));
  const x1 = Math.max(...text.map((l) => right(l.box)));
  const n = Math.max(1, Math.ceil((x1 - x0) / BIN));
  const cover = new Float64Array(n);
  for (const l of text) {
    const a = Math.max(0, Math.floor((l.box.x - x0) / BIN));
    const b = Math.min(n - 1, Math.floor((right(l.box) - x0) / BIN));
    for (let i = a; i <= b; i++) cover[i]! += 1;
  }
  let peak = 0;
  for (const c of cover) peak = Math.max(peak, c);
  const threshold = share * peak;
  const intervals: Interval[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const busy = i < n && cover[i]! > threshold;
    if (busy && start < 0) start = i;
    if (!busy && start >= 0) {
      intervals.push({ x0: x0 + start * BIN, x1: x0 + i * BIN, chars: 0 });
      start = -1;
    }
  }
  if (intervals.length < 2) return undefined;
  for (const l of text) {
    const iv = intervals.find((v) => inside(l, v));
    if (iv) iv.chars += l.text.length;
  }
  const widest = intervals.reduce((a, b) => (b.x1 - b.x0 > a.x1 - a.x0 ? b : a));
  // A main column is most of the page's width; narrow intervals side by side are a table's columns.
  if (widest.x1 - widest.x0 < MIN_MAIN_SHARE * (x1 - x0)) return undefined;
  const busiest = (iv: Interval): number => {
    let most = 0;
    for (let i = Math.round((iv.x0 - x0) / BIN); i < Math.round((iv.x1 - x0) / BIN); i++) most = Math.max(most, cover[i] ?? 0);
    return most;
  };
  const isMargin = (iv: Interval): boolean =>
    iv !== widest &&
    busiest(iv) <= sparse * peak && iv.x1 - iv.x0 <= MAX_MARGIN_SHARE * (widest.x1 - widest.x0) && iv.chars < MAX_MARGIN_CHARS * widest.chars && wordy(text.filter((l) => inside(l, iv)));
  // Only the outermost intervals can be margins: a narrow interval between two columns is a table column or a gutter note.
  const margins = [intervals[0]!, intervals[intervals.length - 1]!].filter(isMargin);
  if (!margins.length) return undefined;
  // The interval's outer edge is where most of its lines end: its longest lines run past it, into the page's edge
  // ("manual and receipt of your signed and" in cdl-lab-manual's right margin). Only the inner edge, toward the main column, bounds a note.
  return margins.map((iv) => (iv === intervals[0] ? { ...iv, x0: -Infinity } : { ...iv, x1: Infinity }));
}
