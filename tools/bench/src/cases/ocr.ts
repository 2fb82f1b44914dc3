import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { buildLines, classifyPage, htmlScoredText, normalizeText, openPdf, pdfToHtml, readPage, scannedCopy } from '@mtb/pdf-html';
import { LAYOUT_CORPUS, layoutScore, round3, scoreAgainst } from '../layout-score.js';
import type { BenchCase } from '../types.js';

/**
 * OCR (issue 19): a scanned copy of a layout-corpus document (each page
 * rendered at 150 dpi, as `pdftoppm -r 150` would, and placed as a full-page
 * JPEG with no text layer) goes through the stage; its OCR'd text is scored
 * against the born-digital conversion of the same file (word recall, 8-gram
 * F1) and both against the corpus truth, beside poppler's published figure.
 * Timed: the scanned copy's conversion; reported: OCR pages per second per
 * worker. A second case times `ocr: "auto"` against `ocr: "off"` on
 * born-digital books: the cost of deciding that no page needs OCR.
 */
const DOCS: Array<{ name: string; pages: number }> = [
  { name: 'docling-amt-handbook', pages: 1 },
  { name: 'wtfgenes-preprint', pages: 8 },
  { name: 'palm-lab-manual', pages: 32 },
];

function scannedCase(doc: { name: string; pages: number }): BenchCase {
  const pdf = join(LAYOUT_CORPUS, 'pdf', `${doc.name}.pdf`);
  const truth = join(LAYOUT_CORPUS, 'truth', `${doc.name}.txt`);
  let dir = '';
  let scanned = '';
  let last: Awaited<ReturnType<typeof pdfToHtml>> | undefined;
  const config = parseCorpusConfig({});
  return {
    name: `ocr scanned ${doc.name}`,
    description: `${doc.name} (${doc.pages} pages) scanned at 150 dpi, image only: OCR'd text vs the born-digital conversion and vs the truth`,
    work: { unit: 'pages', amount: doc.pages },
    repetitions: 1,
    warmup: false,
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'bench-ocr-'));
      scanned = join(dir, `${doc.name}-scanned.pdf`);
      writeFileSync(scanned, await scannedCopy(new Uint8Array(readFileSync(pdf)), pdf, { dpi: 150 }));
    },
    ours: async () => {
      last = await pdfToHtml(scanned, join(dir, 'scanned'), { bookId: doc.name, config });
      if (last.status.state !== 'ok') throw new Error(`${scanned}: ${last.status.state} ${last.status.error?.message ?? ''}`);
    },
    extras: async () => {
      const born = await pdfToHtml(pdf, join(dir, 'born'), { bookId: doc.name, config });
      const vsBorn = scoreAgainst(born.html, last!.html);
      const ocrVsTruth = layoutScore(truth, last!.html);
      const bornVsTruth = layoutScore(truth, born.html);
      const ocr = last!.ocr;
      const c = last!.status.counts;
      return {
        'pages OCRd': c['pages.ocr'] ?? 0,
        'figures cropped from the scans': c['images.rendered.scan'] ?? 0,
        'figures in the born-digital conversion': (born.status.counts['images.extracted'] ?? 0) + (born.status.counts['images.rendered.vector'] ?? 0),
        ...(ocr ? { 'OCR workers': ocr.workers, 'OCR s/page per worker': Number((ocr.ms / 1000 / ocr.pages).toFixed(2)), 'OCR pages/s per core': Number((ocr.pages / (ocr.ms / 1000)).toFixed(3)) } : {}),
        'OCR vs born-digital: word recall': round3(vsBorn.words.r),
        'OCR vs born-digital: 8-gram F1': round3(vsBorn.gram8.f1),
        'OCR vs truth: word F1': round3(ocrVsTruth.words.f1),
        'OCR vs truth: 8-gram F1': round3(ocrVsTruth.gram8.f1),
        'born-digital vs truth: word F1': round3(bornVsTruth.words.f1),
        'born-digital vs truth: 8-gram F1': round3(bornVsTruth.gram8.f1),
      };
    },
    teardown: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** ocr "auto" vs "off" on born-digital books: only the per-page decision differs (no page of these needs OCR). */
function autoCostCase(file: string, pages: number, reps: number): BenchCase {
  let dir = '';
  let auto: Awaited<ReturnType<typeof pdfToHtml>> | undefined;
  return {
    name: `ocr auto cost ${file.split('/').pop()}`,
    description: `${file.split('/').pop()} (${pages} pages, born-digital): the stage with ocr "auto" vs ocr "off"; ratio - 1 is the cost of detection`,
    work: { unit: 'pages', amount: pages },
    repetitions: reps,
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'bench-ocr-auto-'));
    },
    ours: async () => {
      auto = await pdfToHtml(file, join(dir, 'auto'), { bookId: 'auto', config: parseCorpusConfig({ ocr: 'auto' }) });
    },
    baseline: {
      name: 'ocr off',
      run: async () => void (await pdfToHtml(file, join(dir, 'off'), { bookId: 'off', config: parseCorpusConfig({ ocr: 'off' }) })),
    },
    extras: async () => {
      // The decision itself, timed alone over every page (lines as the stage builds them): what "auto" adds.
      const config = parseCorpusConfig({});
      const doc = await openPdf(new Uint8Array(readFileSync(file)), file, { maxImageSize: config.maxImagePixels });
      const pagesIn: Array<Parameters<typeof classifyPage>[0]> = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const c = await readPage(page, normalizeText);
        pagesIn.push({ width: c.width, height: c.height, lines: buildLines(c.runs), imageBoxes: c.draws.map((d) => d.box) });
        page.cleanup();
      }
      await doc.destroy();
      const reps = 20;
      const t0 = performance.now();
      for (let k = 0; k < reps; k++) for (const p of pagesIn) classifyPage(p, 'auto', config);
      const decideMs = (performance.now() - t0) / reps;
      return {
        'pages OCRd under auto': auto?.status.counts['pages.ocr'] ?? 0,
        'decision ms per book': Number(decideMs.toFixed(2)),
        cores: availableParallelism(),
      };
    },
    teardown: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BROKEN_ENCODING = join(LAYOUT_CORPUS, '..', 'pdf', 'broken-encoding-textbook.pdf');
const han = (text: string): number => text.match(/\p{Script=Han}/gu)?.length ?? 0;

/**
 * broken-encoding-textbook.pdf: a Chinese page whose text layer decodes to
 * Latin-1 garbage, converted with the defaults. Its fonts (SimSun) choose the
 * OCR model; beside our Chinese characters, pdftotext's from the same page.
 * (Scored against MinerU's own annotation of the page in the pdf-html README;
 * that annotation is not ours to ship.)
 */
function brokenEncodingCase(): BenchCase {
  let dir = '';
  let last: Awaited<ReturnType<typeof pdfToHtml>> | undefined;
  return {
    name: 'ocr broken-encoding-textbook',
    description: 'a Chinese page with a garbage text layer, default settings: OCR model chosen by its fonts; Chinese characters vs pdftotext; its scanned copy',
    work: { unit: 'pages', amount: 1 },
    repetitions: 1,
    warmup: false,
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'bench-ocr-cjk-'));
    },
    ours: async () => {
      last = await pdfToHtml(BROKEN_ENCODING, join(dir, 'out'), { bookId: 'broken-encoding-textbook', config: parseCorpusConfig({}) });
    },
    extras: async () => {
      const c = last!.status.counts;
      const poppler = spawnSync('pdftotext', [BROKEN_ENCODING, '-'], { encoding: 'utf8' });
      const confidences = [...last!.html.matchAll(/data-confidence="([\d.]+)"/g)].map((m) => Number(m[1]));
      // Its scanned copy has no fonts to tell the script: read as English it is no text, and the other installed models are tried.
      const scanned = join(dir, 'scanned.pdf');
      writeFileSync(scanned, await scannedCopy(new Uint8Array(readFileSync(BROKEN_ENCODING)), BROKEN_ENCODING, { dpi: 150 }));
      const scan = await pdfToHtml(scanned, join(dir, 'scanned'), { bookId: 'broken-encoding-scanned', config: parseCorpusConfig({}) });
      const sc = scan.status.counts;
      return {
        'OCR language': Object.keys(c).find((k) => k.startsWith('pages.ocr.script.'))?.slice('pages.ocr.script.'.length) ?? 'book default (eng)',
        'Chinese characters: ours': String(han(htmlScoredText(last!.html))),
        'Chinese characters: pdftotext': poppler.error ? 'pdftotext not installed' : String(han(poppler.stdout)),
        'block confidence range': confidences.length ? `${Math.min(...confidences).toFixed(2)}-${Math.max(...confidences).toFixed(2)}` : 'none',
        'scanned copy: OCR language': Object.keys(sc).find((k) => k.startsWith('pages.ocr.fallback.'))?.slice('pages.ocr.fallback.'.length) ?? 'book default (eng)',
        'scanned copy: Chinese characters': String(han(htmlScoredText(scan.html))),
      };
    },
    teardown: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  if (!existsSync(LAYOUT_CORPUS)) return [];
  const list = (opts.quick ? DOCS.slice(0, 1) : DOCS).map(scannedCase);
  if (existsSync(BROKEN_ENCODING)) list.push(brokenEncodingCase());
  for (const [file, pages] of [[join(LAYOUT_CORPUS, 'pdf', 'palm-lab-manual.pdf'), 32], [join(LAYOUT_CORPUS, 'pdf', 'primer-ecology-ch9.pdf'), 33]] as const) {
    list.push(autoCostCase(file, pages, opts.quick ? 3 : 7));
  }
  return list;
}
