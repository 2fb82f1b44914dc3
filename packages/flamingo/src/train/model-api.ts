import type * as tf from '@tensorflow/tfjs';
import type { TensorToWrite } from '../safetensors.js';

/** What the training loop needs from a model: FlamingoModel has this shape (tests also use small stand-ins). */
export interface TrainableModel {
  /** Every parameter by its OpenFlamingo name. */
  readonly params: Map<string, tf.Variable>;
  isTrainable(name: string): boolean;
  trainableVariables(): Map<string, tf.Variable>;
  /** Logits [B, T, V]; differentiable with respect to the trainable variables. */
  forward(inputs: { inputIds: tf.Tensor2D; attentionMask?: tf.Tensor2D; pixels?: tf.Tensor; visionFeatures?: tf.Tensor4D; activationCheckpointing?: boolean }): tf.Tensor;
  /**
   * The frozen vision tower alone ([B, M, 3, H, W] -> features), when the model
   * has one: run outside the gradient tape, so backprop neither records nor
   * keeps its activations; forward then takes `visionFeatures`.
   */
  encodeImages?(pixels: tf.Tensor): tf.Tensor4D;
  /** The tensors a checkpoint holds, OpenFlamingo names; lazy ones are read out one at a time by the writer. */
  tensorsToSave(which: 'all' | 'trainable'): Map<string, TensorToWrite>;
  /** The checkpoint files' `__metadata__` (default `format=pt`). */
  saveMetadata?(which: 'all' | 'trainable'): Record<string, string>;
}
