import { isCaption, isCaptionLabel, isRawTexCaption, isTexSource } from './captions.js';
import { LEADER_END, MIN_CONTENTS_ENTRIES, PAGE_REF } from './contents.js';
import { isPageNumber } from './furniture.js';
import { mergeFormulaPieces } from './equations.js';
import { splitFootnotes } from './footnotes.js';
import { listMarker } from './lists.js';
import { leadingLabel } from './marks.js';
import { splitMargin } from './margins.js';
import { buildParagraphs, type TextBlock } from './paragraphs.js';
import { readingOrder } from './reading-order.js';
import { detectTables, type Column, type Table } from './tables.js';
import { taggedFlow } from './tagged-flow.js';
import { joinLines, type Vocabulary } from './text.js';
import { type Box, type FurnitureRole, type Line, type PageLayout, type PlacedImage, bottom, right, sameRow, union } from './types.js';

export type NoteRole = 'note' | 'footnote';

export interface TextFlow {
  kind: 'text';
  block: TextBlock;
  text: string;
  /** A margin note or a footnote; `label` is its call ("3", "*") when it has one. */
  role?: NoteRole;
  label?: string;
  /** Rotated margin text: never a heading, never joined. */
  rotated?: boolean;
  /** Tagged PDFs: the structure tree's word on what the block is. */
  heading?: 1 | 2 | 3;
  caption?: boolean;
  /** Text drawn over a figure (labels): follows its image, never joined with body text. */
  figureText?: boolean;
  /** A display formula put together from its pieces (equations.ts). */
  formula?: boolean;
  /** Opened by a number printed apart, left of it (a chapter, a reference): it starts a block, whatever follows. */
  numbered?: boolean;
}

export const isCaptionFlow = (f: TextFlow): boolean => !!f.caption || isCaption(f.text);

/** `labels`: text drawn over the image (callouts, axis names), kept with it as its alt text rather than read as body text. */
export type ImageFlow = { kind: 'image'; image: PlacedImage; labels?: string };
export type Flow = TextFlow | ImageFlow | { kind: 'table'; table: Table };

export interface PageFlow {
  page: number;
  height: number;
  head: Array<{ line: Line; role: FurnitureRole }>;
  foot: Array<{ line: Line; role: FurnitureRole }>;
  flow: Flow[];
}

/** An image covering more than this share of the page is a background or a scan: it would hide every column gutter. */
const BACKGROUND_SHARE = 0.5;

/** Size most of a page's characters are set in (10 when there is none): gutters, gaps and figure labels are judged in its ems. */
export function pageEm(lines: ReadonlyArray<{ font: { size: number }; text: string }>): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const s = Math.round(l.font.size * 2) / 2;
    weight.set(s, (weight.get(s) ?? 0) + l.text.length);
  }
  let em = 10;
  let best = -1;
  for (const [s, n] of [...weight.entries()].sort((a, b) => a[0] - b[0])) {
    if (n > best) {
      best = n;
      em = s;
    }
  }
  return em;
}

const endsOpen = (text: string): boolean => !/[.!?:;]["'”’)\]]*$/.test(text);
/** "3.1.2 Solution": a section number and a capitalised title open a heading, never the rest of a sentence. */
const SECTION_NUMBER = /^\p{N}+(?:\.\p{N}+)+\.?\s+\p{Lu}/u;
/** Text that can only be the rest of a sentence: lower case, or a number or bracket after an open line ("... Culver / 1971; Horn ..."). */
export const startsLower = (text: string): boolean => /^\p{Ll}/u.test(text) || (/^[\p{N}(\[]/u.test(text) && !listMarker(text) && !SECTION_NUMBER.test(text));

/** Could `g` go on in `f`? It ends mid-sentence on a full line, in the same size of type, both code or both prose. */
export function continuesInto(g: TextFlow, f: TextFlow): boolean {
  // Two display formulas one under the other are two formulas, whatever sentence they stand in.
  if (g.formula && f.formula) return false;
  if (f.numbered) return false;
  const lines = g.block.lines;
  const widest = Math.max(...lines.map((l) => l.box.w));
  // A formula's pieces are no lines of a measure: the sentence it stands in goes on after it ("= 1 − β / with π ∼ ...").
  const lastFull = !!g.formula || lines.length < 2 || lines[lines.length - 1]!.box.w >= 0.7 * widest;
  // Weight may change: a reference or run-in paragraph whose first line is mostly bold goes on in regular type.
  const style = Math.abs(g.block.font.size - f.block.font.size) <= 0.12 * g.block.font.size && !!g.block.font.mono === !!f.block.font.mono;
  return endsOpen(g.text) && lastFull && style && startsLower(f.text);
}

export function joinFlows(g: TextFlow, f: TextFlow, vocab: Vocabulary): void {
  g.text = joinLines([g.text, f.text], vocab);
  g.block = { lines: [...g.block.lines, ...f.block.lines], box: g.block.box, font: g.block.font };
  // What the block ends in now decides how it goes on.
  if (f.formula) g.formula = true;
  else delete g.formula;
}

/** Body text a paragraph can run on into, past figures, captions and notes. */
export const isBody = (f: Flow): f is TextFlow => f.kind === 'text' && !f.role && !f.rotated && !f.figureText && !isCaptionFlow(f);

/**
 * Wordless text level with an image ("a p π β b" set between the pieces of a
 * figure drawn as several images) labels the figure: it is not running text,
 * so no paragraph runs on into it or past it.
 */
function markFigureLabels(flow: Flow[]): void {
  const images = flow.flatMap((f) => (f.kind === 'image' ? [f.image.box] : []));
  for (const f of flow) {
    if (f.kind !== 'text' || f.role || /\p{L}{2}/u.test(f.text)) continue;
    const box = f.block.box;
    if (images.some((b) => Math.min(bottom(b), bottom(box)) > Math.max(b.y, box.y))) f.figureText = true;
  }
}

/**
 * A paragraph broken by a column end or by a figure placed inside it is one
 * paragraph: text that ends mid-sentence on a full-width line, followed (past
 * any figures, captions and notes) by text in the same size that starts in
 * lower case, is rejoined, and what stood between follows the whole paragraph.
 */
function mergeContinuations(flow: Flow[], vocab: Vocabulary): void {
  for (let i = 0; i < flow.length; i++) {
    const f = flow[i]!;
    if (!isBody(f) || !startsLower(f.text)) continue;
    for (let j = i - 1; j >= 0; j--) {
      const g = flow[j]!;
      if (!isBody(g)) continue;
      if (continuesInto(g, f)) {
        joinFlows(g, f, vocab);
        flow.splice(i, 1);
        i--;
      }
      break;
    }
  }
}

/** A section or chapter number standing apart from its title ("2", "3.1", "IV."). */
const SECTION_NUMBER_ALONE = /^(?:\d+(?:\.\d+)*|[IVXL]+)\.?$/;
/** A number or a caption label stands at most this many ems left of its title. */
const NUMBER_GAP_EM = 3;

/**
 * Pieces of one printed row that the line builder set apart at a wide gap: a
 * contents entry's dot leader and its page number at the right margin ("2.1
 * Red-tailed Hawk . . . . 7"), a chapter number and its title ("1   Welcome"),
 * a caption's label and its text ("Table 1   Overview of the 5 Phases", set
 * apart where a table's column gap below runs up through the row).
 * Each pair is one block, as it is one entry, one heading or one caption.
 */
function joinRowPieces(flow: Flow[], em: number): void {
  const plain = (f: Flow | undefined): f is TextFlow => f?.kind === 'text' && !f.role && !f.rotated && !f.figureText;
  // On a contents page an entry set without a leader ("Welcome!   5") goes with its page number too.
  const contents = flow.filter((f) => plain(f) && LEADER_END.test(f.block.lines[f.block.lines.length - 1]!.text.trimEnd())).length >= MIN_CONTENTS_ENTRIES;
  for (let i = 0; i + 1 < flow.length; i++) {
    const f = flow[i];
    const g = flow[i + 1];
    if (!plain(f) || !plain(g) || !sameRow(f.block.box, g.block.box)) continue;
    const last = f.block.lines[f.block.lines.length - 1]!;
    const ref = PAGE_REF.test(g.text.trim()) && g.block.box.x >= right(last.box);
    const leader = ref && (LEADER_END.test(last.text.trimEnd()) || (contents && /\p{L}/u.test(f.text)));
    const titled = f.block.lines.length === 1 && g.block.box.x >= right(f.block.box) && g.block.box.x - right(f.block.box) <= NUMBER_GAP_EM * em;
    const numbered = titled && SECTION_NUMBER_ALONE.test(f.text.trim()) && /^\p{L}/u.test(g.text);
    const captioned = titled && isCaptionLabel(f.text) && /^[\p{L}(]/u.test(g.text) && sameRow(f.block.box, g.block.lines[0]!.box);
    if (!leader && !numbered && !captioned) continue;
    f.text = `${f.text} ${g.text}`;
    f.block = { lines: [...f.block.lines, ...g.block.lines], box: union(f.block.box, g.block.box), font: numbered || captioned ? g.block.font : f.block.font };
    if (numbered) f.numbered = true;
    flow.splice(i + 1, 1);
    i--;
  }
}

const TEX_BEGIN_FIGURE = /\\begin\{figure\*?\}\s*/g;
/** Opened minus closed braces: a raw \caption{ is whole when they balance. */
const openBraces = (t: string): number => (t.match(/\{/g)?.length ?? 0) - (t.match(/\}/g)?.length ?? 0);

/**
 * A raw LaTeX caption (a failed conversion printed "\begin{figure}
 * \caption{...} \end{figure}" as text) is cut into blocks by the lines it
 * shares with the plot's axis titles. Put together again: a lone
 * "\begin{figure}" or "\end{figure}" is dropped (source, not content), "\cap-" at a line end
 * runs on into the next block, and the blocks after a "\caption{" join it
 * until its braces balance or "\end{figure}" closes it (a few at most).
 */
function joinRawTexCaptions(flow: Flow[], vocab: Vocabulary): void {
  const nextText = (i: number): number => flow.findIndex((g, n) => n > i && g.kind === 'text' && !g.role && !g.rotated);
  const absorb = (f: TextFlow, j: number): void => {
    const g = flow[j] as TextFlow;
    g.text = g.text.replace(TEX_BEGIN_FIGURE, '').trim();
    if (g.text) joinFlows(f, g, vocab);
    f.block = { ...f.block, box: union(f.block.box, g.block.box) };
    flow.splice(j, 1);
  };
  for (let i = 0; i < flow.length; i++) {
    const f = flow[i]!;
    if (f.kind !== 'text' || f.role) continue;
    if (/^\\(?:begin|end)\{figure\*?\}$/.test(f.text.trim())) {
      flow.splice(i--, 1);
      continue;
    }
    for (let j = nextText(i); isTexSource(f.text) && /-$/.test(f.text) && j >= 0 && !isCaptionFlow(flow[j] as TextFlow); j = nextText(i)) absorb(f, j);
    if (!isRawTexCaption(f.text)) continue;
    for (let k = 0; k < 4 && openBraces(f.text) > 0 && !/\\end\{figure/.test(f.text); k++) {
      const j = nextText(i);
      if (j < 0 || isCaptionFlow(flow[j] as TextFlow)) break;
      absorb(f, j);
    }
  }
}

/**
 * One page's lines and images -> its flow in reading order. Structure comes
 * from the whole page first: furniture (found book-wide) set aside, a margin
 * column split off, the footnote area under the text block, whitespace tables;
 * then the main text and figures in reading order (recursive XY-cut),
 * paragraphs rebuilt, and each margin note placed right after the paragraph it
 * sits beside. Footnotes close the page until the book places them after the
 * paragraph that calls them.
 */
export function pageFlow(p: PageLayout, roleOf: Map<number, FurnitureRole>, vocab: Vocabulary): PageFlow {
  const head: PageFlow['head'] = [];
  const foot: PageFlow['foot'] = [];
  const body: Line[] = [];
  const rotated: Line[] = [];
  p.lines.forEach((line, idx) => {
    const role = roleOf.get(idx);
    if (!role && line.rotated) rotated.push(line);
    else if (!role) body.push(line);
    else if (line.box.y < p.height / 2) head.push({ line, role });
    else foot.push({ line, role });
  });
  if (p.tagged) {
    // The tree's artifacts are pagination and decoration by the document's own word.
    const known = new Set([...head, ...foot].map(({ line }) => line.text));
    for (const line of p.artifacts ?? []) {
      if (known.has(line.text)) continue;
      const role: FurnitureRole = isPageNumber(line.text) ? 'page-number' : line.box.y < p.height / 2 ? 'header' : 'footer';
      (line.box.y < p.height / 2 ? head : foot).push({ line, role });
    }
  }
  head.sort((a, b) => a.line.box.y - b.line.box.y || a.line.box.x - b.line.box.x);
  foot.sort((a, b) => a.line.box.y - b.line.box.y || a.line.box.x - b.line.box.x);
  if (p.tagged) {
    // A line the tree tags as content but that repeats as a running head stays furniture.
    const furniture = new Set([...head, ...foot].map(({ line }) => `${line.text}|${Math.round(line.box.x)}|${Math.round(line.box.y)}`));
    const blocks = p.tagged
      .map((b) => ({ ...b, lines: b.lines.filter((l) => !furniture.has(`${l.text}|${Math.round(l.box.x)}|${Math.round(l.box.y)}`)) }))
      .filter((b) => b.lines.length || b.kind === 'figure');
    const flow = taggedFlow(blocks, p.images, vocab);
    return { page: p.page, height: p.height, head, foot, flow };
  }

  const { main: columnLines, margin } = splitMargin(body);
  const em = pageEm(columnLines);
  const { body: textLines, notes: footnotes } = splitFootnotes(columnLines, em);
  const { lines: mainLines, tables } = detectTables(textLines, em);

  const background = p.images.filter((im) => im.box.w * im.box.h > BACKGROUND_SHARE * p.width * p.height);
  const { text: flowLines, labels } = splitLabels(mainLines, p.images.filter((im) => !background.includes(im)), vocab);
  type El = { box: Line['box']; line?: Line; image?: PlacedImage; table?: Table; float?: boolean };
  const elements: El[] = [
    ...flowLines.map((line) => ({ box: line.box, line })),
    ...tables.map((table) => ({ box: table.box, table })),
    ...p.images.filter((im) => !background.includes(im)).map((image) => ({ box: image.box, image, float: true })),
  ];
  const ordered = readingOrder(elements, { em });
  const flow: Flow[] = background.map((image) => ({ kind: 'image' as const, image }));
  let run: Line[] = [];
  // Pictures beside the text (a portrait left of its paragraph, its top a hair below the paragraph's first line):
  // each goes after the paragraph holding the line read before it, not into it.
  let beside: Array<{ image: PlacedImage; after: Line }> = [];
  const text = (block: TextBlock): string => joinLines(block.lines.map((l) => l.text), vocab);
  const pushImage = (image: PlacedImage): void => {
    flow.push(labels.has(image) ? { kind: 'image', image, labels: labels.get(image)! } : { kind: 'image', image });
  };
  const flush = (): void => {
    for (const block of buildParagraphs(run)) {
      flow.push({ kind: 'text', block, text: text(block) });
      for (const b of beside) if (block.lines.includes(b.after)) pushImage(b.image);
    }
    run = [];
    beside = [];
  };
  for (const el of ordered) {
    if (el.line) {
      run.push(el.line);
      continue;
    }
    const last = run[run.length - 1];
    if (el.image && last && besideLine(el.image.box, last)) {
      beside.push({ image: el.image, after: last });
      continue;
    }
    flush();
    if (el.image) pushImage(el.image);
    else flow.push({ kind: 'table', table: el.table! });
  }
  flush();
  markFigureLabels(flow);
  mergeFormulaPieces(flow, em);
  joinRowPieces(flow, em);
  joinRawTexCaptions(flow, vocab);
  mergeContinuations(flow, vocab);

  // Margin notes, each right after the body paragraph beside its first line.
  // A note's bold sentence is emphasis, not a heading: margin notes have none (cdl p. 5, "You are officially a lab member ...").
  const notes = buildParagraphs([...margin].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x), { anyWeight: true });
  const placed = new Map<Flow, TextFlow[]>();
  const trailing: TextFlow[] = [];
  for (const block of notes) {
    const note = noteFlow(block, 'note', vocab);
    // Captions in the margin are captions: they go to their figure.
    if (isCaption(note.text)) delete note.role;
    const anchor = besideOf(block, flow);
    if (!anchor) trailing.push(note);
    else placed.set(anchor, [...(placed.get(anchor) ?? []), note]);
  }
  const withNotes: Flow[] = [];
  for (const f of flow) withNotes.push(f, ...(placed.get(f) ?? []));
  withNotes.push(...trailing);
  for (const fn of footnotes) {
    const block: TextBlock = { lines: fn.lines, box: fn.lines.map((l) => l.box).reduce((a, b) => union(a, b)), font: fn.lines[0]!.font };
    withNotes.push(noteFlow(block, 'footnote', vocab));
  }
  // Rotated text would block every gutter it crosses: it reads after the page's body, top to bottom; a table's
  // rotated column heads read in their row, after the head text left of them ("User action *JOBCTL QIBM_...").
  const rotatedFlow = (line: Line): TextFlow => ({ kind: 'text', block: { lines: [line], box: line.box, font: line.font }, text: line.text, rotated: true });
  const inRow = new Set<Line>();
  for (const row of columnHeadRows(rotated, flowLines)) {
    const top = Math.min(...row.map((l) => l.box.y));
    const base = Math.max(...row.map((l) => bottom(l.box)));
    const left = Math.min(...row.map((l) => l.box.x));
    const anchor = withNotes.findLastIndex((f) => f.kind === 'text' && !f.role && !f.rotated && f.block.box.y >= top - em && f.block.box.y < base && f.block.box.x + f.block.box.w <= left);
    if (anchor < 0) continue;
    for (const l of row) inRow.add(l);
    // Heads standing right above a table are its first row, the head text left of them over its first column.
    const table = withNotes.find((f): f is { kind: 'table'; table: Table } => f.kind === 'table' && headsOver(f.table, row, base, em));
    if (table) {
      const head = withNotes[anchor] as TextFlow;
      withNotes.splice(anchor, 1);
      table.table = withHeadRow(table.table, head, row);
      continue;
    }
    withNotes.splice(anchor + 1, 0, ...row.map(rotatedFlow));
  }
  for (const line of rotated.filter((l) => !inRow.has(l)).sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x)) withNotes.push(rotatedFlow(line));
  return { page: p.page, height: p.height, head, foot, flow: withNotes };
}

/** A picture beside a line: clear of it across, its top within the line's height. */
function besideLine(image: Box, line: Line): boolean {
  const apart = image.x >= right(line.box) || right(image) <= line.box.x;
  return apart && image.y >= line.box.y - line.box.h && image.y <= bottom(line.box);
}

/** Rotated heads stand at most this many ems above the table they head. */
const HEAD_GAP_EM = 2;

/** Does this row of rotated heads stand right above the table, over its columns? */
function headsOver(table: Table, heads: Line[], base: number, em: number): boolean {
  if (!table.columns?.length) return false;
  const gap = table.box.y - base;
  if (gap < -0.5 * em || gap > HEAD_GAP_EM * em) return false;
  return heads.every((h) => h.box.x >= table.box.x - em && h.box.x + h.box.w <= table.box.x + table.box.w + 2 * em);
}

/**
 * The table with the heads as its first row: each rotated head over the
 * column its middle stands in (a head over no column, whose cells are all
 * empty, opens one), the head text left of them over the first column.
 */
function withHeadRow(table: Table, head: TextFlow, heads: Line[]): Table {
  const mid = (h: Line): number => h.box.x + h.box.w / 2;
  const over = (columns: Column[], h: Line): number => columns.findIndex((c, i) => i > 0 && mid(h) >= c.x0 - 2 && mid(h) <= c.x1 + 2);
  const columns = [...table.columns!];
  // A head over no column opens one: a column no row ticks.
  for (const h of heads) if (over(columns, h) < 0) columns.push({ x0: h.box.x, x1: h.box.x + h.box.w });
  const order = columns.map((c, i) => ({ c, i })).sort((a, b) => a.c.x0 - b.c.x0);
  const sorted = order.map((o) => o.c);
  const rows = table.rows.map((r) => order.map(({ i }) => r[i] ?? ''));
  const first = sorted.map(() => '');
  first[0] = head.text;
  for (const h of heads) {
    const i = over(sorted, h);
    first[i] = first[i] ? `${first[i]} ${h.text}` : h.text;
  }
  const box = [head.block.box, ...heads.map((h) => h.box)].reduce((a, b) => union(a, b), table.box);
  return { box, rows: [first, ...rows], columns: sorted };
}

/** Rotated column heads of a table: at least this many short rotated lines side by side, their feet on one line. */
const MIN_COLUMN_HEADS = 3;
const MAX_HEAD_WORDS = 4;

/**
 * Rows of rotated table heads, left to right: short rotated lines whose feet
 * align (within 3 pt), each at most a few ems from the next, standing within
 * the x range of the page's text (a margin banner stands outside it).
 */
function columnHeadRows(rotated: Line[], text: Line[]): Line[][] {
  if (rotated.length < MIN_COLUMN_HEADS || !text.length) return [];
  const x0 = Math.min(...text.map((l) => l.box.x));
  const x1 = Math.max(...text.map((l) => l.box.x + l.box.w));
  const heads = rotated
    .filter((l) => l.text.trim().split(/\s+/).length <= MAX_HEAD_WORDS && l.box.x >= x0 && l.box.x + l.box.w <= x1)
    .sort((a, b) => a.box.x - b.box.x);
  const rows: Line[][] = [];
  for (const l of heads) {
    const row = rows.find((r) => {
      const last = r[r.length - 1]!;
      return Math.abs(bottom(last.box) - bottom(l.box)) <= 3 && l.box.x - (last.box.x + last.box.w) <= 4 * last.box.w;
    });
    if (row) row.push(l);
    else rows.push([l]);
  }
  return rows.filter((r) => r.length >= MIN_COLUMN_HEADS);
}

/** Labels hold few words: an image with more text over it is a background, and its text is body text. */
const MAX_LABEL_WORDS = 40;

/** A label printed in a picture reaches at most this many ems past its sides. */
const LABEL_OVERHANG_EM = 0.5;

/**
 * Text drawn over an image (labels, callouts): short lines lying inside the
 * image's box, set apart from body text so they neither interrupt a paragraph
 * nor read as one. An image carrying many words, or lines as wide as itself,
 * is a background behind body text, which stays body text.
 */
function splitLabels(lines: Line[], images: PlacedImage[], vocab: Vocabulary): { text: Line[]; labels: Map<PlacedImage, string> } {
  const labels = new Map<PlacedImage, string>();
  if (!images.length) return { text: lines, labels };
  const inside = new Map<PlacedImage, Line[]>();
  for (const l of lines) {
    const cx = l.box.x + l.box.w / 2;
    const cy = l.box.y + l.box.h / 2;
    if (isTexSource(l.text)) continue;
    // A line running out of an embedded picture across its side is the page's text set over it (a cover's
    // "Leverage row permissions on", its next line "the database" clear of the picture), not a label printed in
    // it. A figure drawn from the page has its labels in its region already.
    const across = (i: PlacedImage): boolean => !i.rendered && (l.box.x < i.box.x - LABEL_OVERHANG_EM * l.font.size || right(l.box) > right(i.box) + LABEL_OVERHANG_EM * l.font.size);
    const im = images.find((i) => cx > i.box.x && cx < i.box.x + i.box.w && cy > i.box.y && cy < i.box.y + i.box.h && l.box.w < 0.6 * i.box.w && !across(i));
    if (im) inside.set(im, [...(inside.get(im) ?? []), l]);
  }
  const taken = new Set<Line>();
  for (const [im, own] of inside) {
    const words = own.reduce((n, l) => n + l.text.split(/\s+/).length, 0);
    if (words > MAX_LABEL_WORDS) continue;
    own.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    labels.set(im, joinLines(own.map((l) => l.text), vocab));
    for (const l of own) taken.add(l);
  }
  return { text: lines.filter((l) => !taken.has(l)), labels };
}

function noteFlow(block: TextBlock, role: NoteRole, vocab: Vocabulary): TextFlow {
  const text = joinLines(block.lines.map((l) => l.text), vocab);
  const lead = leadingLabel(text);
  return lead ? { kind: 'text', block, text: lead.rest, role, label: lead.label } : { kind: 'text', block, text, role };
}

/** Type this much larger than the paragraph above is a heading's. */
const HEADING_SIZE_RATIO = 1.1;

/**
 * The body paragraph whose lines run beside the note's first line; else, for
 * a note that starts in the space between two paragraphs, the nearer of the
 * one above and the one below (a Tufte note is set level with its call, and a
 * call in a paragraph's first line can leave the note's first line in the gap).
 */
function besideOf(note: TextBlock, flow: Flow[]): Flow | undefined {
  const y = note.box.y;
  const first = note.lines[0]!.box;
  const middle = first.y + first.h / 2;
  let above: TextFlow | undefined;
  let aboveBottom = -Infinity;
  let below: TextFlow | undefined;
  let belowTop = Infinity;
  for (const f of flow) {
    if (f.kind !== 'text') continue;
    const top = Math.min(...f.block.lines.map((l) => l.box.y));
    const bot = Math.max(...f.block.lines.map((l) => bottom(l.box)));
    if (y >= top - 2 && y <= bot + 2) return f;
    if (bot < y && bot > aboveBottom) {
      above = f;
      aboveBottom = bot;
    }
    if (top > y && top < belowTop && top - bottom(first) < first.h) {
      below = f;
      belowTop = top;
    }
  }
  if (!below || !above) return below ?? above;
  // A heading below starts a section the note has no part in.
  const heading = below.block.font.size > HEADING_SIZE_RATIO * above.block.font.size;
  return !heading && belowTop - middle < middle - aboveBottom ? below : above;
}
