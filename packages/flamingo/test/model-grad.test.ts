import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { selectBackend, mediaSelection, FlamingoModel, CONFIGS, type FlamingoConfig } from '../src/index.js';
import { perceiverAttention } from '../src/model/perceiver.js';
import { gatedCrossAttentionBlock, maskedCrossAttention } from '../src/model/cross-attn.js';
import { causalPaddingBias, llamaAttention, rotaryTables } from '../src/model/llama.js';
import { rmsNorm, layerNorm, gelu, type Params } from '../src/model/ops.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

let seed = 100;
const rnd = (shape: number[], std = 0.5) => tf.randomNormal(shape, 0, std, 'float32', seed++);

/**
 * Central finite differences in float32 against tf.grads, on a few
 * coordinates of each input, for loss = sum(f(inputs) * R).
 */
function gradCheck(names: string[], inputs: tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor, eps = 1e-2): void {
  const r = tf.tidy(() => rnd(f(...inputs).shape, 1));
  const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)) as tf.Scalar;
  const analytic = tf.grads(loss)(inputs).map((g) => g.dataSync());
  inputs.forEach((x, i) => {
    const base = x.dataSync();
    const picks = [...new Set([0, base.length - 1, Math.floor(base.length / 3), Math.floor((2 * base.length) / 3)])];
    for (const j of picks) {
      const at = (delta: number) => tf.tidy(() => {
        const v = Float32Array.from(base);
        v[j]! += delta;
        const xs = inputs.slice();
        xs[i] = tf.tensor(v, x.shape);
        return loss(...xs).dataSync()[0]!;
      });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const a = analytic[i]![j]!;
      if (Math.abs(numeric - a) > 3e-3 + 2e-2 * Math.abs(a)) {
        throw new Error(`gradient of ${names[i]}[${j}]: analytic ${a}, finite difference ${numeric}`);
      }
    }
  });
  r.dispose();
}

function paramsOf(map: Record<string, tf.Tensor>): Params {
  return (n) => {
    const t = map[n];
    if (!t) throw new Error(`test: no ${n}`);
    return t;
  };
}

describe('gradient checks (analytic vs finite differences, float32)', () => {
  it('RMSNorm, LayerNorm, GELU', () => {
    gradCheck(['x', 'w'], [rnd([2, 5], 1), rnd([5], 1)], (x, w) => rmsNorm(x!, w!, 1e-6));
    gradCheck(['x', 'w', 'b'], [rnd([2, 5], 1), rnd([5], 1), rnd([5])], (x, w, b) => layerNorm(x!, w!, b!));
    gradCheck(['x'], [rnd([7], 1.5)], (x) => gelu(x!));
  });

  it('perceiver attention (latents attend to media + latents)', () => {
    const pre = 'p';
    const names = ['x', 'latents', 'to_q', 'to_kv', 'to_out', 'norm_latents.weight'];
    const inputs = [rnd([1, 3, 8], 1), rnd([1, 2, 8], 1), rnd([8, 8]), rnd([16, 8]), rnd([8, 8]), rnd([8], 1)];
    gradCheck(names, inputs, (x, lat, q, kv, out, nl) => {
      const p = paramsOf({
        [`${pre}.norm_media.weight`]: tf.onesLike(x!.slice([0, 0, 0], [1, 1, 8]).reshape([8])), [`${pre}.norm_media.bias`]: tf.zeros([8]),
        [`${pre}.norm_latents.weight`]: nl!, [`${pre}.norm_latents.bias`]: tf.zeros([8]),
        [`${pre}.to_q.weight`]: q!, [`${pre}.to_kv.weight`]: kv!, [`${pre}.to_out.weight`]: out!,
      });
      return perceiverAttention(x as tf.Tensor3D, lat as tf.Tensor3D, p, pre, 2, 4);
    });
  });

  it('masked cross-attention, and the gates of a gated block', () => {
    const ids = Int32Array.from([3, IMAGE_ID, 4, IMAGE_ID, 5]);
    const select = tf.tensor3d(mediaSelection(ids, 1, 5, 2, IMAGE_ID), [1, 5, 2]);
    const pre = 'a';
    gradCheck(['x', 'media', 'to_q', 'to_kv', 'to_out'], [rnd([1, 5, 8], 1), rnd([1, 2, 3, 6], 1), rnd([8, 8]), rnd([16, 6]), rnd([8, 8])], (x, media, q, kv, out) => {
      const p = paramsOf({ [`${pre}.norm.weight`]: tf.ones([8]), [`${pre}.norm.bias`]: tf.zeros([8]), [`${pre}.to_q.weight`]: q!, [`${pre}.to_kv.weight`]: kv!, [`${pre}.to_out.weight`]: out! });
      return maskedCrossAttention(x as tf.Tensor3D, media as tf.Tensor4D, select, p, pre, 2, 4);
    });
    const cfg = { ...CONFIGS.tiny, lm: { ...CONFIGS.tiny.lm, hidden: 8 }, perceiver: { ...CONFIGS.tiny.perceiver, dim: 6 }, crossAttn: { everyNLayers: 1, heads: 2, dimHead: 4, ffMult: 2 } } as FlamingoConfig;
    const b = 'lang_encoder.gated_cross_attn_layers.0';
    const fixed: Record<string, tf.Tensor> = {
      [`${b}.attn.norm.weight`]: tf.ones([8]), [`${b}.attn.norm.bias`]: tf.zeros([8]), [`${b}.attn.to_q.weight`]: rnd([8, 8]),
      [`${b}.attn.to_kv.weight`]: rnd([16, 6]), [`${b}.attn.to_out.weight`]: rnd([8, 8]), [`${b}.ff.0.weight`]: tf.ones([8]),
      [`${b}.ff.0.bias`]: tf.zeros([8]), [`${b}.ff.1.weight`]: rnd([16, 8]), [`${b}.ff.3.weight`]: rnd([8, 16]),
    };
    const media = rnd([1, 2, 3, 6], 1) as tf.Tensor4D;
    gradCheck(['x', 'attn_gate', 'ff_gate'], [rnd([1, 5, 8], 1), tf.tensor1d([0.3]), tf.tensor1d([-0.4])], (x, ag, fg) =>
      gatedCrossAttentionBlock(cfg, paramsOf({ ...fixed, [`${b}.attn_gate`]: ag!, [`${b}.ff_gate`]: fg! }), 0, x as tf.Tensor3D, media, select));
  });

  it('LLaMA rotary causal self-attention', () => {
    const cfg = { ...CONFIGS.tiny, lm: { ...CONFIGS.tiny.lm, hidden: 8, heads: 2 } } as FlamingoConfig;
    const rot = rotaryTables(4, 4, 10000);
    const cos = tf.tensor2d(rot.cos, [4, 4]);
    const sin = tf.tensor2d(rot.sin, [4, 4]);
    const bias = tf.tensor4d(causalPaddingBias(1, 4, [1, 1, 1, 0]), [1, 1, 4, 4]);
    gradCheck(['x', 'q', 'k', 'v', 'o'], [rnd([1, 4, 8], 1), rnd([8, 8]), rnd([8, 8]), rnd([8, 8]), rnd([8, 8])], (x, q, k, v, o) =>
      llamaAttention(cfg, paramsOf({ 's.q_proj.weight': q!, 's.k_proj.weight': k!, 's.v_proj.weight': v!, 's.o_proj.weight': o! }), 's', x as tf.Tensor3D, cos, sin, bias));
  });
});

describe('LLaMA against a hand computation (1 layer, hidden 4, 1 head)', () => {
  const cfg: FlamingoConfig = {
    ...CONFIGS.tiny,
    name: 'llama-hand',
    lm: { vocabSize: 8, hidden: 4, layers: 1, heads: 1, intermediate: 6, rmsEps: 1e-6, ropeBase: 10000, maxPositions: 16 },
    crossAttn: { ...CONFIGS.tiny.crossAttn, everyNLayers: 2 },
  };
  type M = number[][];
  const matvec = (w: M, x: number[]) => w.map((row) => row.reduce((s, v, i) => s + v * x[i]!, 0));
  const rms = (x: number[], w: number[]) => {
    const s = 1 / Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length + 1e-6);
    return x.map((v, i) => v * s * w[i]!);
  };
  function reference(W: Record<string, number[]>, ids: number[], interleaved: boolean): number[][] {
    const mat = (name: string, rows: number, cols: number): M => [...Array(rows).keys()].map((r) => W[name]!.slice(r * cols, (r + 1) * cols));
    const L = 'lang_encoder.model.layers.0.decoder_layer';
    const emb = mat('lang_encoder.model.embed_tokens.weight', 8, 4);
    const rotate = (v: number[], t: number) => {
      const ang = [0, 1].map((i) => t / 10000 ** ((2 * i) / 4));
      if (interleaved) return [0, 1].flatMap((i) => [v[2 * i]! * Math.cos(ang[i]!) - v[2 * i + 1]! * Math.sin(ang[i]!), v[2 * i]! * Math.sin(ang[i]!) + v[2 * i + 1]! * Math.cos(ang[i]!)]);
      const half = [-v[2]!, -v[3]!, v[0]!, v[1]!];
      return v.map((x, j) => x * Math.cos(ang[j % 2]!) + half[j]! * Math.sin(ang[j % 2]!));
    };
    const xs = ids.map((id) => emb[id]!.slice());
    const hs = xs.map((x) => rms(x, W[`${L}.input_layernorm.weight`]!));
    const q = hs.map((h, t) => rotate(matvec(mat(`${L}.self_attn.q_proj.weight`, 4, 4), h), t));
    const k = hs.map((h, t) => rotate(matvec(mat(`${L}.self_attn.k_proj.weight`, 4, 4), h), t));
    const v = hs.map((h) => matvec(mat(`${L}.self_attn.v_proj.weight`, 4, 4), h));
    return xs.map((x, t) => {
      const s = k.slice(0, t + 1).map((kk) => kk.reduce((a, kv, j) => a + kv * q[t]![j]!, 0) / 2);
      const mx = Math.max(...s);
      const e = s.map((z) => Math.exp(z - mx));
      const z = e.reduce((a, b) => a + b, 0);
      const att = [0, 1, 2, 3].map((j) => e.reduce((a, w, u) => a + (w / z) * v[u]![j]!, 0));
      const x1 = x.map((xv, j) => xv + matvec(mat(`${L}.self_attn.o_proj.weight`, 4, 4), att)[j]!);
      const h2 = rms(x1, W[`${L}.post_attention_layernorm.weight`]!);
      const g = matvec(mat(`${L}.mlp.gate_proj.weight`, 6, 4), h2);
      const u = matvec(mat(`${L}.mlp.up_proj.weight`, 6, 4), h2);
      const act = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]!);
      const x2 = x1.map((xv, j) => xv + matvec(mat(`${L}.mlp.down_proj.weight`, 4, 6), act)[j]!);
      return matvec(mat('lang_encoder.lm_head.weight', 8, 4), rms(x2, W['lang_encoder.model.norm.weight']!));
    });
  }

  it('matches transformers\' equations (rotate_half over halves, not interleaved pairs)', () => {
    const model = FlamingoModel.init(cfg, 3);
    const W: Record<string, number[]> = {};
    let s = 500;
    for (const [name, v] of model.params) {
      if (name.startsWith('lang_encoder.model') || name.startsWith('lang_encoder.lm_head')) {
        v.assign(tf.tidy(() => (v.rank === 1 ? tf.add(1, tf.randomNormal(v.shape, 0, 0.3, 'float32', s++)) : tf.randomNormal(v.shape, 0, 0.8, 'float32', s++))));
        W[name] = Array.from(v.dataSync());
      }
    }
    const ids = [1, 5, 2, 7];
    const got = tf.tidy(() => model.languageModelForward({ inputIds: tf.tensor2d([ids], [1, 4], 'int32') }).arraySync() as number[][][])[0]!;
    const want = reference(W, ids, false);
    const other = reference(W, ids, true);
    let err = 0;
    let gap = 0;
    for (let t = 0; t < 4; t++) for (let j = 0; j < 8; j++) {
      err = Math.max(err, Math.abs(got[t]![j]! - want[t]![j]!));
      gap = Math.max(gap, Math.abs(got[t]![j]! - other[t]![j]!));
    }
    expect(err).toBeLessThan(1e-4);
    expect(gap).toBeGreaterThan(1e-2);
    model.dispose();
  });
});
