import * as tf from '@tensorflow/tfjs';
import type { FlamingoConfig } from '../config.js';
import { decoderLayerPrefix } from '../param-shapes.js';
import { linear, MASKED, matMul, matMulT, mergeHeads, rmsNorm, silu, splitHeads, type Params } from './ops.js';

const rotaryCache = new Map<string, { cos: Float32Array; sin: Float32Array }>();

/**
 * cos/sin tables [T, D] as transformers' LlamaRotaryEmbedding builds them in
 * float32: inv_freq = 1 / base^(2i/D), angle = t * inv_freq, the D/2 angles
 * repeated for both halves (emb = cat(freqs, freqs)).
 */
export function rotaryTables(length: number, headDim: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const key = `${length}/${headDim}/${base}`;
  let tab = rotaryCache.get(key);
  if (!tab) {
    const half = headDim / 2;
    const cos = new Float32Array(length * headDim);
    const sin = new Float32Array(length * headDim);
    for (let i = 0; i < half; i++) {
      const invFreq = Math.fround(1 / Math.fround(base ** Math.fround((2 * i) / headDim)));
      for (let t = 0; t < length; t++) {
        const angle = Math.fround(t * invFreq);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        cos[t * headDim + i] = c;
        cos[t * headDim + i + half] = c;
        sin[t * headDim + i] = s;
        sin[t * headDim + i + half] = s;
      }
    }
    tab = { cos, sin };
    rotaryCache.set(key, tab);
  }
  return tab;
}

/** transformers' rotate_half: cat(-x2, x1) over the two halves of the last axis (not interleaved pairs). */
export function rotateHalf(x: tf.Tensor): tf.Tensor {
  const d = x.shape[x.rank - 1]!;
  const [x1, x2] = tf.split(x, [d / 2, d / 2], x.rank - 1);
  return tf.concat([tf.neg(x2!), x1!], x.rank - 1);
}

export function applyRotary(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  return tf.add(tf.mul(x, cos), tf.mul(rotateHalf(x), sin)) as tf.Tensor4D;
}

/**
 * Additive attention bias [B, 1, T, T]: causal, and padding keys masked
 * (attention_mask 0), as LlamaModel's _prepare_decoder_attention_mask does.
 */
export function causalPaddingBias(batch: number, length: number, attentionMask?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(batch * length * length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < length; i++) {
      const row = (b * length + i) * length;
      for (let j = 0; j < length; j++) {
        if (j > i || (attentionMask && attentionMask[b * length + j] === 0)) out[row + j] = MASKED;
      }
    }
  }
  return out;
}

export function llamaAttention(config: FlamingoConfig, p: Params, prefix: string, x: tf.Tensor3D, cos: tf.Tensor2D, sin: tf.Tensor2D, bias: tf.Tensor4D): tf.Tensor3D {
  const heads = config.lm.heads;
  const headDim = config.lm.hidden / heads;
  const q = applyRotary(splitHeads(linear(x, p(`${prefix}.q_proj.weight`)), heads), cos, sin);
  const k = applyRotary(splitHeads(linear(x, p(`${prefix}.k_proj.weight`)), heads), cos, sin);
  const v = splitHeads(linear(x, p(`${prefix}.v_proj.weight`)), heads);
  const scores = tf.add(tf.div(matMulT(q, k), Math.sqrt(headDim)), bias);
  return linear(mergeHeads(matMul(tf.softmax(scores), v)), p(`${prefix}.o_proj.weight`)) as tf.Tensor3D;
}

/** LlamaDecoderLayer: pre-RMSNorm self-attention and SwiGLU MLP, both residual. */
export function llamaDecoderLayer(config: FlamingoConfig, p: Params, layer: number, x: tf.Tensor3D, cos: tf.Tensor2D, sin: tf.Tensor2D, bias: tf.Tensor4D): tf.Tensor3D {
  const b = decoderLayerPrefix(layer);
  const eps = config.lm.rmsEps;
  const h = rmsNorm(x, p(`${b}.input_layernorm.weight`), eps) as tf.Tensor3D;
  const x1 = tf.add(x, llamaAttention(config, p, `${b}.self_attn`, h, cos, sin, bias)) as tf.Tensor3D;
  const h2 = rmsNorm(x1, p(`${b}.post_attention_layernorm.weight`), eps);
  const mlp = linear(tf.mul(silu(linear(h2, p(`${b}.mlp.gate_proj.weight`))), linear(h2, p(`${b}.mlp.up_proj.weight`))), p(`${b}.mlp.down_proj.weight`));
  return tf.add(x1, mlp) as tf.Tensor3D;
}
