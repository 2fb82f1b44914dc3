import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { furnitureScores, htmlBlocks, paragraphOrder, pdfToHtml, wordF1, type TruthLike } from '../src/index.js';

/**
 * The generated sample textbooks (tools/sample-gen) come with ground truth:
 * every block's text in reading order, every furniture line, every figure.
 * The thresholds are issue 3's acceptance figures.
 */
const SAMPLE = resolve(process.cwd(), 'datasets/sample');
const TRUTH = join(SAMPLE, 'truth');
const books = existsSync(TRUTH) ? readdirSync(TRUTH).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];

describe('generated sample textbooks against their ground truth', () => {
  const work = mkdtempSync(join(tmpdir(), 'pdf-html-truth-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has generated books to score', () => {
    expect(books.length).toBeGreaterThanOrEqual(3);
  });

  it.each(books)('%s: furniture, body text and paragraph order', async (id) => {
    const truth = JSON.parse(readFileSync(join(TRUTH, `${id}.json`), 'utf8')) as TruthLike & { pageCount: number; figures: unknown[] };
    const { status, html } = await pdfToHtml(join(SAMPLE, 'pdf', `${id}.pdf`), join(work, id), { bookId: id, config: parseCorpusConfig({}) });
    expect(status.state).toBe('ok');
    expect(status.counts.pages).toBe(truth.pageCount);
    const blocks = htmlBlocks(html);
    const furniture = furnitureScores(blocks, truth);
    expect(furniture.marked).toBeGreaterThanOrEqual(0.95);
    expect(furniture.wrongBody).toBeLessThanOrEqual(0.01);
    expect(wordF1(blocks, truth)).toBeGreaterThanOrEqual(0.98);
    const order = paragraphOrder(blocks, truth);
    expect(order.found).toBeGreaterThanOrEqual(0.95);
    expect(order.inOrder).toBeGreaterThanOrEqual(0.98);
    // Every figure of the book is written and captioned.
    expect(status.counts['images.captioned']).toBe(truth.figures.length);
  });
});
