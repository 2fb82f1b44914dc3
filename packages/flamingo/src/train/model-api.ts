import type * as tf from '@tensorflow/tfjs';

/** What the training loop needs from a model: FlamingoModel has this shape (tests also use small stand-ins). */
export interface TrainableModel {
  /** Every parameter by its OpenFlamingo name. */
  readonly params: Map<string, tf.Variable>;
  isTrainable(name: string): boolean;
  trainableVariables(): Map<string, tf.Variable>;
  /** Logits [B, T, V]; differentiable with respect to the trainable variables. */
  forward(inputs: { inputIds: tf.Tensor2D; attentionMask?: tf.Tensor2D; pixels?: tf.Tensor; visionFeatures?: tf.Tensor4D }): tf.Tensor;
  /**
   * The frozen vision tower alone ([B, M, 3, H, W] -> features), when the model
   * has one: run outside the gradient tape, so backprop neither records nor
   * keeps its activations; forward then takes `visionFeatures`.
   */
  encodeImages?(pixels: tf.Tensor): tf.Tensor4D;
  toSafetensors(which: 'all' | 'trainable'): Uint8Array;
}
