import * as tf from '@tensorflow/tfjs';
import type { FlamingoConfig } from '../config.js';
import { crossAttnPrefix } from '../param-shapes.js';
import { feedForward, layerNorm, linear, linearRows, matMul, matMulT, mergeHeads, splitHeads, type Params } from './ops.js';

/**
 * Which image each token attends to, as OpenFlamingo's media mask with
 * only_attend_immediate_media: text_time = number of `<image>` tokens up to and
 * including the token; the token sees image text_time only. Returns [B, T, M]
 * one-hot rows; a row is all zero when text_time is 0 (no image yet) or
 * exceeds M (more `<image>` tokens than image slots), so that token gets zero
 * cross-attention output.
 */
export function mediaSelection(inputIds: Int32Array, batch: number, length: number, numImages: number, imageTokenId: number): Float32Array {
  const out = new Float32Array(batch * length * numImages);
  for (let b = 0; b < batch; b++) {
    let time = 0;
    for (let t = 0; t < length; t++) {
      if (inputIds[b * length + t] === imageTokenId) time++;
      if (time >= 1 && time <= numImages) out[(b * length + t) * numImages + time - 1] = 1;
    }
  }
  return out;
}

/**
 * OpenFlamingo MaskedCrossAttention. Each token's softmax runs over its own
 * image's latents only; masking the other images' keys with -max, as PyTorch
 * does, gives them exactly zero weight, so this is the same function computed
 * per image then selected.
 * x [B, T, D], media [B, M, n, Dv], select [B, T, M].
 */
export function maskedCrossAttention(x: tf.Tensor3D, media: tf.Tensor4D, select: tf.Tensor3D, p: Params, prefix: string, heads: number, dimHead: number): tf.Tensor3D {
  const [b, t] = x.shape;
  const [, m, n, dv] = media.shape;
  const q = splitHeads(linear(layerNorm(x, p(`${prefix}.norm.weight`), p(`${prefix}.norm.bias`)), p(`${prefix}.to_q.weight`)), heads);
  const flat = media.reshape([b, m * n, dv]);
  const inner = heads * dimHead;
  const k = splitHeads(linearRows(flat, p(`${prefix}.to_kv.weight`), 0, inner), heads);
  const v = splitHeads(linearRows(flat, p(`${prefix}.to_kv.weight`), inner, inner), heads);
  const sim = matMulT(tf.mul(q, dimHead ** -0.5), k).reshape([b, heads, t, m, n]);
  const attn = tf.mul(tf.softmax(sim), select.reshape([b, 1, t, m, 1])).reshape([b, heads, t, m * n]);
  return linear(mergeHeads(matMul(attn, v)), p(`${prefix}.to_out.weight`)) as tf.Tensor3D;
}

/** GatedCrossAttentionBlock: x + tanh(attn_gate) * xattn(x); then x + tanh(ff_gate) * ff(x). */
export function gatedCrossAttentionBlock(config: FlamingoConfig, p: Params, layer: number, x: tf.Tensor3D, media: tf.Tensor4D | undefined, select: tf.Tensor3D | undefined): tf.Tensor3D {
  const b = crossAttnPrefix(layer);
  let y = x;
  // Without media every token has text_time 0: the attention term is exactly zero.
  if (media && select) {
    const a = maskedCrossAttention(x, media, select, p, `${b}.attn`, config.crossAttn.heads, config.crossAttn.dimHead);
    y = tf.add(y, tf.mul(a, tf.tanh(p(`${b}.attn_gate`)))) as tf.Tensor3D;
  }
  return tf.add(y, tf.mul(feedForward(y, p, `${b}.ff`), tf.tanh(p(`${b}.ff_gate`)))) as tf.Tensor3D;
}
