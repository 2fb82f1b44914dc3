import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bookIdFromPath, encodePlain, parseCorpusConfig } from '@mtb/core';
import { runPdfHtml } from '@mtb/pdf-html';
import { readNodes, runTokensStage, type NodeRow } from '@mtb/image-tokens';
import { applyFilters, measurePixels, type PixelStats } from '@mtb/dedup-filter';
import type { BenchCase } from '../types.js';

/**
 * Content filters (DESIGN.md 4.3): every filter over every node of real books
 * (the sample textbooks and the clean files of ../shared/corpus, run through
 * pdf-html and tokens in setup), in MB of text per second on one core. The
 * baseline is the tokens stage's LLaMA tokenizer on the same text: the cost
 * every block already pays once, so the filters should not be the bottleneck.
 * Pixel statistics (sharp, once per image) are timed apart in extras.
 */
const SAMPLE_PDF = resolve(process.cwd(), 'datasets/sample/pdf');
const CORPUS_PDF = resolve(process.cwd(), '../shared/corpus/pdf');
const CORPUS_FILES = ['pdkids.pdf', 'clinical-science-ace.pdf', 'bmc-dvt-review-no-images.pdf', 'mask-figures.pdf', 'peerj-bioinformatics.pdf', 'tam-review.pdf'];

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const config = parseCorpusConfig({});
  const books: Array<{ id: string; nodes: NodeRow[]; pixels: Map<number, PixelStats> }> = [];
  let root = '';
  /** Filled in by setup: the harness holds this object, not a copy. */
  const work = { unit: 'MB', amount: 0 };
  const copies = opts.quick ? 1 : 4;
  return [
    {
      name: 'filters',
      description: `all content filters over real books' nodes (${copies}x sample + corpus), baseline: encodePlain of the same text`,
      work,
      repetitions: opts.quick ? 2 : 5,
      async setup() {
        root = mkdtempSync(join(tmpdir(), 'bench-filters-'));
        const pdfs = [
          ...(existsSync(SAMPLE_PDF) ? readdirSync(SAMPLE_PDF).filter((f) => f.endsWith('.pdf')).map((f) => join(SAMPLE_PDF, f)) : []),
          ...CORPUS_FILES.map((f) => join(CORPUS_PDF, f)).filter(existsSync),
        ];
        for (const pdf of pdfs) {
          const id = bookIdFromPath(pdf);
          const dir = join(root, 'build', id);
          mkdirSync(dir, { recursive: true });
          await runPdfHtml(pdf, dir, { bookId: id, config });
          await runTokensStage(dir, { config, quiet: true });
          const nodes = readNodes(join(dir, 'nodes.arrow'));
          const { stats } = await measurePixels(nodes, config.maxImagePixels);
          for (let c = 0; c < copies; c++) books.push({ id: `${id}-${c}`, nodes, pixels: stats });
        }
        work.amount = Buffer.byteLength(books.flatMap((b) => b.nodes.map((n) => n.text)).join('\n')) / 1e6;
      },
      async ours() {
        for (const b of books) applyFilters(b.id, b.nodes, config, b.pixels);
      },
      baseline: {
        name: 'encodePlain (tokens stage)',
        async run() {
          for (const b of books) for (const n of b.nodes) encodePlain(n.text);
        },
      },
      async extras() {
        let dropped = 0, nodes = 0, images = 0;
        for (const b of books) {
          const out = applyFilters(b.id, b.nodes, config, b.pixels);
          dropped += out.drops.length;
          nodes += b.nodes.length;
          images += b.nodes.filter((n) => n.kind === 'image').length;
        }
        const t = performance.now();
        for (const b of books.slice(0, books.length / copies)) await measurePixels(b.nodes, config.maxImagePixels);
        const pixelMs = performance.now() - t;
        return {
          books: books.length, nodes, droppedShare: Number((dropped / nodes).toFixed(3)), textMB: Number(work.amount.toFixed(2)),
          pixelStatsImagesPerSec: Math.round(images / copies / (pixelMs / 1000)),
        };
      },
      async teardown() {
        rmSync(root, { recursive: true, force: true });
      },
    },
  ];
}
