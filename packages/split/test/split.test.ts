import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookPaths, corpusPaths, recordStage, encodeWithSpecials } from '@mtb/core';
import { readIndex, readShardRows, writeRowsFile, type ShardRow } from '@mtb/shards';
import { assignSplit, formatSummary, planSplit, runSplit } from '@mtb/split';

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
  expect(first.segments.unit).toBe('book');
  expect(first.warnings).toEqual([]);
  expect(first.perBook).toHaveLength(40);
  expect(first.perBook[0]).toMatchObject({ extracted: expect.any(Number), content: expect.any(Number), kept: expect.any(Number) });
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

test('planSplit: a book-level split far from evalFraction falls back to segments (3 books: 69% eval before); never an empty eval from 20 segments', () => {
  // Three books, the largest of which hashes into eval, as in the 3-book corpus.
  const seed = 'mtb';
  let evalBook = '';
  for (let i = 0; !evalBook; i++) if (assignSplit(`book-${i}`, 0.05, seed) === 'eval') evalBook = `book-${i}`;
  const three = [{ bookId: evalBook, segments: 90 }, { bookId: 'other-a', segments: 20 }, { bookId: 'other-b', segments: 20 }].filter((b) => assignSplit(b.bookId, 0.05, seed) === 'train' || b.bookId === evalBook);
  const plan = planSplit(three, 0.05, seed, 'book');
  expect(plan.bookLevelEvalFraction).toBeGreaterThan(0.5);
  expect(plan.unit).toBe('segment');
  expect(plan.warning).toMatch(/too few for a book-level split near evalFraction 0\.05: whole books would put \d+\.\d% of 130 segments in eval/);
  const evalIds = three.flatMap((b) => Array.from({ length: b.segments }, (_, i) => plan.splitOf(b.bookId, `${b.bookId}/${i}`))).filter((x) => x === 'eval');
  expect(evalIds.length).toBe(Math.round(0.05 * 130));
  // Two books that both hash to train: whole books give an empty eval split.
  const two = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => `book-${x}`).filter((id) => assignSplit(id, 0.05, seed) === 'train').slice(0, 2).map((bookId) => ({ bookId, segments: 12 }));
  const p2 = planSplit(two, 0.05, seed, 'book');
  expect(p2.bookLevelEvalFraction).toBe(0);
  expect(p2.unit).toBe('segment');
  const count = (p: ReturnType<typeof planSplit>, books: typeof two) => books.flatMap((b) => Array.from({ length: b.segments }, (_, i) => p.splitOf(b.bookId, `${b.bookId}/${i}`))).filter((x) => x === 'eval').length;
  expect(count(p2, two)).toBe(1); // 24 segments: round(1.2) = 1
  // Below 20 segments an empty eval is allowed; at 20 it is not, even when 5% rounds to 1 anyway.
  expect(count(planSplit([{ bookId: 'x', segments: 9 }], 0.05, seed, 'segment'), [{ bookId: 'x', segments: 9 }])).toBe(0);
  expect(count(planSplit([{ bookId: 'x', segments: 20 }], 0.01, seed, 'segment'), [{ bookId: 'x', segments: 20 }])).toBe(1);
  // A split asked for by segment never warns.
  expect(planSplit(two, 0.05, seed, 'segment').warning).toBeNull();
});

test('a 3-book corpus falls back to a segment split, says so in stats.json and the summary', async () => {
  // All three book ids hash to train: whole books would give an empty eval split.
  makeCorpus({ 'book-a': 30, 'book-b': 30, 'book-c': 30 });
  const stats = await runSplit(corpus, { quiet: true });
  expect(stats.segments.bookLevelEvalFraction).toBe(0);
  expect(stats.segments.unit).toBe('segment');
  expect(stats.warnings).toHaveLength(1);
  expect(stats.warnings[0]).toMatch(/^3 books with segments are too few for a book-level split near evalFraction 0\.05: whole books would put 0\.0% of 90 segments in eval/);
  expect(formatSummary(stats)).toMatch(/split by segment: train 85 \/ eval 5 segments[\s\S]*\n  warning: 3 books with segments are too few/);
  expect(stats.segments.eval).toBe(Math.round(0.05 * 90));
  expect(JSON.parse(readFileSync(corpusPaths(corpus).stats, 'utf8')).warnings).toEqual(stats.warnings);
});
