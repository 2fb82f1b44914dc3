import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { assertValidBookId, bookIdFromPath, createLogger, createProgress, loadCorpusConfig, ocrLanguages, readBooksMeta } from '@mtb/core';
import { OcrSetupError, runPdfHtml } from '@mtb/pdf-html';
import { EXIT, exitCodes } from '../exit-codes.js';
import { recordOcrTime } from '../build/ocr-times.js';

const log = createLogger('pdf-html');

interface PdfHtmlOptions {
  out: string;
  config?: string;
  bookId?: string;
  books?: string;
}

export function registerPdfHtml(program: Command): void {
  const cmd = program
    .command('pdf-html')
    .description('PDF -> book.html + images/: text in reading order (columns, headings, paragraphs), every figure with its caption, page furniture marked')
    .argument('<pdf>', 'the book, usually <corpus>/pdf/<bookId>.pdf')
    .requiredOption('--out <dir>', 'the book\'s build folder, usually <corpus>/build/<bookId>')
    .option('--config <file>', 'corpus settings (default: corpus.json two levels above --out; absent file = defaults)')
    .option('--book-id <id>', 'book id written into book.html (default: the PDF\'s file stem as a slug)')
    .option('--books <file>', 'books.json whose "language" picks the OCR language (default: books.json beside corpus.json)')
    .addHelpText('after', '\nSettings used: bookTimeoutMs, pageTimeoutMs, maxPages, maxImagePixels, minSliverSide, maxImageSide, jpegQuality, ocr, ocrWorkers, languages and the garbled-text thresholds (see `mtb config --describe`).\nWrites book.html, images/p<page>-<n>.<ext> and status/html.json. A bad PDF (encrypted, damaged, empty, not a PDF, too slow) is recorded as failed with empty outputs and exit code 0.')
    .action(async (pdf: string, opts: PdfHtmlOptions) => {
      if (!existsSync(pdf) || !statSync(pdf).isFile()) {
        process.stderr.write(`mtb pdf-html: ${pdf} does not exist or is not a file: pass the path of a PDF\n`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      const outDir = resolve(opts.out);
      const bookId = opts.bookId ?? bookIdFromPath(pdf);
      assertValidBookId(bookId);
      const configFile = opts.config ?? join(dirname(dirname(outDir)), 'corpus.json');
      const config = loadCorpusConfig(configFile);
      const languages = ocrLanguages(readBooksMeta(opts.books ?? join(dirname(configFile), 'books.json'))[bookId], config.languages);
      let progress: ReturnType<typeof createProgress> | undefined;
      let result: Awaited<ReturnType<typeof runPdfHtml>>;
      try {
        result = await runPdfHtml(pdf, outDir, {
          bookId,
          config,
          languages,
          onPage: (done, total) => {
            progress ??= createProgress(`pdf-html ${bookId}`, total, 'pages');
            progress.increment();
            if (done === total) progress.stop();
          },
        });
      } catch (err) {
        progress?.stop();
        if (!(err instanceof OcrSetupError)) throw err;
        // Not the book's fault: every book needing OCR would fail the same way, so the run stops here.
        process.stderr.write(`mtb pdf-html: ${basename(pdf)} needs OCR, which cannot run: ${err.message}\n`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      progress?.stop();
      const { status, ocr } = result;
      recordOcrTime(outDir, bookId, ocr ? { ...ocr, languages } : undefined);
      const stage = status.stages.html!;
      const c = stage.counts;
      if (stage.state === 'failed') {
        log.warn(`${basename(pdf)}: failed (${stage.error?.class}): ${stage.error?.message}`);
        return;
      }
      const skipped = Object.entries(c).filter(([k]) => k.startsWith('images.skipped.')).map(([k, v]) => `${k.slice(15)} ${v}`);
      if (stage.state === 'partial') log.warn(`${basename(pdf)}: partial: ${stage.details[0]}`);
      log.info(`${basename(pdf)}: ${c.pages ?? 0} pages, ${c['images.extracted'] ?? 0} images${skipped.length ? ` (skipped: ${skipped.join(', ')})` : ''} -> ${join(outDir, 'book.html')}`);
      if (ocr) log.info(`${basename(pdf)}: OCR (${languages.join('+')}) of ${ocr.pages} page${ocr.pages === 1 ? '' : 's'}: ${(ocr.ms / 1000).toFixed(1)} s of recognition on ${ocr.workers} worker${ocr.workers === 1 ? '' : 's'} (${(ocr.ms / 1000 / ocr.pages).toFixed(2)} s/page)`);
      for (const d of stage.state === 'partial' ? stage.details.slice(1) : stage.details) log.warn(d);
    });
  exitCodes(cmd, {
    0: 'done, also for a bad PDF (encrypted, damaged, empty, too slow): it is recorded as failed in status/html.json with empty outputs; a file that lost pages is recorded as partial',
    2: 'the PDF does not exist, an invalid --book-id or corpus.json, bad options, or a page needs OCR and its language data is not installed',
  });
}
