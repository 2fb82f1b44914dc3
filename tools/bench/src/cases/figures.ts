import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { htmlBlocks, pdfToHtml } from '@mtb/pdf-html';
import { LAYOUT_CORPUS } from '../layout-score.js';
import type { BenchCase } from '../types.js';

/**
 * Vector figures (issue 19): figures drawn with path operators are rendered
 * from the page with their labels and linked to their captions. Reported per
 * file: figures rendered, drawn images folded into them, and how many of the
 * truth's captions (layout corpus) end up in a <figcaption>. On files whose
 * figures are all raster or that have none, a rendered figure is a false one
 * (boxes, rules, table grids): those files must report zero. Timed: the stage
 * with figure detection against the same stage on the same file, OCR off.
 */
const CORPUS_PDF = resolve(process.cwd(), '../shared/corpus/pdf');

const norm = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Truth captions (CAPTION: lines) found at the start of a figcaption (first 6 words, the "Figure n" label left out). */
function captionsMatched(truthTxt: string, html: string): { truth: number; matched: number } {
  const truth = readFileSync(truthTxt, 'utf8').split('\n').filter((l) => l.startsWith('CAPTION: ')).map((l) => norm(l.slice(9)).split(' ').slice(0, 6).join(' '));
  const ours = htmlBlocks(html).filter((b) => b.tag === 'figcaption').map((b) => norm(b.text));
  const used = new Set<number>();
  let matched = 0;
  for (const t of truth) {
    const i = ours.findIndex((c, k) => !used.has(k) && c.includes(t));
    if (i >= 0) {
      used.add(i);
      matched++;
    }
  }
  return { truth: truth.length, matched };
}

function figureCase(name: string, pdf: string, pages: number, truth?: string): BenchCase {
  let dir = '';
  let last: Awaited<ReturnType<typeof pdfToHtml>> | undefined;
  const config = parseCorpusConfig({ ocr: 'off' });
  return {
    name: `figures ${name}`,
    description: `${name} (${pages} pages): vector figures rendered with their labels and captions`,
    work: { unit: 'pages', amount: pages },
    repetitions: 1,
    warmup: false,
    setup: async () => {
      dir = mkdtempSync(join(tmpdir(), 'bench-figures-'));
    },
    ours: async () => {
      last = await pdfToHtml(pdf, dir, { bookId: name, config });
    },
    extras: async () => {
      const c = last!.status.counts;
      const figures = [...last!.html.matchAll(/<figure /g)].length;
      const captioned = [...last!.html.matchAll(/<figcaption>/g)].length;
      const caps = truth && existsSync(truth) ? captionsMatched(truth, last!.html) : undefined;
      return {
        'vector figures rendered': c['images.rendered.vector'] ?? 0,
        'drawn images folded into them': c['images.skipped.in-figure'] ?? 0,
        'drawn images written': c['images.extracted'] ?? 0,
        'figures in book.html': figures,
        'figures with a caption': captioned,
        ...(caps ? { 'truth captions': caps.truth, 'truth captions in a figcaption': caps.matched } : {}),
      };
    },
    teardown: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const list: BenchCase[] = [];
  const layout = (n: string, pages: number): void => {
    const pdf = join(LAYOUT_CORPUS, 'pdf', `${n}.pdf`);
    if (existsSync(pdf)) list.push(figureCase(n, pdf, pages, join(LAYOUT_CORPUS, 'truth', `${n}.txt`)));
  };
  layout('primer-ecology-ch9', 33);
  layout('docling-amt-handbook', 1);
  if (existsSync(join(CORPUS_PDF, 'tracemonkey-strip-images.pdf'))) list.push(figureCase('tracemonkey-strip-images', join(CORPUS_PDF, 'tracemonkey-strip-images.pdf'), 14));
  // No vector figure on these: every rendered one is false (boxes, rules, code blocks, table grids).
  layout('palm-lab-manual', 32);
  layout('cdl-lab-manual', 44);
  if (!opts.quick) {
    layout('bb511-ion-transport', 30);
    layout('ma32009-math-biology', 108);
  }
  return list;
}
