import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, getConfig, memoryPlan, rowCrossEntropySums, selectBackend, type FlamingoConfig } from '../src/index.js';
import { trackBackendBytes } from './backend-bytes.js';

/** Bytes the backend holds when the backward pass starts, beyond what it held before the forward pass. */
function measuredActivations(model: FlamingoModel, tokens: number, images: number, activationCheckpointing: boolean): number {
  const ids = Int32Array.from({ length: tokens }, (_, i) => (i === 1 || i === 9 ? IMAGE_ID : 100 + ((i * 37) % 31000)));
  const inputIds = tf.tensor2d(ids, [1, tokens], 'int32');
  const side = model.config.vision.imageSize;
  const feats = tf.tidy(() => model.encodeImages(tf.randomNormal([1, images, 3, side, side], 0, 1, 'float32', 5)));
  const bytes = trackBackendBytes();
  let atBackward = 0;
  // An identity op on the loss: its gradient runs first in the backward pass, when the forward pass's temporaries are gone.
  const probe = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => ((atBackward = bytes.live()), dy) })) as never) as unknown as (x: tf.Tensor) => tf.Scalar;
  const before = bytes.live();
  const { value, grads } = tf.variableGrads(() => probe(tf.sum(rowCrossEntropySums(model.forward({ inputIds, visionFeatures: feats, activationCheckpointing }), ids))), [...model.trainableVariables().values()]);
  bytes.stop();
  tf.dispose([value, grads, inputIds, feats]);
  return atBackward - before;
}

describe('memory plan', () => {
  it.each(['cpu', 'wasm'] as const)('activations match what tfjs holds at the start of the backward pass on %s (within 2%%)', async (backend) => {
    await selectBackend(backend);
    const cfg: FlamingoConfig = {
      ...CONFIGS.small, name: 'plan-check', vision: { ...CONFIGS.small.vision, imageSize: 64, patchSize: 16 },
      lm: { ...CONFIGS.small.lm, hidden: 128, heads: 4, intermediate: 344, layers: 3 },
    };
    const model = FlamingoModel.init(cfg, 3);
    for (const [n, v] of model.params) if (n.endsWith('_gate')) v.assign(tf.fill([1], 0.5));
    for (const activationCheckpointing of [false, true]) {
      const measured = measuredActivations(model, 64, 2, activationCheckpointing);
      const plan = memoryPlan(cfg, { tokens: 64, images: 2, batch: 1, activationCheckpointing, optimizerBits: 32 });
      // The vision features exist before the forward pass (the vision tower runs outside the tape).
      const planned = plan.total.activations - plan.groups.find((g) => g.group === 'vision')!.activations;
      expect({ activationCheckpointing, ratio: Math.abs(measured / planned - 1) < 0.02 }).toEqual({ activationCheckpointing, ratio: true });
    }
    model.dispose();
  });

  it('the vision tower\'s transient peak (run outside the tape, one block at a time) is within 10% of the plan', async () => {
    await selectBackend('wasm');
    const cfg: FlamingoConfig = { ...CONFIGS.small, vision: { ...CONFIGS.small.vision, imageSize: 128, patchSize: 16, width: 128, layers: 3 }, perceiver: { ...CONFIGS.small.perceiver, dim: 128 } };
    const model = FlamingoModel.init(cfg, 1);
    const px = tf.randomNormal([1, 3, 3, 128, 128]);
    const bytes = trackBackendBytes();
    const before = bytes.live();
    const feats = model.encodeImages(px);
    const peak = bytes.peak() - before;
    bytes.stop();
    const planned = memoryPlan(cfg, { tokens: 16, images: 3, batch: 1, activationCheckpointing: false, optimizerBits: 32 }).transient.find((t) => t.name.startsWith('vision'))!.bytes;
    expect(Math.abs(peak / planned - 1)).toBeLessThan(0.1);
    tf.dispose([feats, px]);
    model.dispose();
  });

  it('openflamingo-9b at 1,024 tokens and 10 images: trainable state as OpenFlamingo counts it, and checkpointing is what makes it fit 80 GB', () => {
    const c = getConfig('openflamingo-9b');
    const base = { tokens: 1024, images: 10, batch: 1 };
    const plain = memoryPlan(c, { ...base, activationCheckpointing: false, optimizerBits: 32 });
    const ckpt = memoryPlan(c, { ...base, activationCheckpointing: true, optimizerBits: 32 });
    const both = memoryPlan(c, { ...base, activationCheckpointing: true, optimizerBits: 8 });
    // fp32 weights of all 8,221,241,360 parameters.
    expect(plain.total.weights).toBe(8_221_241_360 * 4);
    // AdamW: two float32 moments per trained value (perceiver, cross-attention, 2 embedding rows).
    const trained = 63_019_008 + 1_115_815_952 + 2 * 4096;
    expect(plain.total.optimizer).toBe(2 * 4 * trained);
    expect(both.total.optimizer).toBeLessThan(plain.total.optimizer / 3.9);
    expect(ckpt.total.activations).toBeLessThan(plain.total.activations / 5);
    expect(plain.total.all).toBeGreaterThan(80e9);
    expect(ckpt.total.all).toBeLessThan(80e9);
  });
});
