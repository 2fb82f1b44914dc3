import { crossAttnLayerIndices, type FlamingoConfig } from './config.js';
import { numel, parameterShapes, type ParamGroup } from './param-shapes.js';
import { OPTIMIZER_BLOCK } from './train/quantization.js';
import { MIN_8BIT_SIZE } from './train/adamw8bit.js';
import { LEARNED_EMBEDDING_ROWS } from './train/param-groups.js';

/**
 * Memory of one training step, from the config and the batch shape alone:
 * what a run of this package holds on the device, per group, so a user sees
 * before renting a GPU whether a config fits (`mtb model plan`).
 *
 * Activations are the tensors TensorFlow.js' gradient tape keeps from the
 * forward pass for the backward pass, counted op by op from the model code
 * (each op's saved inputs/outputs: tfjs' gradient configs) in float32; the
 * test checks the count against the bytes tfjs actually holds after the
 * forward pass on small configs.
 */

export interface PlanOptions {
  /** Tokens per sample (maxTokens). */
  tokens: number;
  /** Image slots per sample. */
  images: number;
  batch: number;
  /** Recompute each FlamingoLayer (cross-attention block + decoder layer) in the backward pass. */
  activationCheckpointing: boolean;
  optimizerBits: 32 | 8;
  /** More than one micro-batch per step: a second gradient buffer (the running sum) is held. */
  accumulation?: number;
}

export interface GroupPlan {
  group: 'vision' | 'perceiver' | 'cross-attn' | 'lm' | 'loss';
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
}

export interface MemoryPlan {
  options: PlanOptions;
  groups: GroupPlan[];
  /** Transient peaks not held by any group: one recomputed layer (checkpointing), the loss gradient, the dense embedding gradient. */
  transient: { name: string; bytes: number }[];
  total: { weights: number; gradients: number; optimizer: number; activations: number; transient: number; all: number };
}

const F32 = 4;

/*
 * Which forward tensors tfjs' tape keeps: every input of an op whose gradient
 * reads its inputs (Add, Sub, Multiply, RealDiv, Square, Rsqrt, Mean, Sum, Erf,
 * Concat, Reshape, BatchMatMul, Slice, ...: the elementwise ones keep them for
 * the broadcast shapes) and the outputs of Softmax, Sigmoid, Tanh and Exp.
 * Only tensors read by nothing but Transpose, SplitV or Neg are freed. So
 * nearly every intermediate stays; the counts below follow the model code op
 * by op.
 */

/** One LLaMA decoder layer (model/llama.ts). */
function decoderLayerValues(c: FlamingoConfig, t: number): number {
  const { hidden: d, intermediate: f, heads: h } = c.lm;
  // [T, d]: input; rmsNorm's square, x*rsqrt, output; q and k each projected, transposed, x*cos,
  // the two halves and their concat (rotate_half), x*sin, rotated (7 each); v projected and
  // transposed; merged heads; o_proj output; residual sum; second rmsNorm (3); down_proj output.
  // [T, f]: gate, sigmoid(gate), silu, up, silu*up. [heads, T, T]: scores, scaled, softmax.
  return t * (27 * d + 5 * f) + 3 * h * t * t;
}

/** One gated cross-attention block (model/cross-attn.ts) with m images of n latents. */
function crossAttnValues(c: FlamingoConfig, t: number, m: number): number {
  const d = c.lm.hidden;
  const inner = c.crossAttn.heads * c.crossAttn.dimHead;
  const ff = c.crossAttn.ffMult * d;
  const mn = m * c.perceiver.numLatents;
  // [T, d]: input; LayerNorm (centred, squared, scaled, times gain, output); to_out output;
  // gated attention; residual sum; feed-forward LayerNorm (5); ff.3 output; gated ff (16).
  // [T, inner]: q projected, transposed, scaled; merged heads. [T, 4d]: ff.1 output and GELU's
  // five intermediates. [m n, inner]: k, v projected and transposed. [heads, T, m n]: scores,
  // softmax, masked weights. [inner, dv] x 2: the to_kv row slices.
  return t * (16 * d + 4 * inner + 6 * ff) + 4 * mn * inner + 3 * c.crossAttn.heads * t * mn + 2 * inner * c.perceiver.dim;
}

/** One perceiver layer (model/perceiver.ts) over m images of v patch tokens. */
function perceiverLayerValues(c: FlamingoConfig, m: number, v: number): number {
  const { dim: d, numLatents: n, heads, dimHead, ffMult } = c.perceiver;
  const inner = heads * dimHead;
  // [v, d]: norm_media's five. [n, d]: norm_latents' five, to_out output, residual, feed-forward
  // LayerNorm's five, ff.3 output, residual (14). [n, inner]: q projected, transposed, scaled;
  // merged. [v + n, d]: concat(media, latents). [v + n, inner]: k, v projected and transposed.
  // [heads, n, v + n]: softmax. [n, 4d]: ff.1 output and GELU's five. [inner, d] x 2: to_kv slices.
  return m * (5 * v * d + 14 * n * d + 4 * n * inner + (v + n) * d + 4 * (v + n) * inner + heads * n * (v + n) + 6 * n * ffMult * d) + 2 * inner * d;
}

function patchTokens(c: FlamingoConfig): number {
  const g = c.vision.imageSize / c.vision.patchSize;
  return g * g;
}

export function memoryPlan(config: FlamingoConfig, options: PlanOptions): MemoryPlan {
  const { tokens: t0, images, batch, activationCheckpointing, optimizerBits } = options;
  const t = t0 * batch;
  const m = images * batch;
  const v = patchTokens(config);
  const weights: Record<ParamGroup, number> = { vision: 0, perceiver: 0, 'cross-attn': 0, lm: 0, embedding: 0 };
  const trained: Record<ParamGroup, number[]> = { vision: [], perceiver: [], 'cross-attn': [], lm: [], embedding: [] };
  for (const p of parameterShapes(config)) {
    weights[p.group] += numel(p.shape) * F32;
    // The input embedding trains two rows (its gradient is reduced to them before the optimizer).
    if (p.trainable) trained[p.group].push(p.group === 'embedding' ? (LEARNED_EMBEDDING_ROWS.end - LEARNED_EMBEDDING_ROWS.start) * p.shape[1]! : numel(p.shape));
  }
  const accumulating = (options.accumulation ?? 1) > 1;
  const gradBytes = (g: ParamGroup): number => trained[g].reduce((a, n) => a + n, 0) * F32 * (accumulating ? 2 : 1);
  const optBytes = (g: ParamGroup): number => trained[g].reduce((a, n) => a + (optimizerBits === 8 && n >= MIN_8BIT_SIZE ? 2 * n + 2 * Math.ceil(n / OPTIMIZER_BLOCK) * F32 : 2 * n * F32), 0);

  const crossAt = crossAttnLayerIndices(config);
  const perLayer = decoderLayerValues(config, t);
  const perCross = crossAttnValues(config, t, m);
  const lmAct = activationCheckpointing ? config.lm.layers * t * config.lm.hidden : config.lm.layers * perLayer;
  const crossAct = activationCheckpointing ? 0 : crossAt.length * perCross;
  // Plus the tiled latents and the final LayerNorm's five [n, d].
  const perceiverAct = config.perceiver.depth * perceiverLayerValues(config, m, v) + 6 * m * config.perceiver.numLatents * config.perceiver.dim;
  // The vision tower runs outside the tape: its patch features are all it leaves (one layer's work is transient).
  const visionFeatures = m * v * config.vision.width;
  const vocab = config.lm.vocabSize;
  // The last layer's output and the final rmsNorm's three [T, d]; the loss keeps the logits and the one-hot targets.
  const lossAct = 4 * t * config.lm.hidden + 2 * t * vocab;

  const groups: GroupPlan[] = [
    { group: 'vision', weights: weights.vision, gradients: 0, optimizer: 0, activations: visionFeatures * F32 },
    { group: 'perceiver', weights: weights.perceiver, gradients: gradBytes('perceiver'), optimizer: optBytes('perceiver'), activations: perceiverAct * F32 },
    { group: 'cross-attn', weights: weights['cross-attn'], gradients: gradBytes('cross-attn'), optimizer: optBytes('cross-attn'), activations: crossAct * F32 },
    { group: 'lm', weights: weights.lm + weights.embedding, gradients: gradBytes('embedding'), optimizer: optBytes('embedding'), activations: lmAct * F32 },
    { group: 'loss', weights: 0, gradients: 0, optimizer: 0, activations: lossAct * F32 },
  ];
  const transient = [
    // The loss gradient: softmax, its difference with the one-hot, the scaled result.
    { name: 'loss backward ([tokens, vocab] x 3)', bytes: 3 * t * vocab * F32 },
    // The embedding lookup's gradient comes out dense ([vocab, hidden]) before it is cut to two rows.
    { name: 'dense input-embedding gradient', bytes: vocab * config.lm.hidden * F32 },
  ];
  // The frozen tower runs before the forward pass (model/vision.ts), one block's temporaries at a
  // time: 29 x [tokens, width] (norms, q/k/v with bias, heads split and merged, projections,
  // residual), five [tokens, mlp], scores and softmax, the in_proj row slices; beside the
  // patchified pixels and the stem's eight [tokens, width].
  const vw = config.vision.width;
  const tok = m * (v + 1);
  const side = config.vision.imageSize;
  const block = tok * (29 * vw + 5 * config.vision.mlpRatio * vw) + 2 * m * config.vision.heads * (v + 1) * (v + 1) + 3 * vw * vw;
  transient.push({ name: 'vision tower, one block', bytes: (block + 2 * m * 3 * side * side + 8 * tok * vw) * F32 });
  if (activationCheckpointing) transient.push({ name: 'one recomputed FlamingoLayer', bytes: (perLayer + (crossAt.length ? perCross : 0)) * F32 });
  const sum = (k: keyof Omit<GroupPlan, 'group'>): number => groups.reduce((a, g) => a + g[k], 0);
  const total = { weights: sum('weights'), gradients: sum('gradients'), optimizer: sum('optimizer'), activations: sum('activations'), transient: transient.reduce((a, x) => a + x.bytes, 0), all: 0 };
  total.all = total.weights + total.gradients + total.optimizer + total.activations + total.transient;
  return { options, groups, transient, total };
}
