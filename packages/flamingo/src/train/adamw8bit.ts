import * as tf from '@tensorflow/tfjs';
import { entryToFloat32, type TensorToWrite } from '../safetensors.js';
import type { TensorSource } from '../safetensors-io.js';
import { savedUpdates, type AdamWEntry, type AdamWOptions, type Optimizer } from './adamw.js';
import { blockCount, codeMidpoints, dynamicMap, nearestCode, OPTIMIZER_BLOCK } from './quantization.js';

/** bitsandbytes' `min_8bit_size`: smaller tensors (gates, norms, biases) keep float32 state. */
export const MIN_8BIT_SIZE = 4096;

/** One parameter's state: two 8-bit moments with per-block absmax, or (small tensors) two float32 moments. */
type ParamState =
  | { kind: '8bit'; shape: number[]; m: Uint8Array; mMax: Float32Array; v: Uint8Array; vMax: Float32Array }
  | { kind: '32bit'; shape: number[]; m: Float32Array; v: Float32Array };

const SIGNED = dynamicMap(true);
const UNSIGNED = dynamicMap(false);
const SIGNED_MID = codeMidpoints(SIGNED);
const UNSIGNED_MID = codeMidpoints(UNSIGNED);
/** The code of exactly 0 in each map: what an all-zero block stores. */
const SIGNED_ZERO = SIGNED.indexOf(0);
const UNSIGNED_ZERO = UNSIGNED.indexOf(0);

/**
 * AdamW with bitsandbytes' 8-bit blockwise state (`bnb.optim.AdamW8bit`, as
 * the Med-Flamingo paper trained): exp_avg in the signed dynamic map, exp_avg_sq
 * in the unsigned one, each block of 2,048 values with its own absmax, tensors
 * under 4,096 values in float32. Per block, as bitsandbytes' kernel does: the
 * moments are dequantised, updated in float, the block's new absmax taken, the
 * weight updated from the float moments, and the moments quantised back to the
 * nearest code. The update formula is torch.optim.AdamW's (the same as `AdamW`
 * here), so the two differ only by the state's rounding.
 *
 * TensorFlow.js has no 8-bit tensors, so the state lives in host memory as
 * bytes (2 bytes per value plus 8 per 2,048 for the absmax) and each update
 * runs on the CPU: the weight and its gradient are read out, updated, and
 * written back.
 */
export class AdamW8bit implements Optimizer {
  readonly format = 'mtb-adamw8bit';
  private readonly state = new Map<string, ParamState>();
  private t = 0;

  constructor(readonly options: AdamWOptions, readonly minEightBitSize = MIN_8BIT_SIZE) {}

  get updates(): number {
    return this.t;
  }

  /** Bytes of state held (for the memory plan and the report). */
  stateBytes(): number {
    let n = 0;
    for (const s of this.state.values()) n += s.kind === '8bit' ? s.m.byteLength + s.v.byteLength + s.mMax.byteLength + s.vMax.byteLength : s.m.byteLength + s.v.byteLength;
    return n;
  }

  step(entries: readonly AdamWEntry[], lr: number): Map<string, tf.Tensor> {
    this.t += 1;
    const [b1, b2] = this.options.betas;
    const bc1 = 1 - b1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** this.t);
    const { eps, weightDecay } = this.options;
    const out = new Map<string, tf.Tensor>();
    for (const e of entries) {
      const p = Float32Array.from(e.value.dataSync() as Float32Array);
      const g = e.grad.dataSync() as Float32Array;
      const st = this.stateOf(e.name, e.value.shape, p.length);
      const decay = e.decay && weightDecay !== 0 ? 1 - lr * weightDecay : 1;
      const update = (i: number, m: number, v: number): void => {
        p[i] = p[i]! * decay - (lr / bc1) * (m / (Math.sqrt(v) / bc2Sqrt + eps));
      };
      if (st.kind === '32bit') {
        for (let i = 0; i < p.length; i++) {
          const m = b1 * st.m[i]! + (1 - b1) * g[i]!;
          const v = b2 * st.v[i]! + (1 - b2) * g[i]! * g[i]!;
          st.m[i] = m;
          st.v[i] = v;
          update(i, st.m[i]!, st.v[i]!);
        }
      } else {
        const m = new Float64Array(OPTIMIZER_BLOCK);
        const v = new Float64Array(OPTIMIZER_BLOCK);
        for (let blk = 0; blk < st.mMax.length; blk++) {
          const start = blk * OPTIMIZER_BLOCK;
          const end = Math.min(p.length, start + OPTIMIZER_BLOCK);
          const mScale = st.mMax[blk]!;
          const vScale = st.vMax[blk]!;
          let mMax = 0;
          let vMax = 0;
          for (let i = start; i < end; i++) {
            const gi = g[i]!;
            const mi = b1 * (SIGNED[st.m[i]!]! * mScale) + (1 - b1) * gi;
            const vi = b2 * (UNSIGNED[st.v[i]!]! * vScale) + (1 - b2) * gi * gi;
            m[i - start] = mi;
            v[i - start] = vi;
            mMax = Math.max(mMax, Math.abs(mi));
            vMax = Math.max(vMax, vi);
            update(i, mi, vi);
          }
          st.mMax[blk] = mMax;
          st.vMax[blk] = vMax;
          const mInv = mMax > 0 ? 1 / Math.fround(mMax) : 0;
          const vInv = vMax > 0 ? 1 / Math.fround(vMax) : 0;
          for (let i = start; i < end; i++) {
            st.m[i] = mMax > 0 ? nearestCode(SIGNED_MID, m[i - start]! * mInv) : SIGNED_ZERO;
            st.v[i] = vMax > 0 ? nearestCode(UNSIGNED_MID, v[i - start]! * vInv) : UNSIGNED_ZERO;
          }
        }
      }
      out.set(e.name, tf.tensor(p, e.value.shape, 'float32'));
    }
    return out;
  }

  /**
   * `exp_avg.<param>` / `exp_avg_sq.<param>`: U8 codes with `exp_avg_absmax.<param>` /
   * `exp_avg_sq_absmax.<param>` (F32 per block of 2,048), or F32 moments for
   * small tensors; `qmap.exp_avg` / `qmap.exp_avg_sq` hold the two maps, so the
   * file decodes without this code.
   */
  stateTensors(): Map<string, TensorToWrite> {
    const out = new Map<string, TensorToWrite>();
    out.set('qmap.exp_avg', { shape: [256], data: SIGNED });
    out.set('qmap.exp_avg_sq', { shape: [256], data: UNSIGNED });
    for (const [name, s] of this.state) {
      out.set(`exp_avg.${name}`, { shape: s.shape, data: s.m });
      out.set(`exp_avg_sq.${name}`, { shape: s.shape, data: s.v });
      if (s.kind === '8bit') {
        out.set(`exp_avg_absmax.${name}`, { shape: [s.mMax.length], data: s.mMax });
        out.set(`exp_avg_sq_absmax.${name}`, { shape: [s.vMax.length], data: s.vMax });
      }
    }
    return out;
  }

  stateMetadata(): Record<string, string> {
    return { format: this.format, updates: String(this.t), blockSize: String(OPTIMIZER_BLOCK), min8bitSize: String(this.minEightBitSize) };
  }

  restore(source: TensorSource, expected: Map<string, number[]>): void {
    if (source.metadata.format !== this.format) {
      throw new Error(`${source.path}: optimizer state is "${source.metadata.format ?? 'unknown'}", this run uses "${this.format}" (optimizerBits differs from the checkpoint's run)`);
    }
    if (Number(source.metadata.blockSize) !== OPTIMIZER_BLOCK) throw new Error(`${source.path}: block size ${source.metadata.blockSize}, this build uses ${OPTIMIZER_BLOCK}`);
    for (const [key, map] of [['qmap.exp_avg', SIGNED], ['qmap.exp_avg_sq', UNSIGNED]] as const) {
      const saved = entryToFloat32(key, source.read(key));
      if (saved.length !== 256 || saved.some((x, i) => x !== map[i])) throw new Error(`${source.path}: ${key} is not bitsandbytes' dynamic map this build uses`);
    }
    const next = new Map<string, ParamState>();
    for (const key of source.names()) {
      if (!key.startsWith('exp_avg.')) continue;
      const name = key.slice('exp_avg.'.length);
      const shape = expected.get(name);
      if (!shape) throw new Error(`${source.path}: optimizer state has moments for "${name}", which is not a trained parameter of this model`);
      const m = source.read(key);
      const v = source.read(`exp_avg_sq.${name}`);
      if (m.shape.join('x') !== shape.join('x')) throw new Error(`${source.path}: optimizer state for "${name}" has shape [${m.shape}], the parameter has [${shape}]`);
      if (m.dtype === 'U8') {
        next.set(name, {
          kind: '8bit', shape, m: m.data as Uint8Array, v: v.data as Uint8Array,
          mMax: entryToFloat32(name, source.read(`exp_avg_absmax.${name}`)), vMax: entryToFloat32(name, source.read(`exp_avg_sq_absmax.${name}`)),
        });
      } else {
        next.set(name, { kind: '32bit', shape, m: entryToFloat32(key, m), v: entryToFloat32(key, v) });
      }
    }
    this.state.clear();
    for (const [k, s] of next) this.state.set(k, s);
    this.t = savedUpdates(source);
  }

  dispose(): void {
    this.state.clear();
  }

  /** State created zero on a parameter's first update, as bitsandbytes' lazily created state. */
  private stateOf(name: string, shape: number[], n: number): ParamState {
    let s = this.state.get(name);
    if (!s) {
      s = n < this.minEightBitSize
        ? { kind: '32bit', shape: [...shape], m: new Float32Array(n), v: new Float32Array(n) }
        : {
          kind: '8bit', shape: [...shape],
          m: new Uint8Array(n).fill(SIGNED_ZERO), mMax: new Float32Array(blockCount(n)),
          v: new Uint8Array(n).fill(UNSIGNED_ZERO), vMax: new Float32Array(blockCount(n)),
        };
      this.state.set(name, s);
    }
    return s;
  }
}
