import * as tf from '@tensorflow/tfjs';
import { writeSafetensors, type TensorToWrite } from '../src/safetensors.js';
import type { TrainableModel } from '../src/train/model-api.js';

export const TOY_VOCAB = 32003;
const D = 4;
let instances = 0;

/**
 * A stand-in with FlamingoModel's shape for the optimizer and loss tests: an
 * embedding (the full 32,003-row vocabulary, so the `<image>` rows exist), a
 * "cross-attention" matrix and gate, a "perceiver" vector fed by the pixels
 * through a frozen "vision" matrix, and a frozen lm_head. Every token is
 * computed independently of the others, so padding a batch changes nothing.
 */
export class ToyModel implements TrainableModel {
  readonly params = new Map<string, tf.Variable>();
  private readonly trainable = new Set<string>();

  constructor(seed: number) {
    const id = instances++;
    const add = (name: string, shape: number[], trainable: boolean, std: number, s: number): void => {
      const init = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed * 100 + s), std);
      this.params.set(name, tf.variable(init, trainable, `toy${id}/${name}`));
      init.dispose();
      if (trainable) this.trainable.add(name);
    };
    add('lang_encoder.model.embed_tokens.weight', [TOY_VOCAB, D], true, 1, 1);
    add('perceiver.latents', [D], true, 0.5, 2);
    add('lang_encoder.gated_cross_attn_layers.0.attn.to_q.weight', [D, D], true, 0.5, 3);
    add('lang_encoder.gated_cross_attn_layers.0.attn_gate', [1], true, 0.5, 4);
    add('lang_encoder.gated_cross_attn_layers.0.ff.0.bias', [D], true, 0.5, 5);
    add('vision_encoder.conv1.weight', [D, 3], false, 0.5, 6);
    add('lang_encoder.lm_head.weight', [TOY_VOCAB, D], false, 1, 7);
  }

  isTrainable(name: string): boolean {
    return this.trainable.has(name);
  }

  trainableVariables(): Map<string, tf.Variable> {
    return new Map([...this.params].filter(([n]) => this.trainable.has(n)));
  }

  forward(inputs: { inputIds: tf.Tensor2D; pixels?: tf.Tensor }): tf.Tensor {
    const p = (n: string): tf.Variable => this.params.get(n)!;
    return tf.tidy(() => {
      const [B, T] = inputs.inputIds.shape;
      let h = tf.gather(p('lang_encoder.model.embed_tokens.weight'), inputs.inputIds) as tf.Tensor3D; // [B, T, D]
      let ctx = tf.zeros([B, D]);
      if (inputs.pixels) {
        // The first image slot only: extra (empty) slots from padding change nothing, as in Flamingo.
        const [, , c, hh, ww] = inputs.pixels.shape as number[];
        const colour = tf.mean(tf.slice(inputs.pixels, [0, 0, 0, 0, 0], [B, 1, c!, hh!, ww!]), [1, 3, 4]); // [B, 3]
        ctx = tf.mul(tf.matMul(colour, p('vision_encoder.conv1.weight'), false, true), p('perceiver.latents')); // [B, D]
      }
      const q = tf.add(h, tf.add(tf.expandDims(ctx, 1), p('lang_encoder.gated_cross_attn_layers.0.ff.0.bias')));
      const mixed = tf.tanh(tf.reshape(tf.matMul(tf.reshape(q, [B * T, D]), p('lang_encoder.gated_cross_attn_layers.0.attn.to_q.weight'), false, true), [B, T, D]));
      h = tf.add(h, tf.mul(tf.tanh(p('lang_encoder.gated_cross_attn_layers.0.attn_gate')), mixed));
      return tf.reshape(tf.matMul(tf.reshape(h, [B * T, D]), p('lang_encoder.lm_head.weight'), false, true), [B, T, TOY_VOCAB]);
    });
  }

  tensorsToSave(which: 'all' | 'trainable'): Map<string, TensorToWrite> {
    const out = new Map<string, TensorToWrite>();
    for (const [name, v] of this.params) if (which === 'all' || this.trainable.has(name)) out.set(name, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
    return out;
  }

  toSafetensors(which: 'all' | 'trainable'): Uint8Array {
    return writeSafetensors(this.tensorsToSave(which));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
