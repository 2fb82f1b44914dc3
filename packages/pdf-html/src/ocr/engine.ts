import { availableParallelism } from 'node:os';
import Tesseract from 'tesseract.js';
import { languageFolder, OcrSetupError } from './languages.js';

/** tesseract's JSON boxes: pixel corners, y down. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  /** 0..1 (tesseract's 0..100 scaled). */
  confidence: number;
  bbox: PixelBox;
}

export interface OcrLine {
  words: OcrWord[];
  bbox: PixelBox;
  /** The line's baseline from its left to its right end. */
  baseline: PixelBox;
  /** tesseract's row attributes: row height (x-height + ascenders) and descender depth, in pixels. */
  rowHeight: number;
  descenders: number;
}

export interface OcrPage {
  lines: OcrLine[];
  /** Wall time of the recognition itself (not the wait for a worker). */
  ms: number;
}

/** A grey page image. */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
  dpi: number;
}

/**
 * Page segmentation: tesseract's automatic layout (mode 3). It finds text
 * blocks and columns itself and leaves pictures out, which is what the layout
 * code and the figure finder need; mode 6 (one uniform block) reads a little
 * more of a one-column page but runs lines across columns and reads pictures
 * as text.
 */
const PAGE_SEGMENTATION = Tesseract.PSM.AUTO;

/** PGM (binary greymap): a header and the bytes, read by leptonica without any decoding library. */
function pgm(img: GreyImage): Buffer {
  const head = Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'latin1');
  return Buffer.concat([head, Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength)]);
}

interface RawLine {
  words?: Array<{ text: string; confidence: number; bbox: PixelBox }>;
  bbox: PixelBox;
  baseline: PixelBox;
  rowAttributes?: { rowHeight: number; descenders: number };
}

/** A worker idle this long is stopped; the next page that needs OCR starts one again (about a second). */
const IDLE_WORKER_MS = 5000;

/**
 * A pool of tesseract.js workers (worker threads, one per core by default),
 * started on the first page that needs them and only as many as pages wait:
 * a born-digital book never starts one. Language models are read from the
 * installed npm packages on disk: no worker ever looks for them on the
 * network or writes a cache file.
 */
export class OcrEngine {
  private readonly idle: Tesseract.Worker[] = [];
  private readonly all: Array<Promise<Tesseract.Worker>> = [];
  private readonly waiting: Array<(w: Tesseract.Worker) => void> = [];
  /** Idle workers' retirement timers, and the promise each worker was started as (its place in `all`). */
  private readonly timers = new Map<Tesseract.Worker, NodeJS.Timeout>();
  private readonly started = new Map<Tesseract.Worker, Promise<Tesseract.Worker>>();
  private models: ReturnType<typeof languageFolder> | undefined;
  readonly maxWorkers: number;

  constructor(readonly languages: string[], workers = 0, private readonly idleMs = IDLE_WORKER_MS) {
    this.maxWorkers = workers > 0 ? workers : availableParallelism();
  }

  /** Workers started and not stopped (running, idle or starting). */
  get liveWorkers(): number {
    return this.all.length;
  }

  private startWorker(): Promise<Tesseract.Worker> {
    this.models ??= languageFolder(this.languages);
    const langPath = this.models.path;
    const started = (async () => {
      // A filesystem langPath is read from disk (never fetched); cacheMethod 'none' writes no copy into the working directory.
      const worker = await Tesseract.createWorker(this.languages, Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: 'none', gzip: true, legacyCore: false, legacyLang: false });
      await worker.setParameters({ tessedit_pageseg_mode: PAGE_SEGMENTATION });
      return worker;
    })();
    this.all.push(started);
    void started.then((w) => this.started.set(w, started), () => undefined);
    return started;
  }

  private async acquire(): Promise<Tesseract.Worker> {
    const free = this.idle.pop();
    if (free) {
      clearTimeout(this.timers.get(free));
      this.timers.delete(free);
      return free;
    }
    if (this.all.length < this.maxWorkers) return this.startWorker();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Tesseract.Worker): void {
    const next = this.waiting.shift();
    if (next) return next(worker);
    this.idle.push(worker);
    // A worker holds its model and WebAssembly heap (100-170 MB): one left idle while the rest of a born-digital
    // book converts (an image-only cover, a few garbled pages) is memory the book's largest images need.
    const timer = setTimeout(() => void this.retire(worker), this.idleMs);
    timer.unref();
    this.timers.set(worker, timer);
  }

  private async retire(worker: Tesseract.Worker): Promise<void> {
    this.timers.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at < 0) return;
    this.idle.splice(at, 1);
    const place = this.all.indexOf(this.started.get(worker)!);
    if (place >= 0) this.all.splice(place, 1);
    this.started.delete(worker);
    await worker.terminate().catch(() => undefined);
  }

  /** Lines of words with boxes and confidences, in the image's pixels. */
  async recognize(img: GreyImage): Promise<OcrPage> {
    const worker = await this.acquire().catch((err: unknown) => {
      if (err instanceof OcrSetupError) throw err;
      throw new OcrSetupError(`the OCR engine (tesseract.js) did not start: ${(err as Error)?.message ?? String(err)}`);
    });
    try {
      const t0 = performance.now();
      // The resolution is known: tesseract need not estimate it (and print that it did).
      await worker.setParameters({ user_defined_dpi: String(Math.round(img.dpi)) });
      const result = await worker.recognize(pgm(img), {}, { text: false, blocks: true });
      const lines: OcrLine[] = [];
      for (const block of result.data.blocks ?? []) {
        for (const para of block.paragraphs) {
          for (const raw of para.lines as unknown as RawLine[]) {
            const words = (raw.words ?? []).filter((w) => w.text.trim()).map((w) => ({ text: w.text, confidence: w.confidence / 100, bbox: w.bbox }));
            if (!words.length) continue;
            lines.push({ words, bbox: raw.bbox, baseline: raw.baseline, rowHeight: raw.rowAttributes?.rowHeight ?? 0, descenders: raw.rowAttributes?.descenders ?? 0 });
          }
        }
      }
      return { lines, ms: performance.now() - t0 };
    } finally {
      this.release(worker);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.started.clear();
    const workers = await Promise.allSettled(this.all);
    this.all.length = 0;
    this.idle.length = 0;
    await Promise.all(workers.map((w) => (w.status === 'fulfilled' ? w.value.terminate().catch(() => undefined) : undefined)));
    this.models?.dispose();
    this.models = undefined;
  }
}
