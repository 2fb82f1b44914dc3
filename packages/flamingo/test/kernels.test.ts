import * as tf from '@tensorflow/tfjs';
import { IMAGE_ID } from '@mtb/core';
import { CONFIGS, FlamingoModel, Trainer, selectBackend, type FlamingoConfig } from '../src/index.js';
import { availableBackends } from './backends.js';

/**
 * Every kernel a training step dispatches, on every backend that loads here,
 * against a float64 reference computed in plain JavaScript (not against
 * another tfjs backend: both could be wrong the same way). The wasm OneHot
 * bug (a float32 one-hot of integer bit patterns) is what this catches.
 */

let seed = 1;
/** Deterministic values in [-scale, scale). */
function values(n: number, scale = 2): Float64Array {
  let s = (seed++ * 2654435761) >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A float32 input, and the same values (rounded to float32) for the reference. */
function input(shape: number[], scale = 2): { t: tf.Tensor; v: Float64Array } {
  const f = Float32Array.from(values(numel(shape), scale));
  return { t: tf.tensor(f, shape, 'float32'), v: Float64Array.from(f) };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Elementwise with numpy broadcasting. */
function broadcast(a: Float64Array, as: number[], b: Float64Array, bs: number[], f: (x: number, y: number) => number): { v: Float64Array; shape: number[] } {
  const rank = Math.max(as.length, bs.length);
  const pa = [...Array(rank - as.length).fill(1), ...as];
  const pb = [...Array(rank - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => Math.max(d, pb[i]!));
  const sa = strides(pa);
  const sb = strides(pb);
  const so = strides(shape);
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < out.length; i++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) {
      const c = Math.floor(i / so[k]!) % shape[k]!;
      if (pa[k] !== 1) ia += c * sa[k]!;
      if (pb[k] !== 1) ib += c * sb[k]!;
    }
    out[i] = f(a[ia]!, b[ib]!);
  }
  return { v: out, shape };
}

/** Reduce the last axis. */
function reduceLast(v: Float64Array, shape: number[], f: (row: Float64Array) => number): Float64Array {
  const n = shape[shape.length - 1]!;
  return Float64Array.from({ length: v.length / n }, (_, r) => f(v.subarray(r * n, (r + 1) * n)));
}

function transposeRef(v: Float64Array, shape: number[], perm: number[]): Float64Array {
  const out = new Float64Array(v.length);
  const os = perm.map((p) => shape[p]!);
  const st = strides(shape);
  const so = strides(os);
  for (let i = 0; i < v.length; i++) {
    let src = 0;
    for (let k = 0; k < os.length; k++) src += (Math.floor(i / so[k]!) % os[k]!) * st[perm[k]!]!;
    out[i] = v[src]!;
  }
  return out;
}

/** Batched a @ b with optional transposes of the last two axes, batch axes broadcast. */
function matmulRef(a: Float64Array, as: number[], b: Float64Array, bs: number[], ta: boolean, tb: boolean): Float64Array {
  const [m, k] = ta ? [as[as.length - 1]!, as[as.length - 2]!] : [as[as.length - 2]!, as[as.length - 1]!];
  const n = tb ? bs[bs.length - 2]! : bs[bs.length - 1]!;
  const batchA = numel(as.slice(0, -2));
  const batchB = numel(bs.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    const oa = (batchA === 1 ? 0 : q) * m * k;
    const ob = (batchB === 1 ? 0 : q) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[oa + (ta ? p * m + i : i * k + p)]! * b[ob + (tb ? j * k + p : p * n + j)]!;
        out[(q * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

/** erf in double precision: its Taylor series (|x| <= 3; erf(3) differs from 1 by 2.2e-5, so clamp beyond). */
function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

interface KernelCase {
  /** What the case runs, for the failure message. */
  what: string;
  run: () => tf.Tensor;
  ref: () => ArrayLike<number>;
  /** Allowed |got - ref| as a fraction of max(1, max |ref|). */
  tol?: number;
}

/** One or more cases per kernel the training step uses (the coverage test below checks the list is complete). */
function cases(): Record<string, KernelCase[]> {
  const a = input([2, 3, 5]);
  const b = input([5]);
  const c = input([2, 1, 5]);
  const pos = { t: tf.abs(input([3, 7]).t).add(0.1), v: new Float64Array(0) };
  pos.v = Float64Array.from(pos.t.dataSync());
  const ew = (what: string, f: (x: tf.Tensor) => tf.Tensor, g: (x: number) => number, x = a, tol = 2e-6): KernelCase => ({ what, run: () => f(x.t), ref: () => Array.from(x.v, g), tol });
  const bin = (what: string, f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, g: (x: number, y: number) => number, x: typeof a, y: typeof a): KernelCase => ({
    what, run: () => f(x.t, y.t), ref: () => broadcast(x.v, x.t.shape, y.v, y.t.shape, g).v, tol: 1e-6,
  });
  const mm = (as: number[], bs: number[], ta: boolean, tb: boolean): KernelCase => {
    const x = input(as);
    const y = input(bs);
    return { what: `matMul [${as}] x [${bs}] transposeA=${ta} transposeB=${tb}`, run: () => tf.matMul(x.t, y.t, ta, tb), ref: () => matmulRef(x.v, as, y.v, bs, ta, tb), tol: 1e-5 };
  };
  const big = input([4, 33], 30);
  // A masked attention row: -1e9 entries must get exactly zero weight.
  const masked = { t: tf.tensor2d([[0.5, -1e9, 1.5, -1e9], [3, 2, 1, 0]]), v: Float64Array.from([0.5, -1e9, 1.5, -1e9, 3, 2, 1, 0]) };
  const softmaxRef = (v: Float64Array, shape: number[]): Float64Array => {
    const n = shape[shape.length - 1]!;
    const out = new Float64Array(v.length);
    for (let r = 0; r < v.length / n; r++) {
      const row = v.subarray(r * n, (r + 1) * n);
      const mx = Math.max(...row);
      let s = 0;
      for (const x of row) s += Math.exp(x - mx);
      row.forEach((x, j) => (out[r * n + j] = Math.exp(x - mx) / s));
    }
    return out;
  };
  const d4 = input([2, 3, 4, 5]);
  const ids = [3, 0, 3, 7];
  const table = input([8, 6]);
  const seg = input([4, 6]);
  return {
    Add: [bin('add, broadcast [2,3,5] + [5]', tf.add, (x, y) => x + y, a, b), bin('add, broadcast [2,3,5] + [2,1,5]', tf.add, (x, y) => x + y, a, c)],
    Sub: [bin('sub, broadcast', tf.sub, (x, y) => x - y, a, c)],
    Multiply: [bin('mul, broadcast', tf.mul, (x, y) => x * y, a, b)],
    RealDiv: [bin('div by a positive tensor', tf.div, (x, y) => x / y, input([3, 7]), pos)],
    Pow: [{ what: 'pow(x, 1.5) (rsqrt gradient)', run: () => tf.pow(pos.t, 1.5), ref: () => Array.from(pos.v, (x) => x ** 1.5), tol: 2e-6 }],
    Neg: [ew('neg', tf.neg, (x) => -x)],
    Exp: [ew('exp', tf.exp, Math.exp, a, 2e-6)],
    Log: [ew('log', tf.log, Math.log, pos, 2e-6)],
    Sqrt: [ew('sqrt', tf.sqrt, Math.sqrt, pos)],
    Rsqrt: [ew('rsqrt', tf.rsqrt, (x) => 1 / Math.sqrt(x), pos)],
    Square: [ew('square', tf.square, (x) => x * x)],
    Tanh: [ew('tanh', tf.tanh, Math.tanh)],
    Sigmoid: [ew('sigmoid', tf.sigmoid, (x) => 1 / (1 + Math.exp(-x)), big)],
    Erf: [ew('erf', tf.erf, erf, input([64], 3), 2e-6)],
    Cast: [{ what: 'cast int32 -> float32', run: () => tf.cast(tf.tensor1d([-3, 0, 7, 32001], 'int32'), 'float32'), ref: () => [-3, 0, 7, 32001] }],
    Max: [{ what: 'max over the last axis', run: () => tf.max(big.t, 1), ref: () => reduceLast(big.v, big.t.shape, (r) => Math.max(...r)) }],
    Sum: [
      { what: 'sum over the last axis', run: () => tf.sum(big.t, 1), ref: () => reduceLast(big.v, big.t.shape, (r) => r.reduce((x, y) => x + y, 0)), tol: 1e-6 },
      { what: 'sum over axes 0 and 1 (broadcast gradient)', run: () => tf.sum(a.t, [0, 1]), ref: () => Array.from({ length: 5 }, (_, j) => a.v.filter((_, i) => i % 5 === j).reduce((x, y) => x + y, 0)), tol: 1e-6 },
    ],
    Mean: [{ what: 'mean over the last axis', run: () => tf.mean(big.t, 1), ref: () => reduceLast(big.v, big.t.shape, (r) => r.reduce((x, y) => x + y, 0) / r.length), tol: 1e-6 }],
    Softmax: [
      { what: 'softmax of a masked row', run: () => tf.softmax(masked.t), ref: () => softmaxRef(masked.v, [2, 4]), tol: 1e-6 },
      { what: 'softmax of large logits', run: () => tf.softmax(big.t), ref: () => softmaxRef(big.v, big.t.shape), tol: 1e-6 },
    ],
    BatchMatMul: [mm([7, 5], [5, 3], false, false), mm([7, 5], [3, 5], false, true), mm([5, 7], [5, 3], true, false), mm([2, 3, 4, 5], [2, 3, 6, 5], false, true), mm([2, 3, 5, 4], [2, 3, 5, 6], true, false), mm([2, 3, 4, 5], [2, 3, 5, 6], false, false)],
    OneHot: [
      { what: 'oneHot float32', run: () => tf.oneHot(tf.tensor1d([2, 0, 4, 4], 'int32'), 5, 1, 0, 'float32'), ref: () => [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] },
      { what: 'oneHot int32', run: () => tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3), ref: () => [0, 1, 0, 1, 0, 0] },
      { what: 'oneHot float32 on 0.5 / off -2', run: () => tf.oneHot(tf.tensor1d([1], 'int32'), 3, 0.5, -2, 'float32'), ref: () => [-2, 0.5, -2] },
    ],
    GatherV2: [{ what: 'gather rows (embedding lookup)', run: () => tf.gather(table.t, tf.tensor2d([ids.slice(0, 2), ids.slice(2)], [2, 2], 'int32')), ref: () => ids.flatMap((i) => Array.from(table.v.subarray(i * 6, i * 6 + 6))) }],
    UnsortedSegmentSum: [{
      what: 'unsortedSegmentSum (embedding gradient), repeated ids',
      run: () => tf.unsortedSegmentSum(seg.t, tf.tensor1d(ids, 'int32'), 8),
      ref: () => {
        const out = new Float64Array(8 * 6);
        ids.forEach((id, r) => { for (let j = 0; j < 6; j++) out[id * 6 + j] += seg.v[r * 6 + j]!; });
        return out;
      },
      tol: 1e-6,
    }],
    Concat: [{ what: 'concat on axis 1', run: () => tf.concat([a.t, c.t], 1), ref: () => Array.from({ length: 2 }, (_, i) => [...a.v.subarray(i * 15, i * 15 + 15), ...c.v.subarray(i * 5, i * 5 + 5)]).flat() }],
    Slice: [{ what: 'slice of the middle axis', run: () => tf.slice(a.t, [0, 1, 0], [2, 2, 5]), ref: () => [...a.v.subarray(5, 15), ...a.v.subarray(20, 30)] }],
    SplitV: [{ what: 'split of the last axis (rotate_half)', run: () => tf.split(a.t, [2, 3], 2)[1]!, ref: () => a.v.filter((_, i) => i % 5 >= 2) }],
    Tile: [{ what: 'tile', run: () => tf.tile(b.t.reshape([1, 5]), [3, 1]), ref: () => [...b.v, ...b.v, ...b.v] }],
    Transpose: [
      { what: 'transpose [0,2,1,3]', run: () => tf.transpose(d4.t, [0, 2, 1, 3]), ref: () => transposeRef(d4.v, [2, 3, 4, 5], [0, 2, 1, 3]) },
      { what: 'transpose [3,1,0,2]', run: () => tf.transpose(d4.t, [3, 1, 0, 2]), ref: () => transposeRef(d4.v, [2, 3, 4, 5], [3, 1, 0, 2]) },
      { what: 'transpose of a matrix', run: () => tf.transpose(a.t.reshape([6, 5])), ref: () => transposeRef(a.v, [6, 5], [1, 0]) },
      { what: 'transpose by the identity (gather gradient)', run: () => tf.transpose(a.t, [0, 1, 2]), ref: () => a.v },
      { what: 'transpose of int32', run: () => tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32')), ref: () => [1, 4, 2, 5, 3, 6] },
    ],
    PadV2: [{ what: 'pad (gradient of slice)', run: () => tf.pad(b.t, [[1, 2]]), ref: () => [0, ...b.v, 0, 0] }],
    Reshape: [{ what: 'reshape', run: () => tf.reshape(a.t, [6, 5]), ref: () => a.v }],
    ExpandDims: [{ what: 'expandDims', run: () => tf.expandDims(b.t, 0), ref: () => b.v }],
    Identity: [{ what: 'identity (clone)', run: () => tf.clone(b.t), ref: () => b.v }],
    ZerosLike: [{ what: 'zerosLike', run: () => tf.zerosLike(b.t), ref: () => new Float64Array(5) }],
    Fill: [{ what: 'fill', run: () => tf.fill([2, 2], 0.25), ref: () => [0.25, 0.25, 0.25, 0.25] }],
  };
}

function maxErr(got: ArrayLike<number>, ref: ArrayLike<number>): { diff: number; scale: number } {
  let diff = got.length === ref.length ? 0 : Infinity;
  let scale = 1;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    if (Number.isNaN(got[i]!)) diff = Infinity;
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return { diff, scale };
}

const BACKENDS = await availableBackends();

describe.each(BACKENDS)('kernels against a float64 reference on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('every case is within float32 tolerance', () => {
    seed = 1;
    const failures: string[] = [];
    for (const [kernel, list] of Object.entries(cases())) {
      for (const k of list) {
        const got = tf.tidy(() => k.run().dataSync());
        const { diff, scale } = maxErr(got as ArrayLike<number>, k.ref());
        if (!(diff <= (k.tol ?? 0) * scale)) failures.push(`${kernel}: ${k.what}: max |diff| ${diff} (scale ${scale})`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('kernel coverage', () => {
  it('the table covers every kernel a training step dispatches (forward, backward, optimizer; with and without activation checkpointing)', async () => {
    await selectBackend('wasm');
    const cfg: FlamingoConfig = { ...CONFIGS.tiny, name: 'tiny-64', vision: { ...CONFIGS.tiny.vision, imageSize: 64, patchSize: 16 } };
    const model = FlamingoModel.init(cfg, 3);
    for (const [name, v] of model.params) if (name.endsWith('_gate')) v.assign(tf.fill([1], 0.5));
    const T = 12;
    const ids = Int32Array.from({ length: T }, (_, i) => (i === 1 ? IMAGE_ID : 100 + i));
    const mb = {
      batchSize: 1, seqLen: T, imageSlots: 1, inputIds: ids, attentionMask: Int32Array.from({ length: T }, (_, i) => (i < T - 1 ? 1 : 0)),
      labels: Int32Array.from(ids, (x, i) => (i < 2 || i === T - 1 ? -100 : x)), pixels: new Float32Array(3 * 64 * 64).fill(0.1), sources: ['mtb'], ids: ['s'],
    };
    const used = new Set<string>();
    for (const activationCheckpointing of [false, true]) {
      for (const optimizerBits of [32, 8] as const) {
        const trainer = new Trainer(model, {
          optimizer: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 }, schedule: { lr: 1e-3, warmupSteps: 0, kind: 'constant', totalSteps: 10 }, clipNorm: 1e-3, optimizerBits, activationCheckpointing,
        });
        const p = await tf.profile(() => {
          trainer.trainStep([mb, mb]);
        });
        for (const k of p.kernelNames) if (tf.getKernel(k, 'wasm') || tf.getKernel(k, 'cpu')) used.add(k);
        trainer.dispose();
      }
    }
    model.dispose();
    const covered = new Set(Object.keys(cases()));
    expect([...used].filter((k) => !covered.has(k)).sort()).toEqual([]);
    expect(used.has('OneHot')).toBe(true);
  });
});
