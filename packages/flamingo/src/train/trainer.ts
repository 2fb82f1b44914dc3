import * as tf from '@tensorflow/tfjs';
import type { Batch } from '@mtb/shard-stream';
import { AdamW, type AdamWOptions, type Optimizer } from './adamw.js';
import { AdamW8bit } from './adamw8bit.js';
import type { TensorSource } from '../safetensors-io.js';
import { clipFactor, globalNorm } from './grad-norm.js';
import { registerMissingKernels } from '../backend.js';
import { rowCrossEntropySums, rowFactors, sumBySource, targetCounts } from './loss.js';
import type { TrainableModel } from './model-api.js';
import { appliesWeightDecay, INPUT_EMBEDDING, LEARNED_EMBEDDING_ROWS } from './param-groups.js';
import { learningRateAt, type LearningRateSchedule } from './schedule.js';

export type MicroBatch = Pick<Batch, 'batchSize' | 'seqLen' | 'imageSlots' | 'inputIds' | 'attentionMask' | 'labels' | 'pixels' | 'sources' | 'ids'>;

export interface TrainerOptions {
  optimizer: AdamWOptions;
  schedule: LearningRateSchedule;
  /** Gradient-norm clipping threshold (1.0 in OpenFlamingo). */
  clipNorm: number;
  /** Loss weight per source name; sources not listed weigh 1. */
  lossWeights?: Record<string, number>;
  /** 32: AdamW with float32 state (default); 8: bitsandbytes' blockwise 8-bit state (AdamW8bit). */
  optimizerBits?: 32 | 8;
  /** Recompute each decoder block's activations in the backward pass instead of keeping them (less memory, one more forward). */
  activationCheckpointing?: boolean;
}

export interface StepOutcome {
  /** 1-based number of this step (counts skipped steps too). */
  step: number;
  lr: number;
  /** sum over sources of weight x mean token cross-entropy (the optimized loss). */
  loss: number;
  /** Mean token cross-entropy per source over the step's micro-batches. */
  losses: Record<string, number>;
  targets: Record<string, number>;
  /** Gradient norm before clipping (NaN when skipped before it was computed). */
  gradNorm: number;
  clipped: boolean;
  samples: number;
  /** Real (unpadded) tokens fed to the model. */
  tokens: number;
  /** Why no update was made; absent when the update was applied. */
  skipped?: { reason: 'non-finite-loss' | 'non-finite-grad-norm' | 'no-targets'; detail: string };
}

/** A trained parameter: the whole variable or, for the input embedding, its two learned rows. */
interface Trained {
  name: string;
  variable: tf.Variable;
  rows?: { start: number; end: number };
  decay: boolean;
}

/**
 * One optimizer step over a set of micro-batches (gradient accumulation):
 * forward + backward per micro-batch with the step's loss normalisation (see
 * rowFactors), gradients summed, the input embedding's gradient reduced to the
 * `<|endofchunk|>` and `<image>` rows, global-norm clipping, AdamW at the
 * scheduled lr. Frozen parameters are never differentiated nor assigned. A
 * non-finite loss or gradient norm leaves weights and optimizer untouched.
 */
export class Trainer {
  readonly optimizer: Optimizer;
  private readonly trained: Trained[];
  private stepsDone = 0;

  constructor(
    readonly model: TrainableModel,
    readonly options: TrainerOptions,
  ) {
    registerMissingKernels();
    this.optimizer = options.optimizerBits === 8 ? new AdamW8bit(options.optimizer) : new AdamW(options.optimizer);
    this.trained = [...model.trainableVariables()].map(([name, variable]) => {
      if (name !== INPUT_EMBEDDING) return { name, variable, decay: appliesWeightDecay(name) };
      if (variable.shape[0]! < LEARNED_EMBEDDING_ROWS.end) {
        throw new Error(`${INPUT_EMBEDDING} has ${variable.shape[0]} rows; rows ${LEARNED_EMBEDDING_ROWS.start}-${LEARNED_EMBEDDING_ROWS.end - 1} (<|endofchunk|>, <image>) are needed`);
      }
      return { name, variable, rows: LEARNED_EMBEDDING_ROWS, decay: false };
    });
  }

  /** Steps taken so far, skipped ones included (the schedule's clock). */
  get step(): number {
    return this.stepsDone;
  }

  /** Shapes of what the optimizer updates (the embedding: its learned rows only). */
  trainedShapes(): Map<string, number[]> {
    return new Map(this.trained.map((p) => [p.name, p.rows ? [p.rows.end - p.rows.start, ...p.variable.shape.slice(1)] : [...p.variable.shape]]));
  }

  lossWeight(source: string): number {
    return this.options.lossWeights?.[source] ?? 1;
  }

  /**
   * The summed gradient of the step loss over the micro-batches, masked, before
   * clipping (the caller disposes it), with the per-source sums. Exposed for
   * the accumulation test and for tools that inspect gradients.
   */
  accumulate(micro: readonly MicroBatch[]): { grads: Map<string, tf.Tensor>; ceSums: Map<string, number>; counts: Map<string, number>; nonFinite?: string } {
    const counts = targetCounts(micro);
    const ceSums = new Map<string, number>();
    const grads = new Map<string, tf.Tensor>();
    const varList = this.trained.map((p) => p.variable);
    for (const mb of micro) {
      // No target token, no loss term: its gradient is exactly zero, so the model need not run.
      if ([...targetCounts([mb]).values()].every((n) => n === 0)) continue;
      const factors = rowFactors(mb, counts, (s) => this.lossWeight(s));
      let rowSums: tf.Tensor | undefined;
      const features = this.encode(mb);
      const { value, grads: g } = tf.variableGrads(() => {
        const logits = this.forward(mb, features);
        const sums = rowCrossEntropySums(logits, mb.labels);
        rowSums = tf.keep(sums);
        return tf.sum(tf.mul(sums, tf.tensor1d(factors))) as tf.Scalar;
      }, varList);
      features?.dispose();
      const lossValue = value.dataSync()[0]!;
      value.dispose();
      sumBySource(rowSums!.dataSync(), mb.sources, ceSums);
      rowSums!.dispose();
      if (!Number.isFinite(lossValue)) {
        for (const t of Object.values(g)) t.dispose();
        for (const t of grads.values()) t.dispose();
        return { grads: new Map(), ceSums, counts, nonFinite: `loss ${lossValue} on samples ${mb.ids.join(', ')}` };
      }
      for (const p of this.trained) {
        const full = g[p.variable.name]!;
        const part = p.rows ? tf.slice(full, [p.rows.start, 0], [p.rows.end - p.rows.start, -1]) : full;
        if (part !== full) full.dispose();
        const prev = grads.get(p.name);
        if (prev) {
          grads.set(p.name, tf.add(prev, part));
          prev.dispose();
          part.dispose();
        } else {
          grads.set(p.name, part);
        }
      }
    }
    return { grads, ceSums, counts };
  }

  /** One optimizer step over `micro` (accumulation = micro.length). */
  trainStep(micro: readonly MicroBatch[]): StepOutcome {
    const lr = learningRateAt(this.stepsDone, this.options.schedule);
    this.stepsDone += 1;
    const base = {
      step: this.stepsDone,
      lr,
      samples: micro.reduce((a, b) => a + b.batchSize, 0),
      tokens: micro.reduce((a, b) => a + b.attentionMask.reduce((x, y) => x + y, 0), 0),
    };
    const counts = targetCounts(micro);
    const totalTargets = [...counts.values()].reduce((a, b) => a + b, 0);
    if (totalTargets === 0) {
      return { ...base, loss: NaN, losses: {}, targets: Object.fromEntries(counts), gradNorm: NaN, clipped: false, skipped: { reason: 'no-targets', detail: `no target tokens in samples ${micro.flatMap((m) => m.ids).join(', ')}` } };
    }
    const { grads, ceSums, nonFinite } = this.accumulate(micro);
    const losses: Record<string, number> = {};
    let loss = 0;
    for (const [s, n] of counts) {
      if (n === 0) continue;
      losses[s] = ceSums.get(s)! / n;
      loss += this.lossWeight(s) * losses[s]!;
    }
    const targets = Object.fromEntries(counts);
    if (nonFinite) return { ...base, loss: NaN, losses, targets, gradNorm: NaN, clipped: false, skipped: { reason: 'non-finite-loss', detail: nonFinite } };
    try {
      const gradNorm = globalNorm(grads.values());
      if (!Number.isFinite(gradNorm) || !Number.isFinite(loss)) {
        return { ...base, loss, losses, targets, gradNorm, clipped: false, skipped: { reason: Number.isFinite(loss) ? 'non-finite-grad-norm' : 'non-finite-loss', detail: `loss ${loss}, gradient norm ${gradNorm}` } };
      }
      const factor = clipFactor(gradNorm, this.options.clipNorm);
      this.apply(grads, factor, lr);
      return { ...base, loss, losses, targets, gradNorm, clipped: factor < 1 };
    } finally {
      for (const t of grads.values()) t.dispose();
    }
  }

  /** Restores the step counter and optimizer state of a checkpoint. */
  restore(step: number, optimizer: TensorSource): void {
    this.optimizer.restore(optimizer, this.trainedShapes());
    this.stepsDone = step;
  }

  /** Logits [B, T, V] of a micro-batch (images through `features` when given, else through the model). */
  forward(mb: MicroBatch, features?: tf.Tensor4D): tf.Tensor {
    const { batchSize: B, seqLen: T } = mb;
    const inputIds = tf.tensor2d(mb.inputIds, [B, T], 'int32');
    const attentionMask = tf.tensor2d(mb.attentionMask, [B, T], 'int32');
    const recompute = this.options.activationCheckpointing ? { activationCheckpointing: true } : {};
    if (features) return this.model.forward({ inputIds, attentionMask, visionFeatures: features, ...recompute });
    return this.model.forward({ inputIds, attentionMask, pixels: this.pixels(mb), ...recompute });
  }

  /** The frozen vision tower's features, computed outside any gradient tape; undefined when the model has no separate encoder. */
  private encode(mb: MicroBatch): tf.Tensor4D | undefined {
    const model = this.model;
    if (!model.encodeImages) return undefined;
    return tf.tidy(() => model.encodeImages!(this.pixels(mb)));
  }

  private pixels(mb: MicroBatch): tf.Tensor {
    // The loader's images are square (224 for CLIP); the side follows from the buffer.
    const side = Math.round(Math.sqrt(mb.pixels.length / (mb.batchSize * mb.imageSlots * 3)));
    return tf.tensor(mb.pixels, [mb.batchSize, mb.imageSlots, 3, side, side], 'float32');
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  private apply(grads: Map<string, tf.Tensor>, factor: number, lr: number): void {
    const entries = this.trained.map((p) => {
      const value = p.rows ? tf.slice(p.variable, [p.rows.start, 0], [p.rows.end - p.rows.start, -1]) : p.variable;
      const g = grads.get(p.name)!;
      return { name: p.name, value, grad: factor < 1 ? tf.mul(g, factor) : g, decay: p.decay, p };
    });
    const next = this.optimizer.step(entries, lr);
    for (const e of entries) {
      const nv = next.get(e.name)!;
      const { p } = e;
      if (p.rows) {
        const rows = p.variable.shape[0]!;
        const whole = tf.tidy(() => tf.concat([
          tf.slice(p.variable, [0, 0], [p.rows!.start, -1]),
          nv,
          tf.slice(p.variable, [p.rows!.end, 0], [rows - p.rows!.end, -1]),
        ], 0));
        p.variable.assign(whole);
        whole.dispose();
        e.value.dispose();
      } else {
        p.variable.assign(nv);
      }
      nv.dispose();
      if (e.grad !== grads.get(e.name)) e.grad.dispose();
    }
  }
}
