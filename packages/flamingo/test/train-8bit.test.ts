import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  AdamW8bit,
  dequantizeBlockwise,
  dynamicMap,
  loadCheckpoint,
  MIN_8BIT_SIZE,
  OPTIMIZER_BLOCK,
  quantizeBlockwise,
  saveCheckpoint,
  writeSafetensorsSharded,
  openSafetensors,
  CHECKPOINT_VERSION,
  type AdamWEntry,
  type Optimizer,
} from '../src/index.js';
import { ToyModel } from './train-toy-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("bitsandbytes' dynamic quantisation map", () => {
  it('signed: 127 magnitudes per sign from 10^-6 x 0.55 up to 1, plus 0', () => {
    const m = dynamicMap(true);
    expect(m).toHaveLength(256);
    expect([...m].every((x, i) => i === 0 || x >= m[i - 1]!)).toBe(true);
    expect(m[255]).toBe(1);
    expect(m.filter((x) => x === 0)).toHaveLength(1);
    expect(m.filter((x) => x > 0)).toHaveLength(128);
    expect(m.filter((x) => x < 0)).toHaveLength(127);
    // Exponent 0 (10^-6) has one fraction item: the midpoint of linspace(0.1, 1, 2) = 0.55.
    expect(Math.abs(m.filter((x) => x > 0)[0]! / 5.5e-7 - 1)).toBeLessThan(1e-6);
    // The largest negative magnitude: the last midpoint of linspace(0.1, 1, 65), times 1.
    expect(m[0]).toBeCloseTo(-(1 - 0.9 / 128), 6);
  });

  it('unsigned: 254 positive values, 0 and 1', () => {
    const u = dynamicMap(false);
    expect(u).toHaveLength(256);
    expect(u.filter((x) => x < 0)).toHaveLength(0);
    expect(u.filter((x) => x === 0)).toHaveLength(1);
    // Exponent 0 has two items: the midpoints of linspace(0.1, 1, 3) = [0.325, 0.775].
    expect(Math.abs(u[1]! / 3.25e-7 - 1)).toBeLessThan(1e-6);
    expect(u[255]).toBe(1);
  });

  it('blockwise quantisation stores the nearest code of x / absmax per block of 2,048', () => {
    const code = dynamicMap(true);
    const n = 2 * OPTIMIZER_BLOCK + 300;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * (i < OPTIMIZER_BLOCK ? 1e-3 : 5) * Math.exp(-((i % 97) / 20)));
    const q = quantizeBlockwise(x, code);
    expect(q.absmax).toHaveLength(3);
    const back = dequantizeBlockwise(q, code);
    for (let i = 0; i < n; i += 37) {
      const absmax = q.absmax[Math.floor(i / OPTIMIZER_BLOCK)]!;
      // Brute force: no code is nearer to x / absmax than the stored one.
      const target = x[i]! / absmax;
      const best = Math.min(...Array.from(code, (c) => Math.abs(c - target)));
      expect(Math.abs(code[q.codes[i]!]! - target)).toBeCloseTo(best, 12);
      expect(Math.abs(back[i]! - code[q.codes[i]!]! * absmax)).toBeLessThanOrEqual(1e-6 * absmax);
    }
    // The block's largest magnitude is stored exactly.
    const first = x.subarray(0, OPTIMIZER_BLOCK).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(Math.max(...Array.from(back.subarray(0, OPTIMIZER_BLOCK), Math.abs))).toBeCloseTo(first, 9);
  });
});

/** Least squares y = x W^T on fixed data, W [out, in]: returns the loss after `steps` updates of `opt`. */
function regression(opt: Optimizer, steps: number): number[] {
  const out = 48;
  const inDim = 160; // 7,680 values: 3 blocks of 2,048 with a partial last one
  const x = tf.randomNormal([64, inDim], 0, 1, 'float32', 1);
  const wTrue = tf.randomNormal([out, inDim], 0, 0.3, 'float32', 2);
  const y = tf.matMul(x, wTrue, false, true);
  let w = tf.zeros([out, inDim]);
  let b = tf.zeros([out]);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const f = (wv: tf.Tensor, bv: tf.Tensor): tf.Scalar => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, wv, false, true), bv), y)));
    const [gw, gb] = tf.grads(f)([w, b]);
    losses.push(f(w, b).dataSync()[0]!);
    const entries: AdamWEntry[] = [{ name: 'w', value: w, grad: gw!, decay: true }, { name: 'b', value: b, grad: gb!, decay: false }];
    const next = opt.step(entries, 0.05);
    tf.dispose([w, b, gw!, gb!]);
    w = next.get('w')!;
    b = next.get('b')!;
  }
  tf.dispose([x, wTrue, y, w, b]);
  return losses;
}

describe('AdamW8bit', () => {
  const options = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.01 };

  it('follows fp32 AdamW on least squares: every 10th loss within 2% while the loss falls 180-fold', () => {
    const fp32 = regression(new AdamW(options), 60);
    const opt = new AdamW8bit(options);
    const q8 = regression(opt, 60);
    if (process.env.MTB_REPORT) process.stdout.write(`fp32 ${fp32.filter((_, i) => i % 10 === 9).map((x) => x.toFixed(5))}\n8-bit ${q8.filter((_, i) => i % 10 === 9).map((x) => x.toFixed(5))}\n`);
    expect(fp32[59]! / fp32[0]!).toBeLessThan(0.01);
    for (let i = 9; i < 60; i += 10) expect({ step: i + 1, close: Math.abs(q8[i]! / fp32[i]! - 1) < 0.02 }).toEqual({ step: i + 1, close: true });
    // 2 bytes per value + 8 per block for W (7,680 values); b (48 values) under min_8bit_size stays float32.
    expect(opt.stateBytes()).toBe(2 * 7680 + 2 * 4 * Math.ceil(7680 / OPTIMIZER_BLOCK) + 2 * 4 * 48);
    expect(48).toBeLessThan(MIN_8BIT_SIZE);
  });

  it('its state round-trips through a checkpoint file: the next update is bit-identical', () => {
    const opt = new AdamW8bit(options);
    const value = tf.randomNormal([5000], 0, 1, 'float32', 4);
    const g1 = tf.randomNormal([5000], 0, 1, 'float32', 5);
    const g2 = tf.randomNormal([5000], 0, 1, 'float32', 6);
    const after1 = opt.step([{ name: 'p', value, grad: g1, decay: true }], 1e-2).get('p')!;
    const dir = mkdtempSync(join(tmpdir(), 'adamw8bit-'));
    try {
      const saved = writeSafetensorsSharded(dir, 'optimizer', opt.stateTensors(), { metadata: opt.stateMetadata(), maxShardBytes: 4096 });
      expect(saved.files.length).toBeGreaterThan(1);
      const src = openSafetensors(saved.path);
      expect(src.info('exp_avg.p')!.dtype).toBe('U8');
      const other = new AdamW8bit(options);
      other.restore(src, new Map([['p', [5000]]]));
      expect(() => new AdamW(options).restore(src, new Map([['p', [5000]]]))).toThrow(/mtb-adamw8bit.*optimizerBits/);
      src.close();
      expect(other.updates).toBe(1);
      const a = opt.step([{ name: 'p', value: after1, grad: g2, decay: true }], 1e-2).get('p')!.dataSync();
      const b = other.step([{ name: 'p', value: after1, grad: g2, decay: true }], 1e-2).get('p')!.dataSync();
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints as shards', () => {
  it('weights and optimizer state past the shard limit are written as HuggingFace shards and load back', () => {
    const model = new ToyModel(3);
    const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
    const entries = [...model.trainableVariables()].map(([name, v]) => ({ name, value: v, grad: tf.onesLike(v), decay: false }));
    for (const [name, t] of opt.step(entries, 0.1)) model.params.get(name)!.assign(t);
    const out = mkdtempSync(join(tmpdir(), 'ckpt-shards-'));
    try {
      const state = { version: CHECKPOINT_VERSION, step: 1, updates: 1, rng: { seed: 0, drawsPerStep: 0 as const }, loader: {} as never, config: {} as never };
      const dir = saveCheckpoint(out, model, opt, state, 2, 100_000);
      const files = readdirSync(dir).sort();
      expect(files).toContain('trainable.safetensors.index.json');
      expect(files.filter((f) => /^trainable-\d{5}-of-\d{5}\.safetensors$/.test(f)).length).toBeGreaterThan(1);
      expect(files).toContain('optimizer.safetensors.index.json');
      const ck = loadCheckpoint(dir);
      expect(ck.updates).toBe(1);
      for (const [name, v] of model.trainableVariables()) {
        expect(Buffer.from((ck.trainable.read(name).data as Float32Array).buffer).equals(Buffer.from((v.dataSync() as Float32Array).buffer))).toBe(true);
      }
      const again = new AdamW(opt.options);
      again.restore(ck.optimizer, new Map([...model.trainableVariables()].map(([n, v]) => [n, [...v.shape]])));
      expect(again.state().moments.get('perceiver.latents')!.expAvg).toEqual(opt.state().moments.get('perceiver.latents')!.expAvg);
      ck.close();
    } finally {
      rmSync(out, { recursive: true, force: true });
      model.dispose();
    }
  });
});
