import * as tf from '@tensorflow/tfjs';

/** Parameter lookup by OpenFlamingo name. */
export type Params = (name: string) => tf.Tensor;

/** Swap the last two axes. */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[x.rank - 2]!];
  return tf.transpose(x, perm);
}

/**
 * a @ b (batched) whose backward pass uses only plain matmuls on explicitly
 * transposed operands: tfjs' own gradient multiplies with transposeA /
 * transposeB, which the wasm backend runs up to 10x slower than a transpose
 * plus a plain matmul.
 */
const matMulPlainGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, swapLast(saved[1]!)), tf.matMul(swapLast(saved[0]!), dy)],
  };
}) as never) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * nn.Linear's x @ W^T (x [n, in], W [out, in]) for the wasm backend: the
 * forward pass transposes W into a temporary; the backward pass needs no
 * transposed weight at all (dx = dy @ W, dW = dy^T @ x), so only x and W itself
 * are kept, never a transposed copy of every weight.
 */
const linearPlainGrad = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.tidy(() => tf.matMul(x, tf.transpose(w))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, saved[1]!), tf.matMul(tf.transpose(dy), saved[0]!)],
  };
}) as never) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/**
 * The same for a frozen weight: its gradient is never used (frozen weights are
 * not on the path from the trainable variables, so the tape never asks for
 * it), so neither it nor x is kept.
 */
const linearFrozen = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([w]);
  return {
    value: tf.tidy(() => tf.matMul(x, tf.transpose(w))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, saved[0]!), tf.zeros([])],
  };
}) as never) as unknown as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/**
 * Only the wasm backend needs the explicit transposes; the CPU and TensorFlow
 * backends multiply transposed operands natively, and the CPU backend's
 * generic transpose is the slow one there.
 */
function explicitTransposes(): boolean {
  return tf.getBackend() === 'wasm';
}

/** a @ b (batched), differentiable. */
export function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return explicitTransposes() ? matMulPlainGrad(a, b) : tf.matMul(a, b);
}

/** a @ b^T over the last two axes (attention scores). */
export function matMulT(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return explicitTransposes() ? matMulPlainGrad(a, swapLast(b)) : tf.matMul(a, b, false, true);
}

function isFrozen(w: tf.Tensor): boolean {
  return w instanceof tf.Variable && !w.trainable;
}

/** PyTorch nn.Linear: y = x W^T + b, W stored [out, in]. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1]!;
  const outDim = w.shape[0]!;
  const x2 = x.reshape([-1, inDim]);
  let y: tf.Tensor;
  if (explicitTransposes()) {
    y = isFrozen(w) ? linearFrozen(x2, w) : linearPlainGrad(x2, w);
  } else {
    y = tf.matMul(x2, w, false, true);
  }
  if (b) y = tf.add(y, b);
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}

/**
 * Rows [start, start + count) of a fused projection (to_kv, in_proj) applied
 * as their own Linear: the same dot products as the fused Linear followed by
 * a split of its output, without the split, which is a strided copy of the
 * activations (and a concat in the backward pass) that dominated the CPU
 * backend's perceiver step.
 */
export function linearRows(x: tf.Tensor, w: tf.Tensor, start: number, count: number, b?: tf.Tensor): tf.Tensor {
  const rows = tf.slice(w, [start, 0], [count, -1]);
  return linear(x, rows, b ? tf.slice(b, [start], [count]) : undefined);
}

/** PyTorch nn.LayerNorm over the last axis (biased variance, eps inside the sqrt). */
export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps = 1e-5): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), axis, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), w), b);
}

/** LLaMA's RMSNorm: x * rsqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  const ms = tf.mean(tf.square(x), x.rank - 1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), w);
}

/** Exact (erf) GELU, PyTorch nn.GELU's default. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** CLIP's QuickGELU. */
export function quickGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** [B, T, H*D] -> [B, H, T, D]. */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [b, t, hd] = x.shape as [number, number, number];
  return x.reshape([b, t, heads, hd / heads]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** [B, H, T, D] -> [B, T, H*D]. */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [b, h, t, d] = x.shape as [number, number, number, number];
  return x.transpose([0, 2, 1, 3]).reshape([b, t, h * d]) as tf.Tensor3D;
}

/** OpenFlamingo's FeedForward: nn.Sequential(LayerNorm, Linear, GELU, Linear), no biases on the Linears. */
export function feedForward(x: tf.Tensor, p: Params, prefix: string): tf.Tensor {
  const h = layerNorm(x, p(`${prefix}.0.weight`), p(`${prefix}.0.bias`));
  return linear(gelu(linear(h, p(`${prefix}.1.weight`))), p(`${prefix}.3.weight`));
}

/** Large finite negative for masked scores: exp() of it underflows to exactly 0, and it never overflows when added. */
export const MASKED = -1e9;
