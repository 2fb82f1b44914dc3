import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, selectBackend, type FlamingoConfig } from '../src/index.js';

// tiny at 64 x 64 pixels: the CPU backend's transposes dominate at 224 under Jest.
const cfg: FlamingoConfig = { ...CONFIGS.tiny, name: 'tiny-64', vision: { ...CONFIGS.tiny.vision, imageSize: 64, patchSize: 16 } };
// One sample keeps the CPU backend's share of the suite short; the padded tail exercises the mask.
const IDS = [[1, 900, IMAGE_ID, 17, 23, IMAGE_ID, 31, 32002]];
const MASK = [[1, 1, 1, 1, 1, 1, 1, 0]];

/** One forward and one gradient step of the trainable variables on the current backend. */
function run(weights: Uint8Array): { logits: Float32Array; grads: Map<string, Float32Array> } {
  const model = FlamingoModel.fromSafetensors(cfg, [weights], { strict: true });
  const out = (() => {
    const inputIds = tf.tensor2d(IDS, [1, 8], 'int32');
    const attentionMask = tf.tensor2d(MASK, [1, 8], 'int32');
    const pixels = tf.randomNormal([1, 2, 3, 64, 64], 0, 1, 'float32', 11);
    const vars = model.trainableVariables();
    let logits: Float32Array = new Float32Array(0);
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward({ inputIds, attentionMask, pixels });
      logits = out.dataSync() as Float32Array;
      return tf.mean(tf.square(out)).asScalar();
    }, [...vars.values()]);
    const byName = new Map([...vars].map(([k, v]) => [k, grads[v.name]!.dataSync() as Float32Array]));
    tf.dispose([value, grads, inputIds, attentionMask, pixels]);
    return { logits, grads: byName };
  })();
  model.dispose();
  return out;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('backends', () => {
  it('selectBackend loads wasm and cpu, and refuses unknown kinds or a missing tfjs-node', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(await selectBackend('cpu')).toBe('cpu');
    await expect(selectBackend('gpu' as never)).rejects.toThrow(/auto, tensorflow, wasm, cpu/);
    let tfNodeInstalled = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      tfNodeInstalled = false;
    }
    if (!tfNodeInstalled) await expect(selectBackend('tensorflow')).rejects.toThrow(/tfjs-node/);
  });

  it('the embedding gradient (UnsortedSegmentSum) runs on wasm and sums repeated ids', async () => {
    await selectBackend('wasm');
    const g = tf.tidy(() => tf.grad((e: tf.Tensor) => tf.gather(e, tf.tensor1d([0, 2, 2, 3], 'int32')).sum())(tf.zeros([4, 3])).arraySync());
    expect(g).toEqual([[1, 1, 1], [0, 0, 0], [2, 2, 2], [1, 1, 1]]);
  });

  it('forward and gradients on wasm and cpu agree to float32 tolerance (gates open)', async () => {
    await selectBackend('cpu');
    const base = FlamingoModel.init(cfg, 21);
    for (const [name, v] of base.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.8));
    const weights = base.toSafetensors('all');
    base.dispose();
    const cpu = run(weights);
    await selectBackend('wasm');
    const wasm = run(weights);
    const scale = maxAbs(cpu.logits);
    expect(scale).toBeGreaterThan(0);
    const diff = maxAbsDiff(cpu.logits, wasm.logits);
    if (process.env.MTB_REPORT) process.stdout.write(`wasm vs cpu: max |logit| ${scale}, max abs diff ${diff}\n`);
    expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
    expect([...wasm.grads.keys()]).toEqual([...cpu.grads.keys()]);
    for (const [name, g] of cpu.grads) {
      const gs = Math.max(1e-6, maxAbs(g));
      expect({ name, diff: maxAbsDiff(g, wasm.grads.get(name)!) / gs < 1e-3 }).toEqual({ name, diff: true });
    }
  });
});
