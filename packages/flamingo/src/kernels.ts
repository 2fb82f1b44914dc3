import * as tf from '@tensorflow/tfjs';

/**
 * Kernels this package registers over TensorFlow.js' own, each because a
 * backend lacks it, gets it wrong, or runs it far too slowly for training.
 * `test/kernels.test.ts` checks every kernel a training step dispatches, on
 * every backend that loads, against a float64 reference.
 */

/** The wasm backend's heap access (not in tfjs' public KernelBackend type). */
interface WasmHeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * UnsortedSegmentSum is the gradient of `gather`, i.e. of the embedding lookup.
 * The wasm backend has no such kernel, and the CPU backend's runs one
 * equal/multiply/sum pass per segment: 32,003 full passes per step for the
 * LLaMA vocabulary. This one is a single scatter-add over the rows, O(rows x width).
 */
const segmentSumKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as tf.KernelBackend;
  const x = inputs.x as tf.TensorInfo;
  const ids = inputs.segmentIds as tf.TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const rows = ids.shape.reduce((a, b) => a * b, 1);
  const innerShape = x.shape.slice(ids.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const xv = be.readSync(x.dataId) as Float32Array | Int32Array;
  const iv = be.readSync(ids.dataId) as Int32Array;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let r = 0; r < rows; r++) {
    const s = iv[r]!;
    // TensorFlow semantics: ids outside [0, numSegments) are dropped.
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner;
    const i0 = r * inner;
    for (let j = 0; j < inner; j++) out[o + j] += xv[i0 + j]!;
  }
  const shape = [numSegments, ...innerShape];
  return { dataId: be.write(out, shape, x.dtype), shape, dtype: x.dtype };
};

/**
 * OneHot for wasm. tfjs-backend-wasm 4.22's C++ kernel takes on/off values as
 * int32 and writes int32 whatever the requested dtype, so a float32 one-hot
 * holds integer bit patterns (1 reads as 1.4e-45) and a cross-entropy built on
 * it loses its target term. This writes the requested dtype straight into the
 * wasm heap (no copy through JS).
 */
const wasmOneHotKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as WasmHeapBackend;
  const indices = inputs.indices as tf.TensorInfo;
  const { depth, onValue, offValue, dtype } = attrs as unknown as { depth: number; onValue: number; offValue: number; dtype: tf.DataType };
  const out = be.makeOutput([...indices.shape, depth], dtype);
  const values = be.typedArrayFromHeap(out);
  values.fill(offValue);
  const idx = be.typedArrayFromHeap(indices);
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    // TensorFlow semantics: an index outside [0, depth) gives an all-off row.
    if (k >= 0 && k < depth) values[i * depth + k] = onValue;
  }
  return out;
};

/**
 * Identity (tf.clone) for wasm, sharing the buffer as the CPU backend's does.
 * tfjs-backend-wasm copies it, and the gradient tape clones every tensor it
 * saves: on wasm each saved activation existed twice and every weight a
 * forward pass reads (the frozen LM's included) was copied once per step.
 */
const wasmIdentityKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x as tf.TensorInfo;
  const be = backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void };
  be.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Transpose for the CPU backend. Its own converts every output index to
 * coordinates and back (a division per axis per value): the gradient of the
 * embedding gather transposes the whole [32,003, width] gradient twice per
 * step, which took about a fifth of a tiny model's step. This walks the
 * output in order while an odometer keeps the input offset. Numeric dtypes
 * only; the others go to the kernel it replaced.
 */
const cpuTransposeKernel: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const be = backend as tf.KernelBackend;
  const x = inputs.x as tf.TensorInfo;
  const perm = (attrs as { perm: number[] }).perm;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return replaced('Transpose', 'cpu')(args);
  const rank = x.shape.length;
  const outShape = perm.map((p) => x.shape[p]!);
  const xv = be.readSync(x.dataId) as Float32Array | Int32Array | Uint8Array;
  const size = xv.length;
  const out = new (xv.constructor as Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor)(size);
  if (perm.every((p, i) => p === i) || size === 0) {
    out.set(xv);
  } else {
    const inStrides = new Array<number>(rank);
    for (let d = rank - 1, st = 1; d >= 0; d--) { inStrides[d] = st; st *= x.shape[d]!; }
    const step = perm.map((p) => inStrides[p]!);
    const last = rank - 1;
    const inner = outShape[last]!;
    const innerStep = step[last]!;
    const idx = new Array<number>(rank).fill(0);
    let base = 0;
    for (let o = 0; o < size; o += inner) {
      for (let j = 0, off = base; j < inner; j++, off += innerStep) out[o + j] = xv[off]!;
      // advance the odometer over the outer axes
      for (let d = last - 1; d >= 0; d--) {
        idx[d]!++;
        base += step[d]!;
        if (idx[d]! < outShape[d]!) break;
        base -= step[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
  }
  return { dataId: be.write(out, outShape, x.dtype), shape: outShape, dtype: x.dtype };
};

/** The kernels the overrides replaced, for what an override does not handle. */
const REPLACED = new Map<string, tf.KernelFunc>();

function replaced(kernelName: string, backendName: string): tf.KernelFunc {
  const k = REPLACED.get(`${kernelName}/${backendName}`);
  if (!k) throw new Error(`no ${kernelName} kernel of ${backendName} to fall back to`);
  return k;
}

interface KernelOverride {
  kernelName: string;
  backendName: string;
  why: string;
  kernelFunc: tf.KernelFunc;
}

/** What this package registers, per backend, and why. */
export const KERNEL_OVERRIDES: readonly KernelOverride[] = [
  { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', why: 'missing (gradient of the embedding gather)', kernelFunc: segmentSumKernel },
  { kernelName: 'UnsortedSegmentSum', backendName: 'cpu', why: 'one pass per segment: 32,003 passes per step', kernelFunc: segmentSumKernel },
  { kernelName: 'OneHot', backendName: 'wasm', why: 'writes int32 bit patterns for a float32 one-hot', kernelFunc: wasmOneHotKernel },
  { kernelName: 'Identity', backendName: 'wasm', why: 'copies the buffer: the tape kept two of every saved tensor', kernelFunc: wasmIdentityKernel },
  { kernelName: 'Transpose', backendName: 'cpu', why: 'an index conversion per value: the embedding gradient is transposed twice per step', kernelFunc: cpuTransposeKernel },
];

/** Kernels this package registers (backend names per kernel). */
export const REGISTERED_KERNELS = [...new Set(KERNEL_OVERRIDES.map((k) => k.kernelName))].map((kernelName) => ({
  kernelName,
  backends: KERNEL_OVERRIDES.filter((k) => k.kernelName === kernelName).map((k) => k.backendName),
}));

/**
 * Puts the overrides in place. Idempotent, and called again after a backend
 * module loads: importing @tensorflow/tfjs-backend-wasm registers its own
 * kernels, replacing any registered before it.
 */
export function registerMissingKernels(): void {
  for (const k of KERNEL_OVERRIDES) {
    const current = tf.getKernel(k.kernelName, k.backendName);
    if (current?.kernelFunc === k.kernelFunc) continue;
    if (current) {
      REPLACED.set(`${k.kernelName}/${k.backendName}`, current.kernelFunc);
      tf.unregisterKernel(k.kernelName, k.backendName);
    }
    tf.registerKernel({ kernelName: k.kernelName, backendName: k.backendName, kernelFunc: k.kernelFunc });
  }
}
