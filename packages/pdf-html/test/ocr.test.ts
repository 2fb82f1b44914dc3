import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { StageStatus } from '@mtb/core';
import { BODY, CAPTION, TITLE } from './ocr-page.js';

const CHILD = resolve(process.cwd(), 'packages/pdf-html/test/ocr-child.ts');
const TRAP = resolve(process.cwd(), 'packages/pdf-html/test/no-network.cjs');
const run = promisify(execFile);

const words = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
function recall(expected: string, got: string): number {
  const bag = new Map<string, number>();
  for (const w of words(got)) bag.set(w, (bag.get(w) ?? 0) + 1);
  const want = words(expected);
  let hit = 0;
  for (const w of want) {
    const n = bag.get(w) ?? 0;
    if (n > 0) {
      hit++;
      bag.set(w, n - 1);
    }
  }
  return hit / want.length;
}
const text = (html: string): string => html.replace(/<figure[\s\S]*?<\/figure>/g, ' ').replace(/<[^>]+>/g, ' ');

type Result = { status: StageStatus; html: string; ocr?: { pages: number; ms: number; workers: number } };

describe('OCR and drawn figures on a generated page (no network: fetch, http, https and net trapped in every thread)', () => {
  let born: Result;
  let scanned: Result;
  let stderr: string;

  beforeAll(async () => {
    const r = await run(process.execPath, ['--require', TRAP, '--import', 'tsx', CHILD], { maxBuffer: 16 << 20 });
    stderr = r.stderr;
    ({ born, scanned } = JSON.parse(r.stdout) as { born: Result; scanned: Result });
  });

  it('ran with the network trap in the OCR worker threads, and nothing tried the network', () => {
    const ocrWorkers = [...stderr.matchAll(/worker thread (\d+) started: \S*tesseract\.js\S*/g)].map((m) => m[1]);
    expect(ocrWorkers.length).toBeGreaterThanOrEqual(1);
    for (const id of ocrWorkers) expect(stderr).toContain(`network trap installed in thread ${id}\n`);
    expect(stderr).not.toMatch(/network access attempted/);
  });

  it('born-digital: its text layer, no OCR; the plot rendered as one figure with its caption, its axis labels out of the text', () => {
    expect(born.status.state).toBe('ok');
    expect(born.status.counts['pages.ocr']).toBeUndefined();
    expect(born.ocr).toBeUndefined();
    expect(born.status.counts['images.rendered.vector']).toBe(1);
    expect(born.html).toContain(`<figcaption>${CAPTION}</figcaption>`);
    // The axis labels "Rate" and "Output" are in the picture, not paragraphs of their own.
    expect(born.html).not.toMatch(/>(?:Rate|Output)</);
    expect(born.html).not.toContain('data-ocr');
  });

  it('scanned copy (150 dpi, image only): classified scanned, OCR gives the text back, marked with its confidence', () => {
    const c = scanned.status.counts;
    expect(scanned.status.state).toBe('ok');
    expect(c).toMatchObject({ 'pages.ocr': 1, 'pages.ocr.scanned': 1, 'images.skipped.scan': 1 });
    expect(c['images.extracted']).toBeUndefined();
    expect(scanned.ocr?.pages).toBe(1);
    const got = text(scanned.html);
    expect(recall([TITLE, ...BODY].join(' '), got)).toBeGreaterThanOrEqual(0.95);
    const marked = [...scanned.html.matchAll(/<(?:p|h\d) data-ocr="1" data-confidence="([\d.]+)">/g)].map((m) => Number(m[1]));
    expect(marked.length).toBeGreaterThanOrEqual(2);
    for (const conf of marked) expect(conf).toBeGreaterThan(0.5);
  });

  it('scanned copy: the plot is cropped from the page as a figure with its caption; the page image itself is no figure', () => {
    expect(scanned.status.counts['images.rendered.scan']).toBe(1);
    const figure = /<figure data-bbox="([\d.]+),([\d.]+),([\d.]+),([\d.]+)"><img [^>]+><figcaption>([^<]+)<\/figcaption><\/figure>/.exec(scanned.html);
    expect(figure).not.toBeNull();
    expect(recall(CAPTION, figure![5]!)).toBeGreaterThanOrEqual(0.8);
    const [x, y, w, h] = figure!.slice(1, 5).map(Number) as [number, number, number, number];
    // The plot spans x 150-450, y 232-442 in page space (y down): the crop holds it, not the page.
    expect(x).toBeLessThanOrEqual(150);
    expect(x + w).toBeGreaterThanOrEqual(440);
    expect(w * h).toBeLessThan(0.3 * 612 * 792);
  });
});
