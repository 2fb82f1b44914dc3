import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { generateBook } from './book.js';
import { generateCorpus } from './scale.js';
import { readTruth, type BookTruth } from './truth.js';
import { makeImage, PHOTO_KINDS, LINE_ART_KINDS } from './images.js';
import { Rng } from './prng.js';
import { readPdf } from './pdf-text.test-util.js';
import { sanitizeCaption, loadCaptions } from './captions.js';

describe('generateBook', () => {
  it('is deterministic: the same seed gives byte-identical PDFs and truth, another seed does not', async () => {
    const a = await generateBook({ pages: 16, seed: 'det' });
    const b = await generateBook({ pages: 16, seed: 'det' });
    const c = await generateBook({ pages: 16, seed: 'other' });
    expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(Buffer.from(a.pdf).equals(Buffer.from(c.pdf))).toBe(false);
    // No clock or random id leaks into the file.
    const doc = await PDFDocument.load(a.pdf, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.getProducer()).toMatch(/sample-gen/);
    expect(Buffer.from(a.pdf).toString('latin1')).not.toMatch(/\/ID\s*\[/);
  });

  it('writes a book of about the requested length that pdf.js opens', async () => {
    const r = await generateBook({ pages: 40, seed: 'len' });
    expect(r.truth.pageCount).toBeGreaterThanOrEqual(30);
    expect(r.truth.pageCount).toBeLessThanOrEqual(50);
    const pages = await readPdf(r.pdf);
    expect(pages.length).toBe(r.truth.pageCount);
  });
});

describe('images', () => {
  it.each([...PHOTO_KINDS, ...LINE_ART_KINDS])('%s is a real-looking figure: large enough, not uniform, in the right format', async (kind) => {
    const a = await makeImage(new Rng(`img-${kind}`), kind);
    const meta = await sharp(a.bytes).metadata();
    expect(meta.format).toBe(a.format === 'png' ? 'png' : 'jpeg');
    expect([meta.width, meta.height]).toEqual([a.width, a.height]);
    expect(Math.min(a.width, a.height)).toBeGreaterThanOrEqual(150);
    const stats = await sharp(a.bytes).stats();
    expect(Math.max(...stats.channels.map((ch) => ch.stdev))).toBeGreaterThan(15);
  });
});

describe('captions', () => {
  it('keeps only CC BY / CC0 rows, in ASCII, without suspended hyphens', () => {
    const rows = loadCaptions();
    expect(rows.length).toBeGreaterThan(2000);
    for (const r of rows) {
      expect(['CC BY', 'CC0']).toContain(r.licence);
      expect(r.text).toMatch(/^[\x20-\x7e]+$/);
      expect(r.text).not.toMatch(/[A-Za-z]- /);
    }
    expect(sanitizeCaption(' Axial CT \u2013 showing a 5\u00b0 tilt of the left femur.')).toBe('Axial CT - showing a 5 degrees tilt of the left femur.');
    expect(sanitizeCaption('Pre- and post-operative views of the knee joint.')).toBeNull();
    expect(sanitizeCaption('Short caption.')).toBeNull();
  });
});

describe('generateCorpus', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sample-gen-corpus-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plants what its manifest says: duplicate paragraphs and images, a copy, an edition, a repeated logo', async () => {
    const m = await generateCorpus({
      outDir: dir, books: 6, pagesPerBook: 14, seed: 'corpus-test',
      duplicates: { exactParagraphs: 4, nearParagraphs: 4, exactImages: 2, nearImages: 2, copies: 1, editions: 1 },
    });
    expect(m.books.length).toBe(6);
    expect(readdirSync(join(dir, 'pdf')).length).toBe(6);
    expect(m.totalPages).toBe(m.books.reduce((s, b) => s + b.pages, 0));
    const truth = new Map<string, BookTruth>(m.books.map((b) => [b.id, readTruth(join(dir, 'truth', `${b.id}.json`))]));
    const block = (bookId: string, uid: string) => truth.get(bookId)!.blocks.find((b) => b.uid === uid);
    for (const p of m.planted) {
      expect(p.kept.bookId < p.duplicate.bookId).toBe(true);
      if (p.kind === 'exact-text' || p.kind === 'near-text') {
        const kept = block(p.kept.bookId, p.kept.uid)!;
        const dup = block(p.duplicate.bookId, p.duplicate.uid)!;
        if (p.kind === 'exact-text') expect(dup.text).toBe(kept.text);
        else {
          expect(dup.text).not.toBe(kept.text);
          expect(p.jaccard).toBeGreaterThan(0.5);
        }
      } else {
        const fig = (bookId: string, uid: string) => {
          const cap = block(bookId, uid)!;
          return truth.get(bookId)!.figures.find((f) => f.id === cap.figure)!;
        };
        const kept = fig(p.kept.bookId, p.kept.uid), dup = fig(p.duplicate.bookId, p.duplicate.uid);
        if (p.kind === 'exact-image') expect(dup.image.sha256).toBe(kept.image.sha256);
        else expect(dup.image.sha256).not.toBe(kept.image.sha256);
      }
    }
    expect(m.planted.filter((p) => p.kind === 'exact-text').length).toBe(4);
    const copy = m.wholeBook.find((w) => w.kind === 'copy')!;
    expect(readFileSync(join(dir, 'pdf', `${copy.duplicate}.pdf`)).equals(readFileSync(join(dir, 'pdf', `${copy.kept}.pdf`)))).toBe(true);
    const edition = m.wholeBook.find((w) => w.kind === 'edition')!;
    expect(truth.get(edition.duplicate)!.derivedFrom).toBe(edition.kept);
    const logos = [...truth.values()].flatMap((t) => t.decorations.filter((d) => d.image.sha256 === m.logo.sha256));
    expect(logos.length).toBe(m.logo.occurrences);
  });
});
