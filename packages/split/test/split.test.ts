import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookPaths, corpusPaths, recordStage, encodeWithSpecials } from '@mtb/core';
import { readIndex, readShardRows, writeRowsFile, type ShardRow } from '@mtb/shards';
import { assignSplit, formatSummary, runSplit } from '@mtb/split';

let corpus: string;
beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'split-')); });
afterEach(() => rmSync(corpus, { recursive: true, force: true }));

function segment(bookId: string, i: number): ShardRow {
  const text = `<image>Figure ${i} of ${bookId}.<|endofchunk|>`;
  const ids = Int32Array.from(encodeWithSpecials(text));
  return { id: `${bookId}/${i}`, source: 'mtb', book_id: bookId, text, images: [{ bytes: Uint8Array.of(i, 2, 3), path: `${bookId}/p${i}-1.jpg` }], input_ids: ids, num_tokens: ids.length, num_images: 1, pages: [i] };
}

function makeCorpus(books: Record<string, number>, extra: (id: string) => void = () => undefined): void {
  mkdirSync(join(corpus, 'pdf'), { recursive: true });
  mkdirSync(corpusPaths(corpus).dedupDir, { recursive: true });
  writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ name: 'tiny', maxShardBytes: 4000 }));
  writeFileSync(join(corpus, 'books.json'), JSON.stringify({ 'book-a': { specialty: 'Cardiology' } }));
  for (const [id, n] of Object.entries(books)) {
    writeFileSync(join(corpus, 'pdf', `${id}.pdf`), '%PDF-1.4');
    const p = bookPaths(corpus, id);
    recordStage(p.status, id, { stage: 'html', state: 'ok', counts: { pages: 10 }, details: [] });
    recordStage(p.status, id, { stage: 'filter', state: 'ok', counts: { 'images.in': n + 2, 'tokens.in': 100 * n, 'drop-images.small': 2, 'drop-tokens.toc': 10 }, details: [] });
    recordStage(p.status, id, { stage: 'segments', state: 'ok', counts: { 'tokens.kept': 8 * n, 'drop-tokens.no-image': 5 }, details: [] });
    writeRowsFile(p.segments, Array.from({ length: n }, (_, i) => segment(id, i)));
    writeFileSync(p.dropList, JSON.stringify({ bookId: id, wholeBook: null, drops: [] }));
    extra(id);
  }
}

test('segment unit: realized eval fraction on 10,000 segments is 0.05 +- 0.005', () => {
  let evalCount = 0;
  for (let i = 0; i < 10_000; i++) if (assignSplit(`book-${i % 37}/${i}`, 0.05, 'mtb') === 'eval') evalCount++;
  expect(Math.abs(evalCount / 10_000 - 0.05)).toBeLessThanOrEqual(0.005);
});

test('book unit: no book in both splits; byte-identical across runs; stats and summary', async () => {
  const books = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`book-${String.fromCharCode(97 + (i % 26))}${i}`, 1 + (i % 4)]));
  books['book-a'] = 3;
  makeCorpus(books, (id) => {
    if (id === 'book-b1') recordStage(bookPaths(corpus, id).status, id, { stage: 'tokens', state: 'failed', error: { class: 'corrupt', message: 'book-b1.pdf: broken xref' }, counts: {}, details: [] });
    if (id === 'book-c2') writeFileSync(bookPaths(corpus, id).dropList, JSON.stringify({ bookId: id, wholeBook: { twinBook: 'book-a', similarity: 0.93 }, drops: [] }));
  });
  const c = corpusPaths(corpus);
  const first = await runSplit(corpus, { quiet: true });
  const snapshot = () => ['train', 'eval'].flatMap((s) => {
    const dir = join(c.shardsDir, s);
    return [...readIndex(dir).shards.map((e) => readFileSync(join(dir, e.file)).toString('base64')), readFileSync(join(dir, 'state.json'), 'utf8')];
  }).concat(readFileSync(c.stats, 'utf8'));
  const a = snapshot();
  await runSplit(corpus, { quiet: true });
  expect(snapshot()).toEqual(a);
  expect(readIndex(c.trainDir).shards.length).toBeGreaterThan(1);

  const splitOf = new Map<string, Set<string>>();
  for (const s of ['train', 'eval']) {
    const dir = join(c.shardsDir, s);
    for (const e of readIndex(dir).shards) {
      for await (const row of readShardRows(join(dir, e.file))) {
        if (!splitOf.has(row.book_id)) splitOf.set(row.book_id, new Set());
        splitOf.get(row.book_id)!.add(s);
      }
    }
  }
  expect([...splitOf.values()].every((s) => s.size === 1)).toBe(true);
  expect(splitOf.has('book-b1')).toBe(false);

  const total = Object.entries(books).filter(([id]) => id !== 'book-b1').reduce((n, [, k]) => n + k, 0);
  expect(first.segments.total).toBe(total);
  expect(first.segments.train + first.segments.eval).toBe(total);
  expect(first.books).toMatchObject({ total: 41, ok: 40, failed: 1, failedByClass: { corrupt: 1 }, droppedAsDuplicate: 1 });
  expect(first.images.kept).toBe(total);
  expect(first.images.droppedByReason.small).toBe(2 * 41);
  expect(first.specialties.Cardiology).toEqual({ books: 1, segments: 3, images: 3, tokens: first.specialties.Cardiology!.tokens });
  expect(first.histograms.imagesPerSegment.counts[1]).toBe(total);
  expect(first.histograms.tokensPerSegment.counts.reduce((x, y) => x + y, 0)).toBe(total);
  const summary = formatSummary(first);
  expect(summary).toMatch(/^tiny: 39 books, \d+ images, [\d.,K]+ tokens in \d+ segments/);
  expect(summary).toMatch(/1 book failed: corrupt 1/);
  expect(summary).toMatch(/1 book dropped as duplicate/);
});

test('segment unit spreads one book over both splits', async () => {
  makeCorpus({ 'big-book': 400 });
  writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ name: 'tiny', splitUnit: 'segment', evalFraction: 0.1 }));
  const stats = await runSplit(corpus, { quiet: true });
  expect(stats.segments.eval).toBeGreaterThan(20);
  expect(stats.segments.eval).toBeLessThan(60);
  expect(stats.segments.booksPerSplit).toEqual({ train: 1, eval: 1 });
});
