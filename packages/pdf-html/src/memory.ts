import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Pixel memory held outside the JS heap (ArrayBuffers) above which a page's end
 * collects garbage. A 30-megapixel figure leaves pdf.js' decode buffers behind
 * (its Flate and predictor streams each grow to the next power of two: 128 MB
 * apiece for 88 MB of pixels), and V8 counts them lightly, so the next such
 * figure a page or two later stacks its own on top: the 377-page book's peak RSS
 * went from 1,008-1,056 MB to 916-971 MB when they were collected in between.
 */
const COLLECT_ABOVE_BYTES = 200 * 2 ** 20;

let gc: (() => void) | null | undefined;

/**
 * V8's full collection, exposed at run time (the stage runs in whatever process
 * loads it, which was not started with --expose-gc); null when this V8 refuses.
 * The function comes from a fresh context: the process' own global gains no `gc`.
 */
function collector(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    gc = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** Does the process hold so much pixel memory that it should be collected before the next page? */
export function heavyPixelMemory(): boolean {
  return process.memoryUsage().arrayBuffers >= COLLECT_ABOVE_BYTES;
}

/** A full garbage collection (about 60 ms on a large book); false when it is not available. */
export function collectGarbage(): boolean {
  const fn = collector();
  if (!fn) return false;
  fn();
  return true;
}
