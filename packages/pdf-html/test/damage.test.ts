import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { parseCorpusConfig } from '@mtb/core';
import { inspectPdfBytes, judgeCompleteness, withRebuiltPageTree } from '../src/damage.js';
import { pdfToHtml } from '../src/index.js';
import { buildPdf, pdfWithEarlyTrailer } from './pdf-builder.js';

const config = parseCorpusConfig({});

async function pdfLibBook(pages: number, useObjectStreams: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([300, 300]).drawText(`Page ${i + 1}`);
  return doc.save({ useObjectStreams });
}

describe('inspectPdfBytes: what the bytes declare', () => {
  it.each([true, false])('reads the page tree /Count, in object streams too (useObjectStreams %s)', async (objStm) => {
    const facts = inspectPdfBytes(await pdfLibBook(3, objStm));
    expect(facts).toMatchObject({ declaredPages: 3, pageObjects: 3 });
    expect(facts.truncated).toBeUndefined();
  });

  it('takes the root page tree, not an intermediate node or an outline /Count', () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 2 >>',
      '<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 5 0 R] /Count 2 >>',
      '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 10 10] >>',
      '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 10 10] >>',
      '<< /Type /Outlines /Count 7 >>',
    ]);
    expect(inspectPdfBytes(bytes)).toMatchObject({ declaredPages: 2, pageObjects: 2 });
  });

  it('sees a cut: no %%EOF, a linearization length past the end, a startxref past the end', () => {
    const full = Buffer.from(pdfWithEarlyTrailer(4));
    expect(inspectPdfBytes(full).truncated).toBeUndefined();
    expect(inspectPdfBytes(full.subarray(0, full.length - 200)).truncated).toMatch(/without %%EOF/);
    const lin = Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Linearized 1 /L ${full.length * 2} /N 9 >>\nendobj\n${full.subarray(9).toString('latin1')}`, 'latin1');
    expect(inspectPdfBytes(lin).truncated).toMatch(/linearization dictionary says/);
    const xrefPastEnd = Buffer.from(full.toString('latin1').replace(/startxref\n\d+/, 'startxref\n99999999'), 'latin1');
    expect(inspectPdfBytes(xrefPastEnd).truncated).toMatch(/past its end/);
    const noPageTree = Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Linearized 1 /L 10 /N 9 >>\nendobj\n%%EOF\n`, 'latin1');
    expect(inspectPdfBytes(noPageTree).declaredPages).toBe(9);
  });
});

describe('judgeCompleteness', () => {
  const complete = { size: 1000, declaredPages: 10, pageObjects: 10 };
  it('a whole file read whole is complete, with nothing to say', () => {
    expect(judgeCompleteness('a.pdf', complete, { opened: 10, failed: 0, undecodableImages: 2 })).toEqual({ partial: false, counts: {} });
  });
  it('fewer pages opened than declared, or pages that failed: partial, with the counts', () => {
    const short = judgeCompleteness('a.pdf', complete, { opened: 1, failed: 0, undecodableImages: 0 });
    expect(short).toMatchObject({ partial: true, counts: { 'pages.declared': 10, 'pages.missing': 9 } });
    expect(short.message).toMatch(/^a\.pdf is damaged: only 1 of 10 pages could be read .*re-download/);
    expect(judgeCompleteness('a.pdf', complete, { opened: 10, failed: 2, undecodableImages: 0 })).toMatchObject({ partial: true, counts: { 'pages.missing': 2 } });
  });
  it('a cut-short file: partial when it lost pages or images; else ok with a warning', () => {
    const cut = { ...complete, truncated: 'it ends without %%EOF after 1000 bytes' };
    expect(judgeCompleteness('a.pdf', cut, { opened: 10, failed: 0, undecodableImages: 3 })).toMatchObject({ partial: true });
    const whole = judgeCompleteness('a.pdf', cut, { opened: 10, failed: 0, undecodableImages: 0 });
    expect(whole.partial).toBe(false);
    expect(whole.message).toMatch(/all 10 pages were read .*cut short/);
    // Declaring nothing, the page objects in the bytes are what is expected.
    expect(judgeCompleteness('a.pdf', { size: 1000, pageObjects: 7, truncated: 'x' }, { opened: 1, failed: 0, undecodableImages: 0 })).toMatchObject({ partial: true, counts: { 'pages.missing': 6 } });
  });
});

describe('cut-off downloads are never ok with missing pages', () => {
  const work = mkdtempSync(join(tmpdir(), 'pdf-html-damage-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  async function convert(name: string, bytes: Uint8Array) {
    const file = join(work, `${name}.pdf`);
    writeFileSync(file, bytes);
    return pdfToHtml(file, join(work, name), { bookId: name, config });
  }

  it.each([50, 90, 99])('a 10-page book cut at %i%%', async (pct) => {
    const full = pdfWithEarlyTrailer(10);
    const { status, html } = await convert(`cut-${pct}`, full.subarray(0, Math.floor((full.length * pct) / 100)));
    const missing = status.counts['pages.missing'] ?? 0;
    const read = (status.counts.pages ?? 0) - (status.counts['pages.failed'] ?? 0);
    expect(status.state === 'failed' || read + missing === 10).toBe(true);
    if (missing > 0) expect(status.state).toBe('partial');
    if (status.state !== 'failed') {
      expect(status.details[0]).toMatch(new RegExp(`cut-${pct}\\.pdf is damaged: .*cut short`));
      for (let p = 1; p <= read; p++) expect(html).toContain(`Page ${p} text.`);
    }
    if (pct === 50) expect(status).toMatchObject({ state: 'partial', counts: { 'pages.declared': 10 } });
  });

  const tam = resolve(process.cwd(), '../shared/corpus/pdf/tam-review.pdf');
  (existsSync(tam) ? it : it.skip)('tam-review.pdf cut to 300,000 bytes: partial, 4 of 23 pages as poppler reads (pdf.js alone opens 1; was ok)', async () => {
    const { status } = await convert('tam-300k', readFileSync(tam).subarray(0, 300_000));
    expect(status).toMatchObject({ state: 'partial', counts: { pages: 4, 'pages.declared': 23, 'pages.missing': 19 } });
    expect(status.details[0]).toMatch(/tam-300k\.pdf is damaged: only 4 of 23 pages could be read/);
    expect(status.details).toContainEqual(expect.stringMatching(/page tree was rebuilt .*\(4 pages; pdf\.js alone opened 1\)/));
  });

  it('a file cut before any trailer, which pdf.js cannot open: its page tree rebuilt from the whole page objects', async () => {
    const full = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${[3, 5, 7, 9].map((n) => `${n} 0 R`).join(' ')}] /Count 4 >>`, ...[1, 2, 3, 4].flatMap((i) => [
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents ${2 + 2 * i} 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>`,
      `<< /Length 46 >>\nstream\nBT /F1 12 Tf 20 250 Td (Page ${i} of four.) Tj ET\nendstream`,
    ])]);
    const cut = full.subarray(0, full.length - 300);
    const rebuilt = withRebuiltPageTree(cut);
    expect(rebuilt).toBeDefined();
    const { status, html } = await convert('no-trailer', cut);
    // The last page's object is whole but its content stream was cut: it reads as an empty page.
    expect(status.counts.pages).toBe(4);
    for (let i = 1; i <= 3; i++) expect(html).toContain(`Page ${i} of four.`);
    expect(status.details).toContainEqual(expect.stringMatching(/no-trailer\.pdf is damaged: .*cut short/));
  });
});
