import { join } from 'node:path';
import { type BookStatus, recordStage, writeFileAtomic } from '@mtb/core';
import { pdfToHtml, type PdfToHtmlOptions, type PdfToHtmlResult } from './convert.js';

/**
 * The per-book `html` target: convert, then write book.html and
 * status/html.json atomically. A bad book still gets a valid (empty) book.html.
 * OCR timings come back beside the status, never inside it (status.json must
 * be the same bytes on every run).
 */
export async function runPdfHtml(pdfPath: string, outDir: string, opts: PdfToHtmlOptions): Promise<{ status: BookStatus; ocr?: PdfToHtmlResult['ocr'] }> {
  const result = await pdfToHtml(pdfPath, outDir, opts);
  writeFileAtomic(join(outDir, 'book.html'), result.html);
  const status = recordStage(join(outDir, 'status'), opts.bookId, result.status);
  return result.ocr ? { status, ocr: result.ocr } : { status };
}
