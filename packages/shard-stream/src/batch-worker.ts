import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { assembleBatch, batchTransferables, type CollateOptions, type RawSample } from './batch.js';

// One image at a time per worker (see assembleBatch); libvips' own threads would
// only contend with the other workers. The cache holds decoded inputs that are
// never reused here and would grow over a long run.
sharp.concurrency(1);
sharp.cache(false);

const opts = workerData as CollateOptions;
parentPort!.on('message', (msg: { samples: RawSample[] }) => {
  assembleBatch(msg.samples, opts).then(
    (batch) => parentPort!.postMessage({ batch }, batchTransferables(batch)),
    (err: Error) => parentPort!.postMessage({ error: err.stack ?? err.message }),
  );
});
