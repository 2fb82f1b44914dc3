import { BookError } from '@mtb/core';

export class PageTimeout extends Error {
  override name = 'PageTimeout';
}

/**
 * The book's wall-clock budget. pdf.js yields between its steps, so racing each
 * step against a timer stops a pathological file; the step itself is abandoned
 * and freed with the document.
 */
export class Deadline {
  private readonly end: number;

  constructor(private readonly bookMs: number, private readonly pageMs: number, private readonly source: string) {
    this.end = Date.now() + bookMs;
  }

  check(): void {
    if (Date.now() >= this.end) throw this.bookTimeout();
  }

  private bookTimeout(): BookError {
    return new BookError('timeout', `${this.source} took longer than the per-book limit of ${this.bookMs} ms (bookTimeoutMs in corpus.json): the file is pathological or very large; raise the limit or drop the book`);
  }

  /** Resolve with the step, or reject when the page or the book runs out of time. */
  async race<T>(step: Promise<T>, what: string): Promise<T> {
    return this.raceWithin(step, what, this.pageMs);
  }

  /** For work spanning many pages (OCR queued over the whole book): only the book's limit applies. */
  async raceBook<T>(step: Promise<T>): Promise<T> {
    return this.raceWithin(step, 'the book', Infinity);
  }

  private async raceWithin<T>(step: Promise<T>, what: string, pageMs: number): Promise<T> {
    const left = this.end - Date.now();
    if (left <= 0) throw this.bookTimeout();
    const bookFirst = left <= pageMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(bookFirst ? this.bookTimeout() : new PageTimeout(`${what} took longer than pageTimeoutMs (${this.pageMs} ms)`)),
        bookFirst ? left : pageMs,
      );
    });
    try {
      return await Promise.race([step, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
