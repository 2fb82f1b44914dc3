import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bookPaths, readBookStatus, recordStage } from '@mtb/core';
import { writeNodes, type NodeRow } from '@mtb/image-tokens';
import { readSignatures, runDedupStage, runSignaturesStage } from '@mtb/dedup-filter';
import { paragraph, realCaptions } from './fixtures.js';

function text(seq: number, t: string): NodeRow {
  return { seq, page: 1 + Math.floor(seq / 10), kind: 'text', role: 'body', text: t, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: t.split(' ').length, level: 0, figure: 0, ocr: false };
}
function image(seq: number, bookId: string, bytes: Uint8Array): NodeRow {
  return { seq, page: 1, kind: 'image', role: 'body', text: '', image_path: `${bookId}/p1-${seq}.png`, width: 64, height: 64, image_bytes: bytes, num_tokens: 0, level: 0, figure: 0, ocr: false };
}

describe('signatures and dedup stages on a corpus folder', () => {
  let corpus: string;
  let png: Uint8Array;
  const paras = (realCaptions() ?? Array.from({ length: 200 }, (_, i) => paragraph(i, 20))).slice(0, 120);
  const chunk = (i: number) => paras.slice(i * 3, i * 3 + 3).join(' ');

  beforeAll(async () => {
    corpus = mkdtempSync(join(tmpdir(), 'mtb-dedup-'));
    mkdirSync(join(corpus, 'pdf'));
    const raw = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 251;
    png = await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    const books: Record<string, NodeRow[]> = {
      'a-book': [text(0, chunk(0)), text(1, chunk(1)), image(2, 'a-book', png), text(3, chunk(2))],
      'b-book': [text(0, chunk(3)), text(1, chunk(1)), image(2, 'b-book', png)],
      'c-book': [text(0, chunk(4)), text(1, chunk(5))],
      'd-failed': [],
    };
    for (const [id, nodes] of Object.entries(books)) {
      writeFileSync(join(corpus, 'pdf', `${id}.pdf`), '%PDF-1.4\n');
      mkdirSync(bookPaths(corpus, id).dir, { recursive: true });
      writeNodes(bookPaths(corpus, id).kept, nodes);
    }
    recordStage(bookPaths(corpus, 'd-failed').status, 'd-failed', { stage: 'html', state: 'failed', error: { class: 'corrupt', message: 'bad xref' }, counts: {}, details: [] });
  });
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));

  it('writes signatures per book, skips a failed book with an empty file, and joins', async () => {
    for (const id of ['a-book', 'b-book', 'c-book', 'd-failed']) await runSignaturesStage(bookPaths(corpus, id).dir, { quiet: true });
    expect(readBookStatus(bookPaths(corpus, 'd-failed').status, 'd-failed').stages.signatures!.state).toBe('skipped');
    expect(readSignatures(bookPaths(corpus, 'd-failed').signatures).rows).toBe(0);
    const a = readSignatures(bookPaths(corpus, 'a-book').signatures);
    expect(Array.from(a.seq)).toEqual([0, 1, 2, 3]);
    expect(Array.from(a.valid)).toEqual([1, 1, 1, 1]);
    const res = runDedupStage(corpus, { quiet: true });
    expect(res.written).toHaveLength(4);
    const b = JSON.parse(readFileSync(bookPaths(corpus, 'b-book').dropList, 'utf8'));
    expect(b).toEqual({
      bookId: 'b-book', wholeBook: null,
      drops: [{ seq: 1, reason: 'exact-text', twin: 'a-book/1', similarity: 1 }, { seq: 2, reason: 'exact-image', twin: 'a-book/2', similarity: 1 }],
    });
    expect(JSON.parse(readFileSync(bookPaths(corpus, 'd-failed').dropList, 'utf8'))).toEqual({ bookId: 'd-failed', wholeBook: null, drops: [] });
    expect(JSON.parse(readFileSync(join(corpus, 'build', '_dedup', 'summary.json'), 'utf8')).books).toBe(4);
  });

  it('rewrites only the drop lists whose content changed', async () => {
    const files = ['a-book', 'b-book', 'c-book', 'd-failed'].map((id) => bookPaths(corpus, id).dropList);
    const before = files.map((f) => ({ bytes: readFileSync(f), mtime: statSync(f).mtimeMs }));
    await new Promise((r) => setTimeout(r, 30));
    // c-book now repeats a paragraph of a-book: only c-book's list changes
    writeNodes(bookPaths(corpus, 'c-book').kept, [text(0, chunk(4)), text(1, chunk(5)), text(2, chunk(0))]);
    await runSignaturesStage(bookPaths(corpus, 'c-book').dir, { quiet: true });
    const res = runDedupStage(corpus, { quiet: true });
    expect(res.written).toEqual([bookPaths(corpus, 'c-book').dropList]);
    files.forEach((f, i) => {
      if (f.includes('c-book')) {
        expect(readFileSync(f).equals(before[i]!.bytes)).toBe(false);
        return;
      }
      expect(readFileSync(f).equals(before[i]!.bytes)).toBe(true);
      expect(statSync(f).mtimeMs).toBe(before[i]!.mtime);
    });
  });

  it('removes the drop list of a book that left the corpus, and names the missing input', () => {
    rmSync(join(corpus, 'pdf', 'c-book.pdf'));
    const res = runDedupStage(corpus, { quiet: true });
    expect(res.removed).toEqual(['c-book.json']);
    writeFileSync(join(corpus, 'pdf', 'e-new.pdf'), '%PDF-1.4\n');
    expect(() => runDedupStage(corpus, { quiet: true })).toThrow(/e-new\/signatures\.arrow does not exist: run `mtb signatures/);
  });
});
