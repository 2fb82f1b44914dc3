import * as tf from '@tensorflow/tfjs';

/**
 * A linear-time UnsortedSegmentSum for the CPU and WebAssembly backends. It is
 * the gradient of `gather`, i.e. of the input embedding: tfjs-backend-cpu's own
 * kernel builds a mask tensor per segment (32,003 of them here), which costs
 * seconds per step, and the wasm backend has none. This one adds each input row
 * into its segment's row once, in index order, in float32 (deterministic).
 */
function segmentSum(x: Float32Array | Int32Array, ids: ArrayLike<number>, numSegments: number, inner: number, dtype: 'float32' | 'int32'): Float32Array | Int32Array {
  const out = dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) out[dst + k] += x[src + k]!;
  }
  return out;
}

let registered = false;

/** Installs the kernel for 'cpu' and 'wasm' (idempotent). */
export function registerFastSegmentSum(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['cpu', 'wasm']) {
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
        const numSegments = (attrs as { numSegments: number }).numSegments;
        const b = backend as tf.KernelBackend;
        const n = segmentIds.shape.reduce((a, d) => a * d, 1);
        const inner = x.shape.slice(segmentIds.shape.length).reduce((a, d) => a * d, 1);
        const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
        const xs = b.readSync(x.dataId) as Float32Array | Int32Array;
        if (n * inner !== xs.length) throw new Error('UnsortedSegmentSum: segmentIds must cover the leading axes of x');
        const values = segmentSum(xs, b.readSync(segmentIds.dataId) as Int32Array, numSegments, inner, dtype);
        const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
        return { dataId: b.write(values, shape, dtype), shape, dtype };
      },
    });
  }
}
