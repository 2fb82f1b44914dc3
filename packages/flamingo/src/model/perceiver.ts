import * as tf from '@tensorflow/tfjs';
import type { FlamingoConfig } from '../config.js';
import { feedForward, layerNorm, linear, linearRows, matMul, matMulT, mergeHeads, splitHeads, type Params } from './ops.js';

/** OpenFlamingo PerceiverAttention: latents attend to concat(media, latents). x [N, v, D], latents [N, n, D]. */
export function perceiverAttention(x: tf.Tensor3D, latents: tf.Tensor3D, p: Params, prefix: string, heads: number, dimHead: number): tf.Tensor3D {
  const xm = layerNorm(x, p(`${prefix}.norm_media.weight`), p(`${prefix}.norm_media.bias`));
  const lat = layerNorm(latents, p(`${prefix}.norm_latents.weight`), p(`${prefix}.norm_latents.bias`));
  const q = splitHeads(linear(lat, p(`${prefix}.to_q.weight`)), heads);
  const kvIn = tf.concat([xm, lat], 1);
  const inner = heads * dimHead;
  const k = splitHeads(linearRows(kvIn, p(`${prefix}.to_kv.weight`), 0, inner), heads);
  const v = splitHeads(linearRows(kvIn, p(`${prefix}.to_kv.weight`), inner, inner), heads);
  const sim = matMulT(tf.mul(q, dimHead ** -0.5), k);
  const out = mergeHeads(matMul(tf.softmax(sim), v));
  return linear(out, p(`${prefix}.to_out.weight`)) as tf.Tensor3D;
}

/** PerceiverResampler: media features [B, M, v, D] -> [B, M, numLatents, D]. */
export function perceiverResampler(config: FlamingoConfig, p: Params, media: tf.Tensor4D): tf.Tensor4D {
  const { depth, heads, dimHead, numLatents, dim } = config.perceiver;
  const [b, m, v, d] = media.shape;
  if (d !== dim) throw new Error(`perceiver dim ${dim} does not match vision width ${d}`);
  const x = media.reshape([b * m, v, d]) as tf.Tensor3D;
  let latents = tf.tile(p('perceiver.latents').reshape([1, numLatents, dim]), [b * m, 1, 1]) as tf.Tensor3D;
  for (let i = 0; i < depth; i++) {
    latents = tf.add(perceiverAttention(x, latents, p, `perceiver.layers.${i}.0`, heads, dimHead), latents) as tf.Tensor3D;
    latents = tf.add(feedForward(latents, p, `perceiver.layers.${i}.1`), latents) as tf.Tensor3D;
  }
  return layerNorm(latents, p('perceiver.norm.weight'), p('perceiver.norm.bias')).reshape([b, m, numLatents, dim]) as tf.Tensor4D;
}
