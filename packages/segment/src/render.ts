import { ENDOFCHUNK, IMAGE, encodeWithSpecials } from '@mtb/core';
import type { ShardRow } from '@mtb/shards';
import type { Unit, Tally } from './units.js';
import { add } from './units.js';

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

/**
 * The shard row of one planned segment. Token counts of the units are exact
 * when blocks join at spaces, but input_ids are always a fresh
 * encodeWithSpecials(text); should that exceed maxTokens, trailing text units
 * are dropped (`token-overflow`) until it fits.
 */
export function segmentRow(bookId: string, index: number, planned: readonly Unit[], maxTokens: number, droppedTokens: Tally): ShardRow {
  const units = [...planned];
  let text = segmentText(units);
  let ids = encodeWithSpecials(text);
  while (ids.length > maxTokens) {
    let last = -1;
    for (let i = units.length - 1; i >= 0; i--) if (units[i]!.kind === 'text') { last = i; break; }
    if (last < 0) throw new Error(`${bookId}: segment ${index} has ${ids.length} tokens with no text left to cut (maxTokens ${maxTokens} too small for its images)`);
    const [cut] = units.splice(last, 1);
    add(droppedTokens, 'token-overflow', (cut as Extract<Unit, { kind: 'text' }>).tokens);
    text = segmentText(units);
    ids = encodeWithSpecials(text);
  }
  const images = units.filter((u): u is Extract<Unit, { kind: 'image' }> => u.kind === 'image');
  const pages = [...new Set(units.map((u) => u.page))].sort((a, b) => a - b);
  return {
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
}
