import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerMissingKernels } from './kernels.js';

export type BackendKind = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_KINDS: readonly BackendKind[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export { KERNEL_OVERRIDES, REGISTERED_KERNELS, registerMissingKernels } from './kernels.js';

let wasmReady: Promise<boolean> | undefined;

/** Loads the wasm backend from node_modules (Node cannot fetch the .wasm by URL). */
async function loadWasm(): Promise<boolean> {
  wasmReady ??= (async () => {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      // A folder prefix read with fs by the emscripten loader: Node's fetch
      // (usePlatformFetch) cannot read file paths or file:// URLs.
      wasm.setWasmPaths(join(dist, '/'));
      return true;
    } catch {
      return false;
    }
  })();
  return wasmReady;
}

/** tfjs-node(-gpu) are optional: their install downloads libtensorflow, unreachable in some environments. */
async function loadTensorflow(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // A variable specifier keeps TypeScript from requiring the package at build time.
      await import(pkg);
      if (tf.findBackend('tensorflow') || tf.engine().registryFactory.tensorflow) return true;
    } catch {
      // not installed or libtensorflow missing: try the next one
    }
  }
  return false;
}

async function trySet(name: string): Promise<boolean> {
  // After the backend's module has registered its kernels, so that ours win.
  registerMissingKernels();
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Picks the tfjs backend: `auto` tries TensorFlow (CUDA, then CPU build), then
 * WebAssembly, then plain JS CPU. An explicit kind that cannot load is an error.
 * Returns the backend name in use.
 */
export async function selectBackend(kind: BackendKind = 'auto'): Promise<string> {
  if (!BACKEND_KINDS.includes(kind)) throw new Error(`unknown backend "${kind}": use one of ${BACKEND_KINDS.join(', ')}`);
  if (kind === 'tensorflow' || kind === 'auto') {
    if ((await loadTensorflow()) && (await trySet('tensorflow'))) return 'tensorflow';
    if (kind === 'tensorflow') {
      throw new Error('backend "tensorflow" needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed (npm install @tensorflow/tfjs-node@4.22.0); use --backend wasm or cpu otherwise');
    }
  }
  if (kind === 'wasm' || kind === 'auto') {
    if ((await loadWasm()) && (await trySet('wasm'))) return 'wasm';
    if (kind === 'wasm') throw new Error('the WebAssembly backend (@tensorflow/tfjs-backend-wasm) failed to load');
  }
  if (await trySet('cpu')) {
    // Its first write prints a banner suggesting tfjs-node; the choice was made above.
    const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
    if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
    return 'cpu';
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

/** For messages: where the wasm binaries are read from. */
export function wasmBinaryUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))).href;
}
