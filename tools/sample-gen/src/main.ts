import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { writeFileIfChanged, createProgress } from '@mtb/core';
import { extractCaptions, formatCaptionTable, CAPTIONS_FILE } from './captions.js';
import { generateSample } from './sample.js';
import { generateBook } from './book.js';
import { generateCorpus } from './scale.js';

const program = new Command()
  .name('sample-gen')
  .description('Generate the committed sample corpus (datasets/sample) or large synthetic textbooks and corpora for tests and benchmarks.')
  .option('--out <dir>', 'output folder: the corpus folder for the sample and --corpus, any folder for --book-pages')
  .option('--book-pages <n>', 'write one illustrated book of about N pages (pdf + truth) instead of the sample', (v) => Number(v))
  .option('--corpus <books>', 'write a corpus of N generated books with planted duplicates instead of the sample', (v) => Number(v))
  .option('--pages-per-book <n>', 'with --corpus: pages per book', (v) => Number(v), 200)
  .option('--seed <seed>', 'seed for --book-pages and --corpus', 'mtb-scale')
  .option('--real-pdf-dir <dir>', 'folder with the real sample PDFs (pdkids, clinical-science-ace, peerj-bioinformatics)')
  .option('--refresh-captions <dir>', 'rebuild data/roco-cc-captions.tsv from the ROCO files in <dir> (CC BY and CC0 rows only)')
  .action(async (o: { out?: string; bookPages?: number; corpus?: number; pagesPerBook: number; seed: string; realPdfDir?: string; refreshCaptions?: string }) => {
    const t0 = Date.now();
    if (o.refreshCaptions) {
      const rows = extractCaptions(o.refreshCaptions);
      writeFileIfChanged(CAPTIONS_FILE, formatCaptionTable(rows));
      console.log(`${CAPTIONS_FILE}: ${rows.length} captions`);
      if (!o.out) return;
    }
    if (!o.out) usage('--out <dir> is required');
    const outDir = o.out;
    if (o.bookPages !== undefined) {
      if (!Number.isInteger(o.bookPages) || o.bookPages < 8) usage('--book-pages needs an integer of at least 8');
      const out = resolve(outDir);
      mkdirSync(out, { recursive: true });
      const r = await generateBook({ pages: o.bookPages, seed: o.seed, id: `generated-${o.bookPages}p` });
      const id = r.truth.bookId;
      writeFileSync(join(out, `${id}.pdf`), r.pdf);
      writeFileSync(join(out, `${id}.truth.json`), JSON.stringify(r.truth, null, 2) + '\n');
      console.log(`${join(out, id + '.pdf')}: ${r.truth.pageCount} pages, ${r.truth.figures.length} figures, ${(r.pdf.length / 1048576).toFixed(1)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else if (o.corpus !== undefined) {
      if (!Number.isInteger(o.corpus) || o.corpus < 2) usage('--corpus needs an integer of at least 2');
      const bars = { build: createProgress('building books', o.corpus, 'books'), render: createProgress('writing PDFs', o.corpus, 'books') };
      const m = await generateCorpus({
        outDir, books: o.corpus, pagesPerBook: o.pagesPerBook, seed: o.seed,
        progress: (phase, done, total) => {
          bars[phase].setTotal(total);
          bars[phase].increment();
          if (done === total) bars[phase].stop();
        },
      });
      console.log(`${resolve(outDir)}: ${m.books.length} books, ${m.totalPages} pages in ${((Date.now() - t0) / 1000).toFixed(1)} s (manifest: planted.json)`);
    } else {
      const r = await generateSample({ outDir, realPdfDir: o.realPdfDir, log: (s) => console.log(s) });
      const pages = r.books.reduce((s, b) => s + b.pages, 0);
      console.log(`${resolve(outDir)}: ${r.books.length} generated books, ${pages} pages, ${r.captionsUsed} ROCO captions, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  });

function usage(msg: string): never {
  console.error(`sample-gen: ${msg} (see --help)`);
  process.exit(2);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`sample-gen: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
