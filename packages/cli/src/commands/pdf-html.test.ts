import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerPdfHtml } from './pdf-html.js';

async function mtb(args: string[]): Promise<number | undefined> {
  const program = new Command().exitOverride();
  registerPdfHtml(program);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'mtb', 'pdf-html', ...args]);
  const code = process.exitCode;
  process.exitCode = undefined;
  return code as number | undefined;
}

describe('mtb pdf-html', () => {
  const corpus = mkdtempSync(join(tmpdir(), 'cli-pdf-html-'));
  afterAll(() => rmSync(corpus, { recursive: true, force: true }));

  it('writes book.html, images/ and status/html.json into --out, with settings from the corpus two levels up', async () => {
    const out = join(corpus, 'build', 'pdkids');
    writeFileSync(join(corpus, 'corpus.json'), JSON.stringify({ maxImageSide: 64 }));
    expect(await mtb([resolve('datasets/sample/pdf/pdkids.pdf'), '--out', out])).toBeUndefined();
    expect(readFileSync(join(out, 'book.html'), 'utf8')).toContain('<article data-book="pdkids">');
    const status = JSON.parse(readFileSync(join(out, 'status', 'html.json'), 'utf8'));
    expect(status.state).toBe('ok');
    const html = readFileSync(join(out, 'book.html'), 'utf8');
    // maxImageSide from corpus.json reached the encoder.
    for (const m of html.matchAll(/width="(\d+)" height="(\d+)"/g)) expect(Math.min(Number(m[1]), Number(m[2]))).toBeLessThanOrEqual(64);
  });

  it('records a bad PDF as failed data with exit code 0, and a missing file as a usage error', async () => {
    const bad = join(corpus, 'notes.pdf');
    writeFileSync(bad, 'just some notes');
    const out = join(corpus, 'build', 'notes');
    expect(await mtb([bad, '--out', out, '--book-id', 'notes'])).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'status', 'html.json'), 'utf8')).error.class).toBe('not-a-pdf');
    expect(existsSync(join(out, 'images'))).toBe(true);
    expect(await mtb([join(corpus, 'missing.pdf'), '--out', out])).toBe(2);
  });
});
