import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { build, config, refilter, sharedPdf, type Built } from './build-book.js';

/**
 * Real PDFs whose text layer is sound throughout. tam-review.pdf and
 * tracemonkey-strip-images.pdf are not in this list: parts of their text
 * (tam-review from page 2 on, tracemonkey's chart labels) are set in fonts
 * without a Unicode map and decode to symbol soup, which the filter rightly drops.
 */
const CLEAN = ['pdkids.pdf', 'clinical-science-ace.pdf', 'peerj-bioinformatics.pdf', 'bmc-dvt-review-no-images.pdf', 'mask-figures.pdf', 'handbook-two-column.pdf'];

const haveShared = existsSync(join(sharedPdf, 'broken-encoding-textbook.pdf'));
const describeShared = haveShared ? describe : describe.skip;

describeShared('real PDFs from ../shared/corpus', () => {
  let root: string;
  const built = new Map<string, Built>();
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'filter-real-'));
    for (const f of [...CLEAN, 'broken-encoding-textbook.pdf']) built.set(f, await build(root, join(sharedPdf, f)));
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('broken-encoding-textbook.pdf: its garbage layer, set in SimSun, is replaced by Chinese OCR, which no filter takes for garbage; an English corpus drops it as another language', async () => {
    const { nodes, drops } = built.get('broken-encoding-textbook.pdf')!;
    const text = nodes.filter((n) => n.kind === 'text');
    expect(text.length).toBeGreaterThan(10);
    const han = (t: string): number => t.match(/\p{Script=Han}/gu)?.length ?? 0;
    expect(text.reduce((n, b) => n + han(b.text), 0)).toBeGreaterThan(200);
    expect(text.filter((n) => drops.get(n.seq)?.startsWith('garbled')).map((n) => n.text)).toEqual([]);
    // The default corpus keeps English only.
    const chinese = text.filter((n) => han(n.text) >= 8);
    expect(chinese.length).toBeGreaterThan(8);
    expect(chinese.filter((n) => drops.get(n.seq) !== 'language').map((n) => n.text)).toEqual([]);
    expect(nodes.filter((n) => n.kind === 'image' && !drops.has(n.seq)).length).toBeGreaterThan(0);
    // A corpus that keeps Chinese keeps those blocks.
    const again = await refilter(root, 'broken-encoding-textbook', parseCorpusConfig({ languages: ['cmn', 'eng'] }));
    expect(chinese.filter((n) => again.has(n.seq)).map((n) => `${again.get(n.seq)}: ${n.text}`)).toEqual([]);
  });

  it.each(CLEAN)('%s: no body paragraph is dropped as garbled', (file) => {
    const { nodes, drops } = built.get(file)!;
    const paragraphs = nodes.filter((n) => n.kind === 'text' && n.role === 'body' && n.text.split(/\s+/).length >= config.minWords);
    expect(paragraphs.length).toBeGreaterThan(0);
    expect(paragraphs.filter((n) => drops.get(n.seq)?.startsWith('garbled')).map((n) => `${drops.get(n.seq)}: ${n.text}`)).toEqual([]);
    expect(nodes.filter((n) => drops.get(n.seq) === 'language').map((n) => n.text)).toEqual([]);
  });
});
