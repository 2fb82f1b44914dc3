import { createXXHash64, type IHasher } from 'hash-wasm';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from './pdfjs/load.js';
import { BookError, type CorpusConfig, type GarbledPageSettings, type StageStatus, reencodeImage, tempPathFor } from '@mtb/core';
import { inspectPdfBytes, judgeCompleteness, withRebuiltPageTree, type FileFacts } from './damage.js';
import { Deadline, PageTimeout } from './deadline.js';
import { renderBookHtml } from './html.js';
import { groupNear, groupPanels } from './figures/boxes.js';
import { absorbLabels, bodySize } from './figures/labels.js';
import { skipByDraw, skipBySize, type SkipReason } from './image-policy.js';
import { assembleBook } from './layout/book.js';
import { buildLines, meanConfidence } from './layout/lines.js';
import { taggedLayout } from './layout/tagged.js';
import { normalizeText } from './layout/text.js';
import type { Box, PageLayout, PlacedImage, TextRun } from './layout/types.js';
import { installedLanguages, OcrSetupError } from './ocr/languages.js';
import { fontScript } from './ocr/font-script.js';
import { OCR_UNREADABLE, OcrQueue, type OcrDone } from './ocr/ocr-queue.js';
import { classifyPage, type PageKind } from './ocr/page-kind.js';
import { ocrRuns } from './ocr/runs.js';
import { findScanFigures } from './ocr/scan-figures.js';
import { openPdf } from './pdfjs/document.js';
import { imageObject, readPage, type PageContent } from './pdfjs/page.js';
import { toRawImage, type RawImage } from './pdfjs/pixels.js';
import { cropImage, renderPage, type PageImage } from './render/page-image.js';
import { collectGarbage, heavyPixelMemory } from './memory.js';
import { findVectorFigures } from './vector/detect.js';

/** The stage's name in status/ and in the Nx graph. */
export const STAGE = 'html';

export interface PdfToHtmlOptions {
  bookId: string;
  config: Pick<CorpusConfig, 'bookTimeoutMs' | 'pageTimeoutMs' | 'maxPages' | 'maxImagePixels' | 'minSliverSide' | 'maxImageSide' | 'jpegQuality' | 'ocr' | 'ocrWorkers'> & GarbledPageSettings;
  /** OCR languages (tesseract codes: eng, deu, ...); default English. */
  languages?: string[];
  /** Called after each page with (pages done, total pages). */
  onPage?: (done: number, total: number) => void;
}

export interface PdfToHtmlResult {
  /** The stage record (not yet written: the caller records it). */
  status: StageStatus;
  html: string;
  /** OCR work, when any page needed it: times stay out of status.json, which must not change between runs. */
  ocr?: { pages: number; ms: number; workers: number };
}

/** OCR resolution: tesseract reads body text best with an x-height of 20 px and more; 200 dpi gives that for 10-point type. */
const OCR_DPI = 200;
/** Vector figures are drawn at this resolution (pixels per point: 2 = 144 dpi), then re-encoded like every image. */
const FIGURE_SCALE = 2;
/** Figures cropped from a page image this close (points) are panels of one figure. */
const SCAN_FIGURE_JOIN = 4;
/** On a scanned page, an image covering this share of the page is (part of) the scan itself, never a figure. */
const SCAN_IMAGE_SHARE = 0.3;

/**
 * Re-encodes (and their file writes) run on libuv's thread pool while pdf.js
 * parses the next page; this many at once bounds the pixels held. Two, not
 * more: the pool has four threads and pdf.js inflates streams on it too, so
 * encodes holding every thread would stall the parse.
 */
const MAX_PENDING_ENCODES = 2;

class Counts {
  readonly map: Record<string, number> = {};
  add(key: string, n = 1): void {
    this.map[key] = (this.map[key] ?? 0) + n;
  }
}

interface Pending {
  image: PlacedImage;
  page: number;
  /** The count its success adds to: images.extracted, or images.rendered.* for figures drawn from the page. */
  countAs: string;
  done: Promise<void>;
  failed: boolean;
  writeError?: Error;
}

/**
 * One PDF -> book.html text and image files under `<outDir>/images`. A bad book
 * comes back as a failed status (with a class and a message), never as a
 * thrown error; a page that throws is skipped and recorded. Writes only the
 * images; the caller writes book.html and the status.
 */
export async function pdfToHtml(pdfPath: string, outDir: string, opts: PdfToHtmlOptions): Promise<PdfToHtmlResult> {
  const { bookId, config } = opts;
  const counts = new Counts();
  const details: string[] = [];
  const finalImagesDir = join(outDir, 'images');
  // Images go to a hidden staging folder that replaces images/ in one rename at the end:
  // readers see the old set or the whole new one, a killed run leaves no half set,
  // and no per-file fsync is paid.
  const imagesDir = tempPathFor(finalImagesDir);
  mkdirSync(imagesDir, { recursive: true });
  const publishImages = (): void => {
    rmSync(finalImagesDir, { recursive: true, force: true });
    renameSync(imagesDir, finalImagesDir);
  };
  const deadline = new Deadline(config.bookTimeoutMs, config.pageTimeoutMs, pdfPath);
  let doc: PDFDocumentProxy | undefined;
  const pending: Pending[] = [];
  const inFlight = new Set<Promise<void>>();
  let facts: FileFacts | undefined;
  // A page its book's languages read as no text is tried in the other installed ones (a scanned Chinese page).
  const ocr = new OcrQueue(opts.languages?.length ? opts.languages : ['eng'], config.ocrWorkers, config.ocr === 'off' ? [] : installedLanguages());
  try {
    const bytes = new Uint8Array(readFileSync(pdfPath));
    facts = inspectPdfBytes(bytes);
    // The same pixel limit as sharp's: pdf.js decodes whatever it lets through (a 12,000 x 12,000
    // image under a 4x allowance cost 1.2 GB RSS before skipBySize refused it).
    doc = await deadline.race(openRecovering(bytes, pdfPath, facts, config.maxImagePixels, details), 'opening the file');
    const total = doc.numPages;
    if (total === 0) throw new BookError('no-pages', `${pdfPath} has no pages: re-export the book`);
    if (total > config.maxPages) {
      throw new BookError('too-large', `${pdfPath} has ${total} pages, more than maxPages (${config.maxPages}) in corpus.json: raise the limit if this is really one book`);
    }
    counts.add('pages', total);
    // Tagged PDFs (MarkInfo /Marked): each page's structure tree is read, and used where it is consistent.
    const tagged = (await doc.getMarkInfo().catch(() => null))?.Marked === true;
    const seen = new Set<string>();
    const layouts: PageLayout[] = [];
    for (let n = 1; n <= total; n++) {
      deadline.check();
      let page: PDFPageProxy | undefined;
      // Did the page decode or draw pixels? Only then can it have left pixel memory behind.
      let pixels = false;
      try {
        page = await deadline.race(doc.getPage(n), `page ${n}`);
        const content = await deadline.race(readPage(page, normalizeText, { tagged }), `page ${n}`);
        const ctx: ExtractContext = { config, seen, counts, pending, inFlight, imagesDir, deadline };
        const ocrPages = counts.map['pages.ocr'] ?? 0;
        const layout = await layoutPage(page, n, content, ctx, { ocr, details });
        pixels = content.draws.length > 0 || layout.images.length > 0 || (counts.map['pages.ocr'] ?? 0) > ocrPages;
        layouts.push(layout);
      } catch (err) {
        if (err instanceof BookError || err instanceof OcrSetupError) throw err;
        counts.add('pages.failed');
        await dropPageImages(n, pending, counts, imagesDir);
        details.push(`page ${n} skipped: ${err instanceof PageTimeout ? err.message : ((err as Error).message ?? String(err))}`);
        layouts.push({ page: n, width: 0, height: 0, lines: [], images: [] });
      } finally {
        page?.cleanup();
      }
      // A huge figure's decode buffers are collected once its encodes are done, before the next page decodes its own.
      // (Reading the process' memory costs about 0.4 ms: a page of text alone skips it.)
      if ((pixels || inFlight.size > 0) && heavyPixelMemory()) {
        await Promise.all(inFlight);
        if (collectGarbage()) counts.add('memory.collections');
      }
      opts.onPage?.(n, total);
    }
    await deadline.raceBook(ocr.drain());
    await Promise.all(pending.map((p) => p.done));
    const writeError = pending.find((p) => p.writeError)?.writeError;
    if (writeError) throw writeError;
    if ((counts.map['pages.failed'] ?? 0) === total) {
      throw new BookError('corrupt', `${pdfPath}: none of its ${total} pages could be read (${details[0] ?? 'unknown error'}): the file is damaged; re-download it`);
    }
    const failed = new Set(pending.filter((p) => p.failed).map((p) => p.image));
    for (const l of layouts) l.images = l.images.filter((im) => !failed.has(im));
    const book = assembleBook(layouts);
    for (const p of book) {
      for (const node of p.nodes) {
        if (node.kind === 'heading') counts.add(`text.h${node.level}`);
        else if (node.kind === 'paragraph') counts.add(node.role ? `text.${node.role}` : 'text.paragraphs');
        else if (node.kind === 'list') counts.add('text.list-items', node.items.length);
        else if (node.kind === 'table') counts.add('text.tables');
        else if (node.kind === 'code') counts.add('text.code');
        else counts.add(node.caption === undefined ? 'images.uncaptioned' : 'images.captioned');
      }
    }
    const complete = judgeCompleteness(pdfPath, facts, { opened: total, failed: counts.map['pages.failed'] ?? 0, undecodableImages: counts.map['images.skipped.undecodable'] ?? 0 });
    for (const [k, v] of Object.entries(complete.counts)) counts.add(k, v);
    if (complete.message) details.unshift(complete.message);
    publishImages();
    const result: PdfToHtmlResult = { status: { stage: STAGE, state: complete.partial ? 'partial' : 'ok', counts: sorted(counts.map), details }, html: renderBookHtml(bookId, book) };
    if (ocr.pages) result.ocr = { pages: ocr.pages, ms: Math.round(ocr.ms), workers: ocr.workerCount };
    return result;
  } catch (err) {
    // Let in-flight encodes and OCR finish before the images folder is emptied.
    await ocr.close();
    await Promise.allSettled(pending.map((p) => p.done));
    rmSync(imagesDir, { recursive: true, force: true });
    mkdirSync(imagesDir, { recursive: true });
    publishImages();
    // No book is at fault when OCR cannot run as installed: the run stops and says what to install.
    if (err instanceof OcrSetupError) throw err;
    let e = err instanceof BookError ? err : new BookError('internal', `${pdfPath}: ${(err as Error).stack ?? String(err)}`);
    if (e.failureClass === 'corrupt' && facts?.truncated) {
      const declared = facts.declaredPages === undefined ? '' : `, of a book that declares ${facts.declaredPages} pages`;
      e = new BookError('corrupt', `${e.message} (${facts.truncated}${declared})`);
    }
    return {
      status: { stage: STAGE, state: 'failed', error: { class: e.failureClass, message: e.message }, counts: sorted(counts.map), details },
      html: renderBookHtml(bookId, []),
    };
  } finally {
    await ocr.close();
    await doc?.destroy().catch(() => undefined);
  }
}

/**
 * Open the book; a cut-short file that pdf.js opens with fewer pages than it
 * holds (or not at all) is tried again with its page tree rebuilt from the
 * page objects still whole in it, and the copy that reads more pages is kept.
 */
async function openRecovering(bytes: Uint8Array, pdfPath: string, facts: FileFacts, maxImageSize: number, details: string[]): Promise<PDFDocumentProxy> {
  let doc: PDFDocumentProxy | undefined;
  let failure: unknown;
  try {
    doc = await openPdf(bytes, pdfPath, { maxImageSize });
  } catch (err) {
    if (!(err instanceof BookError) || err.failureClass !== 'corrupt' || !facts.truncated) throw err;
    failure = err;
  }
  const expected = Math.max(facts.declaredPages ?? 0, facts.pageObjects);
  if (facts.truncated && (!doc || doc.numPages < expected)) {
    const rebuilt = withRebuiltPageTree(bytes);
    const again = rebuilt ? await openPdf(rebuilt, pdfPath, { maxImageSize }).catch(() => undefined) : undefined;
    if (again && again.numPages > (doc?.numPages ?? 0)) {
      details.push(`${pdfPath}: its page tree was rebuilt from the page objects still whole in the file (${again.numPages} pages; pdf.js alone opened ${doc?.numPages ?? 0})`);
      await doc?.destroy().catch(() => undefined);
      doc = again;
    } else {
      await again?.destroy().catch(() => undefined);
    }
  }
  if (!doc) throw failure;
  return doc;
}

interface PageOptions {
  ocr: OcrQueue;
  details: string[];
}

const area = (b: Box): number => Math.max(0, b.w) * Math.max(0, b.h);
const centreIn = (b: Box, r: Box): boolean => b.x + b.w / 2 >= r.x && b.x + b.w / 2 <= r.x + r.w && b.y + b.h / 2 >= r.y && b.y + b.h / 2 <= r.y + r.h;

/**
 * One page's layout: where its text comes from (its own text layer, or OCR
 * for a scan or a garbled layer), its drawn images, and the figures drawn
 * with vectors, rendered from the page with their labels. An OCR'd page gets
 * its lines and its scan figures when its OCR is done: the returned layout is
 * filled in then, before the book is assembled.
 */
async function layoutPage(page: PDFPageProxy, n: number, content: PageContent, ctx: ExtractContext, opts: PageOptions): Promise<PageLayout> {
  const lines = buildLines(content.runs);
  const kind = classifyPage({ width: content.width, height: content.height, lines, imageBoxes: content.draws.map((d) => d.box) }, ctx.config.ocr, ctx.config);
  const pageArea = content.width * content.height;
  const figures = kind === 'scanned' ? [] : findVectorFigures(content, content.marks, content.draws.map((d) => d.box), content.runs, bodySize(content.runs));
  const inFigure = new Set(figures.flatMap((f) => f.draws));
  const images = await extractImages(page, n, content, ctx, (i) => {
    if (kind === 'scanned' && area(content.draws[i]!.box) >= SCAN_IMAGE_SHARE * pageArea) return 'scan';
    return inFigure.has(i) ? 'in-figure' : undefined;
  });
  for (const [k, f] of figures.entries()) {
    const img = await ctx.deadline.race(renderPage(page, FIGURE_SCALE, f.box), `figure ${k + 1} on page ${n}`);
    const placed = await placeRendered(img, n, `p${n}-v${k + 1}`, ctx, 'images.rendered.vector');
    if (placed) images.push(placed);
  }
  const labels = new Set(figures.flatMap((f) => [...f.labels]));
  const runs = labels.size ? content.runs.filter((r) => !labels.has(r)) : content.runs;
  // A tagged page's structure orders its own text layer; OCR'd text has none.
  const structure = content.structure && kind === 'text' ? taggedLayout(runs, content.structure) : undefined;
  if (content.structure) ctx.counts.add(structure ? 'pages.tagged-order' : 'pages.tagged-ignored');
  const layout: PageLayout = { page: n, width: content.width, height: content.height, lines: labels.size ? buildLines(runs) : lines, images, ...structure };
  if (kind === 'text') return layout;
  ctx.counts.add('pages.ocr');
  ctx.counts.add(`pages.ocr.${kind}`);
  const languages = pageLanguages(n, content, opts.ocr.languages, ctx, opts.details);
  const image = await ctx.deadline.race(renderPage(page, OCR_DPI / 72), `rendering page ${n} for OCR`);
  await opts.ocr.submit(
    n,
    image,
    (done) => applyOcr(done, kind, layout, ctx, { details: opts.details }),
    (p, err) => {
      ctx.counts.add('pages.ocr.failed');
      opts.details.push(`page ${p}: OCR failed (${err.message}); ${kind === 'scanned' ? 'the page has no text' : 'its own text layer is kept'}`);
    },
    languages,
  );
  return layout;
}

/**
 * The languages a page is OCR'd in: the book's, unless its fonts say it was
 * set in a CJK script none of them reads (a garbled layer in SimSun is
 * Chinese); then that script's, when its model is installed, and otherwise
 * the book's, with a line naming the package to install.
 */
function pageLanguages(n: number, content: PageContent, book: string[], ctx: ExtractContext, details: string[]): string[] {
  const script = fontScript(content.fonts());
  if (!script || book.includes(script.language)) return book;
  if (!installedLanguages().includes(script.language)) {
    details.push(`page ${n}: set in ${script.font} (${script.name}), read in ${book.join('+')}: install @tesseract.js-data/${script.language} for its text`);
    return book;
  }
  ctx.counts.add(`pages.ocr.script.${script.language}`);
  return [script.language];
}

/**
 * OCR'd words replace the page's text layer. Words inside the images the
 * page already places are those images' labels; the rest of the ink that is
 * not text becomes figures cropped from the page image, with their captions
 * left to the layout and their labels kept in the picture.
 */
async function applyOcr(done: OcrDone, kind: PageKind, layout: PageLayout, ctx: ExtractContext, opts: { details: string[] }): Promise<void> {
  const { image, grey } = done;
  const runs = ocrRuns(done.result.lines, { scale: image.scale, x: 0, y: 0 });
  const confidence = meanConfidence(runs);
  if (confidence !== undefined && confidence < OCR_UNREADABLE) {
    // Not text: its ink would not be told from figures either. A garbled page keeps its own text layer,
    // which the garbled filter drops, rather than OCR noise that reads as words.
    const langs = done.tried.join(', ');
    ctx.counts.add('pages.ocr.unreadable');
    opts.details.push(
      `page ${done.page}: OCR (${langs}) read it with a mean word confidence of ${confidence.toFixed(2)} at best, too low to use (its script is likely none of ${langs}): ` +
        `set the book's "language" in books.json and install its @tesseract.js-data package; ${kind === 'scanned' ? 'the page has no text' : 'its own text layer is kept'}`,
    );
    return;
  }
  if (done.tried.length > 1) ctx.counts.add(`pages.ocr.fallback.${done.languages.join('+')}`);
  const known = layout.images.map((im) => im.box);
  const text = runs.filter((r) => !known.some((k) => centreIn(r.box, k)));
  const words = text.map((r) => ({ box: r.box, text: r.text, confidence: r.confidence ?? 1 }));
  const found = findScanFigures({ grey, width: image.width, height: image.height, scale: image.scale }, layout, words, known);
  const { regions, labels } = absorbLabels(found, text, bodySize(text));
  layout.lines = buildLines(text.filter((r) => !labels.has(r)));
  const obstacles = text.filter((r) => !labels.has(r)).map((r) => r.box);
  for (const [k, { box }] of groupPanels(groupNear(regions, SCAN_FIGURE_JOIN).map((g) => g.box), obstacles, 4 * bodySize(text)).entries()) {
    const placed = await placeRendered(cropImage(image, box), done.page, `p${done.page}-s${k + 1}`, ctx, `images.rendered.${kind === 'scanned' ? 'scan' : 'ocr'}`);
    if (placed) layout.images.push(placed);
  }
}

/** A figure drawn from the page: written like a drawn image (repeats once), placed at the region it shows. */
async function placeRendered(img: PageImage, pageNo: number, stem: string, ctx: ExtractContext, countAs: string): Promise<PlacedImage | undefined> {
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = img.data[j]!;
    rgb[i * 3 + 1] = img.data[j + 1]!;
    rgb[i * 3 + 2] = img.data[j + 2]!;
  }
  const raw: RawImage = { data: rgb, width: img.width, height: img.height, channels: 3 };
  const hasher = await pixelHasher();
  hasher.init();
  const hash = `${raw.width}x${raw.height}x3:${hasher.update(raw.data).digest('hex')}`;
  if (ctx.seen.has(`px:${hash}`)) {
    ctx.counts.add(`${countAs}.repeated`);
    return undefined;
  }
  ctx.seen.add(`px:${hash}`);
  const placed: PlacedImage = { box: img.region, src: '', width: 0, height: 0, rendered: true };
  await enqueueEncode(placed, raw, pageNo, stem, ctx, countAs);
  return placed;
}

let hasherPromise: Promise<IHasher> | undefined;
/** xxHash64 of decoded pixels: five times sha1's speed, and repeats within one book need no cryptographic strength. */
function pixelHasher(): Promise<IHasher> {
  hasherPromise ??= createXXHash64();
  return hasherPromise;
}

/** A page that failed after some of its images were queued: those images belong to no page of the output. */
async function dropPageImages(page: number, pending: Pending[], counts: Counts, imagesDir: string): Promise<void> {
  for (const p of pending.filter((e) => e.page === page)) {
    await p.done;
    const extracted = p.countAs === 'images.extracted';
    if (!p.failed) {
      rmSync(join(imagesDir, p.image.src.slice('images/'.length)), { force: true });
      counts.add(p.countAs, -1);
    } else {
      counts.add(extracted ? 'images.skipped.undecodable' : `${p.countAs}.failed`, -1);
    }
    p.failed = true;
    // Drawn images are accounted against pdfimages' list; figures rendered from the page are not in it.
    if (extracted) counts.add('images.skipped.page-failed');
  }
}

function sorted(map: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface ExtractContext {
  config: PdfToHtmlOptions['config'];
  /** Draw keys and pixel hashes already written in this book. */
  seen: Set<string>;
  counts: Counts;
  pending: Pending[];
  inFlight: Set<Promise<void>>;
  imagesDir: string;
  deadline: Deadline;
}

/**
 * The page's drawn images: skipped ones counted by reason, the others queued
 * for re-encoding and placed where they are drawn. Repeats (the same object or
 * the same pixels drawn again anywhere in the book: logos, rules, bullets) are
 * written once, at their first draw.
 */
async function extractImages(page: PDFPageProxy, pageNo: number, content: PageContent, ctx: ExtractContext, skipOnPage: (index: number) => SkipReason | undefined): Promise<PlacedImage[]> {
  const placed: PlacedImage[] = [];
  const skip = (reason: SkipReason): void => ctx.counts.add(`images.skipped.${reason}`);
  let n = 0;
  for (const [index, draw] of content.draws.entries()) {
    ctx.counts.add('images.drawn');
    const early = skipByDraw(draw) ?? skipOnPage(index);
    if (early) {
      skip(early);
      continue;
    }
    const objectKey = draw.source.type === 'object' ? (draw.source.id.startsWith('g_') ? draw.source.id : `${pageNo}:${draw.source.id}`) : undefined;
    if (objectKey && ctx.seen.has(`obj:${objectKey}`)) {
      skip('repeated');
      continue;
    }
    let raw: RawImage;
    try {
      const data = draw.source.type === 'object' ? await ctx.deadline.race(imageObject(page, draw.source.id), `image ${draw.source.id} on page ${pageNo}`) : draw.source.image;
      const width = draw.crop?.w ?? data.width;
      const height = draw.crop?.h ?? data.height;
      const bySize = skipBySize(width, height, ctx.config);
      if (bySize) {
        skip(bySize);
        continue;
      }
      raw = toRawImage(data, draw.mask, draw.crop);
    } catch (err) {
      if (err instanceof BookError) throw err;
      skip('undecodable');
      continue;
    }
    if (objectKey) ctx.seen.add(`obj:${objectKey}`);
    const hasher = await pixelHasher();
    hasher.init();
    const hash = `${raw.width}x${raw.height}x${raw.channels}:${hasher.update(raw.data).digest('hex')}`;
    if (ctx.seen.has(`px:${hash}`)) {
      skip('repeated');
      continue;
    }
    ctx.seen.add(`px:${hash}`);
    n++;
    const image: PlacedImage = { box: draw.box, src: '', width: 0, height: 0 };
    placed.push(image);
    await enqueueEncode(image, raw, pageNo, `p${pageNo}-${n}`, ctx, 'images.extracted');
  }
  return placed;
}

async function enqueueEncode(image: PlacedImage, raw: RawImage, page: number, stem: string, ctx: ExtractContext, countAs: string): Promise<void> {
  while (ctx.inFlight.size >= MAX_PENDING_ENCODES) await Promise.race(ctx.inFlight);
  const entry: Pending = { image, page, countAs, failed: false, done: Promise.resolve() };
  entry.done = reencodeImage(raw, { maxSide: ctx.config.maxImageSide, jpegQuality: ctx.config.jpegQuality, maxPixels: ctx.config.maxImagePixels })
    .then(
      async (enc) => {
        const name = `${stem}.${enc.ext}`;
        // Written off the main thread too: file creation costs milliseconds on a busy disk.
        await writeFile(join(ctx.imagesDir, name), enc.bytes);
        image.src = `images/${name}`;
        image.width = enc.width;
        image.height = enc.height;
        ctx.counts.add(countAs);
      },
      () => {
        entry.failed = true;
        ctx.counts.add(countAs === 'images.extracted' ? 'images.skipped.undecodable' : `${countAs}.failed`);
      },
    )
    .catch((err: unknown) => {
      // A full or read-only disk is not the book's fault: the run fails as a whole.
      entry.failed = true;
      entry.writeError = err as Error;
    })
    .finally(() => ctx.inFlight.delete(entry.done));
  ctx.inFlight.add(entry.done);
  ctx.pending.push(entry);
}
