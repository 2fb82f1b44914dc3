import { BOS_ID, ENDOFCHUNK_ID, EOS_ID, IMAGE_ID, PAD_ID } from '@mtb/core';
import { buildLabels, IGNORE_INDEX } from '@mtb/shard-stream';
import type { ImageUnit, Unit } from './units.js';

const SPECIAL = new Set([BOS_ID, EOS_ID, IMAGE_ID, ENDOFCHUNK_ID, PAD_ID]);

export interface MaskedTokens {
  /** Text tokens: input ids other than BOS, EOS, `<image>`, `<|endofchunk|>`, `<PAD>`. */
  text: number;
  /** Text tokens that are training targets under the loader's label mask (OpenFlamingo's). */
  trained: number;
  /** Text tokens before the segment's first `<image>` (never trained). */
  beforeFirstImage: number;
}

/**
 * What training uses of one segment, measured with the loader's own label
 * mask (`buildLabels` of @mtb/shard-stream), not a copy of its rules.
 */
export function maskedTokens(ids: ArrayLike<number>): MaskedTokens {
  const labels = buildLabels(ids);
  const out: MaskedTokens = { text: 0, trained: 0, beforeFirstImage: 0 };
  let seenImage = false;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === IMAGE_ID) seenImage = true;
    if (SPECIAL.has(id)) continue;
    out.text++;
    if (labels[i] !== IGNORE_INDEX) out.trained++;
    if (!seenImage) out.beforeFirstImage++;
  }
  return out;
}

export interface ChunkKinds {
  /** Image chunks (one per image). */
  chunks: number;
  /** `<image><|endofchunk|>`: no text after the image. */
  empty: number;
  /** Empty chunks of images that have a caption or referring text (a middle image of a multi-image figure). */
  emptyExplained: number;
  /** Only caption text after the image. */
  captionOnly: number;
}

/**
 * How much text follows each image of a segment, from its units in order.
 * `explained(image)` says whether the image has a caption or referring text.
 */
export function chunkKinds(units: readonly Unit[], explained: (image: ImageUnit) => boolean = () => false): ChunkKinds {
  const out: ChunkKinds = { chunks: 0, empty: 0, emptyExplained: 0, captionOnly: 0 };
  let open: ImageUnit | null = null;
  let text = 0;
  let other = 0;
  const close = (): void => {
    if (!open) return;
    if (text === 0) {
      out.empty++;
      if (explained(open)) out.emptyExplained++;
    } else if (other === 0) out.captionOnly++;
  };
  for (const u of units) {
    if (u.kind === 'image') {
      close();
      out.chunks++;
      open = u;
      text = 0;
      other = 0;
      continue;
    }
    text++;
    if (u.role !== 'caption') other++;
  }
  close();
  return out;
}
