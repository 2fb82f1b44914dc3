import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpusConfig } from '@mtb/core';
import { furnitureScores, htmlBlocks, paragraphOrder, PDFJS_ASSETS, pdfjs, pdfToHtml, wordF1, type TruthLike } from '@mtb/pdf-html';
import { generateBook } from '@mtb-tools/sample-gen';
import type { BenchCase } from '../types.js';

// From the stage's own loader, so the floor runs with the same built-ins (packages/pdf-html/src/pdfjs/natives.ts).
const { getDocument, OPS } = pdfjs;

/**
 * PDF -> HTML (DESIGN.md 7): the whole stage (layout, furniture, captions,
 * image re-encoding and writing) against the bare pdf.js parse of the same
 * file, the floor this stage can reach: getOperatorList + getTextContent +
 * the pixels of every image, page by page, nothing else. The ratio is the
 * stage's overhead (target <= 1.3). On the generated 1,000-page book a child
 * process also reports the stage's peak RSS and its scores against the
 * book's ground truth; poppler's pdftotext + pdfimages are timed where installed.
 */
const CORPUS_PDF = resolve(process.cwd(), '../shared/corpus/pdf');
const IMAGE_OPS = new Set<number>([OPS.paintImageXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObject, OPS.paintImageMaskXObjectRepeat]);

/** The floor: pdf.js' own parse of every page (operators, text, image pixels). Returns the page count. */
export async function bareParse(bytes: Uint8Array): Promise<number> {
  const doc = await getDocument({
    data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false,
    isOffscreenCanvasSupported: false, isImageDecoderSupported: false, cMapPacked: true, verbosity: 0, ...PDFJS_ASSETS,
  }).promise;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList({ annotationMode: 0 });
    await page.getTextContent();
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (!IMAGE_OPS.has(ops.fnArray[i]!)) continue;
      const arg = (ops.argsArray[i] as unknown[])[0] as string | { data?: unknown };
      const id = typeof arg === 'string' ? arg : typeof arg?.data === 'string' ? arg.data : undefined;
      if (!id) continue;
      const store = id.startsWith('g_') ? page.commonObjs : page.objs;
      await new Promise((r) => store.get(id, r));
    }
    page.cleanup();
  }
  const pages = doc.numPages;
  await doc.destroy();
  return pages;
}

interface ChildResult {
  peakRssMb: number;
  pagesPerSec: number;
  scores?: Record<string, number>;
}

/** One conversion in a fresh process, so its peak RSS is the stage's own. */
function runChild(pdf: string, truth?: string): Promise<ChildResult> {
  return new Promise((resolveRun, reject) => {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', pdf, ...(truth ? [truth] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun(JSON.parse(out) as ChildResult) : reject(new Error(`pdf-html child exited ${code}`))));
  });
}

/** pdftotext + pdfimages (poppler) on the same file, when installed: the native reference. */
function popplerMs(pdf: string, dir: string): number | undefined {
  if (spawnSync('pdftotext', ['-v']).error || spawnSync('pdfimages', ['-v']).error) return undefined;
  const t0 = performance.now();
  spawnSync('pdftotext', [pdf, join(dir, 'poppler.txt')]);
  spawnSync('pdfimages', ['-all', pdf, join(dir, 'poppler-img')]);
  return performance.now() - t0;
}

/** CPU time of the whole process (sharp's and libuv's threads included) over one call. */
async function cpuMs(fn: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function pdfCase(name: string, description: string, pdf: () => string, work: { unit: string; amount: number }, reps: number, truth?: () => string): BenchCase {
  const config = parseCorpusConfig({});
  let out = '';
  let bytes: Uint8Array = new Uint8Array();
  // CPU of every timed call (the warm-up is the first of each, dropped): on a shared machine it drifts less than wall time.
  const oursCpu: number[] = [];
  const bareCpu: number[] = [];
  return {
    name,
    description,
    work,
    repetitions: reps,
    setup: async () => {
      out = mkdtempSync(join(tmpdir(), 'bench-pdf-html-'));
      bytes = new Uint8Array(readFileSync(pdf()));
    },
    ours: async () => {
      oursCpu.push(
        await cpuMs(async () => {
          const r = await pdfToHtml(pdf(), out, { bookId: 'bench', config });
          if (r.status.state !== 'ok') throw new Error(`${pdf()}: ${r.status.error?.message}`);
        }),
      );
    },
    baseline: { name: 'bare pdf.js parse', run: async () => void bareCpu.push(await cpuMs(async () => void (await bareParse(bytes)))) },
    extras: async () => {
      const ours = median(oursCpu.slice(1));
      const bare = median(bareCpu.slice(1));
      const child = await runChild(pdf(), truth?.());
      const poppler = popplerMs(pdf(), out);
      return {
        'cpu ms ours (median)': Math.round(ours),
        'cpu ms bare parse (median)': Math.round(bare),
        'cpu ratio': Number((ours / bare).toFixed(2)),
        'peak RSS MB (child)': Math.round(child.peakRssMb),
        'pages/s cold start (child)': Number(child.pagesPerSec.toFixed(1)),
        ...(poppler === undefined ? {} : { 'poppler pdftotext+pdfimages ms': Math.round(poppler) }),
        ...(child.scores ?? {}),
      };
    },
    teardown: async () => {
      if (out) rmSync(out, { recursive: true, force: true });
    },
  };
}

export async function cases(opts: { quick: boolean }): Promise<BenchCase[]> {
  const list: BenchCase[] = [];
  for (const [file, pages] of [['pdkids.pdf', 55], ['clinical-science-ace.pdf', 13]] as const) {
    const pdf = join(CORPUS_PDF, file);
    if (!existsSync(pdf)) continue;
    list.push(pdfCase(`pdf-html ${file}`, `${file} (${pages} pages): book.html + re-encoded images vs the bare pdf.js parse`, () => pdf, { unit: 'pages', amount: pages }, opts.quick ? 2 : 5));
  }
  const target = opts.quick ? 150 : 1000;
  let dir = '';
  // The exact count is known once the book is generated (setup); the harness reads this object after.
  const work = { unit: 'pages', amount: target };
  const generated = pdfCase(
    `pdf-html generated ${target}-page book`,
    `sample-gen generateBook({pages: ${target}}): illustrated, one- and two-column pages, running heads; peak RSS and truth scores from a child process`,
    () => join(dir, 'book.pdf'),
    work,
    opts.quick ? 1 : 3,
    () => join(dir, 'truth.json'),
  );
  const setup = generated.setup!;
  generated.setup = async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-pdf-html-book-'));
    const book = await generateBook({ pages: target, seed: 'mtb-bench-pdf-html' });
    work.amount = book.truth.pageCount;
    writeFileSync(join(dir, 'book.pdf'), book.pdf);
    writeFileSync(join(dir, 'truth.json'), JSON.stringify(book.truth));
    await setup();
  };
  const teardown = generated.teardown!;
  generated.teardown = async () => {
    await teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  list.push(generated);
  return list;
}

if (process.argv[2] === '--child') {
  const [pdf, truthFile] = process.argv.slice(3);
  const out = mkdtempSync(join(tmpdir(), 'bench-pdf-html-child-'));
  const t0 = performance.now();
  const r = await pdfToHtml(pdf!, out, { bookId: 'bench', config: parseCorpusConfig({}) });
  const secs = (performance.now() - t0) / 1000;
  const result: ChildResult = { peakRssMb: process.resourceUsage().maxRSS / 1024, pagesPerSec: (r.status.counts.pages ?? 0) / secs };
  if (truthFile) {
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as TruthLike;
    const blocks = htmlBlocks(r.html);
    const f = furnitureScores(blocks, truth);
    const o = paragraphOrder(blocks, truth);
    result.scores = {
      'furniture marked': Number(f.marked.toFixed(4)),
      'body paragraphs marked as furniture': Number(f.wrongBody.toFixed(4)),
      'body word F1': Number(wordF1(blocks, truth).toFixed(4)),
      'paragraphs found': Number(o.found.toFixed(4)),
      'paragraphs in order': Number(o.inOrder.toFixed(4)),
    };
  }
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result));
}
