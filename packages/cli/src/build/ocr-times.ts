import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { corpusPaths, writeJsonAtomic } from '@mtb/core';

/** What OCR cost one book's html stage, when it last ran (not from the Nx cache). */
export interface OcrTime {
  pages: number;
  ms: number;
  workers: number;
  languages: string[];
}

/**
 * Where a book's OCR time goes: `<corpus>/report/ocr/<bookId>.json`. Times differ on
 * every run, so they stay out of the book's outputs and stats.json (both byte-identical
 * across reruns) and beside build-times.json instead. Undefined for a book folder that
 * is not `<corpus>/build/<bookId>` (a one-off `mtb pdf-html --out somewhere`).
 */
export function ocrTimeFile(bookOutDir: string, bookId: string): string | undefined {
  const buildDir = dirname(bookOutDir);
  if (basename(buildDir) !== 'build') return undefined;
  return join(corpusPaths(dirname(buildDir)).reportDir, 'ocr', `${bookId}.json`);
}

/** Records (or, when the run needed no OCR, clears) a book's OCR time. */
export function recordOcrTime(bookOutDir: string, bookId: string, ocr: OcrTime | undefined): void {
  const file = ocrTimeFile(bookOutDir, bookId);
  if (!file) return;
  if (ocr) writeJsonAtomic(file, ocr);
  else rmSync(file, { force: true });
}

/** OCR pages and recognition time summed over a corpus's books, as last recorded. */
export function sumOcrTimes(corpusDir: string, bookIds: readonly string[]): { books: number; pages: number; ms: number } {
  const total = { books: 0, pages: 0, ms: 0 };
  for (const id of bookIds) {
    const file = join(corpusPaths(corpusDir).reportDir, 'ocr', `${id}.json`);
    if (!existsSync(file)) continue;
    let t: Partial<OcrTime>;
    try {
      t = JSON.parse(readFileSync(file, 'utf8')) as Partial<OcrTime>;
    } catch {
      continue; // unreadable (edited by hand?): the book's next html run rewrites it
    }
    if (typeof t.pages !== 'number' || typeof t.ms !== 'number') continue;
    total.books += 1;
    total.pages += t.pages;
    total.ms += t.ms;
  }
  return total;
}
