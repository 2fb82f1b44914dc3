import { ENDOFCHUNK, IMAGE, encodeWithSpecials, type EncodedImage } from '@mtb/core';
import type { ShardRow } from '@mtb/shards';
import type { Pair } from './pair.js';

/** The image name without folders and extension: "PMC212319_Fig3_4.jpg" -> "PMC212319_Fig3_4". */
export function imageStem(image: string): string {
  const base = image.slice(image.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * One paired row in OpenFlamingo's format: the image opens the chunk, the
 * caption follows, `<|endofchunk|>` closes it (DESIGN.md 4.7). `book_id` is the
 * article's PMC id; a name without one falls back to the image stem so the row
 * still has a stable group.
 */
export function pairRow(pair: Pair, image: EncodedImage): ShardRow {
  const stem = imageStem(pair.image);
  const bookId = pair.pmcid ?? stem;
  const text = `${IMAGE}${pair.caption}${ENDOFCHUNK}`;
  const ids = encodeWithSpecials(text);
  return {
    id: pair.image,
    source: 'pmc-oa',
    book_id: bookId,
    text,
    images: [{ bytes: image.bytes, path: `${bookId}/${stem}.${image.ext}` }],
    input_ids: Int32Array.from(ids),
    num_tokens: ids.length,
    num_images: 1,
    pages: [],
  };
}
