import { isCaption } from './captions.js';
import { listMarker } from './lists.js';
import { joinLines } from './text.js';
import { type Box, type Line, bottom, right, union } from './types.js';

export interface Table {
  box: Box;
  /** Rows top to bottom, cells left to right; a cell wrapped over several lines is one string. */
  rows: string[][];
  /** Each column's extent on the page (x from, x to), left to right: where heads set apart from the rows belong. */
  columns?: Column[];
}

/** Rows of one table follow each other at most this many ems apart. */
const MAX_ROW_GAP_EM = 1.6;
/** A wrapped cell's next line sits at most this many ems below. */
const MAX_WRAP_GAP_EM = 0.6;
/** A line this many ems clear of the table's columns is beside the table, not in it. */
const FOREIGN_EM = 2;
/** Two-column candidates: one column's cells must be narrower than this share of the table (two text columns are not a table). */
const NARROW_COLUMN_SHARE = 0.3;

const MATH_CELL = /^(?:[=+−×÷→←↔<>≤≥≈∼∝∑∏∫∂±·()\s-]+|\p{L}|\p{L}\s*=)$/u;
const TICKS = /^-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?){2,}$/;

interface Row {
  baseline: number;
  cells: Line[];
}

/** A column's extent on the page: x from, x to. */
export interface Column {
  x0: number;
  x1: number;
}

interface Candidate {
  rows: Array<Map<number, Line[]>>;
  columns: Column[];
  lines: Line[];
  multiRows: number;
}

/**
 * Whitespace-aligned tables: consecutive rows of two or more cells (lines on
 * one baseline split at gutters) whose cells fall into the same columns, with
 * a wrapped cell's further lines joined to it. A table is one element of the
 * page, so reading order keeps its rows in order instead of reading it column
 * by column; two columns of running text (long cells on both sides) are not a
 * table.
 */
export function detectTables(lines: Line[], em: number): { lines: Line[]; tables: Table[] } {
  const rows = groupRows(lines.filter((l) => !l.rotated), em);
  const tables: Table[] = [];
  const used = new Set<Line>();
  let cand: Candidate | undefined;
  let lastBottom = -Infinity;
  const close = (): void => {
    if (cand) cand = withoutProseEdge(cand);
    if (cand && accept(cand)) {
      tables.push(toTable(joinWrappedRows(cand)));
      for (const l of cand.lines) used.add(l);
    }
    cand = undefined;
  };
  for (const row of rows) {
    const top = Math.min(...row.cells.map((c) => c.box.y));
    const gap = top - lastBottom;
    if (cand && gap > MAX_ROW_GAP_EM * em) close();
    if (cand) {
      // Text beside the table (the other column of the page, a caption) shares its baselines but not its columns.
      // Short cells clear of the columns are the table's own when its first row spans fewer columns (a header
      // over the right-hand columns only, "Domain contribution | Substrate" under it).
      const x0 = Math.min(...cand.columns.map((c) => c.x0)) - FOREIGN_EM * em;
      const x1 = Math.max(...cand.columns.map((c) => c.x1)) + FOREIGN_EM * em;
      const inside = row.cells.filter((c) => right(c.box) > x0 && c.box.x < x1);
      const header = cand.rows.length <= 1 && inside.length >= 2;
      // A lone mark in the type of the row opens a column too (the first row to tick the last columns).
      const cells = row.cells.filter((c) => inside.includes(c) || (inside.length > 0 && sameType(c, inside) && ((header && isHeadCell(c)) || isLoneMark(c))));
      const slots = cells.length ? assign(cells, cand.columns) : undefined;
      if (slots && cells.length >= 2) {
        cand.rows.push(slots);
        cand.multiRows++;
        cand.lines.push(...cells);
        lastBottom = Math.max(...cells.map((c) => bottom(c.box)));
        continue;
      }
      if (slots && cells.length === 1 && gap <= MAX_WRAP_GAP_EM * em) {
        // A wrapped cell: its next line goes to the same column of the row above.
        const [col, own] = [...slots.entries()][0]!;
        const last = cand.rows[cand.rows.length - 1]!;
        last.set(col, [...(last.get(col) ?? []), ...own]);
        cand.lines.push(...cells);
        lastBottom = Math.max(lastBottom, ...cells.map((c) => bottom(c.box)));
        continue;
      }
      close();
    }
    if (row.cells.length >= 2) {
      const columns = row.cells.map((c) => ({ x0: c.box.x, x1: right(c.box) }));
      cand = { rows: [new Map(row.cells.map((c, i) => [i, [c]]))], columns, lines: [...row.cells], multiRows: 1 };
    }
    lastBottom = Math.max(...row.cells.map((c) => bottom(c.box)));
  }
  close();
  return { lines: lines.filter((l) => !used.has(l)), tables };
}

/**
 * A cell clear of the first row's columns, on the second row, in the same type as that row's cells inside
 * them: the table's own column under a header that spans only some columns. Running text beside a table
 * (a line of prose length, or in the body's type), captions and pieces of equations are not.
 */
function isHeadCell(l: Line): boolean {
  if (l.text.length >= PROSE_LINE_CHARS || isCaption(l.text)) return false;
  // A head is words; a display equation's pieces beside its fraction bars are not.
  return /\p{L}{3}/u.test(l.text) && !l.text.includes('=');
}

const sameType = (l: Line, inside: Line[]): boolean => inside.every((c) => Math.abs(c.font.size - l.font.size) <= 0.05 * c.font.size);
const isLoneMark = (l: Line): boolean => /^\p{Lu}$/u.test(l.text.trim()) || CHECK_GLYPH.test(l.text.trim());

function groupRows(lines: Line[], em: number): Row[] {
  const sorted = [...lines].sort((a, b) => a.baseline - b.baseline);
  const rows: Row[] = [];
  for (const l of sorted) {
    const row = rows[rows.length - 1];
    if (row && l.baseline - row.baseline <= 0.3 * em) row.cells.push(l);
    else rows.push({ baseline: l.baseline, cells: [l] });
  }
  for (const r of rows) r.cells.sort((a, b) => a.box.x - b.box.x);
  return rows;
}

/** Boxes that touch (a cell ending where a column begins, to a rounding error) do not overlap. */
const TOUCH_PT = 0.1;

/**
 * Cells -> column index, widening the columns as cells land in them; undefined
 * when a cell straddles two columns or two cells share one (the row is not of
 * this table). A cell clear of every column opens a new one.
 */
function assign(cells: Line[], columns: Column[]): Map<number, Line[]> | undefined {
  const out = new Map<number, Line[]>();
  const added: Column[] = [];
  for (const c of cells) {
    const hits = columns.map((col, i) => ({ col, i })).filter(({ col }) => Math.min(col.x1, right(c.box)) - Math.max(col.x0, c.box.x) > TOUCH_PT);
    if (hits.length > 1) return undefined;
    if (hits.length === 0) {
      added.push({ x0: c.box.x, x1: right(c.box) });
      out.set(columns.length + added.length - 1, [c]);
      continue;
    }
    const i = hits[0]!.i;
    if (out.has(i)) return undefined;
    out.set(i, [c]);
  }
  // Commit: widen hit columns, keep new ones (a table may gain an empty-headed column).
  for (const [i, [c]] of out) {
    if (i < columns.length) {
      columns[i]!.x0 = Math.min(columns[i]!.x0, c!.box.x);
      columns[i]!.x1 = Math.max(columns[i]!.x1, right(c!.box));
    }
  }
  columns.push(...added);
  return out;
}

/** Check-mark glyphs: a cell holding one of these alone marks its row. */
const CHECK_GLYPH = /^[✓✔✗✘●○■□•×+–-]$/u;

/**
 * The cells that are check marks: one or two lone letters ("X"; "Y" and "N") or check glyphs, each used
 * four times or more, a quarter of the cells at least. A formula's lone letters are many different ones.
 */
function checkMarks(filled: string[]): Set<string> {
  const lone = filled.filter((t) => /^\p{L}$/u.test(t) || CHECK_GLYPH.test(t));
  const counts = new Map<string, number>();
  for (const t of lone) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (counts.size === 0 || counts.size > 2 || [...counts.values()].some((k) => k < 4) || lone.length < 0.25 * filled.length) return new Set();
  return new Set(counts.keys());
}

/** A display equation's fraction stack spans this many rows at most, its pieces this many characters on average. */
const MAX_FRACTION_ROWS = 4;
const FRACTION_CELL_CHARS = 10;

/** A cell's tick value: the number it starts or ends with (an axis title may run into it: "2.5Sketch a graph"). */
const tickOf = (t: string): string | undefined => /^-?\d+(?:\.\d+)?(?!\d)/.exec(t)?.[0] ?? /(?<![\d.])-?\d+(?:\.\d+)?$/.exec(t)?.[0];

/** Two columns holding the same numbers, three or more, row for row: tick values left and right of a plot. */
function twinAxes(c: Candidate, cells: string[][]): boolean {
  const numeric = c.columns
    .map((_, i) => cells.map((r) => tickOf(r[i]!)))
    .filter((col) => col.every((v) => v !== undefined) && col.length >= 3)
    .map((col) => col.join('|'));
  return new Set(numeric).size < numeric.length;
}

/** Rows after a column of markers averaging more characters than this read as list items, not table cells. */
const LIST_ITEM_CHARS = 40;

function accept(c: Candidate): boolean {
  const n = c.columns.length;
  if (n < 2) return false;
  // Two aligned rows are as often a display equation as a table.
  if (c.multiRows < 3) return false;
  const cells = c.rows.map((r) => c.columns.map((_, i) => (r.get(i) ?? []).map((l) => l.text).join(' ').trim()));
  const filled = cells.flat().filter((t) => t.length > 0);
  const marks = checkMarks(filled);
  // Display math set as stacked pieces (fractions, limits, matrices): sparse grids of one-letter cells. A grid
  // of check marks ("X" where a row has the column's property) is sparse by nature.
  if (filled.length < 0.6 * cells.length * n && marks.size === 0) return false;
  const meanCellChars = filled.reduce((a, t) => a + t.length, 0) / filled.length;
  if (meanCellChars < 3) return false;
  // A table of contents: dot leaders to the page numbers; the contents filter wants it as lines.
  if (cells.filter((r) => r.some((t) => /(?:\.\s?){5,}/.test(t))).length >= cells.length / 2) return false;
  // Bullets or item numbers down the first column, prose after them: a list. Short cells in several columns after a
  // column of numbers ("1 | 1.4 | 1 | Quiz 1") are a table's rows.
  const markers = cells.filter((r) => r[0]!.length === 1 || listMarker(`${r[0]} item`)).length >= 0.8 * cells.length;
  const restLength = cells.reduce((a, r) => a + r.slice(1).join(' ').trim().length, 0) / cells.length;
  if (markers && (n === 2 || restLength > LIST_ITEM_CHARS)) return false;
  // Display math (operators and lone letters as cells) and plot axes (runs of tick values) are not tables.
  if (filled.filter((t) => !marks.has(t) && (MATH_CELL.test(t) || TICKS.test(t))).length >= 0.25 * filled.length) return false;
  // Equations: "=" in most rows, or equation numbers down the last column.
  const equationRows = cells.filter((r) => r.some((t) => t.includes('='))).length;
  if (equationRows >= 0.4 * cells.length) return false;
  // A display equation with stacked fractions: numerators, the line with "=", denominators, in short pieces.
  if (cells.length <= MAX_FRACTION_ROWS && equationRows > 0 && meanCellChars < FRACTION_CELL_CHARS) return false;
  // A plot's twin axes: the same tick values down two columns.
  if (twinAxes(c, cells)) return false;
  if (cells.filter((r) => /^\(\d+(?:\.\d+)*\)$/.test(r[n - 1]!)).length >= 0.5 * cells.length) return false;
  // Two or more columns of justified running text side by side: a page set in columns (an article's first
  // page, a two-column reference list), read column by column, not a table.
  if (c.columns.filter((_, i) => isProseColumn(c, i)).length >= 2) return false;
  if (n > 2) return true;
  const x0 = Math.min(...c.columns.map((col) => col.x0));
  const width = Math.max(...c.columns.map((col) => col.x1)) - x0;
  const meanWidth = (i: number): number => {
    const ws = c.rows.flatMap((r) => (r.get(i) ?? []).map((l) => l.box.w));
    return ws.length ? ws.reduce((a, b) => a + b, 0) / ws.length : 0;
  };
  const [a, b] = [meanWidth(0), meanWidth(1)];
  // Two columns alike (running text, or a list set in two columns) read column by column, not as rows.
  if (Math.min(a, b) > 0.5 * Math.max(a, b)) return false;
  return Math.min(a, b) < NARROW_COLUMN_SHARE * width;
}

/** A column's lines reaching its right edge (within this many of its mean line heights) are justified. */
const JUSTIFIED_SLACK = 1;
/**
 * Running text: lines of a text column's length (a reference list set ragged-right), or somewhat shorter
 * lines most of which are justified to the column's right edge. A table's cells are shorter: a cell wrapped
 * over several lines is one cell only when its row has nothing else.
 */
const PROSE_LINE_CHARS = 40;
const JUSTIFIED_LINE_CHARS = 30;
const PROSE_JUSTIFIED_SHARE = 0.6;

const columnLines = (c: Candidate, i: number): Line[] => c.rows.flatMap((r) => r.get(i) ?? []);
const meanChars = (lines: Line[]): number => lines.reduce((a, l) => a + l.text.length, 0) / lines.length;

/** Columns left to right (indices into c.columns). */
const columnOrder = (c: Candidate): number[] => c.columns.map((col, i) => ({ i, x: col.x0 })).sort((a, b) => a.x - b.x).map((o) => o.i);

function isProseColumn(c: Candidate, i: number): boolean {
  const lines = columnLines(c, i);
  return lines.length >= 3 && (meanChars(lines) >= PROSE_LINE_CHARS || isJustifiedProse(lines));
}

/** Lines of JUSTIFIED_LINE_CHARS or more, most of them reaching the column's right edge. */
function isJustifiedProse(lines: Line[]): boolean {
  if (lines.length < 3 || meanChars(lines) < JUSTIFIED_LINE_CHARS) return false;
  const edge = Math.max(...lines.map((l) => right(l.box)));
  const height = lines.reduce((a, l) => a + l.box.h, 0) / lines.length;
  return lines.filter((l) => edge - right(l.box) <= JUSTIFIED_SLACK * height).length >= PROSE_JUSTIFIED_SHARE * lines.length;
}

/**
 * The page's running text beside a table shares its baselines and joins it as an outer column: a column
 * of justified text lines at the table's left or right edge, the only column of running text, goes back
 * to the body (a table's own long cells wrap ragged). The rest is judged as a table on its own.
 */
function withoutProseEdge(c: Candidate): Candidate {
  if (c.columns.length < 3) return c;
  const order = columnOrder(c);
  const prose = order.filter((i) => isJustifiedProse(columnLines(c, i)));
  // Two prose columns are a page set in columns, which accept() refuses whole.
  if (prose.length !== 1 || c.columns.filter((_, i) => isProseColumn(c, i)).length > 1) return c;
  const drop = prose[0]!;
  if (drop !== order[0] && drop !== order[order.length - 1]) return c;
  const index = (i: number): number => (i > drop ? i - 1 : i);
  const rows = c.rows
    .map((r) => new Map([...r].filter(([i]) => i !== drop).map(([i, ls]) => [index(i), ls] as [number, Line[]])))
    .filter((r) => r.size > 0);
  const gone = new Set(columnLines(c, drop));
  return {
    rows,
    columns: c.columns.filter((_, i) => i !== drop),
    lines: c.lines.filter((l) => !gone.has(l)),
    multiRows: rows.filter((r) => r.size >= 2).length,
  };
}

/** A row this much closer to the row above than the table's usual row pitch is that row's wrapped second line. */
const WRAP_PITCH_SHARE = 0.85;
/** Pitches needed before the usual one means anything. */
const MIN_PITCHES = 4;

/**
 * Cells wrapped over two lines in several columns at once ("Biological action" over "of substrate", a
 * header; "Vasoconstriction, hypertrophy" over "and fibrosis" beside "... [51]," over "and ... [52]") come
 * as rows of their own, set at the cells' line spacing, tighter than the spacing between rows: such a row
 * joins the row above.
 */
function joinWrappedRows(c: Candidate): Candidate {
  const span = (r: Map<number, Line[]>): { first: number; last: number } => {
    const bases = [...r.values()].flat().map((l) => l.baseline);
    return { first: Math.min(...bases), last: Math.max(...bases) };
  };
  const pitches = c.rows.slice(1).map((r, i) => span(r).first - span(c.rows[i]!).last);
  if (pitches.length < MIN_PITCHES) return c;
  const usual = [...pitches].sort((a, b) => a - b)[pitches.length >> 1]!;
  const rows: Array<Map<number, Line[]>> = [new Map(c.rows[0]!)];
  pitches.forEach((p, i) => {
    const row = c.rows[i + 1]!;
    if (p >= WRAP_PITCH_SHARE * usual) return void rows.push(new Map(row));
    const above = rows[rows.length - 1]!;
    for (const [col, ls] of row) above.set(col, [...(above.get(col) ?? []), ...ls]);
  });
  return { ...c, rows };
}

function toTable(c: Candidate): Table {
  const order = columnOrder(c);
  const rows = c.rows.map((r) => order.map((i) => joinLines((r.get(i) ?? []).sort((a, b) => a.box.y - b.box.y).map((l) => l.text))));
  const box = c.lines.map((l) => l.box).reduce((a, b) => union(a, b));
  return { box, rows, columns: order.map((i) => ({ ...c.columns[i]! })) };
}
