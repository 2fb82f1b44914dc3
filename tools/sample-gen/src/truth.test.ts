import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTruth, type BookTruth } from './truth.js';
import { jaccard } from './similarity.js';
import { readPdf, type PageText } from './pdf-text.test-util.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLE = resolve(HERE, '..', '..', '..', 'datasets', 'sample');
const ids = readdirSync(join(SAMPLE, 'truth')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

/**
 * Words of the book in drawing order with line-end hyphenation undone the way an
 * extractor would (using the truth's list of broken heads), furniture left out. A
 * word may be broken across a column or page end, as in real books.
 */
function bookWords(pages: PageText[], truth: BookTruth): { page: number; word: string }[] {
  const broken = new Set(truth.hyphenated.map((h) => h.broken));
  const out: { page: number; word: string }[] = [];
  let pending = '';
  pages.forEach((pg, i) => {
    const furniture = new Set(truth.furniture.filter((f) => f.page === i + 1).map((f) => f.text));
    for (const it of pg.items) {
      if (furniture.has(it.str.trim())) continue;
      const ws = words(it.str);
      ws.forEach((w0, k) => {
        const w = pending ? pending.slice(0, -1) + w0 : w0;
        pending = '';
        if (k === ws.length - 1 && broken.has(w0)) pending = w0;
        else out.push({ page: i + 1, word: w });
      });
    }
  });
  if (pending) out.push({ page: pages.length, word: pending });
  return out;
}

describe.each(ids)('ground truth of %s', (id) => {
  let truth: BookTruth;
  let pages: PageText[];
  beforeAll(async () => {
    truth = readTruth(join(SAMPLE, 'truth', `${id}.json`));
    pages = await readPdf(readFileSync(join(SAMPLE, 'pdf', `${id}.pdf`)), true);
  });

  it('opens in pdf.js (legacy) with the page count of the truth', () => {
    expect(pages.length).toBe(truth.pageCount);
    expect(truth.pages.map((p) => p.page)).toEqual(Array.from({ length: truth.pageCount }, (_, i) => i + 1));
  });

  it('accounts for every word pdf.js extracts (blocks in order, furniture apart)', () => {
    const extracted = bookWords(pages, truth);
    for (const p of truth.pages) {
      const onPage = extracted.filter((w) => w.page === p.page).map((w) => w.word);
      if (p.section === 'blank') {
        expect({ page: p.page, words: onPage }).toEqual({ page: p.page, words: [] });
        continue;
      }
      const bag = new Set(truth.blocks.filter((b) => b.pages.includes(p.page) || b.pages.includes(p.page + 1)).flatMap((b) => words(b.text)));
      const unknown = onPage.filter((w) => !bag.has(w));
      expect({ page: p.page, unknown }).toEqual({ page: p.page, unknown: [] });
    }
    // Drawing order is reading order here, so the word sequences must be equal.
    expect(extracted.map((w) => w.word)).toEqual(truth.blocks.flatMap((b) => words(b.text)));
  });

  it('lists the furniture drawn at the top and bottom of each page', () => {
    for (const f of truth.furniture) {
      const items = pages[f.page - 1]!.items.filter((it) => it.str.trim() === f.text);
      expect({ page: f.page, text: f.text, found: items.length > 0 }).toEqual({ page: f.page, text: f.text, found: true });
      const y = items[0]!.y;
      expect(y < 60 || y > truth.pageSize.height - 60).toBe(true);
    }
    const numbered = truth.pages.filter((p) => p.label !== null);
    expect(truth.furniture.filter((f) => f.role === 'page-number').map((f) => f.page)).toEqual(numbered.map((p) => p.page));
    // Running heads: book title on even pages, the chapter title on odd ones.
    for (const f of truth.furniture.filter((x) => x.role === 'header')) {
      const label = Number(truth.pages[f.page - 1]!.label);
      if (label % 2 === 0) expect(f.text).toBe(truth.title);
      else expect(f.text).not.toBe(truth.title);
    }
  });

  it('has one caption block per figure, in figure order, and the images drawn on those pages', () => {
    const captions = truth.blocks.filter((b) => b.kind === 'caption');
    expect(captions.map((c) => c.figure)).toEqual(truth.figures.map((f) => f.id));
    for (const f of truth.figures) {
      expect(f.caption).toMatch(new RegExp(`^Figure ${f.id.replace('.', '\\.')}: `));
      expect(captions.find((c) => c.figure === f.id)!.text).toBe(f.caption);
      expect(Math.min(f.image.width, f.image.height)).toBeGreaterThanOrEqual(150);
      // Every figure is called out in the text before its caption.
      const ref = truth.blocks.find((b) => b.kind === 'body' && b.text.includes(`Figure ${f.id}`));
      expect(ref).toBeDefined();
    }
    for (const p of truth.pages) {
      const drawn = truth.figures.filter((f) => f.page === p.page).length + truth.decorations.filter((d) => d.page === p.page).length;
      expect({ page: p.page, images: pages[p.page - 1]!.images }).toEqual({ page: p.page, images: drawn });
    }
    expect(truth.figures.some((f) => f.image.format === 'png')).toBe(true);
    expect(truth.figures.some((f) => f.image.format === 'jpeg')).toBe(true);
  });

  it('marks front and back matter and keeps blocks in page order', () => {
    const sections = new Set(truth.pages.map((p) => p.section));
    for (const s of ['title', 'copyright', 'toc', 'chapter', 'references', 'index'] as const) expect(sections.has(s)).toBe(true);
    for (const b of truth.blocks) expect(truth.pages[b.page - 1]!.section).toBe(b.section);
    for (let i = 1; i < truth.blocks.length; i++) expect(truth.blocks[i]!.page).toBeGreaterThanOrEqual(truth.blocks[i - 1]!.page);
    expect(truth.blocks.filter((b) => b.kind === 'heading' && b.level === 1 && b.matter === 'body').length).toBeGreaterThanOrEqual(2);
    expect(truth.pages.some((p) => p.columns === 2)).toBe(true);
    expect(truth.hyphenated.length).toBeGreaterThan(0);
  });
});

describe('the second edition', () => {
  const first = readTruth(join(SAMPLE, 'truth', 'cardiology-essentials.json'));
  const second = readTruth(join(SAMPLE, 'truth', 'cardiology-essentials-2nd-edition.json'));
  const body = (t: BookTruth) => t.blocks.filter((b) => b.matter === 'body');

  it('repeats most of the first edition, edits some paragraphs and adds a chapter', () => {
    const byUid = new Map(first.blocks.map((b) => [b.uid, b]));
    const copied = body(second).filter((b) => b.origin === 'copied');
    for (const b of copied) expect(byUid.get(b.twin)!.text).toBe(b.text);
    const edited = body(second).filter((b) => b.origin === 'edited');
    expect(edited.length).toBeGreaterThan(3);
    for (const b of edited) {
      expect(byUid.get(b.twin)!.text).not.toBe(b.text);
      expect(b.twinJaccard).toBeCloseTo(jaccard(byUid.get(b.twin)!.text, b.text), 3);
    }
    const firstBodyWords = body(first).reduce((s, b) => s + words(b.text).length, 0);
    const copiedWords = copied.reduce((s, b) => s + words(b.text).length, 0);
    expect(copiedWords / firstBodyWords).toBeGreaterThan(0.6);
    expect(body(second).some((b) => b.kind === 'heading' && b.level === 1 && b.origin === 'new')).toBe(true);
    expect(second.figures.some((f) => f.origin === 'near-duplicate')).toBe(true);
    expect(second.derivedFrom).toBe('cardiology-essentials');
  });

  it('stays below the whole-book duplicate threshold, so paragraph dedup decides', () => {
    const j = jaccard(body(first).map((b) => b.text).join(' '), body(second).map((b) => b.text).join(' '));
    expect(j).toBeGreaterThan(0.4);
    expect(j).toBeLessThan(0.8);
  });

  it('shares no paragraph with the other generated books', () => {
    const others = ids.filter((i) => !i.startsWith('cardiology-essentials') && readTruth(join(SAMPLE, 'truth', `${i}.json`)).derivedFrom === null);
    const mine = new Set(body(first).filter((b) => b.kind === 'body').map((b) => b.text));
    for (const o of others) {
      for (const b of body(readTruth(join(SAMPLE, 'truth', `${o}.json`))).filter((x) => x.kind === 'body')) expect(mine.has(b.text)).toBe(false);
    }
  });
});
