import { ENDOFCHUNK_ID, IMAGE_ID } from '@mtb/core';

/** OpenFlamingo's name of the LM input embedding: trainable, but only two of its rows learn. */
export const INPUT_EMBEDDING = 'lang_encoder.model.embed_tokens.weight';

/**
 * Rows of the input embedding whose gradient is kept: `<|endofchunk|>` (32000)
 * and `<image>` (32001), the two tokens added to LLaMA's vocabulary. They are
 * adjacent, so the learnable part is one contiguous slice [start, end).
 */
export const LEARNED_EMBEDDING_ROWS = (() => {
  const start = Math.min(ENDOFCHUNK_ID, IMAGE_ID);
  const end = Math.max(ENDOFCHUNK_ID, IMAGE_ID) + 1;
  if (end - start !== 2) throw new Error('the <image> and <|endofchunk|> ids are expected to be adjacent');
  return { start, end };
})();

/**
 * Weight decay applies to a parameter exactly when OpenFlamingo's
 * `get_grouped_params` (open_flamingo/train/train.py) gives it decay: a
 * gated-cross-attention parameter that is not a gate, a norm or a bias. Its
 * substring test matches `gated_cross_attn_layer`, which both the block list
 * (`lang_encoder.gated_cross_attn_layers.k.*`) and the per-layer wrapper
 * (`lang_encoder.model.layers.i.gated_cross_attn_layer.*`) contain. That leaves
 * the four weight matrices (attn.to_q, attn.to_kv, attn.to_out, ff.1, ff.3) and
 * also the feed-forward LayerNorm's gain `ff.0.weight`, whose name has no "norm":
 * kept, so that a run here decays what a run there decays. The embedding never
 * decays (its masked rows would drift; OpenFlamingo's comment says the same).
 */
export function appliesWeightDecay(name: string): boolean {
  return (
    name.includes('gated_cross_attn_layer') &&
    !name.includes('ff_gate') &&
    !name.includes('attn_gate') &&
    !name.includes('norm') &&
    !name.includes('bias')
  );
}
