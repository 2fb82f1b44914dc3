import { isCaption } from './captions.js';
import type { Flow, TextFlow } from './page-flow.js';
import type { Table } from './tables.js';
import { joinLines, type Vocabulary } from './text.js';
import { type Box, type FontStyle, type Line, type PlacedImage, type TaggedBlock, bottom, overlap, right, union } from './types.js';

/** The style most of the lines' characters are set in. */
function dominantFont(lines: Line[]): FontStyle {
  const weight = new Map<FontStyle, number>();
  for (const l of lines) weight.set(l.font, (weight.get(l.font) ?? 0) + l.text.length);
  let best = lines[0]!.font;
  let n = -1;
  for (const [f, w] of weight) if (w > n) [best, n] = [f, w];
  return best;
}

const area = (b: Box): number => b.w * b.h;
const overlapArea = (a: Box, b: Box): number => overlap(a.x, right(a), b.x, right(b)) * overlap(a.y, bottom(a), b.y, bottom(b));

/** A caption element holding several captions ("Figure 7-26. ... Figure 7-27. ...") is several captions. */
function splitCaptions(lines: Line[]): Line[][] {
  const parts: Line[][] = [];
  for (const l of lines) {
    if (!parts.length || isCaption(l.text)) parts.push([l]);
    else parts[parts.length - 1]!.push(l);
  }
  return parts;
}

/**
 * A tagged page's flow in its structure tree's order: paragraphs, headings
 * (their level from H1..H6), list items, notes and captions as the tree says;
 * table cells gathered into their table at its first cell; the text a Figure
 * element holds (labels drawn over it) right after its image. An image goes
 * with the Figure element it overlaps most, else after the last block that
 * starts above it in its column.
 */
export function taggedFlow(blocks: TaggedBlock[], images: PlacedImage[], vocab: Vocabulary): Flow[] {
  const flow: Flow[] = [];
  const tables = new Map<number, Table>();
  const imagesAt = new Map<number, PlacedImage[]>();
  const unplaced: PlacedImage[] = [];
  for (const image of images) {
    let best = -1;
    let bestArea = 0;
    blocks.forEach((b, i) => {
      const a = b.kind === 'figure' ? overlapArea(b.box, image.box) : 0;
      if (a > bestArea) [best, bestArea] = [i, a];
    });
    if (best < 0) {
      blocks.forEach((b, i) => {
        if (b.box.y <= image.box.y && overlap(b.box.x, right(b.box), image.box.x, right(image.box)) > 0) best = i;
      });
    }
    if (best < 0) unplaced.push(image);
    else imagesAt.set(best, [...(imagesAt.get(best) ?? []), image]);
  }
  flow.push(...unplaced.map((image) => ({ kind: 'image' as const, image })));
  const text = (lines: Line[], extra: Partial<TextFlow> = {}): TextFlow => ({
    kind: 'text',
    block: { lines, box: lines.map((l) => l.box).reduce((a, b) => union(a, b)), font: dominantFont(lines) },
    text: joinLines(lines.map((l) => l.text), vocab),
    ...extra,
  });
  blocks.forEach((b, i) => {
    const own = imagesAt.get(i) ?? [];
    if (b.kind === 'figure') {
      // Text inside a Figure element is drawn over it (labels): the figure's alt text, never body text.
      const labels = b.lines.length ? joinLines(b.lines.map((l) => l.text), vocab) : undefined;
      if (!own.length && labels) flow.push(text(b.lines, { figureText: true }));
      own.forEach((image, k) => flow.push(k === 0 && labels ? { kind: 'image', image, labels } : { kind: 'image', image }));
      return;
    }
    if (b.kind === 'cell' && b.cell) {
      let table = tables.get(b.cell.id);
      if (!table) {
        table = { box: b.box, rows: [] };
        tables.set(b.cell.id, table);
        flow.push({ kind: 'table', table });
      }
      table.box = union(table.box, b.box);
      while (table.rows.length <= b.cell.row) table.rows.push([]);
      const row = table.rows[b.cell.row]!;
      while (row.length < b.cell.col) row.push('');
      row[b.cell.col] = joinLines(b.lines.map((l) => l.text), vocab);
    } else if (b.kind === 'caption') {
      for (const part of splitCaptions(b.lines)) flow.push(text(part, { caption: true }));
    } else if (b.kind === 'heading') {
      flow.push(text(b.lines, { heading: b.level ?? 2 }));
    } else if (b.kind === 'note') {
      flow.push(text(b.lines, { role: 'note' }));
    } else {
      flow.push(text(b.lines));
    }
    flow.push(...own.map((image) => ({ kind: 'image' as const, image })));
  });
  for (const t of tables.values()) {
    const width = Math.max(...t.rows.map((r) => r.length));
    for (const r of t.rows) while (r.length < width) r.push('');
  }
  return flow;
}
