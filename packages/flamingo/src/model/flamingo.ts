import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { crossAttnLayerIndices, type FlamingoConfig } from '../config.js';
import { EMBED_TOKENS, isTrainableName, numel, parameterShapes, type ParamShape } from '../param-shapes.js';
import { entryToFloat32, readSafetensors, writeSafetensors, type TensorToWrite } from '../safetensors.js';
import { gatedCrossAttentionBlock, mediaSelection } from './cross-attn.js';
import { initialValues } from './init.js';
import { causalPaddingBias, llamaDecoderLayer, rotaryTables } from './llama.js';
import { canonicalName } from './names.js';
import { linear, rmsNorm, type Params } from './ops.js';
import { perceiverResampler } from './perceiver.js';
import { visionEncoder } from './vision.js';

export interface ForwardInputs {
  /** int32 [B, T] token ids. */
  inputIds: tf.Tensor2D;
  /** [B, T], 1 = token, 0 = padding (masked as a key in self-attention). Absent: all tokens. */
  attentionMask?: tf.Tensor2D;
  /** float32 [B, M, 3, H, W], CLIP-normalised; empty slots are zeros. */
  pixels?: tf.Tensor;
  /**
   * Instead of `pixels`: the vision encoder's output [B, M, patches, width]
   * from `encodeImages`, computed once outside a gradient tape (the encoder is
   * frozen).
   */
  visionFeatures?: tf.Tensor4D;
}

export interface LoadOptions {
  /** Every parameter must be in the files, and no file may hold a key this model does not know. */
  strict?: boolean;
}

/** The seed for parameters a non-strict load leaves at their initial value. */
const LOAD_INIT_SEED = 0;

function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function listSome(names: string[], max = 8): string {
  return names.slice(0, max).join(', ') + (names.length > max ? `, ... (${names.length} in all)` : '');
}

/**
 * OpenFlamingo (CLIP ViT + perceiver resampler + gated cross-attention in a
 * LLaMA) in TensorFlow.js, its parameters keyed by OpenFlamingo's state_dict
 * names in PyTorch layouts.
 */
export class FlamingoModel {
  readonly params: Map<string, tf.Variable>;
  private readonly shapes: Map<string, ParamShape>;
  private readonly lookup: Params;

  private constructor(readonly config: FlamingoConfig, values: Map<string, Float32Array>) {
    this.shapes = new Map(parameterShapes(config).map((p) => [p.name, p]));
    this.params = new Map();
    for (const [name, p] of this.shapes) {
      // Frozen weights are non-trainable tf.Variables: tf.variableGrads and
      // optimizer.minimize without a var list never touch them.
      this.params.set(name, tf.variable(tf.tensor(values.get(name)!, p.shape, 'float32'), p.trainable));
    }
    this.lookup = (name) => {
      const v = this.params.get(name);
      if (!v) throw new Error(`internal: no parameter ${name} in config ${config.name}`);
      return v;
    };
  }

  /** Deterministic random weights: the same (config, seed) gives the same bytes. Gates are 0. */
  static init(config: FlamingoConfig, seed: number): FlamingoModel {
    const values = new Map<string, Float32Array>();
    for (const p of parameterShapes(config)) values.set(p.name, initialValues(p, seed));
    return new FlamingoModel(config, values);
  }

  /**
   * Loads safetensors files (OpenFlamingo, Med-Flamingo, HuggingFace LLaMA,
   * open_clip names; see `canonicalName`). Parameters no file holds keep
   * their initial value (seed 0) unless `strict`. An embedding or lm_head
   * with LLaMA's 32,000 rows is grown to the config's vocabulary, the new rows
   * keeping their initial value, as OpenFlamingo's resize_token_embeddings does.
   */
  static fromSafetensors(config: FlamingoConfig, files: Uint8Array[], opts: LoadOptions = {}): FlamingoModel {
    const shapes = new Map(parameterShapes(config).map((p) => [p.name, p]));
    const loaded = new Map<string, { key: string; data: Float32Array; shape: number[] }>();
    const unknown: string[] = [];
    for (const bytes of files) {
      for (const [key, entry] of readSafetensors(bytes)) {
        const m = canonicalName(key);
        if (m.kind === 'ignored') continue;
        if (m.kind === 'unknown' || !shapes.has(m.name)) {
          unknown.push(key);
          continue;
        }
        const prev = loaded.get(m.name);
        // Two spellings of one shared tensor: keep the canonical one.
        if (prev && (prev.key === m.name || key !== m.name)) continue;
        loaded.set(m.name, { key, data: entryToFloat32(key, entry), shape: entry.shape });
      }
    }
    const missing = [...shapes.keys()].filter((n) => !loaded.has(n));
    if (opts.strict && (missing.length > 0 || unknown.length > 0)) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing ${missing.length} parameter(s): ${listSome(missing)}`);
      if (unknown.length) parts.push(`unknown key(s) for config ${config.name}: ${listSome(unknown)}`);
      throw new Error(`strict load of a ${config.name} Flamingo failed: ${parts.join('; ')}`);
    }
    const values = new Map<string, Float32Array>();
    for (const [name, p] of shapes) {
      const got = loaded.get(name);
      if (!got) {
        values.set(name, initialValues(p, LOAD_INIT_SEED));
        continue;
      }
      const sameShape = got.shape.length === p.shape.length && got.shape.every((d, i) => d === p.shape[i]);
      if (sameShape) {
        values.set(name, got.data);
        continue;
      }
      const growable = (name === EMBED_TOKENS || name === 'lang_encoder.lm_head.weight') && got.shape.length === 2 && got.shape[1] === p.shape[1] && got.shape[0]! < p.shape[0]!;
      if (!growable) {
        throw new Error(`checkpoint key "${got.key}" has shape ${shapeStr(got.shape)}, config ${config.name} expects ${shapeStr(p.shape)} for ${name}: wrong --config or a different model`);
      }
      const grown = initialValues(p, LOAD_INIT_SEED);
      grown.set(got.data);
      values.set(name, grown);
    }
    return new FlamingoModel(config, values);
  }

  /** perceiver.*, lang_encoder.gated_cross_attn_layers.*, and the input embedding (whose gradient the trainer masks). */
  isTrainable(name: string): boolean {
    return this.shapes.get(name)?.trainable ?? isTrainableName(name);
  }

  trainableVariables(): Map<string, tf.Variable> {
    return new Map([...this.params].filter(([name]) => this.isTrainable(name)));
  }

  /** The frozen CLIP vision tower on every image slot: [B, M, 3, H, W] -> [B, M, patches, width]. */
  encodeImages(pixels: tf.Tensor): tf.Tensor4D {
    if (pixels.rank !== 5) throw new Error(`pixels must be [B, M, 3, H, W], got [${pixels.shape.join(', ')}]`);
    const [b, m, c, h, w] = pixels.shape as [number, number, number, number, number];
    return tf.tidy(() => {
      const feats = visionEncoder(this.config, this.lookup, pixels.reshape([b * m, c, h, w]) as tf.Tensor4D);
      return feats.reshape([b, m, feats.shape[1], feats.shape[2]]) as tf.Tensor4D;
    });
  }

  /** Logits [B, T, vocab]. Differentiable w.r.t. the trainable variables (use inside tf.variableGrads). */
  forward(inputs: ForwardInputs): tf.Tensor3D {
    return this.run(inputs, true);
  }

  /** The bare language model (LLaMA alone, no cross-attention blocks): what the Flamingo equals at init. */
  languageModelForward(inputs: { inputIds: tf.Tensor2D; attentionMask?: tf.Tensor2D }): tf.Tensor3D {
    return this.run(inputs, false);
  }

  private run(inputs: ForwardInputs, withCrossAttn: boolean): tf.Tensor3D {
    const { inputIds, attentionMask } = inputs;
    if (inputIds.rank !== 2) throw new Error(`inputIds must be [B, T], got [${inputIds.shape.join(', ')}]`);
    const [batch, length] = inputIds.shape;
    if (length > this.config.lm.maxPositions) throw new Error(`${length} tokens exceed the ${this.config.lm.maxPositions} positions of config ${this.config.name}`);
    const ids = inputIds.dtype === 'int32' ? (inputIds.dataSync() as Int32Array) : Int32Array.from(inputIds.dataSync());
    const vocab = this.config.lm.vocabSize;
    for (const id of ids) if (id < 0 || id >= vocab) throw new Error(`token id ${id} outside the vocabulary [0, ${vocab})`);
    if (attentionMask && (attentionMask.shape[0] !== batch || attentionMask.shape[1] !== length)) {
      throw new Error(`attentionMask [${attentionMask.shape.join(', ')}] does not match inputIds [${batch}, ${length}]`);
    }
    const mask = attentionMask?.dataSync();
    return tf.tidy(() => {
      let media: tf.Tensor4D | undefined;
      let select: tf.Tensor3D | undefined;
      if (withCrossAttn && (inputs.pixels || inputs.visionFeatures)) {
        const feats = inputs.visionFeatures ?? this.encodeImages(inputs.pixels!);
        if (feats.shape[0] !== batch) throw new Error(`images have batch ${feats.shape[0]}, inputIds ${batch}`);
        const m = feats.shape[1];
        media = perceiverResampler(this.config, this.lookup, feats);
        select = tf.tensor3d(mediaSelection(ids, batch, length, m, IMAGE_ID), [batch, length, m]);
      }
      const headDim = this.config.lm.hidden / this.config.lm.heads;
      const rot = rotaryTables(length, headDim, this.config.lm.ropeBase);
      const cos = tf.tensor2d(rot.cos, [length, headDim]);
      const sin = tf.tensor2d(rot.sin, [length, headDim]);
      const bias = tf.tensor4d(causalPaddingBias(batch, length, mask), [batch, 1, length, length]);
      let x = tf.gather(this.lookup(EMBED_TOKENS), tf.tensor2d(ids, [batch, length], 'int32')) as tf.Tensor3D;
      const crossAt = new Set(withCrossAttn ? crossAttnLayerIndices(this.config) : []);
      for (let i = 0; i < this.config.lm.layers; i++) {
        if (crossAt.has(i)) x = gatedCrossAttentionBlock(this.config, this.lookup, i, x, media, select);
        x = llamaDecoderLayer(this.config, this.lookup, i, x, cos, sin, bias);
      }
      const h = rmsNorm(x, this.lookup('lang_encoder.model.norm.weight'), this.config.lm.rmsEps);
      return linear(h, this.lookup('lang_encoder.lm_head.weight')) as tf.Tensor3D;
    });
  }

  /** Safetensors with OpenFlamingo names, keys sorted: the same weights give the same bytes. */
  toSafetensors(which: 'all' | 'trainable'): Uint8Array {
    const tensors = new Map<string, TensorToWrite>();
    for (const [name, v] of this.params) {
      if (which === 'trainable' && !this.isTrainable(name)) continue;
      tensors.set(name, { shape: this.shapes.get(name)!.shape, data: v.dataSync() as Float32Array });
    }
    return writeSafetensors(tensors, { format: 'pt', 'mtb.config': this.config.name, 'mtb.subset': which });
  }

  /** Number of values held (all parameters). */
  parameterCount(): number {
    let n = 0;
    for (const p of this.shapes.values()) n += numel(p.shape);
    return n;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
