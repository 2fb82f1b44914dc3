import { decodeSignatures, encodeSignatures, formatDropList, jaccard, joinSignatures } from '@mtb/dedup-filter';
import { defaultHashers, edit, JOIN_DEFAULTS, memorySource, paragraph, signaturesOf, textNode, withImages } from './fixtures.js';

describe('corpus dedup join', () => {
  it('drops exact copies of paragraphs (across and within books), keeps the first, names its twin; short blocks are exempt', async () => {
    const h = await defaultHashers();
    const p1 = paragraph(1);
    const a = await signaturesOf('a', [textNode(0, 'Introduction'), textNode(1, p1), textNode(2, paragraph(2)), textNode(3, p1.toUpperCase())], h);
    const b = await signaturesOf('b', [textNode(0, 'Introduction'), textNode(5, `${p1.replace(/ /g, '\n')}.`), textNode(7, paragraph(3))], h);
    const { lists, summary } = joinSignatures(memorySource([b, a]), JOIN_DEFAULTS);
    expect(lists.map((l) => l.bookId)).toEqual(['a', 'b']);
    expect(lists[0]!.drops).toEqual([{ seq: 3, reason: 'exact-text', twin: 'a/1', similarity: 1 }]);
    expect(lists[1]!.drops).toEqual([{ seq: 5, reason: 'exact-text', twin: 'a/1', similarity: 1 }]);
    expect(summary.text.eligible).toBe(5); // the one-word headings take no part
  });

  it('keeps blocks that differ in a number: exact duplicates keep digits, captions never fold them', async () => {
    const h = await defaultHashers();
    const captions = ['Figure 12.8: Chick embryo at 33 hours.', 'Figure 12.9: Chick embryo at 48 hours.'];
    // A long caption and a long paragraph that differ only in their numbers (many of them).
    const numbered = (base: number, words: number) => Array.from({ length: words }, (_, i) => (i % 4 === 3 ? String(base + i) : paragraph(30).split(' ')[i % 40])).join(' ');
    const longCaption = [numbered(100, 60), numbered(700, 60)];
    const longParagraph = [numbered(100, 80), numbered(700, 80)];
    const shortParagraph = [numbered(100, 40), numbered(700, 40)];
    const a = await signaturesOf('a', [
      { ...textNode(0, captions[0]!), role: 'caption' }, { ...textNode(1, captions[1]!), role: 'caption' }, { ...textNode(2, captions[1]!), role: 'caption' },
      { ...textNode(3, longCaption[0]!), role: 'caption' }, { ...textNode(4, longCaption[1]!), role: 'caption' },
      textNode(5, longParagraph[0]!), textNode(6, longParagraph[1]!), textNode(7, shortParagraph[0]!), textNode(8, shortParagraph[1]!),
    ], h);
    const { lists } = joinSignatures(memorySource([a]), JOIN_DEFAULTS);
    // Only the true copy of a caption and the renumbered long paragraph (digits folded) go.
    expect(lists[0]!.drops.map((d) => [d.seq, d.reason, d.twin])).toEqual([[2, 'exact-text', 'a/1'], [6, 'near-text', 'a/5']]);
    expect(h.shingles.features(longParagraph[0]!).foldsDigits).toBe(true);
    expect(h.shingles.features(longCaption[0]!, { caption: true }).foldsDigits).toBe(false);
    expect(h.shingles.features(shortParagraph[0]!).foldsDigits).toBe(false);
  });

  it('drops verified near-duplicates and never merges transitively', async () => {
    const h = await defaultHashers();
    const A = paragraph(10, 120);
    const B = edit(A, 2, 'bb');
    const C = edit(B, 2, 'cc', 20); // similar to B, not to A
    const D = paragraph(11, 120);
    const sets = [A, B, C].map((t) => h.shingles.shingles(t));
    expect(jaccard(sets[0]!, sets[1]!)).toBeGreaterThanOrEqual(0.8);
    expect(jaccard(sets[1]!, sets[2]!)).toBeGreaterThanOrEqual(0.8);
    expect(jaccard(sets[0]!, sets[2]!)).toBeLessThan(0.8);
    const book1 = await signaturesOf('book1', [textNode(0, A), textNode(1, D)], h);
    const book2 = await signaturesOf('book2', [textNode(0, B), textNode(1, C)], h);
    const { lists } = joinSignatures(memorySource([book1, book2]), JOIN_DEFAULTS);
    expect(lists[0]!.drops).toEqual([]);
    const sim = Math.round(jaccard(sets[0]!, sets[1]!) * 1e4) / 1e4;
    // B goes (twin A); C resembles only B, which is dropped, so C stays
    expect(lists[1]!.drops).toEqual([{ seq: 0, reason: 'near-text', twin: 'book1/0', similarity: sim }]);
  });

  it('an exact copy of a near-duplicate points to the kept twin', async () => {
    const h = await defaultHashers();
    const A = paragraph(20, 100);
    const B = edit(A, 1, 'x');
    const a = await signaturesOf('a', [textNode(0, A), textNode(1, B), textNode(2, B)], h);
    const { lists } = joinSignatures(memorySource([a]), JOIN_DEFAULTS);
    expect(lists[0]!.drops.map((d) => [d.seq, d.reason, d.twin])).toEqual([[1, 'near-text', 'a/0'], [2, 'near-text', 'a/0']]);
  });

  it('drops a second copy of a book whole, keeps a new edition with only its shared paragraphs dropped', async () => {
    const h = await defaultHashers();
    const paras = Array.from({ length: 30 }, (_, i) => paragraph(100 + i));
    const first = await signaturesOf('anatomy-1e', paras.map((p, i) => textNode(i, p)), h);
    const copy = await signaturesOf('anatomy-copy', paras.map((p, i) => textNode(i * 2, i === 3 ? edit(p, 1, 'typo') : p)), h);
    const editionParas = [...paras.slice(0, 12), ...Array.from({ length: 18 }, (_, i) => paragraph(500 + i))];
    const edition = await signaturesOf('anatomy-2e', editionParas.map((p, i) => textNode(i, p)), h);
    const { lists, summary } = joinSignatures(memorySource([first, copy, edition]), JOIN_DEFAULTS);
    const byId = new Map(lists.map((l) => [l.bookId, l]));
    expect(byId.get('anatomy-copy')!.wholeBook).toEqual({ twinBook: 'anatomy-1e', similarity: expect.any(Number) });
    expect(byId.get('anatomy-copy')!.wholeBook!.similarity).toBeGreaterThan(0.95);
    expect(byId.get('anatomy-copy')!.drops).toEqual([]);
    expect(byId.get('anatomy-2e')!.wholeBook).toBeNull();
    expect(byId.get('anatomy-2e')!.drops.map((d) => d.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(byId.get('anatomy-2e')!.drops.every((d) => d.reason === 'exact-text' && d.twin!.startsWith('anatomy-1e/'))).toBe(true);
    expect(summary.wholeBookDrops.map((w) => w.bookId)).toEqual(['anatomy-copy']);
  });

  it('images: exact by pixels, near by pHash distance, decorative above the repeat limit', async () => {
    const h = await defaultHashers();
    const text = await signaturesOf('x', [], h);
    const logo = { pixel: [11, 11] as [number, number], phash: [0xf0f0f0f0, 0x0f0f0f0f] as [number, number] };
    const photo = { pixel: [22, 22] as [number, number], phash: [0x12345678, 0x9abcdef0] as [number, number] };
    const photoRescaled = { pixel: [23, 23] as [number, number], phash: [0x12345678 ^ 0b10110, 0x9abcdef0 ^ 0x100] as [number, number] }; // 4 bits
    const other = { pixel: [24, 24] as [number, number], phash: [0x12345678 ^ 0xff, 0x9abcdef0] as [number, number] }; // 8 bits: not near
    const books = [];
    for (let b = 0; b < 6; b++) {
      // the logo twice per book: 12 occurrences > 10
      const imgs = [{ seq: 0, ...logo }, { seq: 9, ...logo }];
      if (b === 0) imgs.push({ seq: 1, ...photo }, { seq: 2, ...photo });
      if (b === 1) imgs.push({ seq: 3, ...photoRescaled }, { seq: 4, ...other });
      books.push(withImages({ ...text, bookId: `book${b}` }, imgs));
    }
    const { lists, summary } = joinSignatures(memorySource(books), JOIN_DEFAULTS);
    expect(lists[0]!.drops).toEqual([
      { seq: 0, reason: 'decorative', twin: null, similarity: null },
      { seq: 2, reason: 'exact-image', twin: 'book0/1', similarity: 1 },
      { seq: 9, reason: 'decorative', twin: 'book0/0', similarity: 1 },
    ]);
    expect(lists[1]!.drops).toEqual([
      { seq: 0, reason: 'decorative', twin: 'book0/0', similarity: 1 },
      { seq: 3, reason: 'near-image', twin: 'book0/1', similarity: 1 - 4 / 64 },
      { seq: 9, reason: 'decorative', twin: 'book0/0', similarity: 1 },
    ]);
    expect(summary.images.decorative).toBe(12);
    // at the limit (10 occurrences) the logo is a plain duplicate, kept once
    const fewer = joinSignatures(memorySource(books.slice(0, 5)), JOIN_DEFAULTS);
    expect(fewer.summary.images.decorative).toBe(0);
    expect(fewer.summary.images.exact).toBe(10); // 9 logo copies + the photo copy
  });

  it('signatures.arrow round-trips and drop lists are byte-identical across runs', async () => {
    const h = await defaultHashers();
    const a = withImages(await signaturesOf('a', [textNode(0, paragraph(1)), textNode(2, ''), textNode(3, 'short')], h), [
      { seq: 1, pixel: [1, 2], phash: [3, 4] },
    ]);
    const back = decodeSignatures(encodeSignatures(a));
    for (const key of ['seq', 'kind', 'valid', 'words', 'hash', 'phash', 'minhash', 'shingleOffsets', 'shingles'] as const) {
      expect(Array.from(back[key])).toEqual(Array.from(a[key]));
    }
    expect([back.bookId, back.k, back.shingleSize, back.scheme]).toEqual([a.bookId, a.k, a.shingleSize, a.scheme]);
    expect(Buffer.from(encodeSignatures(back)).equals(Buffer.from(encodeSignatures(a)))).toBe(true);
    const b = await signaturesOf('b', [textNode(0, paragraph(1))], h);
    const run = () => joinSignatures(memorySource([a, b]), JOIN_DEFAULTS).lists.map(formatDropList).join('');
    expect(run()).toBe(run());
    expect(JSON.parse(formatDropList(joinSignatures(memorySource([a, b]), JOIN_DEFAULTS).lists[1]!))).toEqual({
      // a's text: the paragraph's 76 shingles plus the short block's one
      bookId: 'b', wholeBook: { twinBook: 'a', similarity: Math.round((76 / 77) * 1e4) / 1e4 }, drops: [],
    });
  });

  it('refuses signatures made with other settings', async () => {
    const h = await defaultHashers(64);
    const a = await signaturesOf('a', [textNode(0, paragraph(1))], h, 64);
    expect(() => joinSignatures(memorySource([a]), JOIN_DEFAULTS)).toThrow(/64 permutations.*rerun `mtb signatures`/);
  });
});
