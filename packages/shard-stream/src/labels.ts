import { ENDOFCHUNK_ID, EOS_ID, IMAGE_ID, PAD_ID } from '@mtb/core';

/** Label value the loss ignores (PyTorch's CrossEntropyLoss ignore_index, as OpenFlamingo uses). */
export const IGNORE_INDEX = -100;

export interface FittedTokens {
  ids: Int32Array;
  /** Images that keep their `<image>` token, i.e. how many of the sample's images are used. */
  numImages: number;
}

/**
 * Fit one sample's input_ids to the loader's limits. Images beyond maxImages are
 * cut together with their text: the sequence stops right before the first
 * `<image>` that does not fit (keeping the `<|endofchunk|>` that closes the last
 * kept chunk) and EOS is appended. Then at most maxTokens ids are kept; an image
 * whose `<image>` token falls past the cut is dropped with it.
 */
export function fitTokens(inputIds: ArrayLike<number>, maxImages: number, maxTokens: number): FittedTokens {
  let end = inputIds.length;
  let seen = 0;
  let cutAtImage = false;
  for (let i = 0; i < inputIds.length; i++) {
    if (inputIds[i] === IMAGE_ID) {
      if (seen === maxImages) {
        end = i;
        cutAtImage = true;
        break;
      }
      seen++;
    }
  }
  const length = Math.min(maxTokens, cutAtImage ? end + 1 : end);
  const ids = new Int32Array(length);
  for (let i = 0; i < Math.min(end, length); i++) ids[i] = inputIds[i]!;
  if (cutAtImage && end < length) ids[end] = EOS_ID;
  let numImages = 0;
  for (let i = 0; i < length; i++) if (ids[i] === IMAGE_ID) numImages++;
  return { ids, numImages };
}

/**
 * Labels for one sequence, as OpenFlamingo's training loop masks them (the model
 * shifts by one itself): IGNORE_INDEX at padding, at every token before the
 * first `<image>`, at the tokens after each `<|endofchunk|>` up to the next
 * `<image>` (the `<|endofchunk|>` itself stays a target), and at `<image>`.
 * `length` is the padded row length; positions >= ids.length are padding.
 */
export function buildLabels(ids: ArrayLike<number>, length = ids.length, out = new Int32Array(length), offset = 0): Int32Array {
  const n = Math.min(ids.length, length);
  let beforeFirstImage = true;
  let afterChunkEnd = false;
  for (let i = 0; i < length; i++) {
    if (i >= n) {
      out[offset + i] = IGNORE_INDEX;
      continue;
    }
    const id = ids[i]!;
    if (id === IMAGE_ID) {
      beforeFirstImage = false;
      afterChunkEnd = false;
      out[offset + i] = IGNORE_INDEX;
    } else if (beforeFirstImage || afterChunkEnd || id === PAD_ID) {
      out[offset + i] = IGNORE_INDEX;
    } else {
      out[offset + i] = id;
    }
    if (id === ENDOFCHUNK_ID) afterChunkEnd = true;
  }
  return out;
}
