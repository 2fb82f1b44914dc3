import * as tf from '@tensorflow/tfjs';
import type { Batch } from '@mtb/shard-stream';

/** PyTorch's ignore_index, as the loader writes it. */
export const IGNORE = -100;

export type LabelledBatch = Pick<Batch, 'batchSize' | 'seqLen' | 'labels' | 'sources'>;

/**
 * Target tokens per source over a set of micro-batches: positions t >= 1 whose
 * label is not ignored (the model predicts labels[:, t] from logits[:, t-1], so
 * position 0 is never a target).
 */
export function targetCounts(batches: readonly LabelledBatch[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of batches) {
    for (let r = 0; r < b.batchSize; r++) {
      let n = 0;
      for (let t = 1; t < b.seqLen; t++) if (b.labels[r * b.seqLen + t] !== IGNORE) n++;
      counts.set(b.sources[r]!, (counts.get(b.sources[r]!) ?? 0) + n);
    }
  }
  return counts;
}

/**
 * Each row's factor in the step loss: weight(source) / targets(source), where
 * targets counts the source's target tokens over ALL micro-batches of the
 * optimizer step. So the sum over rows of factor x (row's summed token
 * cross-entropy) is sum over sources of weight x (mean token cross-entropy of
 * that source over the whole step), and summing micro-batch gradients gives
 * exactly the gradient of that loss on the concatenated batch. A source without
 * targets in the step contributes nothing.
 */
export function rowFactors(batch: LabelledBatch, counts: Map<string, number>, weightOf: (source: string) => number): Float32Array {
  const f = new Float32Array(batch.batchSize);
  for (let r = 0; r < batch.batchSize; r++) {
    const s = batch.sources[r]!;
    const n = counts.get(s) ?? 0;
    f[r] = n > 0 ? weightOf(s) / n : 0;
  }
  return f;
}

/**
 * Summed token cross-entropy per row, [B], differentiable: logits [B, T, V]
 * against labels [B, T] (flat, row-major); position t is scored against
 * labels[t + 1] (the last position has no target), ignored labels count zero.
 * The shift is done on the labels, not by slicing the logits: a slice in the
 * middle axis costs seconds per step on the CPU backend. log-softmax as
 * logsumexp minus the picked logit; the pick is a product with a one-hot mask
 * rather than a gather, so its gradient needs no scatter kernel.
 */
export function rowCrossEntropySums(logits: tf.Tensor, labels: Int32Array): tf.Tensor1D {
  const [B, T, V] = logits.shape as [number, number, number];
  if (labels.length !== B * T) throw new RangeError(`labels hold ${labels.length} values, logits are [${B}, ${T}, ${V}]`);
  return tf.tidy(() => {
    const n = B * T;
    const target = new Int32Array(n);
    const mask = new Float32Array(n);
    for (let r = 0; r < B; r++) {
      for (let t = 0; t + 1 < T; t++) {
        const label = labels[r * T + t + 1]!;
        if (label === IGNORE) continue;
        if (label < 0 || label >= V) throw new RangeError(`label ${label} at row ${r}, position ${t + 1} is outside the vocabulary of ${V}`);
        target[r * T + t] = label;
        mask[r * T + t] = 1;
      }
    }
    const crossEntropy = tf.getBackend() === 'cpu' ? hostTokenCrossEntropy : maskedTokenCrossEntropy;
    const ce = crossEntropy(tf.reshape(logits, [n, V]), tf.oneHot(tf.tensor1d(target, 'int32'), V, 1, 0, 'float32'), tf.tensor1d(mask));
    return tf.sum(tf.reshape(ce, [B, T]), 1) as tf.Tensor1D;
  });
}

/**
 * Token cross-entropy [n] of logits x [n, V] against one-hot targets, times
 * mask [n], with the closed-form gradient mask * (softmax(x) - onehot) * dy:
 * one exp over the logits instead of the chain of max/sub/exp/sum/log
 * gradients tfjs derives for logSumExp (ten times slower on wasm, where the
 * [tokens, 32003] logits dominate a small model's step).
 */
const maskedTokenCrossEntropy = tf.customGrad(((x: tf.Tensor, onehot: tf.Tensor, mask: tf.Tensor, save: tf.GradSaveFunc) => {
  const lse = tf.logSumExp(x, 1);
  const value = tf.mul(tf.sub(lse, tf.sum(tf.mul(x, onehot), 1)), mask);
  save([x, onehot, mask, lse]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, soh, sm, slse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const softmax = tf.exp(tf.sub(sx, tf.expandDims(slse, 1)));
      return [tf.mul(tf.sub(softmax, soh), tf.expandDims(tf.mul(dy, sm), 1)), tf.zerosLike(soh), tf.zerosLike(sm)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, onehot: tf.Tensor, mask: tf.Tensor) => tf.Tensor;

/**
 * The same function and gradient computed in plain loops over the host arrays,
 * for the CPU backend: its kernels broadcast [n, 1] against [n, V] through a
 * per-element index conversion, which made the loss about half of a tiny
 * model's step. Sums run in float64. It saves the same tensors as the kernel
 * version, so the memory plan's count holds on every backend.
 */
const hostTokenCrossEntropy = tf.customGrad(((x: tf.Tensor, onehot: tf.Tensor, mask: tf.Tensor, save: tf.GradSaveFunc) => {
  const [n, V] = x.shape as [number, number];
  const xs = x.dataSync() as Float32Array;
  const oh = onehot.dataSync() as Float32Array;
  const m = mask.dataSync() as Float32Array;
  const lse = new Float32Array(n);
  const value = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * V;
    let max = -Infinity;
    for (let j = 0; j < V; j++) if (xs[row + j]! > max) max = xs[row + j]!;
    let sum = 0;
    let picked = 0;
    for (let j = 0; j < V; j++) {
      sum += Math.exp(xs[row + j]! - max);
      picked += xs[row + j]! * oh[row + j]!;
    }
    const logSumExp = max + Math.log(sum);
    lse[i] = logSumExp;
    value[i] = (logSumExp - picked) * m[i]!;
  }
  save([x, onehot, mask, tf.tensor1d(lse)]);
  return {
    value: tf.tensor1d(value),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, soh, sm, slse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const gx = sx.dataSync() as Float32Array;
      const gh = soh.dataSync() as Float32Array;
      const gm = sm.dataSync() as Float32Array;
      const gl = slse.dataSync() as Float32Array;
      const d = dy.dataSync() as Float32Array;
      const grad = new Float32Array(n * V);
      for (let i = 0; i < n; i++) {
        const scale = d[i]! * gm[i]!;
        if (scale === 0) continue;
        const row = i * V;
        for (let j = 0; j < V; j++) grad[row + j] = (Math.exp(gx[row + j]! - gl[i]!) - gh[row + j]!) * scale;
      }
      return [tf.tensor2d(grad, [n, V]), tf.zerosLike(soh), tf.zerosLike(sm)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, onehot: tf.Tensor, mask: tf.Tensor) => tf.Tensor;

/** Per-source sums of row values (the summed cross-entropies a micro-batch adds to each source). */
export function sumBySource(rowValues: ArrayLike<number>, sources: readonly string[], into = new Map<string, number>()): Map<string, number> {
  for (let r = 0; r < sources.length; r++) into.set(sources[r]!, (into.get(sources[r]!) ?? 0) + rowValues[r]!);
  return into;
}
