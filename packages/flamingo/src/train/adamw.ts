import * as tf from '@tensorflow/tfjs';
import { entryToFloat32, type TensorToWrite } from '../safetensors.js';
import type { TensorSource } from '../safetensors-io.js';

export interface AdamWOptions {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** One parameter's update: the learned tensor now, its (clipped) gradient, and whether it decays. */
export interface AdamWEntry {
  name: string;
  value: tf.Tensor;
  grad: tf.Tensor;
  decay: boolean;
}

/**
 * What the trainer needs from an optimizer: an update, and its state as
 * checkpoint tensors (read out lazily, one at a time) and back.
 */
export interface Optimizer {
  /** `format` in the state file's metadata. */
  readonly format: string;
  /** Updates applied so far (the bias-correction clock). */
  readonly updates: number;
  /** Applies one update to every entry and returns the new values (the caller writes them back and disposes them). */
  step(entries: readonly AdamWEntry[], lr: number): Map<string, tf.Tensor>;
  stateTensors(): Map<string, TensorToWrite>;
  stateMetadata(): Record<string, string>;
  /** Restores a saved state; `expected` names every trained parameter with its shape, so a state for another model is refused. */
  restore(source: TensorSource, expected: Map<string, number[]>): void;
  dispose(): void;
}

/** The update count a state file records. */
export function savedUpdates(source: TensorSource): number {
  const n = Number(source.metadata.updates);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${source.path}: no valid "updates" in the optimizer state's metadata`);
  return n;
}

/** Plain arrays of the optimizer state (tests, tools). */
export interface AdamWState {
  /** Updates applied so far (PyTorch's per-parameter `step`; the same for all here). */
  updates: number;
  moments: Map<string, { shape: number[]; expAvg: Float32Array; expAvgSq: Float32Array }>;
}

/**
 * AdamW as torch.optim.AdamW computes it (decoupled decay, bias corrections,
 * eps added after the corrected square root), in float32 on the backend:
 *   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Moments live in tf.Variables keyed by parameter name and start at zero on the
 * first update of each parameter, as PyTorch's lazily created state does.
 */
export class AdamW implements Optimizer {
  readonly format = 'mtb-adamw';
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(readonly options: AdamWOptions) {}

  get updates(): number {
    return this.t;
  }

  /** Applies one update to every entry and returns the new values (the caller writes them back and disposes them). */
  step(entries: readonly AdamWEntry[], lr: number): Map<string, tf.Tensor> {
    this.t += 1;
    const [b1, b2] = this.options.betas;
    const bc1 = 1 - b1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    const out = new Map<string, tf.Tensor>();
    for (const e of entries) {
      const m = this.moment(this.m, e.name, e.value.shape);
      const v = this.moment(this.v, e.name, e.value.shape);
      const next = tf.tidy(() => {
        const p = e.decay && this.options.weightDecay !== 0 ? tf.mul(e.value, 1 - lr * this.options.weightDecay) : e.value;
        const mNew = tf.add(tf.mul(m, b1), tf.mul(e.grad, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(e.grad), 1 - b2));
        m.assign(mNew);
        v.assign(vNew);
        const denom = tf.add(tf.div(tf.sqrt(vNew), bc2Sqrt), this.options.eps);
        return tf.sub(p, tf.mul(tf.div(mNew, denom), lr / bc1));
      });
      out.set(e.name, next);
    }
    return out;
  }

  state(): AdamWState {
    const moments: AdamWState['moments'] = new Map();
    for (const [name, m] of this.m) {
      moments.set(name, { shape: [...m.shape], expAvg: copyOf(m), expAvgSq: copyOf(this.v.get(name)!) });
    }
    return { updates: this.t, moments };
  }

  /** PyTorch's state names: `exp_avg.<param>`, `exp_avg_sq.<param>`, read from the backend when written. */
  stateTensors(): Map<string, TensorToWrite> {
    const out = new Map<string, TensorToWrite>();
    for (const [name, m] of this.m) {
      const v = this.v.get(name)!;
      out.set(`exp_avg.${name}`, { shape: [...m.shape], dtype: 'F32', read: () => m.dataSync() as Float32Array });
      out.set(`exp_avg_sq.${name}`, { shape: [...v.shape], dtype: 'F32', read: () => v.dataSync() as Float32Array });
    }
    return out;
  }

  stateMetadata(): Record<string, string> {
    return { format: this.format, updates: String(this.t) };
  }

  restore(source: TensorSource, expected: Map<string, number[]>): void {
    if (source.metadata.format && source.metadata.format !== this.format) {
      throw new Error(`${source.path}: optimizer state is "${source.metadata.format}", this run uses "${this.format}" (optimizerBits differs from the checkpoint's run)`);
    }
    const moments: AdamWState['moments'] = new Map();
    for (const key of source.names()) {
      if (!key.startsWith('exp_avg.')) continue;
      const name = key.slice('exp_avg.'.length);
      if (!source.info(`exp_avg_sq.${name}`)) throw new Error(`${source.path}: exp_avg.${name} without exp_avg_sq.${name}`);
      const e = source.read(key);
      moments.set(name, { shape: e.shape, expAvg: entryToFloat32(key, e), expAvgSq: entryToFloat32(`exp_avg_sq.${name}`, source.read(`exp_avg_sq.${name}`)) });
    }
    this.load({ updates: savedUpdates(source), moments }, expected);
  }

  /** Restores a saved state; `expected` names every parameter with its shape, so a state for another model is refused. */
  load(state: AdamWState, expected: Map<string, number[]>): void {
    for (const [name, mo] of state.moments) {
      const shape = expected.get(name);
      if (!shape) throw new Error(`optimizer state has moments for "${name}", which is not a trained parameter of this model`);
      if (shape.join('x') !== mo.shape.join('x')) throw new Error(`optimizer state for "${name}" has shape [${mo.shape}], the parameter has [${shape}]`);
    }
    this.dispose();
    this.t = state.updates;
    for (const [name, mo] of state.moments) {
      this.m.set(name, variableOf(tf.tensor(mo.expAvg, mo.shape, 'float32')));
      this.v.set(name, variableOf(tf.tensor(mo.expAvgSq, mo.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
  }

  private moment(store: Map<string, tf.Variable>, name: string, shape: number[]): tf.Variable {
    let x = store.get(name);
    if (!x) {
      x = variableOf(tf.zeros(shape, 'float32'));
      store.set(name, x);
    }
    return x;
  }
}

/** A non-trainable variable that takes over the tensor's data (the tensor itself is released). */
function variableOf(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial, false);
  initial.dispose();
  return v;
}

/** A copy: the CPU backend's dataSync may hand out its own storage. */
function copyOf(x: tf.Tensor): Float32Array {
  return Float32Array.from(x.dataSync() as Float32Array);
}
