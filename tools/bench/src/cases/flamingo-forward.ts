import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, selectBackend, type ConfigName } from '@mtb/flamingo';
import type { BenchCase } from '../types.js';

/**
 * Flamingo forward pass (batch 1, 2 images, T tokens) of the tiny and small
 * configs on the wasm and cpu backends. The baseline is the bare LLaMA of the
 * same model on the same tokens (languageModelForward): the floor, so the
 * ratio is the price of the vision tower, perceiver and cross-attention.
 * Extras: the largest |logit| difference between wasm and cpu on the case's input.
 */
function forwardCase(configName: ConfigName, backend: 'wasm' | 'cpu', length: number, quick: boolean): BenchCase {
  let model: FlamingoModel | undefined;
  let inputIds: tf.Tensor2D | undefined;
  let pixels: tf.Tensor | undefined;
  const run = (f: () => tf.Tensor) => {
    const out = f();
    out.dataSync();
    out.dispose();
  };
  return {
    name: `flamingo-forward-${configName}-${backend}`,
    description: `${configName} forward, B=1, T=${length}, 2 images of 224 px, ${backend} backend (baseline: the bare LLaMA alone)`,
    work: { unit: 'tokens', amount: length },
    repetitions: quick ? 2 : 5,
    async setup() {
      await selectBackend(backend);
      model = FlamingoModel.init(CONFIGS[configName], 1);
      for (const [name, v] of model.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.5));
      const ids = Int32Array.from({ length }, (_, i) => (i === 1 || i === length >> 1 ? IMAGE_ID : 3 + ((i * 7919) % 31000)));
      inputIds = tf.tensor2d(ids, [1, length], 'int32');
      pixels = tf.randomNormal([1, 2, 3, 224, 224], 0, 1, 'float32', 5);
    },
    async ours() {
      run(() => model!.forward({ inputIds: inputIds!, pixels }));
    },
    baseline: {
      name: 'bare LLaMA (languageModelForward)',
      async run() {
        run(() => model!.languageModelForward({ inputIds: inputIds! }));
      },
    },
    async extras() {
      const weights = model!.toSafetensors('all');
      const ids = inputIds!.dataSync().slice();
      const px = pixels!.dataSync().slice();
      const logitsOn = async (be: 'wasm' | 'cpu') => {
        await selectBackend(be);
        const m = FlamingoModel.fromSafetensors(CONFIGS[configName], [weights], { strict: true });
        const out = tf.tidy(() => m.forward({ inputIds: tf.tensor2d(ids, [1, length], 'int32'), pixels: tf.tensor(px, [1, 2, 3, 224, 224]) }).dataSync());
        m.dispose();
        return out;
      };
      const a = await logitsOn('wasm');
      const b = await logitsOn('cpu');
      await selectBackend(backend);
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      return { wasmVsCpuMaxAbsDiff: diff, parameters: model!.parameterCount() };
    },
    async teardown() {
      model?.dispose();
      tf.dispose([inputIds!, pixels!]);
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    out.push(forwardCase('tiny', backend, 64, opts.quick));
    out.push(forwardCase('small', backend, 256, opts.quick));
  }
  return out;
}
