import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CorpusData, startViewer, writeReport } from '@mtb/viewer';
import { builtSample } from './sample-corpus.js';

// The project compiles without the DOM lib: the few browser shapes these callbacks use.
interface Canvas2D { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
interface BrowserGlobals { getComputedStyle(el: unknown): { textDecorationLine: string }; document: { querySelectorAll(sel: string): Iterable<{ complete: boolean }> } }

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does) to run the viewer's browser tests`);
}
if (!haveBrowser) {
  // Visible in the test output so a skipped run is never mistaken for a pass.
  console.warn(`viewer browser tests skipped: ${CHROMIUM} not found (apt-get install chromium); they fail when CI is set`);
}
const maybe = haveBrowser ? describe : describe.skip;

maybe('viewer in headless Chromium on the sample corpus', () => {
  let sample: string;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sample = builtSample();
    ({ server, url: base } = await startViewer(sample, { port: 0 }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The viewer must need nothing from outside 127.0.0.1.
    await page.route(/^(?!http:\/\/127\.0\.0\.1|file:|data:|blob:)/, (route) => route.abort());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('clicks from the book list into a book whose PDF page renders beside the extracted nodes', async () => {
    await page.goto(base + 'books');
    await page.click('tr[data-book="pdkids"] a');
    await page.waitForURL(/\/book\/pdkids\?page=1$/);
    await page.waitForSelector('canvas#pdf-page[data-rendered]', { timeout: 30_000 });
    expect(await page.getAttribute('canvas#pdf-page', 'data-rendered')).toBe('yes');
    const size = await page.$eval('canvas#pdf-page', (c) => ({ w: (c as unknown as Canvas2D).width, h: (c as unknown as Canvas2D).height }));
    expect(size.w).toBeGreaterThan(100);
    expect(size.h).toBeGreaterThan(100);
    // the render put ink on the canvas, not just a blank page
    const inked = await page.$eval('canvas#pdf-page', (c) => {
      const cv = c as unknown as Canvas2D;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 128) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    expect(await page.locator('#extracted .node').count()).toBeGreaterThan(0);
    await page.click('.pager a.next');
    await page.waitForURL(/page=2$/);
  });

  it('shows a dropped node struck through with its reason', async () => {
    const drops = JSON.parse(readFileSync(join(sample, 'build/pdkids/drops.json'), 'utf8')) as { drops: Array<{ seq: number; reason: string }> };
    const d = drops.drops.find((x) => x.reason === 'fragment') ?? drops.drops[0]!;
    const node = (await new CorpusData(sample).nodes('pdkids')).find((n) => n.seq === d.seq)!;
    await page.goto(`${base}book/pdkids?page=${node.page}`);
    const el = page.locator(`#seq-${d.seq}`);
    expect(await el.evaluate((e) => (globalThis as unknown as BrowserGlobals).getComputedStyle(e).textDecorationLine)).toContain('line-through');
    expect(await el.locator('.reason').innerText()).toContain(d.reason);
  });

  it('opens a segment from the list and shows its images inline and its counts, then jumps to a source page', async () => {
    await page.goto(base + 'segments?split=train');
    const rows = page.locator('#segments tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const first = rows.first();
    const images = Number(await first.locator('td').nth(2).innerText());
    const tokens = Number(await first.locator('td').nth(1).innerText());
    await first.locator('a.segment-link').click();
    await page.waitForURL(/\/segment\/train\/0$/);
    expect(Number(await page.innerText('#num-tokens'))).toBe(tokens);
    expect(Number(await page.innerText('#num-images'))).toBe(images);
    const imgs = page.locator('.segment img');
    expect(await imgs.count()).toBe(images);
    await page.waitForFunction(() => [...(globalThis as unknown as BrowserGlobals).document.querySelectorAll('.segment img')].every((i) => i.complete));
    const natural = await imgs.first().evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth);
    expect(natural).toBeGreaterThan(0);
    await page.locator('a.source-page').first().click();
    await page.waitForURL(/\/book\/[^?]+\?page=\d+$/);
    await page.waitForSelector('canvas#pdf-page[data-rendered="yes"]', { timeout: 30_000 });
  });

  it('shows a duplicate next to its kept twin and follows the link to the twin', async () => {
    await page.goto(base + 'duplicates');
    const first = page.locator('.twin').first();
    expect(await first.locator('.reason').innerText()).toMatch(/(exact|near)-(text|image) · similarity \d\.\d{3}/);
    const twinLink = first.locator('> div').nth(1).locator('a').first();
    const twinRef = await twinLink.innerText();
    expect(twinRef).toMatch(/^[a-z0-9-]+\/\d+$/);
    await twinLink.click();
    const [twinBook, twinSeq] = twinRef.split('/');
    await page.waitForURL(new RegExp(`/book/${twinBook}\\?page=\\d+#seq-${twinSeq}$`));
    const kept = page.locator(`#seq-${twinSeq}`);
    expect(await kept.count()).toBe(1);
    expect(await kept.getAttribute('class')).not.toContain('dropped');
  });

  it('renders the static report from file:// with its charts', async () => {
    // `mtb build` wrote one; render the same stats with this code into a scratch folder so
    // the test never rewrites the corpus's outputs.
    expect(readFileSync(join(sample, 'report', 'index.html'), 'utf8')).toContain('<svg');
    const scratch = mkdtempSync(join(tmpdir(), 'mtb-report-shot-'));
    mkdirSync(join(scratch, 'report'));
    for (const f of ['stats.json', 'build-times.json']) copyFileSync(join(sample, 'report', f), join(scratch, 'report', f));
    const file = writeReport(scratch, 'sample');
    try {
      await runReportChecks(file);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  async function runReportChecks(file: string): Promise<void> {
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('svg rect').count()).toBeGreaterThan(20);
    expect(await page.innerText('#summary')).toMatch(/\d+ books, \d+ images, [\d,]+ tokens/);
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(30_000);
  }
});
