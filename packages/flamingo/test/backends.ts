import { selectBackend, type BackendKind } from '../src/index.js';

/** wasm and cpu always; tensorflow (tfjs-node / tfjs-node-gpu) where it is installed and loads. */
export async function availableBackends(): Promise<Exclude<BackendKind, 'auto'>[]> {
  const out: Exclude<BackendKind, 'auto'>[] = ['wasm', 'cpu'];
  try {
    await selectBackend('tensorflow');
    out.push('tensorflow');
  } catch {
    // not installed here: its install downloads libtensorflow
  }
  return out;
}
