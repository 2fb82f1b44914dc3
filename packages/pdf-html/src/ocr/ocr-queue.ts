import type { PageImage } from '../render/page-image.js';
import { toGrey } from '../render/page-image.js';
import { OcrEngine, type OcrPage } from './engine.js';
import { OcrSetupError } from './languages.js';

export interface OcrDone {
  page: number;
  /** The languages it was read in. */
  languages: string[];
  image: PageImage;
  grey: Uint8Array;
  result: OcrPage;
}

/**
 * Pages waiting for OCR while the parse goes on: each page is rendered on the
 * main thread, recognised on a worker, then handed to `onDone` (in completion
 * order; what it writes must not depend on that order). At most two pages per
 * worker wait, so page images in memory stay bounded.
 */
export class OcrQueue {
  /** One engine per language set: most books need one; a page in another script (told by its fonts) starts a second. */
  private readonly engines = new Map<string, OcrEngine>();
  private readonly pending = new Set<Promise<void>>();
  private firstError: unknown;
  /** Pages recognised and the wall time their recognition took, summed over workers. */
  pages = 0;
  ms = 0;

  constructor(readonly languages: string[], private readonly workers: number) {}

  get workerCount(): number {
    return Math.max(0, ...[...this.engines.values()].map((e) => e.maxWorkers));
  }

  /**
   * `languages`: this page's, when not the book's (default: the book's).
   * `onFailed` hears of a page the engine could not read; a setup error (no language data, no engine) stops the book instead.
   */
  async submit(page: number, image: PageImage, onDone: (done: OcrDone) => Promise<void>, onFailed: (page: number, err: Error) => void, languages = this.languages): Promise<void> {
    const key = languages.join('+');
    let engine = this.engines.get(key);
    if (!engine) this.engines.set(key, (engine = new OcrEngine(languages, this.workers)));
    while (this.pending.size >= 2 * engine.maxWorkers) await Promise.race(this.pending);
    if (this.firstError) throw this.firstError;
    const grey = toGrey(image);
    const job = engine
      .recognize({ data: grey, width: image.width, height: image.height, dpi: image.scale * 72 })
      .then(
        async (result) => {
          this.pages++;
          this.ms += result.ms;
          await onDone({ page, languages, image, grey, result });
        },
        (err: unknown) => {
          if (err instanceof OcrSetupError) throw err;
          onFailed(page, err instanceof Error ? err : new Error(String(err)));
        },
      )
      .catch((err: unknown) => {
        this.firstError ??= err;
      })
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Every submitted page done; the first error (a setup error, or one of onDone's) is thrown here. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending);
    if (this.firstError) throw this.firstError;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending);
    await Promise.all([...this.engines.values()].map((e) => e.close()));
  }
}
