import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { looksOutOfMemory, type ProcessResult, type TaskLimits } from './run-process.js';

const WORKER_ENTRY = fileURLToPath(new URL('./stage-worker.mjs', import.meta.url));

interface Slot { worker: Worker; output: string[]; busy: boolean; ready: Promise<void> }

/**
 * A fixed pool of worker threads that run `mtb <stage>` commands in-process.
 * Each worker runs one command at a time, so the output it prints between a
 * command's start and end is that command's (kept for the error message, as
 * the process runner keeps a child's output). A worker that dies fails the
 * command it was running, and is replaced.
 */
export class StagePool {
  private slots: Slot[] = [];
  private waiting: Array<(s: Slot) => void> = [];
  private nextId = 0;

  constructor(size: number, private readonly limits: TaskLimits = {}) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const resourceLimits = this.limits.heapMb ? { maxOldGenerationSizeMb: this.limits.heapMb } : undefined;
    const worker = new Worker(WORKER_ENTRY, { stdout: true, stderr: true, resourceLimits });
    const slot: Slot = { worker, output: [], busy: false, ready: Promise.resolve() };
    // A worker's error is reported by the task that was running on it; without a
    // listener an 'error' event would throw in the runner itself.
    worker.on('error', () => {});
    worker.stdout.on('data', (b: Buffer) => slot.output.push(b.toString('utf8')));
    worker.stderr.on('data', (b: Buffer) => slot.output.push(b.toString('utf8')));
    slot.ready = new Promise((resolve, reject) => {
      const onMsg = (m: { ready?: boolean }): void => {
        if (m.ready) {
          worker.off('message', onMsg);
          resolve();
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    // An unhandled rejection in ready would crash the runner before a task asks for it.
    slot.ready.catch(() => {});
    return slot;
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** `timeoutMs` overrides the pool's watchdog for this one command. */
  async run(args: string[], opts: { timeoutMs?: number } = {}): Promise<ProcessResult> {
    const timeoutMs = opts.timeoutMs ?? this.limits.timeoutMs;
    let slot = await this.acquire();
    const t0 = Date.now();
    slot.output = [];
    const id = this.nextId++;
    let killed: ProcessResult['killed'];
    let watchdog: NodeJS.Timeout | undefined;
    try {
      await slot.ready;
      const code = await new Promise<number>((resolve) => {
        const w = slot.worker;
        if (timeoutMs) {
          // A synchronous hang (a pathological pdf.js loop) starves the stage's own timers: stop the thread.
          watchdog = setTimeout(() => {
            killed = 'timeout';
            slot.output.push(`killed by the build runner after ${Math.round(timeoutMs / 1000)} s\n`);
            void w.terminate();
          }, timeoutMs);
        }
        const onMessage = (m: { id?: number; code?: number }): void => {
          if (m.id !== id) return;
          cleanup();
          resolve(m.code ?? 1);
        };
        const onError = (err: Error): void => {
          cleanup();
          if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') killed ??= 'out-of-memory';
          slot.output.push(`worker error: ${err.stack ?? err.message}\n`);
          resolve(1);
        };
        const onExit = (c: number): void => {
          cleanup();
          slot.output.push(`worker exited with code ${c}\n`);
          resolve(c || 1);
        };
        const cleanup = (): void => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ id, args });
      });
      const output = slot.output.join('');
      if (!killed && code !== 0 && looksOutOfMemory(output)) killed = 'out-of-memory';
      return { code, output, ms: Date.now() - t0, ...(killed ? { killed } : {}) };
    } catch (err) {
      const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      return { code: 1, output: `${slot.output.join('')}worker failed to start: ${(err as Error).message}\n`, ms: Date.now() - t0, ...(oom ? { killed: 'out-of-memory' as const } : {}) };
    } finally {
      clearTimeout(watchdog);
      if (slot.worker.threadId < 0) {
        // The worker died: replace it so later books still get a thread.
        const i = this.slots.indexOf(slot);
        const fresh = this.spawn();
        fresh.busy = true;
        this.slots[i] = fresh;
        slot = fresh;
      }
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
