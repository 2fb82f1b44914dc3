import { Worker } from 'node:worker_threads';
import { assembleBatch, type Batch, type CollateOptions, type RawSample } from './batch.js';

interface Job {
  samples: RawSample[];
  resolve(batch: Batch): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
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

  constructor(readonly size: number, private readonly opts: CollateOptions) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`workers must be a non-negative integer, got ${size}`);
    for (let i = 0; i < size; i++) {
      // The sources are TypeScript run through tsx; the boot file registers it in the thread.
      const worker = new Worker(new URL('./batch-worker-boot.mjs', import.meta.url), { workerData: opts });
      const slot: Slot = { worker, job: null };
      worker.on('message', (msg: { batch?: Batch; error?: string }) => {
        const job = slot.job;
        slot.job = null;
        worker.unref();
        if (job) {
          if (msg.batch) job.resolve(msg.batch);
          else job.reject(new Error(msg.error ?? 'batch worker failed'));
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

  run(samples: RawSample[]): Promise<Batch> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the loader is closed'));
    if (this.size === 0) return assembleBatch(samples, this.opts);
    return new Promise<Batch>((resolve, reject) => {
      this.queue.push({ samples, resolve, reject });
      this.dispatch();
    });
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
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
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
