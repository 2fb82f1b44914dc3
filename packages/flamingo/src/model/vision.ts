import * as tf from '@tensorflow/tfjs';
import type { FlamingoConfig } from '../config.js';
import { layerNorm, linear, linearRows, matMul, matMulT, mergeHeads, quickGelu, splitHeads, type Params } from './ops.js';

const P = 'vision_encoder';

/** open_clip ResidualAttentionBlock: pre-LN nn.MultiheadAttention, then pre-LN QuickGELU MLP. */
function residualBlock(x: tf.Tensor3D, p: Params, i: number, heads: number): tf.Tensor3D {
  const b = `${P}.transformer.resblocks.${i}`;
  const width = x.shape[2];
  const h = layerNorm(x, p(`${b}.ln_1.weight`), p(`${b}.ln_1.bias`));
  const [q, k, v] = [0, 1, 2].map((j) => splitHeads(linearRows(h, p(`${b}.attn.in_proj_weight`), j * width, width, p(`${b}.attn.in_proj_bias`)), heads));
  // nn.MultiheadAttention scales q by head_dim^-0.5 before q k^T.
  const scores = matMulT(tf.mul(q!, (width / heads) ** -0.5), k!);
  const attn = mergeHeads(matMul(tf.softmax(scores), v!));
  const x1 = tf.add(x, linear(attn, p(`${b}.attn.out_proj.weight`), p(`${b}.attn.out_proj.bias`))) as tf.Tensor3D;
  const h2 = layerNorm(x1, p(`${b}.ln_2.weight`), p(`${b}.ln_2.bias`));
  const mlp = linear(quickGelu(linear(h2, p(`${b}.mlp.c_fc.weight`), p(`${b}.mlp.c_fc.bias`))), p(`${b}.mlp.c_proj.weight`), p(`${b}.mlp.c_proj.bias`));
  return tf.add(x1, mlp) as tf.Tensor3D;
}

/**
 * CLIP ViT patch tokens for OpenFlamingo: images [N, 3, H, W] (CLIP-normalised)
 * -> [N, grid^2, width], class token dropped, taken before `ln_post` (what
 * open_clip's `output_tokens` returned in the version OpenFlamingo pinned).
 */
export function visionEncoder(config: FlamingoConfig, p: Params, images: tf.Tensor4D): tf.Tensor3D {
  const { patchSize: ps, width, imageSize } = config.vision;
  const [n, c, hgt, wid] = images.shape;
  if (c !== 3 || hgt !== imageSize || wid !== imageSize) {
    throw new Error(`config ${config.name} takes images [N, 3, ${imageSize}, ${imageSize}], got [${images.shape.join(', ')}]`);
  }
  const g = imageSize / ps;
  // conv1 (stride = kernel = patch, no bias) as patchify + matmul: the PyTorch
  // weight [width, 3, p, p] flattens in the same (c, y, x) order as each patch.
  const patches = images.reshape([n, 3, g, ps, g, ps]).transpose([0, 2, 4, 1, 3, 5]).reshape([n, g * g, 3 * ps * ps]);
  const emb = linear(patches, p(`${P}.conv1.weight`).reshape([width, 3 * ps * ps]));
  const cls = tf.tile(p(`${P}.class_embedding`).reshape([1, 1, width]), [n, 1, 1]);
  let x = tf.add(tf.concat([cls, emb], 1), p(`${P}.positional_embedding`)) as tf.Tensor3D;
  x = layerNorm(x, p(`${P}.ln_pre.weight`), p(`${P}.ln_pre.bias`)) as tf.Tensor3D;
  // One tidy per block: the tower runs outside the gradient tape in training, so each block's
  // temporaries can go as soon as it is done (under a tape, the tape keeps what it needs).
  for (let i = 0; i < config.vision.layers; i++) {
    const h = x;
    x = tf.tidy(() => residualBlock(h, p, i, config.vision.heads));
  }
  return x.slice([0, 1, 0], [n, g * g, width]);
}
