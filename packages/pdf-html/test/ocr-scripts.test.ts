import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCorpusConfig } from '@mtb/core';
import { pdfToHtml, scannedCopy } from '../src/index.js';
import { installedLanguages } from '../src/ocr/languages.js';

const PDF = resolve(process.cwd(), '../shared/corpus/pdf/broken-encoding-textbook.pdf');
const han = (html: string): number => html.replace(/<[^>]+>/g, ' ').match(/\p{Script=Han}/gu)?.length ?? 0;

describe('OCR languages', () => {
  it('finds the installed models: English and Simplified Chinese ship as dependencies', () => {
    expect(installedLanguages()).toEqual(expect.arrayContaining(['chi_sim', 'eng']));
  });

  // broken-encoding-textbook.pdf, scanned: no text layer and no fonts to tell its script. Read as English
  // (the default) it is no text; the other installed model reads it.
  (existsSync(PDF) ? it : it.skip)('a scanned Chinese page in a book taken for English is read in the installed Chinese model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-scripts-'));
    try {
      const scanned = join(dir, 'scanned.pdf');
      writeFileSync(scanned, await scannedCopy(new Uint8Array(readFileSync(PDF)), PDF, { dpi: 150 }));
      const { html, status } = await pdfToHtml(scanned, join(dir, 'out'), { bookId: 'scanned', config: parseCorpusConfig({ ocrWorkers: 1 }) });
      expect(status.state).toBe('ok');
      expect(status.counts).toMatchObject({ 'pages.ocr.scanned': 1, 'pages.ocr.fallback.chi_sim': 1 });
      expect(status.counts['pages.ocr.unreadable']).toBeUndefined();
      // MinerU's annotation of the page holds 254 Chinese characters.
      expect(han(html)).toBeGreaterThan(200);
      // No space between Chinese characters.
      expect(html).not.toMatch(/\p{Script=Han} \p{Script=Han}/u);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
