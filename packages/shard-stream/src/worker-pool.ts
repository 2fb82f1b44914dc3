import { Worker } from 'node:worker_threads';
import { assembleBatch, type Batch, type CollateOptions, type RawSample } from './batch.js';
import { PixelPool } from './pixel-pool.js';

interface Job {
  samples: RawSample[];
  resolve(batch: Batch): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  /** This side's handles on the worker's pixel slabs (see PixelPool). */
  slabs: ArrayBufferLike[];
}

/** Where a lent batch's pixels live: worker -1 is the in-process pool. */
interface Lent {
  worker: number;
  slab: number;
}

/**
 * Batch assembly (image decode, preprocessing, labels) on worker threads, one
 * batch per worker at a time, results in the order asked for by the caller's
 * promises. With size 0 the same code runs in-process (tests, debugging).
 */
export class BatchWorkers {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private failure: Error | null = null;
  private closed = false;
  /** Pixel slabs when batches are assembled in-process (size 0). */
  private readonly localPool: PixelPool;
  /** Batches on a slab, until released; keyed by their pixels array. */
  private readonly lent = new WeakMap<Float32Array, Lent>();
  private recycling = false;

  /** poolSize: pixel slabs each worker keeps for released batches. */
  constructor(readonly size: number, private readonly opts: CollateOptions, poolSize = 4) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`workers must be a non-negative integer, got ${size}`);
    this.localPool = new PixelPool(poolSize, false);
    for (let i = 0; i < size; i++) {
      // The sources are TypeScript run through tsx; the boot file registers it in the thread.
      const worker = new Worker(new URL('./batch-worker-boot.mjs', import.meta.url), { workerData: { collate: opts, poolSize } });
      const slot: Slot = { worker, job: null, slabs: [] };
      worker.on('message', (msg: { batch?: Batch; error?: string; slab?: { index: number; length: number; buffer?: ArrayBufferLike } }) => {
        const job = slot.job;
        slot.job = null;
        worker.unref();
        if (job) {
          if (msg.batch) {
            if (msg.slab) {
              if (msg.slab.buffer) slot.slabs[msg.slab.index] = msg.slab.buffer;
              msg.batch.pixels = new Float32Array(slot.slabs[msg.slab.index]!, 0, msg.slab.length);
              this.lent.set(msg.batch.pixels, { worker: i, slab: msg.slab.index });
            }
            job.resolve(msg.batch);
          } else {
            job.reject(new Error(msg.error ?? 'batch worker failed'));
          }
        }
        this.dispatch();
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`batch worker exited with code ${code}`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  async run(samples: RawSample[]): Promise<Batch> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the loader is closed');
    if (this.size === 0) {
      let slab: number | null = null;
      const batch = await assembleBatch(samples, this.opts, (b, m) => {
        const lease = this.localPool.take(b, m, Math.max(m, this.opts.maxImages));
        slab = lease.slab;
        return lease;
      });
      if (slab !== null) this.lent.set(batch.pixels, { worker: -1, slab });
      return batch;
    }
    return new Promise<Batch>((resolve, reject) => {
      this.queue.push({ samples, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * The consumer is done with these pixels: their slab serves a later batch of
   * the worker that made it. The first release also switches the workers to
   * slabs (a batch made before that has a buffer of its own, left to the GC).
   * A second release of the same pixels does nothing.
   */
  release(pixels: Float32Array): void {
    if (this.closed || this.failure) return;
    if (!this.recycling) {
      this.recycling = true;
      this.localPool.enable();
      for (const slot of this.slots) slot.worker.postMessage({ enable: true });
    }
    const lent = this.lent.get(pixels);
    if (!lent) return;
    this.lent.delete(pixels);
    if (lent.worker < 0) this.localPool.free(lent.slab);
    else this.slots[lent.worker]!.worker.postMessage({ free: lent.slab });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // Referenced only while busy: an idle pool never keeps the process alive.
      slot.worker.ref();
      slot.worker.postMessage({ samples: job.samples }, transferables(job.samples));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      slot.job?.reject(err);
      slot.job = null;
    }
    for (const job of this.queue.splice(0)) job.reject(err);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the loader is closed'));
    // Nothing keeps the event loop alive while a worker stops (its handle no longer
    // counts once terminate() is called), so a caller whose last work is this close
    // ended with the promise pending: exit code 13 under a top-level await
    // (`npm run bench -- train`). A timer holds the loop until every 'exit' arrives.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }
}

/** Buffers the reader owns outright move to the worker instead of being copied. */
function transferables(samples: RawSample[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (v: Uint8Array | Int32Array): void => {
    if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
  };
  for (const s of samples) {
    add(s.inputIds);
    for (const img of s.images) add(img);
  }
  return [...out];
}
