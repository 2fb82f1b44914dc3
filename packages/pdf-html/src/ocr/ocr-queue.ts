import type { PageImage } from '../render/page-image.js';
import { toGrey } from '../render/page-image.js';
import { OcrEngine, type OcrPage } from './engine.js';
import { meanConfidence } from '../layout/lines.js';
import { OcrSetupError } from './languages.js';

export interface OcrDone {
  page: number;
  /** The languages of the reading kept. */
  languages: string[];
  /** Every language set it was read in: one, unless its own read no text. */
  tried: string[];
  image: PageImage;
  grey: Uint8Array;
  result: OcrPage;
}

/**
 * Under this mean word confidence an OCR'd page is not read but guessed: tesseract scores a page in a script
 * its language data lacks so (broken-encoding-textbook, Chinese, read as English: 0.38); a clean English
 * scan at 150 dpi scores 0.96 (docling-amt-handbook).
 */
export const OCR_UNREADABLE = 0.5;
/** Other installed languages a page no language of its own could read is tried in, at most. */
const MAX_FALLBACKS = 3;

/** Character-weighted mean word confidence of a page's reading; undefined for a page with no words. */
const pageConfidence = (result: OcrPage): number | undefined => meanConfidence(result.lines.flatMap((l) => l.words));

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

  /**
   * `fallbacks`: installed languages to try, in order, on a page its own languages read under
   * OCR_UNREADABLE (a scanned Chinese page in a book taken for English); the most confident reading is kept.
   */
  constructor(readonly languages: string[], private readonly workers: number, private readonly fallbacks: readonly string[] = []) {}

  private engine(languages: string[]): OcrEngine {
    const key = languages.join('+');
    let engine = this.engines.get(key);
    if (!engine) this.engines.set(key, (engine = new OcrEngine(languages, this.workers)));
    return engine;
  }

  /** One page in `languages`, then, if that is no text, in each fallback not yet tried: the most confident reading. */
  private async read(img: Parameters<OcrEngine['recognize']>[0], languages: string[]): Promise<{ languages: string[]; tried: string[]; result: OcrPage }> {
    let best = { languages, result: await this.engine(languages).recognize(img) };
    const tried = [languages.join('+')];
    let bestConfidence = pageConfidence(best.result) ?? 1;
    this.pages++;
    this.ms += best.result.ms;
    const others = this.fallbacks.filter((l) => !languages.includes(l)).slice(0, MAX_FALLBACKS);
    for (const lang of others) {
      if (bestConfidence >= OCR_UNREADABLE) break;
      const result = await this.engine([lang]).recognize(img);
      this.ms += result.ms;
      tried.push(lang);
      const confidence = pageConfidence(result) ?? 0;
      if (confidence > bestConfidence) {
        best = { languages: [lang], result };
        bestConfidence = confidence;
      }
    }
    return { ...best, tried };
  }

  get workerCount(): number {
    return Math.max(0, ...[...this.engines.values()].map((e) => e.maxWorkers));
  }

  /**
   * `languages`: this page's, when not the book's (default: the book's).
   * `onFailed` hears of a page the engine could not read; a setup error (no language data, no engine) stops the book instead.
   */
  async submit(page: number, image: PageImage, onDone: (done: OcrDone) => Promise<void>, onFailed: (page: number, err: Error) => void, languages = this.languages): Promise<void> {
    const engine = this.engine(languages);
    while (this.pending.size >= 2 * engine.maxWorkers) await Promise.race(this.pending);
    if (this.firstError) throw this.firstError;
    const grey = toGrey(image);
    const job = this.read({ data: grey, width: image.width, height: image.height, dpi: image.scale * 72 }, languages)
      .then(
        async (read) => {
          await onDone({ page, languages: read.languages, tried: read.tried, image, grey, result: read.result });
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
