import * as tf from '@tensorflow/tfjs';

/**
 * Bytes the current backend really holds: tfjs' own `memory().numBytes` counts
 * every tensor, so clones and reshapes that share one buffer count twice. This
 * follows the backend's buffer table instead (cpu: `data`, wasm: `dataIdMap`),
 * adding a buffer when it is stored and removing it when freed, and keeps the
 * high-water mark.
 */
export function trackBackendBytes(): { live(): number; peak(): number; resetPeak(): void; stop(): void } {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const storage = (backend.dataIdMap ?? backend.data) as { set(id: object, v: { shape?: number[]; dtype?: string; values?: { length: number } }): void; delete(id: object): boolean } | undefined;
  if (!storage) throw new Error(`trackBackendBytes: backend ${tf.getBackend()} has no buffer table this helper knows`);
  const sizes = new Map<object, number>();
  let live = 0;
  let peak = 0;
  const origSet = storage.set;
  const origDelete = storage.delete;
  storage.set = function (id, v) {
    const n = v.shape ? v.shape.reduce((a, b) => a * b, 1) : (v.values?.length ?? 0);
    const bytes = n * (v.dtype === 'bool' ? 1 : 4);
    live += bytes - (sizes.get(id) ?? 0);
    sizes.set(id, bytes);
    peak = Math.max(peak, live);
    return origSet.call(this, id, v);
  };
  storage.delete = function (id) {
    live -= sizes.get(id) ?? 0;
    sizes.delete(id);
    return origDelete.call(this, id);
  };
  return {
    live: () => live,
    peak: () => peak,
    resetPeak: () => {
      peak = live;
    },
    stop: () => {
      storage.set = origSet;
      storage.delete = origDelete;
    },
  };
}
