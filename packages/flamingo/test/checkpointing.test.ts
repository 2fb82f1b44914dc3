import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, rowCrossEntropySums, selectBackend, type FlamingoConfig } from '../src/index.js';

/** Activation checkpointing recomputes each FlamingoLayer in the backward pass: the gradients must not change. */
describe.each(['wasm', 'cpu'] as const)('activation checkpointing on %s', (backend) => {
  it('gives the same loss and gradients as keeping every activation (with images, padding and gates open)', async () => {
    await selectBackend(backend);
    const cfg: FlamingoConfig = { ...CONFIGS.tiny, name: 'tiny-64', vision: { ...CONFIGS.tiny.vision, imageSize: 64, patchSize: 16 } };
    const model = FlamingoModel.init(cfg, 11);
    for (const [name, v] of model.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.6));
    const ids = [1, IMAGE_ID, 17, 23, 32000, IMAGE_ID, 31, 40, 2, 32002];
    const labels = Int32Array.from(ids, (x, i) => (i < 2 || i === 5 || i === 9 ? -100 : x));
    const inputIds = tf.tensor2d([ids], [1, ids.length], 'int32');
    const attentionMask = tf.tensor2d([ids.map((x) => (x === 32002 ? 0 : 1))], [1, ids.length], 'int32');
    const features = tf.tidy(() => model.encodeImages(tf.randomNormal([1, 2, 3, 64, 64], 0, 1, 'float32', 3)));
    const vars = [...model.trainableVariables().values()];
    const run = (activationCheckpointing: boolean): { loss: number; grads: Map<string, Float32Array> } => {
      const { value, grads } = tf.variableGrads(() => tf.sum(rowCrossEntropySums(model.forward({ inputIds, attentionMask, visionFeatures: features, activationCheckpointing }), labels)) as tf.Scalar, vars);
      const out = { loss: value.dataSync()[0]!, grads: new Map(Object.entries(grads).map(([k, g]) => [k, Float32Array.from(g.dataSync() as Float32Array)])) };
      tf.dispose([value, grads]);
      return out;
    };
    const kept = run(false);
    const tensorsBefore = tf.memory().numTensors;
    const recomputed = run(true);
    // Nothing leaks from the nested gradient of the recomputation.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(recomputed.loss).toBe(kept.loss);
    expect([...recomputed.grads.keys()].sort()).toEqual([...kept.grads.keys()].sort());
    expect(kept.grads.size).toBe(vars.length);
    for (const [name, g] of kept.grads) {
      const h = recomputed.grads.get(name)!;
      let d = 0;
      for (let i = 0; i < g.length; i++) d = Math.max(d, Math.abs(g[i]! - h[i]!));
      expect({ name, d }).toEqual({ name, d: 0 });
    }
    tf.dispose([inputIds, attentionMask, features]);
    model.dispose();
  });
});
