import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { pdfToHtml, SKIP_REASONS } from '../src/index.js';

/** The real corpus lives beside the repo (../shared), never inside it: some files are "tests only". */
const CORPUS = resolve(process.cwd(), '../shared/corpus');
const PDF_DIR = join(CORPUS, 'pdf');

/**
 * poppler's `pdfimages -list` rows by type for each corpus file. SOURCES.md only
 * gives "images" and "masks" (stencil and soft masks together); soft masks are
 * their image's alpha, not drawings of their own, so a stage that is right
 * accounts for images + stencils. The test checks this split against SOURCES.md.
 */
const POPPLER: Record<string, { image: number; stencil: number; smask: number }> = {
  'pdkids.pdf': { image: 10, stencil: 0, smask: 1 },
  'clinical-science-ace.pdf': { image: 48, stencil: 2, smask: 0 },
  'peerj-bioinformatics.pdf': { image: 2, stencil: 0, smask: 0 },
  'bmc-dvt-review-no-images.pdf': { image: 0, stencil: 0, smask: 0 },
  'mask-figures.pdf': { image: 0, stencil: 3, smask: 0 },
  'large-rgba-images.pdf': { image: 5, stencil: 0, smask: 5 },
  'tracemonkey-strip-images.pdf': { image: 90, stencil: 0, smask: 90 },
  'broken-encoding-textbook.pdf': { image: 1, stencil: 0, smask: 0 },
  'handbook-two-column.pdf': { image: 18, stencil: 0, smask: 9 },
  'tam-review.pdf': { image: 54, stencil: 0, smask: 0 },
};

function sourcesTable(): Map<string, { pages: number; images: number; masks: number }> {
  const rows = new Map<string, { pages: number; images: number; masks: number }>();
  for (const line of readFileSync(join(CORPUS, 'SOURCES.md'), 'utf8').split('\n')) {
    const m = /^\|\s*([\w.-]+\.pdf)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/.exec(line);
    if (m) rows.set(m[1]!, { pages: Number(m[2]), images: Number(m[3]), masks: Number(m[4]) });
  }
  return rows;
}

// OCR off: tam-review's text layer is garbled on 20 pages, too slow to OCR in the unit suite (the bench does;
// test/ocr.test.ts OCRs a generated page). Vector figures stay on: their raster parts count as skipped `in-figure`.
const config = parseCorpusConfig({ ocr: 'off' });
const present = existsSync(PDF_DIR);
const describeCorpus = present ? describe : describe.skip;

describeCorpus('real corpus (../shared/corpus/pdf)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pdf-html-corpus-'));
  const results = new Map<string, { status: Awaited<ReturnType<typeof pdfToHtml>>['status']; html: string; dir: string }>();
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has every corpus file in the expectation table, and the table agrees with SOURCES.md', () => {
    const sources = sourcesTable();
    expect(readdirSync(PDF_DIR).filter((f) => f.endsWith('.pdf')).sort()).toEqual(Object.keys(POPPLER).sort());
    for (const [file, p] of Object.entries(POPPLER)) {
      expect({ file, images: p.image, masks: p.stencil + p.smask }).toEqual({ file, images: sources.get(file)!.images, masks: sources.get(file)!.masks });
    }
  });

  for (const file of Object.keys(POPPLER)) {
    it(`${file}: converts, and written + counted skips = pdfimages' images + stencil masks`, async () => {
      const dir = join(work, file.replace(/\.pdf$/, ''));
      const { status, html } = await pdfToHtml(join(PDF_DIR, file), dir, { bookId: 'book', config });
      results.set(file, { status, html, dir });
      expect(status.state).toBe('ok');
      const expected = POPPLER[file]!.image + POPPLER[file]!.stencil;
      const c = status.counts;
      const skipped = SKIP_REASONS.reduce((n, r) => n + (c[`images.skipped.${r}`] ?? 0), 0);
      expect({ drawn: c['images.drawn'] ?? 0, accounted: (c['images.extracted'] ?? 0) + skipped }).toEqual({ drawn: expected, accounted: expected });
      expect(c.pages).toBe(sourcesTable().get(file)!.pages);
      // Every written image (drawn, or rendered from the page as a vector figure) is referenced once, and every reference exists.
      const files = readdirSync(join(dir, 'images')).sort();
      const srcs = [...html.matchAll(/<img src="images\/([^"]+)"/g)].map((m) => m[1]!).sort();
      expect(srcs).toEqual(files);
      expect(files).toHaveLength((c['images.extracted'] ?? 0) + (c['images.rendered.vector'] ?? 0));
      expect(html.match(/<section data-page="/g)?.length).toBe(c.pages);
    });
  }

  it('clinical-science-ace.pdf: reads the two columns one after the other, words rejoined', () => {
    const html = results.get('clinical-science-ace.pdf')!.html;
    const page1 = html.slice(html.indexOf('<section data-page="1">'), html.indexOf('<section data-page="2">'));
    const left = page1.indexOf('ACE (angiotensin-1-converting enzyme; EC 3.4.15.1) is a zinc dipeptidyl carboxypeptidase that plays a critical role in blood pressure regulation');
    const leftEnd = page1.indexOf('insight into the differing roles of the two domains.');
    const right = page1.indexOf('site for the production of vasoactive peptide angiotensin II, whereas the N-domain is the primary site');
    expect(left).toBeGreaterThan(0);
    expect(leftEnd).toBeGreaterThan(left);
    expect(right).toBeGreaterThan(leftEnd);
    expect(page1).toContain('ACE consists of two catalytic domains');
    expect(page1).toContain('<h3>INTRODUCTION</h3>');
  });

  it('links "Figure n" captions to their figures', () => {
    const clinical = results.get('clinical-science-ace.pdf')!.html;
    expect(clinical).toMatch(/<figure data-bbox="[\d.,]+"><img src="images\/p2-\d+\.\w+" width="\d+" height="\d+"><figcaption>Figure 1 Structure of compound 33RE<\/figcaption><\/figure>/);
    const captions = (html: string): string[] => [...html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]!);
    expect(captions(clinical).filter((c) => /^Figure \d/.test(c)).length).toBeGreaterThanOrEqual(7);
    // Its three stencil-mask figures, and its vector-drawn flow chart (Figure 1), rendered from the page.
    expect(captions(results.get('mask-figures.pdf')!.html).map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['Figure 1', 'Figure 2', 'Figure 3', 'Figure 4']);
    expect(results.get('mask-figures.pdf')!.html).toMatch(/<img src="images\/p2-v1\.\w+"[^>]*><figcaption>Figure 1 Flow chart/);
    expect(captions(results.get('peerj-bioinformatics.pdf')!.html).every((c) => /^Figure \d/.test(c))).toBe(true);
  });

  it('tracemonkey: its charts, drawn as raster strips and shadings, become whole figures with their captions, not strips', () => {
    const { status, html } = results.get('tracemonkey-strip-images.pdf')!;
    expect(status.counts['images.skipped.in-figure']).toBe(90);
    expect(status.counts['images.extracted'] ?? 0).toBe(0);
    const captions = [...html.matchAll(/<figure data-bbox="[\d.,]+"><img src="images\/p\d+-v\d+\.\w+"[^>]*><figcaption>(Figure \d+)\./g)].map((m) => m[1]);
    expect(captions).toEqual(expect.arrayContaining(['Figure 2', 'Figure 10']));
  });

  it('writes stencil-mask figures as black-on-white images', () => {
    const dir = results.get('mask-figures.pdf')!.dir;
    const drawn = readdirSync(join(dir, 'images')).filter((f) => /^p\d+-\d+\./.test(f));
    expect(drawn).toHaveLength(3);
    expect(drawn.every((f) => f.endsWith('.png'))).toBe(true);
  });

  it('marks the running footer and page numbers, and no body line near the top as a header', () => {
    const c = results.get('tam-review.pdf')!.status.counts;
    // 23 pages: "Sprouts - http://sprouts.aisnet.org/9-37" at every foot, a folio above it; no running head.
    expect(c['text.footer']).toBeGreaterThan(15);
    expect(c['text.page-number']).toBeGreaterThan(15);
    expect(c['text.header'] ?? 0).toBe(0);
  });

  it('gives byte-identical outputs on a second run', async () => {
    const first = results.get('mask-figures.pdf')!;
    const dir = join(work, 'again');
    const again = await pdfToHtml(join(PDF_DIR, 'mask-figures.pdf'), dir, { bookId: 'book', config });
    expect(again.html).toBe(first.html);
    for (const f of readdirSync(join(first.dir, 'images'))) {
      expect(readFileSync(join(dir, 'images', f)).equals(readFileSync(join(first.dir, 'images', f)))).toBe(true);
    }
  });
});

describe('bad input', () => {
  const work = mkdtempSync(join(tmpdir(), 'pdf-html-bad-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function convert(name: string, bytes: Uint8Array | string, cfg = config) {
    const file = join(work, `${name}.pdf`);
    writeFileSync(file, bytes);
    return pdfToHtml(file, join(work, name), { bookId: name, config: cfg });
  }

  it.each([
    ['empty', '', 'empty'],
    ['not-a-pdf', '<html><body>Not a PDF</body></html>', 'not-a-pdf'],
    ['garbage', '%PDF-1.4\n' + 'garbage '.repeat(500), 'corrupt'],
  ])('%s file -> failed (%s), an empty but valid book.html', async (name, bytes, cls) => {
    const { status, html } = await convert(name, bytes);
    expect(status.state).toBe('failed');
    expect(status.error?.class).toBe(cls);
    expect(status.error?.message).toContain(`${name}.pdf`);
    expect(html).toContain(`<article data-book="${name}">\n</article>`);
  });

  it('truncated file -> failed (corrupt) with a message saying what to do', async () => {
    if (!present) return;
    const bytes = readFileSync(join(PDF_DIR, 'pdkids.pdf'));
    const { status } = await convert('truncated', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(status.error?.class).toBe('corrupt');
    expect(status.error?.message).toMatch(/re-download/);
  });

  it('password-protected file -> failed (encrypted)', async () => {
    const { encryptedPdf } = await import('./pdf-builder.js');
    const { status } = await convert('locked', encryptedPdf());
    expect(status.error?.class).toBe('encrypted');
    expect(status.error?.message).toMatch(/password/);
  });

  it('a page that throws is skipped and recorded, the book is partial; the other pages are kept', async () => {
    const { pdfWithBrokenPage } = await import('./pdf-builder.js');
    const { status, html } = await convert('broken-page', pdfWithBrokenPage());
    expect(status.state).toBe('partial');
    expect(status.counts['pages.failed']).toBe(1);
    expect(status.counts['pages.missing']).toBe(1);
    expect(status.details[0]).toMatch(/broken-page\.pdf is damaged: only 2 of 3 pages could be read/);
    expect(status.details[1]).toMatch(/^page 2 skipped: /);
    expect(html).toContain('First page text.');
    expect(html).toContain('Third page text.');
  });

  it('a book over its time limit -> failed (timeout)', async () => {
    if (!present) return;
    const { status } = await convert('slow', readFileSync(join(PDF_DIR, 'pdkids.pdf')), { ...config, bookTimeoutMs: 30 });
    expect(status.error?.class).toBe('timeout');
    expect(status.error?.message).toMatch(/bookTimeoutMs/);
  });

  it('a book over maxPages -> failed (too-large)', async () => {
    if (!present) return;
    const { status } = await convert('long', readFileSync(join(PDF_DIR, 'pdkids.pdf')), { ...config, maxPages: 10 });
    expect(status.error?.class).toBe('too-large');
  });
});
