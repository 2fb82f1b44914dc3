import { ENDOFCHUNK, IMAGE, encodeWithSpecials } from '@mtb/core';
import type { ShardRow } from '@mtb/shards';
import type { FlowItem } from './figures.js';
import type { ImageUnit, TextUnit, Unit, Tally } from './units.js';
import { add } from './units.js';

/**
 * A planned segment's units in the order they are written: its first figure
 * opens it (moved before any text that leads up to it, which then sits in
 * that figure's chunk and is trained on), every figure's caption follows its
 * first image (a figure of several images then has text after its first
 * image as well as after its last), everything else keeps book order.
 */
export function segmentUnits(items: readonly FlowItem[]): Unit[] {
  const first = items.findIndex((it) => it.kind === 'figure');
  const ordered = first <= 0 ? items : [items[first]!, ...items.slice(0, first), ...items.slice(first + 1)];
  const units: Unit[] = [];
  for (const it of ordered) {
    if (it.kind === 'text') units.push(it.unit);
    else units.push(it.figure.images[0]!, ...it.figure.captions, ...it.figure.images.slice(1));
  }
  return units;
}

/**
 * OpenFlamingo's interleaved text: each `<image>` opens a chunk,
 * `<|endofchunk|>` stands right before every `<image>` but the first and once
 * at the end. Blocks join with one space; markers take no spaces around them,
 * as OpenFlamingo's own data pipeline strips them (so every plain piece
 * tokenizes exactly as the sum of its blocks' counted tokens).
 */
export function segmentText(units: readonly Unit[]): string {
  let out = '';
  let chunk: string[] = [];
  let images = 0;
  for (const u of units) {
    if (u.kind === 'text') {
      chunk.push(u.text);
      continue;
    }
    out += chunk.join(' ');
    chunk = [];
    if (images++ > 0) out += ENDOFCHUNK;
    out += IMAGE;
  }
  return out + chunk.join(' ') + ENDOFCHUNK;
}

export interface RenderedSegment {
  row: ShardRow;
  /** The units the row holds, in order (after any overflow cut). */
  units: Unit[];
}

/**
 * The shard row of one planned segment. Token counts of the units are exact
 * when blocks join at spaces, but input_ids are always a fresh
 * encodeWithSpecials(text); should that exceed maxTokens, trailing text units
 * are dropped (`token-overflow`) until it fits.
 */
export function segmentRow(bookId: string, index: number, planned: readonly Unit[], maxTokens: number, droppedTokens: Tally): RenderedSegment {
  const units = [...planned];
  let text = segmentText(units);
  let ids = encodeWithSpecials(text);
  while (ids.length > maxTokens) {
    let last = -1;
    for (let i = units.length - 1; i >= 0; i--) if (units[i]!.kind === 'text') { last = i; break; }
    if (last < 0) throw new Error(`${bookId}: segment ${index} has ${ids.length} tokens with no text left to cut (maxTokens ${maxTokens} too small for its images)`);
    const [cut] = units.splice(last, 1);
    add(droppedTokens, 'token-overflow', (cut as TextUnit).tokens);
    text = segmentText(units);
    ids = encodeWithSpecials(text);
  }
  const images = units.filter((u): u is ImageUnit => u.kind === 'image');
  const pages = [...new Set(units.map((u) => u.page))].sort((a, b) => a - b);
  const row: ShardRow = {
    id: `${bookId}/${index}`,
    source: 'mtb',
    book_id: bookId,
    text,
    images: images.map((u) => ({ bytes: u.node.image_bytes!, path: u.node.image_path! })),
    input_ids: Int32Array.from(ids),
    num_tokens: ids.length,
    num_images: images.length,
    pages,
  };
  return { row, units };
}
