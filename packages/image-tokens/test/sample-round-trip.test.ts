import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bookIdFromPath, parseCorpusConfig } from '@mtb/core';
import { runPdfHtml } from '@mtb/pdf-html';
import { readNodes, runTokensStage } from '@mtb/image-tokens';
import { htmlTextWithImageMarkers, nodesTextWithImageMarkers } from './reference-text.js';

const sampleDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'datasets', 'sample', 'pdf');
const pdfs = existsSync(sampleDir) ? readdirSync(sampleDir).filter((f) => f.endsWith('.pdf')).sort() : [];
const config = parseCorpusConfig({});

(pdfs.length ? describe : describe.skip)('round trip on every sample book: nodes.arrow text = book.html text with <image> per image', () => {
  let root: string;
  beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'tokens-sample-')); });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(pdfs)('%s', async (file) => {
    const id = bookIdFromPath(file);
    const dir = join(root, 'build', id);
    mkdirSync(dir, { recursive: true });
    await runPdfHtml(join(sampleDir, file), dir, { bookId: id, config });
    const status = await runTokensStage(dir, { config, quiet: true });
    expect(status.state).toBe('ok');
    expect(status.counts['images.unreadable']).toBe(0);
    const html = readFileSync(join(dir, 'book.html'), 'utf8');
    const rows = readNodes(join(dir, 'nodes.arrow'));
    expect(rows.length).toBeGreaterThan(0);
    expect(nodesTextWithImageMarkers(rows)).toBe(htmlTextWithImageMarkers(html));
    expect(rows.filter((r) => r.kind === 'image').length).toBe((html.match(/<img\b/g) ?? []).length);
  }, 60_000);
});
