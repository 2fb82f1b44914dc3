import * as tf from '@tensorflow/tfjs';

/** L2 norm of all gradients together (torch.nn.utils.clip_grad_norm_'s total norm). */
export function globalNorm(grads: Iterable<tf.Tensor>): number {
  let sumSq = 0;
  for (const g of grads) {
    const s = tf.tidy(() => tf.sum(tf.square(g)));
    sumSq += s.dataSync()[0]!;
    s.dispose();
  }
  return Math.sqrt(sumSq);
}

/** The factor clip_grad_norm_ scales gradients by: max_norm / (norm + 1e-6), at most 1. */
export function clipFactor(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}
