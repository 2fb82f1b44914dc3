import { join } from 'node:path';
import { type BookStatus, recordStage, writeFileAtomic } from '@mtb/core';
import { pdfToHtml, type PdfToHtmlOptions } from './convert.js';

/**
 * The per-book `html` target: convert, then write book.html and
 * status/html.json atomically. A bad book still gets a valid (empty) book.html.
 */
export async function runPdfHtml(pdfPath: string, outDir: string, opts: PdfToHtmlOptions): Promise<BookStatus> {
  const result = await pdfToHtml(pdfPath, outDir, opts);
  writeFileAtomic(join(outDir, 'book.html'), result.html);
  return recordStage(join(outDir, 'status'), opts.bookId, result.status);
}
