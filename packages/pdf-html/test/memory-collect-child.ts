/** The memory-collect test's probe: a plain Node process, where ArrayBuffers are counted as in a stage's. */
import { collectGarbage, heavyPixelMemory } from '../src/memory.js';

// As pdf.js' decode buffers after a 30 MP figure: 256 MB, seen while held, then nothing refers to them.
let buffer: Uint8Array | undefined = new Uint8Array(256 * 2 ** 20);
buffer[buffer.length - 1] = 1;
const held = heavyPixelMemory();
buffer = undefined;
const collected = collectGarbage();
process.stdout.write(JSON.stringify({ held, collected, after: heavyPixelMemory(), globalGc: 'gc' in globalThis }));
