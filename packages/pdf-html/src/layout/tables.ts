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
/** Rows set further apart (a blank line between them) are one table's when they start at its columns' edges. */
const MAX_ALIGNED_GAP_EM = 3;
/** Cell edges agree with a column's to this many points. */
const ALIGN_PT = 1.5;
/** A row aligned with a table's columns: this many of its cells at least start at a column's left edge. */
const MIN_ALIGNED_CELLS = 3;
/** A wrapped cell's next line sits at most this many ems below. */
const MAX_WRAP_GAP_EM = 0.6;
/** A line this many ems clear of the table's columns is beside the table, not in it. */
const FOREIGN_EM = 2;
/** Two-column candidates: one column's cells must be narrower than this share of the table (two text columns are not a table). */
const NARROW_COLUMN_SHARE = 0.3;

/** An operator, a variable (with its subscript or prime: "c1", "p∗2"), or an equation's number: a piece of display math. */
const MATH_CELL = /^(?:[=+−×÷→←↔<>≤≥≈∼∝∑∏∫∂±·()\s-]+|\p{L}[\d∗*′]{0,2}|\p{L}\s*=|\(\d+(?:\.\d+)*\))$/u;
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
  /** The type size of the row that opened it: a row label or a group head set apart is in the table's type. */
  size: number;
  /** Rows of head lines over its columns found above the row that opened it, top to bottom. */
  heads: Line[][];
  /** Rows of one cell (group heads, "Serum ferritin (mg/l)") waiting for a row of cells after them. */
  pending: Line[];
}

/** A group head or row label set apart from the table's columns stands at most this many ems left of them. */
const STUB_REACH_EM = 8;
/** Pieces of one cell on one row (an accent set apart: "Rmsd bond (̊" and "A)") are at most this many ems apart. */
const CELL_PIECE_EM = 1;
/** A piece of a cell past its column's edge is at most this many ems right of the piece before it. */
const PIECE_GAP_EM = 0.5;

/**
 * Whitespace-aligned tables: consecutive rows of two or more cells (lines on
 * one baseline split at gutters) whose cells fall into the same columns, with
 * a wrapped cell's further lines joined to it. A table is one element of the
 * page, so reading order keeps its rows in order instead of reading it column
 * by column; two columns of running text (long cells on both sides) are not a
 * table. Rows of the page's other column, clear of the table's columns, pass
 * beside it (a table in one column of a two-column page has the other column's
 * lines between its rows); a group head on a row of its own ("Haemoglobin
 * (g/l)", "Age") is the table's when a row of cells follows it.
 */
export function detectTables(lines: Line[], em: number): { lines: Line[]; tables: Table[] } {
  const rows = groupRows(lines.filter((l) => !l.rotated), em);
  const tables: Table[] = [];
  const used = new Set<Line>();
  let cand: Candidate | undefined;
  let lastBottom = -Infinity;
  /** Rows since the last table was taken: where heads over the next one may stand. */
  let recent: Row[] = [];
  const close = (): void => {
    if (cand) cand = withoutProseEdge(withHeads(cand));
    if (cand && accept(cand)) {
      tables.push(toTable(joinWrappedRows(cand)));
      for (const l of cand.lines) used.add(l);
      recent = [];
    }
    cand = undefined;
  };
  const place = (row: Row): void => {
    const top = Math.min(...row.cells.map((c) => c.box.y));
    const gap = top - lastBottom;
    if (cand && gap > MAX_ROW_GAP_EM * em && !(gap <= MAX_ALIGNED_GAP_EM * em && alignedRow(row, cand.columns))) close();
    if (cand) {
      // Text beside the table (the other column of the page, a caption) shares its baselines but not its columns.
      // Short cells clear of the columns are the table's own when its first row spans fewer columns (a header
      // over the right-hand columns only, "Domain contribution | Substrate" under it), or when they stand just
      // left of a full row (its label, where the rows above had none).
      const colX0 = Math.min(...cand.columns.map((c) => c.x0));
      const near = nearColumns(cand.columns, em);
      const inside = row.cells.filter(near);
      const header = cand.rows.length <= 1 && inside.length >= 2;
      const label = (c: Line): boolean => right(c.box) <= colX0 && colX0 - right(c.box) <= STUB_REACH_EM * em && isHeadCell(c);
      // A lone mark in the type of the row opens a column too (the first row to tick the last columns).
      const cells = row.cells.filter(
        (c) => inside.includes(c) || (inside.length > 0 && sameType(c, inside) && ((header && isHeadCell(c)) || isLoneMark(c) || (inside.length >= 2 && label(c)))),
      );
      if (cells.length === 0) {
        // The page's other column: it passes beside the table, unless it is a group head just left of the columns.
        const c = row.cells[0]!;
        if (row.cells.length === 1 && isGroupHead(c, cand) && label(c)) {
          cand.pending.push(c);
          lastBottom = Math.max(lastBottom, bottom(c.box));
        }
        return;
      }
      const slots = cells.length >= 2 ? assign(cells, cand.columns, em) : undefined;
      if (slots) {
        for (const head of cand.pending) cand.rows.push(new Map([[stubColumn(head, cand.columns), [head]]]));
        cand.lines.push(...cand.pending);
        cand.pending = [];
        cand.rows.push(slots);
        cand.multiRows++;
        cand.lines.push(...cells);
        lastBottom = Math.max(...cells.map((c) => bottom(c.box)));
        return;
      }
      if (cells.length === 1) {
        const c = cells[0]!;
        const hit = hitColumns(c, cand.columns);
        const last = cand.rows[cand.rows.length - 1]!;
        const above = hit.length === 1 ? last.get(hit[0]!) : undefined;
        // A wrapped cell: its next line goes to the same column of the row above, never left of that row's cell.
        if (hit.length <= 1 && gap <= MAX_WRAP_GAP_EM * em && !cand.pending.length && !(above && c.box.x < above[0]!.box.x - 0.5 * em)) {
          const [col, own] = [...assign([c], cand.columns, em)!.entries()][0]!;
          last.set(col, [...(last.get(col) ?? []), ...own]);
          cand.lines.push(c);
          lastBottom = Math.max(lastBottom, bottom(c.box));
          return;
        }
        // A head over the rows that follow ("Treatment", then "Bismuth | 20.73 | ..."): the table's once they come.
        if (isGroupHead(c, cand)) {
          cand.pending.push(c);
          lastBottom = Math.max(lastBottom, bottom(c.box));
          return;
        }
      }
      close();
    }
    if (row.cells.length >= 2) {
      const columns = row.cells.map((c) => ({ x0: c.box.x, x1: right(c.box) }));
      const size = median(row.cells.map((c) => c.font.size));
      cand = { rows: [new Map(row.cells.map((c, i) => [i, [c]]))], columns, lines: [...row.cells], multiRows: 1, size, heads: headsAbove(recent, row, columns, size, em), pending: [] };
    }
    lastBottom = Math.max(...row.cells.map((c) => bottom(c.box)));
  };
  for (const row of rows) {
    place(row);
    recent.push(row);
  }
  close();
  return { lines: lines.filter((l) => !used.has(l)), tables };
}

/** Is a line within the table's columns, or less than FOREIGN_EM clear of them? */
function nearColumns(columns: Column[], em: number): (l: Line) => boolean {
  const x0 = Math.min(...columns.map((c) => c.x0)) - FOREIGN_EM * em;
  const x1 = Math.max(...columns.map((c) => c.x1)) + FOREIGN_EM * em;
  return (l) => right(l.box) > x0 && l.box.x < x1;
}

/** Three cells or more, most of the row's, start at the left edges of distinct columns. */
function alignedRow(row: Row, columns: Column[]): boolean {
  const hit = new Set(row.cells.map((c) => columns.findIndex((col) => Math.abs(col.x0 - c.box.x) <= ALIGN_PT)).filter((i) => i >= 0));
  return hit.size >= MIN_ALIGNED_CELLS && hit.size >= 0.6 * row.cells.length;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * A short line in the table's type, on a row of its own: a group head ("Treatment", "P2′"), not a line of running
 * text, a caption or a piece of an equation. It is the table's only when a row of cells follows.
 */
const isGroupHead = (l: Line, c: Candidate): boolean =>
  l.text.length < PROSE_LINE_CHARS && !isCaption(l.text) && /\p{L}/u.test(l.text) && !l.text.includes('=') && sameSize(c.size, l.font.size);

/**
 * Column heads stacked over the row that opens a table ("Summary" over "estimate" over "(WMD)"): lines in the
 * table's type, each within one of its columns (a line of text over a table runs past its first column), right
 * above it, the page's other column aside.
 */
function headsAbove(recent: Row[], opener: Row, columns: Column[], size: number, em: number): Line[][] {
  const heads: Line[][] = [];
  let top = Math.min(...opener.cells.map((c) => c.box.y));
  const isNear = nearColumns(columns, em);
  for (let i = recent.length - 1; i >= 0; i--) {
    const near = recent[i]!.cells.filter(isNear);
    if (!near.length) continue;
    const fits = near.every((l) => {
      const hit = hitColumns(l, columns);
      const col = columns[hit[0]!];
      return hit.length === 1 && l.box.x >= col!.x0 - em && right(l.box) <= col!.x1 + em && isHeadCell(l) && sameSize(size, l.font.size) && top - bottom(l.box) <= MAX_WRAP_GAP_EM * em;
    });
    if (!fits) break;
    heads.unshift(near);
    top = Math.min(...near.map((c) => c.box.y));
  }
  return heads;
}

/** The candidate with its heads as rows over its first, each head in the column under it. */
function withHeads(c: Candidate): Candidate {
  if (!c.heads.length) return c;
  const rows = c.heads.map((heads) => {
    const row = new Map<number, Line[]>();
    for (const l of heads) {
      const col = hitColumns(l, c.columns)[0]!;
      row.set(col, [...(row.get(col) ?? []), l]);
    }
    return row;
  });
  return { ...c, rows: [...rows, ...c.rows], lines: [...c.heads.flat(), ...c.lines], heads: [] };
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

/** A size within 5% of the reference size: one type. */
const sameSize = (ref: number, size: number): boolean => Math.abs(size - ref) <= 0.05 * ref;
const sameType = (l: Line, inside: Line[]): boolean => inside.every((c) => sameSize(c.font.size, l.font.size));
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

/** The columns a line overlaps (touching aside). */
function hitColumns(l: Line, columns: Column[]): number[] {
  const out: number[] = [];
  columns.forEach((col, i) => {
    if (Math.min(col.x1, right(l.box)) - Math.max(col.x0, l.box.x) > TOUCH_PT) out.push(i);
  });
  return out;
}

/** A group head's column: the leftmost it overlaps, or a new one at the left (the rows' labels under it). */
function stubColumn(l: Line, columns: Column[]): number {
  const hit = hitColumns(l, columns);
  if (hit.length) return Math.min(...hit);
  columns.push({ x0: l.box.x, x1: right(l.box) });
  return columns.length - 1;
}

/**
 * Cells -> column index, widening the columns as cells land in them; undefined
 * when a cell straddles two columns or two cells set apart share one (the row
 * is not of this table). Pieces of one cell a glyph apart share its column. A
 * cell clear of every column opens a new one.
 */
function assign(cells: Line[], columns: Column[], em: number): Map<number, Line[]> | undefined {
  const out = new Map<number, Line[]>();
  const added: Column[] = [];
  let prev: { col: number; right: number } | undefined;
  for (const c of cells) {
    const hits = hitColumns(c, columns);
    if (hits.length > 1) return undefined;
    // A piece a glyph's width right of the cell before it, past its column's edge ("(t" and "= 0)"): that cell's.
    if (hits.length === 0 && prev && c.box.x - prev.right <= PIECE_GAP_EM * em) hits.push(prev.col);
    prev = { col: hits[0] ?? columns.length + added.length, right: right(c.box) };
    if (hits.length === 0) {
      added.push({ x0: c.box.x, x1: right(c.box) });
      out.set(columns.length + added.length - 1, [c]);
      continue;
    }
    const i = hits[0]!;
    const held = out.get(i);
    if (held && c.box.x - right(held[held.length - 1]!.box) > CELL_PIECE_EM * em) return undefined;
    out.set(i, [...(held ?? []), c]);
  }
  // Commit: widen hit columns, keep new ones (a table may gain an empty-headed column).
  for (const [i, cs] of out) {
    const col = i < columns.length ? columns[i]! : added[i - columns.length]!;
    for (const c of cs) {
      col.x0 = Math.min(col.x0, c.box.x);
      col.x1 = Math.max(col.x1, right(c.box));
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

/** A cell that is a value: a number, a range, an estimate with its interval ("91.4 (88.7)", "<0.0001", "281360/73018"). */
const NUMERIC_CELL = /^[-−+<>≤≥~±]?\s?\(?\d/;
/** A column of values: this share of its filled cells at least. */
const NUMERIC_SHARE = 0.6;

/**
 * Does a row go on with the row above (its cells wrapped over more lines, at whatever pitch)? It has nothing in the
 * first column, only cells under cells of the row above, and few of them: a display formula's pieces stack in
 * columns the row beside them leaves empty (a numerator over "r −", "n∗ ="), and a row that leaves only its label
 * to the row above ("| Zn2+ | OAH | 2.0" under "Tyr501 | OH | OAH | 2.7") fills most of its columns.
 */
function goesOn(row: number[], above: number[], first: number): boolean {
  return !row.includes(first) && row.every((i) => above.includes(i)) && row.length <= GOES_ON_SHARE * above.length;
}

/** Rows that go on with the row above (`goesOn`) joined to it, cell by cell. */
function wholeRows(rows: Array<Map<number, Line[]>>, first: number): Array<Map<number, Line[]>> {
  const out: Array<Map<number, Line[]>> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && goesOn([...r.keys()], [...last.keys()], first)) for (const [i, ls] of r) last.set(i, [...last.get(i)!, ...ls]);
    else out.push(new Map(r));
  }
  return out;
}

/** A row going on with the one above fills at most this share of the cells it has. */
const GOES_ON_SHARE = 0.6;

/** A row is an equation's when this share of its filled cells at least holds an "=". */
const EQUATION_CELL_SHARE = 0.25;

/** Side heads are set this share of the running text's size larger or smaller at least. */
const SIDE_HEAD_SIZE_SHARE = 0.1;

/** Rows after a column of markers averaging more characters than this read as list items, not table cells. */
const LIST_ITEM_CHARS = 40;

function accept(c: Candidate): boolean {
  const n = c.columns.length;
  if (n < 2) return false;
  // Two aligned rows are as often a display equation as a table.
  if (c.multiRows < 3) return false;
  const texts = (r: Map<number, Line[]>): string[] => c.columns.map((_, i) => (r.get(i) ?? []).map((l) => l.text).join(' ').trim());
  const cells = c.rows.map(texts);
  // Rows of cells wrapped over several lines, as whole rows: a row that only goes on with the cells of the one above
  // (an estimate wrapped to a line of its own, "p1 = 0.64935" beside "allowed") leaves no sparse row behind.
  const whole = wholeRows(c.rows, columnOrder(c)[0]!).map(texts);
  const filled = cells.flat().filter((t) => t.length > 0);
  const marks = checkMarks(filled);
  // Display math set as stacked pieces (fractions, limits, matrices): sparse grids of one-letter cells. A grid
  // of check marks ("X" where a row has the column's property) is sparse by nature.
  if (filled.length < 0.6 * whole.length * n && marks.size === 0) return false;
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
  // A table's row may hold one estimate among its values ("p0 = 0.37699" beside six other cells); an equation's
  // "=" stands in one of its few pieces.
  const isEquationRow = (r: string[]): boolean => r.filter((t) => t.includes('=')).length >= EQUATION_CELL_SHARE * r.filter((t) => t).length;
  const equationRows = cells.filter(isEquationRow).length;
  if (whole.filter(isEquationRow).length >= 0.4 * whole.length) return false;
  // A display equation with stacked fractions: numerators, the line with "=", denominators, in short pieces.
  if (cells.length <= MAX_FRACTION_ROWS && equationRows > 0 && meanCellChars < FRACTION_CELL_CHARS) return false;
  // A plot's twin axes: the same tick values down two columns.
  if (twinAxes(c, cells)) return false;
  if (cells.filter((r) => /^\(\d+(?:\.\d+)*\)$/.test(r[n - 1]!)).length >= 0.5 * cells.length) return false;
  // Two or more columns of justified running text side by side: a page set in columns (an article's first
  // page, a two-column reference list), read column by column, not a table.
  if (c.columns.filter((_, i) => isProseColumn(c, i)).length >= 2) return false;
  if (n > 2) return true;
  // Side heads in their own type beside a column of running text (a back cover's "Implement roles and separation
  // of duties" left of its blurb) are headings and text, however their baselines happen to meet.
  const prose = [0, 1].filter((i) => isProseColumn(c, i));
  if (prose.length === 1) {
    const size = (i: number): number => median(columnLines(c, i).map((l) => l.font.size));
    const [p, q] = [size(prose[0]!), size(1 - prose[0]!)];
    if (Math.abs(p - q) > SIDE_HEAD_SIZE_SHARE * p) return false;
  }
  const x0 = Math.min(...c.columns.map((col) => col.x0));
  const width = Math.max(...c.columns.map((col) => col.x1)) - x0;
  const meanWidth = (i: number): number => {
    const ws = c.rows.flatMap((r) => (r.get(i) ?? []).map((l) => l.box.w));
    return ws.length ? ws.reduce((a, b) => a + b, 0) / ws.length : 0;
  };
  const [a, b] = [meanWidth(0), meanWidth(1)];
  // Two columns alike (running text, or a list set in two columns) read column by column, not as rows; labels
  // beside a column of values ("Redundancy | 3.9 (3.9)") are a table however wide its values run.
  const numeric = (i: number): boolean => {
    const filledCells = cells.map((r) => r[i]!).filter((t) => t);
    return filledCells.filter((t) => NUMERIC_CELL.test(t)).length >= NUMERIC_SHARE * filledCells.length;
  };
  if (Math.min(a, b) > 0.5 * Math.max(a, b) && !numeric(0) === !numeric(1)) return false;
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
    ...c,
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

/** A cell's lines top to bottom; pieces of one line (on one baseline, to a third of their height) left to right. */
const cellLineOrder = (a: Line, b: Line): number => (Math.abs(a.baseline - b.baseline) <= Math.min(a.box.h, b.box.h) / 3 ? a.box.x - b.box.x : a.box.y - b.box.y);

function toTable(c: Candidate): Table {
  const order = columnOrder(c);
  // A row that goes on with the one above is that row's (cells wrapped at the rows' own pitch, which
  // joinWrappedRows cannot tell from rows).
  const rows = wholeRows(c.rows, order[0]!).map((r) => order.map((i) => joinLines((r.get(i) ?? []).sort(cellLineOrder).map((l) => l.text))));
  const box = c.lines.map((l) => l.box).reduce((a, b) => union(a, b));
  return { box, rows, columns: order.map((i) => ({ ...c.columns[i]! })) };
}
