import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { assembleBatch, batchTransferables, type CollateOptions, type RawSample } from './batch.js';
import { PixelPool, type PixelLease } from './pixel-pool.js';

// One image at a time per worker (see assembleBatch); libvips' own threads would
// only contend with the other workers. The cache holds decoded inputs that are
// never reused here and would grow over a long run.
sharp.concurrency(1);
sharp.cache(false);

const { collate, poolSize } = workerData as { collate: CollateOptions; poolSize: number };
const pool = new PixelPool(poolSize, true);

type Message = { samples: RawSample[] } | { free: number } | { enable: true };

parentPort!.on('message', (msg: Message) => {
  if ('free' in msg) return pool.free(msg.free);
  if ('enable' in msg) return pool.enable();
  let lease: PixelLease | null = null;
  assembleBatch(msg.samples, collate, (b, m) => (lease = pool.take(b, m, Math.max(m, collate.maxImages)))).then(
    (batch) => {
      const l = lease as PixelLease | null;
      if (l?.slab != null) {
        // The slab stays here; the parent has (or now gets) its own handle on it.
        const slab = { index: l.slab, length: batch.pixels.length, ...(l.created ? { buffer: pool.buffer(l.slab) } : {}) };
        batch.pixels = new Float32Array(0);
        parentPort!.postMessage({ batch, slab }, batchTransferables(batch));
      } else {
        parentPort!.postMessage({ batch }, batchTransferables(batch));
      }
    },
    (err: Error) => parentPort!.postMessage({ error: err.stack ?? err.message }),
  );
});
