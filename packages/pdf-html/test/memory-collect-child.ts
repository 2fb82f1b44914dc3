/** The memory-collect test's probe: a plain Node process, where ArrayBuffers are counted as in a stage's. */
import { collectGarbage, heavyPixelMemory } from '../src/memory.js';

// As pdf.js' decode buffers after a 30 MP figure: 256 MB, seen while held, then nothing refers to them.
let buffer: Uint8Array | undefined = new Uint8Array(256 * 2 ** 20);
buffer[buffer.length - 1] = 1;
const held = heavyPixelMemory();
buffer = undefined;
const collected = collectGarbage();
// V8 frees dead ArrayBuffers' memory on a background thread after the collection: on a loaded machine the count can
// lag it. The probe waits for it up to a second, blocked (Atomics.wait), so that no collection but ours can run.
const pause = new Int32Array(new SharedArrayBuffer(4));
let after = heavyPixelMemory();
for (let i = 0; i < 50 && after; i++) {
  Atomics.wait(pause, 0, 0, 20);
  after = heavyPixelMemory();
}
process.stdout.write(JSON.stringify({ held, collected, after, globalGc: 'gc' in globalThis }));
