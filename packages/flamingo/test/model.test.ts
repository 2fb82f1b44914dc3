import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, selectBackend, writeSafetensors, readSafetensors, mediaSelection } from '../src/index.js';
import { maskedCrossAttention } from '../src/model/cross-attn.js';

const cfg = CONFIGS.tiny;
// text, <image>, text, <image>, text: tokens 0-1 see no image, 2-4 image 1, 5-7 image 2
const IDS = [5, 900, IMAGE_ID, 17, 23, IMAGE_ID, 31, 2];
const T = IDS.length;

let model: FlamingoModel;
beforeAll(async () => {
  await selectBackend('wasm');
  model = FlamingoModel.init(cfg, 7);
});
afterAll(() => model.dispose());

function pixels(seed: number, m = 2): tf.Tensor {
  return tf.randomNormal([1, m, 3, 224, 224], 0, 1, 'float32', seed);
}
const ids = () => tf.tensor2d([IDS], [1, T], 'int32');
function logits(m: FlamingoModel, px?: tf.Tensor, mask?: number[]): Float32Array {
  return tf.tidy(() => {
    const attentionMask = mask ? tf.tensor2d([mask], [1, T], 'int32') : undefined;
    return m.forward({ inputIds: ids(), pixels: px, attentionMask }).dataSync() as Float32Array;
  });
}
function maxAbsDiff(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let d = 0;
  for (let i = from; i < to; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
const V = cfg.lm.vocabSize;

/** Gates non-zero so the cross-attention path shows in the logits. */
function openGates(m: FlamingoModel, value = 1.5): void {
  for (const [name, v] of m.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], value));
}

describe('FlamingoModel', () => {
  it('init is deterministic: same seed, same bytes; another seed, other bytes', () => {
    const a = FlamingoModel.init(cfg, 7);
    const b = FlamingoModel.init(cfg, 8);
    expect(Buffer.from(a.toSafetensors('all')).equals(Buffer.from(model.toSafetensors('all')))).toBe(true);
    expect(Buffer.from(b.toSafetensors('all')).equals(Buffer.from(model.toSafetensors('all')))).toBe(false);
    expect(model.params.get('lang_encoder.gated_cross_attn_layers.1.attn_gate')!.dataSync()[0]).toBe(0);
    a.dispose();
    b.dispose();
  });

  it('at init (gates 0) the Flamingo logits equal the bare LM\'s', () => {
    const px = pixels(1);
    const flamingo = logits(model, px);
    const bare = tf.tidy(() => model.languageModelForward({ inputIds: ids() }).dataSync() as Float32Array);
    expect(flamingo.length).toBe(T * V);
    expect(maxAbsDiff(flamingo, bare)).toBe(0);
    expect(maxAbsDiff(logits(model), bare)).toBe(0);
    px.dispose();
  });

  describe('media mask (gates open)', () => {
    let open: FlamingoModel;
    beforeAll(() => {
      open = FlamingoModel.fromSafetensors(cfg, [model.toSafetensors('all')], { strict: true });
      openGates(open);
    });
    afterAll(() => open.dispose());

    it('the gates change the logits after the first <image> only', () => {
      const px = pixels(1);
      const withImages = logits(open, px);
      const bare = tf.tidy(() => open.languageModelForward({ inputIds: ids() }).dataSync() as Float32Array);
      const noImages = logits(open);
      // Tokens before the first <image> get zero cross-attention output: same as with no images at all.
      expect(maxAbsDiff(withImages, noImages, 0, 2 * V)).toBe(0);
      expect(maxAbsDiff(withImages, noImages, 2 * V, 3 * V)).toBeGreaterThan(1e-4);
      // The gated feed-forward still acts on every token, so it is not the bare LM.
      expect(maxAbsDiff(withImages, bare)).toBeGreaterThan(1e-4);
      px.dispose();
    });

    it('changing image 2 changes no logit before the second <image>, and changes those after', () => {
      const a = pixels(1);
      const b = tf.tidy(() => tf.concat([a.slice([0, 0], [1, 1]), pixels(99, 1)], 1));
      const la = logits(open, a);
      const lb = logits(open, b);
      expect(maxAbsDiff(la, lb, 0, 5 * V)).toBe(0);
      expect(maxAbsDiff(la, lb, 5 * V, T * V)).toBeGreaterThan(1e-5);
      tf.dispose([a, b]);
    });

    it('changing image 1 changes the logits from the first <image> on', () => {
      const a = pixels(1);
      const b = tf.tidy(() => tf.concat([pixels(5, 1), a.slice([0, 1], [1, 1])], 1));
      const la = logits(open, a);
      const lb = logits(open, b);
      expect(maxAbsDiff(la, lb, 0, 2 * V)).toBe(0);
      expect(maxAbsDiff(la, lb, 2 * V, 5 * V)).toBeGreaterThan(1e-5);
      tf.dispose([a, b]);
    });

    it('padding keys are masked: a padded tail changes no earlier logit', () => {
      const px = pixels(1);
      const full = logits(open, px);
      const masked = logits(open, px, [1, 1, 1, 1, 1, 1, 0, 0]);
      expect(maxAbsDiff(full, masked, 0, 6 * V)).toBe(0);
      px.dispose();
    });
  });

  it('masked cross-attention: zero output before the first image; a token sees only the image right before it', () => {
    const p = (n: string) => open(n);
    const params = new Map<string, tf.Tensor>();
    const open = (n: string) => params.get(n)!;
    const pre = 'x';
    params.set(`${pre}.norm.weight`, tf.ones([8]));
    params.set(`${pre}.norm.bias`, tf.zeros([8]));
    params.set(`${pre}.to_q.weight`, tf.randomNormal([8, 8], 0, 1, 'float32', 1));
    params.set(`${pre}.to_kv.weight`, tf.randomNormal([16, 6], 0, 1, 'float32', 2));
    params.set(`${pre}.to_out.weight`, tf.randomNormal([8, 8], 0, 1, 'float32', 3));
    const idsArr = Int32Array.from([3, IMAGE_ID, 4, IMAGE_ID, 5]);
    const select = tf.tensor3d(mediaSelection(idsArr, 1, 5, 2, IMAGE_ID), [1, 5, 2]);
    const x = tf.randomNormal([1, 5, 8], 0, 1, 'float32', 4) as tf.Tensor3D;
    const img1 = tf.randomNormal([1, 1, 3, 6], 0, 1, 'float32', 5);
    const img2 = tf.randomNormal([1, 1, 3, 6], 0, 1, 'float32', 6);
    const other1 = tf.randomNormal([1, 1, 3, 6], 0, 1, 'float32', 7);
    const run = (a: tf.Tensor, b: tf.Tensor) => maskedCrossAttention(x, tf.concat([a, b], 1) as tf.Tensor4D, select, p, pre, 2, 4).arraySync()[0]!;
    const base = run(img1, img2);
    const changed1 = run(other1, img2);
    expect(base[0]!.every((v) => v === 0)).toBe(true);
    expect(base[1]!.some((v) => v !== 0)).toBe(true);
    expect(changed1[1]).not.toEqual(base[1]);
    expect(changed1[2]).not.toEqual(base[2]);
    // Tokens 3 and 4 (text_time 2) do not see image 1 at all.
    expect(changed1[3]).toEqual(base[3]);
    expect(changed1[4]).toEqual(base[4]);
  });

  it('mediaSelection: each token selects the image immediately before it; none before the first or past the slots', () => {
    const sel = mediaSelection(Int32Array.from([1, IMAGE_ID, 4, IMAGE_ID, 5, IMAGE_ID, 6]), 1, 7, 2, IMAGE_ID);
    const rows = [...Array(7).keys()].map((t) => Array.from(sel.slice(t * 2, t * 2 + 2)));
    expect(rows).toEqual([[0, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 0], [0, 0]]);
  });

  it('save -> load -> forward gives identical logits; a trainable-only file loads over the frozen weights', () => {
    const px = pixels(3);
    const trained = FlamingoModel.fromSafetensors(cfg, [model.toSafetensors('all')]);
    openGates(trained, 0.7);
    const want = logits(trained, px);
    const full = FlamingoModel.fromSafetensors(cfg, [trained.toSafetensors('all')], { strict: true });
    expect(maxAbsDiff(logits(full, px), want)).toBe(0);
    expect(Buffer.from(full.toSafetensors('all')).equals(Buffer.from(trained.toSafetensors('all')))).toBe(true);
    // OpenFlamingo style: frozen towers from one file, trainable weights from another.
    const frozenOnly = new Map([...readSafetensors(model.toSafetensors('all'))].filter(([k]) => !model.isTrainable(k)).map(([k, e]) => [k, { shape: e.shape, data: e.data as Float32Array }]));
    const two = FlamingoModel.fromSafetensors(cfg, [writeSafetensors(frozenOnly), trained.toSafetensors('trainable')], { strict: true });
    expect(maxAbsDiff(logits(two, px), want)).toBe(0);
    const trainableKeys = [...readSafetensors(trained.toSafetensors('trainable')).keys()];
    expect(trainableKeys.every((k) => trained.isTrainable(k))).toBe(true);
    expect(trainableKeys).toContain('lang_encoder.model.embed_tokens.weight');
    [trained, full, two].forEach((m) => m.dispose());
    px.dispose();
  });

  it('loads HuggingFace LLaMA, open_clip and OpenFlamingo alias names, growing a 32,000-row vocabulary', () => {
    const all = readSafetensors(model.toSafetensors('all'));
    const renamed = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [k, e] of all) {
      let name = k
        .replace(/^vision_encoder\./, 'visual.')
        .replace(/^lang_encoder\.model\.layers\.(\d+)\.decoder_layer\./, 'model.layers.$1.')
        .replace(/^lang_encoder\.gated_cross_attn_layers\.(\d+)\./, 'lang_encoder.model.layers.$1.gated_cross_attn_layer.')
        .replace(/^lang_encoder\.(model\.(embed_tokens|norm)|lm_head)/, '$1');
      let data = e.data as Float32Array;
      let shape = e.shape;
      if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') {
        shape = [32000, e.shape[1]!];
        data = data.slice(0, 32000 * e.shape[1]!);
      }
      renamed.set(name, { shape, data });
    }
    renamed.set('model.layers.0.self_attn.rotary_emb.inv_freq', { shape: [8], data: new Float32Array(8) });
    const loaded = FlamingoModel.fromSafetensors(cfg, [writeSafetensors(renamed)], { strict: true });
    for (const [k, v] of model.params) {
      const got = loaded.params.get(k)!.dataSync();
      const want = v.dataSync();
      const rows = k.endsWith('embed_tokens.weight') || k.endsWith('lm_head.weight') ? 32000 * cfg.lm.hidden : want.length;
      expect(maxAbsDiff(got as Float32Array, want as Float32Array, 0, rows)).toBe(0);
    }
    loaded.dispose();
  });

  it('strict loading names missing and unknown keys; shape mismatches are errors', () => {
    const t = new Map([...readSafetensors(model.toSafetensors('trainable'))].map(([k, e]) => [k, { shape: e.shape, data: e.data as Float32Array }]));
    t.set('lang_encoder.bogus.weight', { shape: [1], data: new Float32Array(1) });
    expect(() => FlamingoModel.fromSafetensors(cfg, [writeSafetensors(t)], { strict: true })).toThrow(/missing \d+ parameter\(s\): vision_encoder\..*unknown key\(s\).*lang_encoder\.bogus\.weight/);
    t.delete('lang_encoder.bogus.weight');
    t.set('perceiver.latents', { shape: [3, 32], data: new Float32Array(96) });
    expect(() => FlamingoModel.fromSafetensors(cfg, [writeSafetensors(t)])).toThrow(/"perceiver\.latents" has shape \[3, 32\].*expects \[4, 32\]/);
  });

  it('only trainable variables receive gradients', () => {
    const px = pixels(2);
    const trainable = model.trainableVariables();
    const frozen = [...model.params].filter(([k]) => !model.isTrainable(k));
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every(([, v]) => v.trainable === false)).toBe(true);
    const before = frozen.map(([, v]) => v.dataSync().slice());
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mean(tf.square(model.forward({ inputIds: ids(), pixels: px }))).asScalar()));
    const gradNames = new Set(Object.keys(grads));
    const trainableVarNames = new Set([...trainable.values()].map((v) => v.name));
    expect(gradNames).toEqual(trainableVarNames);
    // The perceiver receives gradient through the (zero-gated) cross-attention? No: tanh(0) = 0 blocks it,
    // but the gates themselves and the embedding do.
    const gate = trainable.get('lang_encoder.gated_cross_attn_layers.1.attn_gate')!;
    expect(Math.abs(grads[gate.name]!.dataSync()[0]!)).toBeGreaterThan(0);
    const emb = trainable.get('lang_encoder.model.embed_tokens.weight')!;
    expect(tf.tidy(() => tf.abs(grads[emb.name]!).sum().dataSync()[0]!)).toBeGreaterThan(0);
    frozen.forEach(([, v], i) => expect(maxAbsDiff(v.dataSync() as Float32Array, before[i] as Float32Array)).toBe(0));
    tf.dispose([value, grads, px]);
  });
});
