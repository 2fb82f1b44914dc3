import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { crossAttnLayerIndices, type FlamingoConfig } from '../config.js';
import { crossAttnPrefix, EMBED_TOKENS, isTrainableName, numel, parameterShapes, type ParamShape } from '../param-shapes.js';
import { entryToFloat32, writeSafetensors, type TensorToWrite } from '../safetensors.js';
import { bytesSource, openSafetensors, writeSafetensorsSharded, type ShardedWriteResult, type TensorSource } from '../safetensors-io.js';
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
  /**
   * Keep only each decoder block's input and recompute the block in the
   * backward pass (activation checkpointing per FlamingoLayer: the gated
   * cross-attention block and the decoder layer after it). Same gradients,
   * activation memory of one block instead of all.
   */
  activationCheckpointing?: boolean;
}

export interface LoadOptions {
  /** Every parameter must be in the files, and no file may hold a key this model does not know. */
  strict?: boolean;
}

/** The seed for parameters a non-strict load leaves at their initial value. */
const LOAD_INIT_SEED = 0;

/**
 * Runs a gradient computation from inside a backward pass. tfjs' engine keeps
 * one active tape: a gradient started while the outer backward pass runs
 * (gradient depth 0) would replace that tape and, when done, clear it, so the
 * outer pass would neither find nor free its own saved tensors. The outer tape
 * is set aside for the inner computation, which frees its own recorded
 * activations as it finishes, and put back after.
 */
function nestedGradients<T>(f: () => T): T {
  const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
  const outer = state.activeTape;
  state.activeTape = null;
  try {
    return f();
  } finally {
    state.activeTape = outer;
  }
}

/** The tensors a decoder block reads besides its input and weights: fixed for the whole forward pass. */
interface LayerConstants {
  select: tf.Tensor3D | undefined;
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
  bias: tf.Tensor4D;
}

type LayerFn = (p: Params, x: tf.Tensor3D, media: tf.Tensor4D | undefined, c: LayerConstants) => tf.Tensor3D;

/**
 * One FlamingoLayer as a single op whose backward pass runs the layer again
 * (under tf.grads) instead of reading activations kept from the forward pass:
 * tfjs records nothing inside a custom-gradient op's forward, so only its
 * inputs (the block input, the media, the weights and the masks and rotary
 * tables, which the forward pass frees before the backward pass runs) stay alive.
 */
function recomputed(lookup: Params, names: string[], layer: LayerFn, x: tf.Tensor3D, media: tf.Tensor4D | undefined, c: LayerConstants): tf.Tensor3D {
  const withMedia = media !== undefined;
  const withSelect = c.select !== undefined;
  const nDiff = 1 + (withMedia ? 1 : 0) + names.length;
  const run = (diff: tf.Tensor[], consts: tf.Tensor[]): tf.Tensor3D => {
    const own = new Map(names.map((n, k) => [n, diff[(withMedia ? 2 : 1) + k]!]));
    const [cos, sin, bias, select] = consts as [tf.Tensor2D, tf.Tensor2D, tf.Tensor4D, tf.Tensor3D | undefined];
    return layer((n) => own.get(n) ?? lookup(n), diff[0] as tf.Tensor3D, withMedia ? (diff[1] as tf.Tensor4D) : undefined, { cos, sin, bias, select });
  };
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const xs = args as tf.Tensor[];
    save(xs);
    return {
      value: run(xs.slice(0, nDiff), xs.slice(nDiff)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const consts = saved.slice(nDiff);
        const grads = nestedGradients(() => tf.grads((...d: tf.Tensor[]) => run(d, consts))(saved.slice(0, nDiff), dy));
        return [...grads, ...consts.map((t) => tf.zerosLike(t))];
      },
    };
  }) as never) as unknown as (...xs: tf.Tensor[]) => tf.Tensor3D;
  return op(x, ...(withMedia ? [media] : []), ...names.map(lookup), c.cos, c.sin, c.bias, ...(withSelect ? [c.select!] : []));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

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

  private constructor(readonly config: FlamingoConfig, valueOf: (p: ParamShape) => Float32Array) {
    this.shapes = new Map(parameterShapes(config).map((p) => [p.name, p]));
    this.params = new Map();
    for (const [name, p] of this.shapes) {
      // One parameter at a time, so a load holds at most one tensor outside
      // TensorFlow.js. Frozen weights are non-trainable tf.Variables:
      // tf.variableGrads and optimizer.minimize without a var list never touch them.
      const t = tf.tensor(valueOf(p), p.shape, 'float32');
      this.params.set(name, tf.variable(t, p.trainable));
      t.dispose();
    }
    this.lookup = (name) => {
      const v = this.params.get(name);
      if (!v) throw new Error(`internal: no parameter ${name} in config ${config.name}`);
      return v;
    };
  }

  /** Deterministic random weights: the same (config, seed) gives the same bytes. Gates are 0. */
  static init(config: FlamingoConfig, seed: number): FlamingoModel {
    return new FlamingoModel(config, (p) => initialValues(p, seed));
  }

  /** `load` from whole files in memory (small models, tests). */
  static fromSafetensors(config: FlamingoConfig, files: Uint8Array[], opts: LoadOptions = {}): FlamingoModel {
    return FlamingoModel.load(config, files.map((b, i) => bytesSource(b, `weights #${i + 1}`)), opts);
  }

  /** `load` from files on disk: `.safetensors`, `.safetensors.index.json` (sharded) or a folder with one of them. */
  static fromFiles(config: FlamingoConfig, paths: readonly string[], opts: LoadOptions = {}): FlamingoModel {
    const sources: TensorSource[] = [];
    try {
      for (const p of paths) sources.push(openSafetensors(p));
      return FlamingoModel.load(config, sources, opts);
    } finally {
      for (const s of sources) s.close();
    }
  }

  /**
   * Loads weights (OpenFlamingo, Med-Flamingo, HuggingFace LLaMA, open_clip
   * names; see `canonicalName`) tensor by tensor from any number of sources.
   * Parameters no source holds keep their initial value (seed 0) unless
   * `strict`. An embedding or lm_head with LLaMA's 32,000 rows is grown to the
   * config's vocabulary, the new rows keeping their initial value, as
   * OpenFlamingo's resize_token_embeddings does.
   */
  static load(config: FlamingoConfig, sources: readonly TensorSource[], opts: LoadOptions = {}): FlamingoModel {
    const shapes = new Map(parameterShapes(config).map((p) => [p.name, p]));
    const chosen = new Map<string, { key: string; source: TensorSource; shape: number[] }>();
    const unknown: string[] = [];
    for (const source of sources) {
      for (const key of source.names()) {
        const m = canonicalName(key);
        if (m.kind === 'ignored') continue;
        if (m.kind === 'unknown' || !shapes.has(m.name)) {
          unknown.push(key);
          continue;
        }
        const prev = chosen.get(m.name);
        // Two spellings of one shared tensor: keep the canonical one.
        if (prev && (prev.key === m.name || key !== m.name)) continue;
        chosen.set(m.name, { key, source, shape: source.info(key)!.shape });
      }
    }
    const missing = [...shapes.keys()].filter((n) => !chosen.has(n));
    const where = sources.map((s) => s.path).join(', ');
    if (opts.strict && (missing.length > 0 || unknown.length > 0)) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing ${missing.length} parameter(s): ${listSome(missing)}`);
      if (unknown.length) parts.push(`unknown key(s) for config ${config.name}: ${listSome(unknown)}`);
      throw new Error(`strict load of a ${config.name} Flamingo from ${where} failed: ${parts.join('; ')}`);
    }
    // Shapes first, so a wrong config fails before anything is read.
    for (const [name, p] of shapes) {
      const got = chosen.get(name);
      if (!got || sameShape(got.shape, p.shape)) continue;
      const growable = (name === EMBED_TOKENS || name === 'lang_encoder.lm_head.weight') && got.shape.length === 2 && got.shape[1] === p.shape[1] && got.shape[0]! < p.shape[0]!;
      if (!growable) {
        throw new Error(`${got.source.path}: key "${got.key}" has shape ${shapeStr(got.shape)}, config ${config.name} expects ${shapeStr(p.shape)} for ${name}: wrong --config or a different model`);
      }
    }
    return new FlamingoModel(config, (p) => {
      const got = chosen.get(p.name);
      if (!got) return initialValues(p, LOAD_INIT_SEED);
      const data = entryToFloat32(got.key, got.source.read(got.key));
      if (sameShape(got.shape, p.shape)) return data;
      const grown = initialValues(p, LOAD_INIT_SEED);
      grown.set(data);
      return grown;
    });
  }

  /** perceiver.*, lang_encoder.gated_cross_attn_layers.*, and the input embedding (whose gradient the trainer masks). */
  isTrainable(name: string): boolean {
    return this.shapes.get(name)?.trainable ?? isTrainableName(name);
  }

  trainableVariables(): Map<string, tf.Variable> {
    return new Map([...this.params].filter(([name]) => this.isTrainable(name)));
  }

  /**
   * The frozen CLIP vision tower on every image slot: pixels [B, M, 3, H, W],
   * or OpenFlamingo's `vision_x` [B, M, F, 3, H, W] whose F frames' patch
   * tokens are concatenated per image (its perceiver's "b T F v d -> b T (F v) d")
   * -> [B, M, F x patches, width].
   */
  encodeImages(pixels: tf.Tensor): tf.Tensor4D {
    if (pixels.rank !== 5 && pixels.rank !== 6) throw new Error(`pixels must be [B, M, 3, H, W] or vision_x [B, M, F, 3, H, W], got [${pixels.shape.join(', ')}]`);
    const [b, m] = pixels.shape as [number, number];
    const frames = pixels.rank === 6 ? pixels.shape[2]! : 1;
    const [c, h, w] = pixels.shape.slice(-3) as [number, number, number];
    return tf.tidy(() => {
      const feats = visionEncoder(this.config, this.lookup, pixels.reshape([b * m * frames, c, h, w]) as tf.Tensor4D);
      return feats.reshape([b, m, frames * feats.shape[1], feats.shape[2]]) as tf.Tensor4D;
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
        const layer: LayerFn = (p, h, m, c) => {
          const y = crossAt.has(i) ? gatedCrossAttentionBlock(this.config, p, i, h, m, c.select) : h;
          return llamaDecoderLayer(this.config, p, i, y, c.cos, c.sin, c.bias);
        };
        const consts = { select, cos, sin, bias };
        if (!inputs.activationCheckpointing) {
          x = layer(this.lookup, x, media, consts);
          continue;
        }
        // What the block differentiates: its input, the media and the cross-attention block's own weights.
        const own = crossAt.has(i) ? [...this.params.keys()].filter((n) => n.startsWith(`${crossAttnPrefix(i)}.`) && (media || !n.startsWith(`${crossAttnPrefix(i)}.attn`))) : [];
        x = recomputed(this.lookup, own, layer, x, crossAt.has(i) ? media : undefined, consts);
      }
      const h = rmsNorm(x, this.lookup('lang_encoder.model.norm.weight'), this.config.lm.rmsEps);
      return linear(h, this.lookup('lang_encoder.lm_head.weight')) as tf.Tensor3D;
    });
  }

  /**
   * The parameters to save, OpenFlamingo names, each read out of TensorFlow.js
   * only when a writer gets to it.
   */
  tensorsToSave(which: 'all' | 'trainable'): Map<string, TensorToWrite> {
    const tensors = new Map<string, TensorToWrite>();
    for (const [name, v] of this.params) {
      if (which === 'trainable' && !this.isTrainable(name)) continue;
      tensors.set(name, { shape: this.shapes.get(name)!.shape, dtype: 'F32', read: () => v.dataSync() as Float32Array });
    }
    return tensors;
  }

  /** What a checkpoint written here says about itself: `format=pt` as HuggingFace writes it, and the model config. */
  saveMetadata(which: 'all' | 'trainable'): Record<string, string> {
    return { format: 'pt', 'mtb.config': this.config.name, 'mtb.model': JSON.stringify(this.config), 'mtb.subset': which };
  }

  /** One in-memory safetensors file, keys sorted: the same weights give the same bytes. */
  toSafetensors(which: 'all' | 'trainable'): Uint8Array {
    return writeSafetensors(this.tensorsToSave(which), this.saveMetadata(which));
  }

  /** Writes `<dir>/<base>.safetensors`, or shards with an index past `maxShardBytes` (default 2 GB). */
  save(dir: string, base: string, which: 'all' | 'trainable', opts: { maxShardBytes?: number } = {}): ShardedWriteResult {
    return writeSafetensorsSharded(dir, base, this.tensorsToSave(which), { ...opts, metadata: this.saveMetadata(which) });
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
