import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../src/train/adamw.js';
import { clipFactor, globalNorm } from '../src/train/grad-norm.js';
import { appliesWeightDecay, INPUT_EMBEDDING, LEARNED_EMBEDDING_ROWS } from '../src/train/param-groups.js';
import { learningRateAt } from '../src/train/schedule.js';
import { getConfig } from '../src/config.js';
import { parameterShapes } from '../src/param-shapes.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learning-rate schedule', () => {
  const base = { lr: 1e-4, warmupSteps: 10, totalSteps: 110 };
  test('linear warmup from 0, as HuggingFace get_*_schedule_with_warmup', () => {
    expect(learningRateAt(0, { ...base, kind: 'constant' })).toBe(0);
    expect(learningRateAt(5, { ...base, kind: 'constant' })).toBeCloseTo(5e-5, 15);
    expect(learningRateAt(10, { ...base, kind: 'constant' })).toBe(1e-4);
    expect(learningRateAt(1000, { ...base, kind: 'constant' })).toBe(1e-4);
  });
  test('cosine: half way is lr/2, the end is 0', () => {
    expect(learningRateAt(10, { ...base, kind: 'cosine' })).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(60, { ...base, kind: 'cosine' })).toBeCloseTo(5e-5, 15);
    expect(learningRateAt(110, { ...base, kind: 'cosine' })).toBeCloseTo(0, 15);
    expect(learningRateAt(200, { ...base, kind: 'cosine' })).toBe(0);
  });
});

describe('parameter groups', () => {
  test('weight decay exactly where OpenFlamingo get_grouped_params puts it', () => {
    const names = parameterShapes(getConfig('tiny')).map((p) => p.name);
    const decayed = names.filter(appliesWeightDecay);
    expect(decayed.length).toBeGreaterThan(0);
    for (const n of decayed) {
      expect(n).toMatch(/^lang_encoder\.gated_cross_attn_layers\.\d+\.(attn\.(to_q|to_kv|to_out)|ff\.[013])\.weight$/);
    }
    // Every cross-attention weight matrix decays; perceiver, embedding, gates, norms and biases do not.
    for (const n of names) {
      if (/gated_cross_attn_layers\.\d+\.(attn\.to_(q|kv|out)|ff\.[13])\.weight$/.test(n)) expect(decayed).toContain(n);
    }
    for (const n of [INPUT_EMBEDDING, 'perceiver.latents', 'lang_encoder.gated_cross_attn_layers.0.attn_gate', 'lang_encoder.gated_cross_attn_layers.0.ff_gate', 'lang_encoder.gated_cross_attn_layers.0.attn.norm.weight', 'lang_encoder.gated_cross_attn_layers.0.ff.0.bias']) {
      expect(appliesWeightDecay(n)).toBe(false);
    }
    // OpenFlamingo's per-layer alias of the same block decays too.
    expect(appliesWeightDecay('lang_encoder.model.layers.1.gated_cross_attn_layer.attn.to_kv.weight')).toBe(true);
  });
  test('the learned embedding rows are <|endofchunk|> and <image>', () => {
    expect(LEARNED_EMBEDDING_ROWS).toEqual({ start: 32000, end: 32002 });
  });
});

/** torch.optim.AdamW's update in float64, written from its documented algorithm. */
function referenceAdamW(p: number[], grads: number[][], lrs: number[], wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const x = [...p];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < x.length; i++) {
      x[i] = x[i]! * (1 - lrs[k]! * wd);
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps;
      x[i] = x[i]! - (lrs[k]! / (1 - b1 ** t)) * (m[i]! / denom);
    }
  });
  return x;
}

describe('AdamW', () => {
  const p0 = [0.5, -1.25, 2, 0.001];
  const grads = [[0.1, -0.2, 3, 1e-4], [0.05, 0.4, -1, 0], [-0.3, 0.1, 0.5, 2e-4]];
  const lrs = [1e-2, 5e-3, 1e-2];

  for (const decay of [true, false]) {
    test(`three updates equal torch.optim.AdamW's (weight decay ${decay ? '0.1' : 'off'})`, () => {
      const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
      let value: tf.Tensor = tf.tensor1d(p0);
      for (let k = 0; k < 3; k++) {
        const g = tf.tensor1d(grads[k]!);
        const next = opt.step([{ name: 'w', value, grad: g, decay }], lrs[k]!).get('w')!;
        value.dispose();
        g.dispose();
        value = next;
      }
      const want = referenceAdamW(p0, grads, lrs, decay ? 0.1 : 0);
      const got = Array.from(value.dataSync());
      got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 6));
      expect(opt.updates).toBe(3);
      value.dispose();
      opt.dispose();
    });
  }

  test('the first update moves each weight by about lr against its gradient sign', () => {
    const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
    const value = tf.tensor1d([1, 1, 1]);
    const g = tf.tensor1d([5, -0.01, 300]);
    const next = Array.from(opt.step([{ name: 'w', value, grad: g, decay: false }], 0.1).get('w')!.dataSync());
    expect(next[0]).toBeCloseTo(0.9, 5);
    expect(next[1]).toBeCloseTo(1.1, 5);
    expect(next[2]).toBeCloseTo(0.9, 5);
  });

  test('state round-trips; a state for other shapes is refused', () => {
    const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
    const value = tf.tensor2d([[1, 2], [3, 4]]);
    opt.step([{ name: 'w', value, grad: tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]), decay: true }], 0.01);
    const saved = opt.state();
    const other = new AdamW(opt.options);
    other.load(saved, new Map([['w', [2, 2]]]));
    expect(other.updates).toBe(1);
    expect(Array.from(other.state().moments.get('w')!.expAvg)).toEqual(Array.from(saved.moments.get('w')!.expAvg));
    expect(() => other.load(saved, new Map([['w', [4]]]))).toThrow(/shape/);
    expect(() => other.load(saved, new Map([['v', [2, 2]]]))).toThrow(/not a trained parameter/);
  });
});

describe('gradient clipping', () => {
  test('global norm over all tensors, factor as clip_grad_norm_', () => {
    const a = tf.tensor1d([3, 0]);
    const b = tf.tensor2d([[0, 4]]);
    expect(globalNorm([a, b])).toBeCloseTo(5, 6);
    expect(clipFactor(5, 1)).toBeCloseTo(1 / (5 + 1e-6), 12);
    expect(clipFactor(0.5, 1)).toBe(1);
  });
});
