import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  bookPaths, corpusPaths, createLogger, createProgress, listBooks, loadCorpusConfig, readBookStatus, readBooksMeta, writeJsonAtomic, type BookStatus, type CorpusConfig,
} from '@mtb/core';
import { ShardWriter, readRowsFile, type ShardRow } from '@mtb/shards';
import type { SplitName } from './assign.js';
import { histogram } from './histogram.js';
import { planSplit } from './split-plan.js';
import type { BookTextStats, CorpusStats } from './stats.js';

const TOKEN_BIN = 64;
const log = createLogger('split');

/** Drop reasons that remove what is not the book's own text: page furniture, front and back matter. */
const MATTER_REASON = /^(?:furniture-|front-matter$|contents-page$|index-page$|bibliography$|blank-page$)/;

export interface SplitOptions { config?: CorpusConfig; quiet?: boolean }

function readWholeBookDrop(file: string): { twinBook: string; similarity: number } | null {
  if (!existsSync(file)) return null;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { wholeBook?: { twinBook: string; similarity: number } | null };
  return raw.wholeBook ?? null;
}

function addInto(target: Record<string, number>, counts: Record<string, number>, prefix: string): void {
  for (const [k, v] of Object.entries(counts)) {
    if (k.startsWith(prefix) && v !== 0) target[k.slice(prefix.length)] = (target[k.slice(prefix.length)] ?? 0) + v;
  }
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

const sortedRecord = (r: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(r).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/**
 * `mtb split <corpus>`: every book's segments.arrow -> shards/train and
 * shards/eval (books in id order, segments in book order, so the same inputs
 * give the same bytes), and report/stats.json.
 */
export async function runSplit(corpusDir: string, opts: SplitOptions = {}): Promise<CorpusStats> {
  const paths = corpusPaths(corpusDir);
  const config = opts.config ?? loadCorpusConfig(paths.config);
  const booksMeta = readBooksMeta(paths.books);
  const books = listBooks(corpusDir);
  const name = config.name ?? basename(paths.root);
  const stats: CorpusStats = {
    corpus: name,
    settings: {
      splitUnit: config.splitUnit, evalFraction: config.evalFraction, splitSeed: config.splitSeed, minImages: config.minImages, maxImages: config.maxImages,
      maxTokens: config.maxTokens, imageAnchor: config.imageAnchor,
    },
    warnings: [],
    books: { total: books.length, ok: 0, failed: 0, failedByClass: {}, failedBooks: [], partial: 0, partialBooks: [], droppedAsDuplicate: 0, duplicates: [], withoutSegments: 0 },
    pages: 0,
    pagesOcr: 0,
    images: { extracted: 0, droppedByReason: {}, kept: 0, keptShare: 0 },
    tokens: { extracted: 0, droppedByReason: {}, kept: 0, keptShare: 0, inSegments: 0, trained: 0, trainedShare: 0, beforeFirstImage: 0, ledFigure: 0, trainedPerImage: 0 },
    chunks: { image: 0, empty: 0, emptyExplained: 0, captionOnly: 0 },
    figures: { byReference: 0, byPosition: 0 },
    perBook: [],
    segments: {
      unit: config.splitUnit, bookLevelEvalFraction: null,
      total: 0, train: 0, eval: 0, evalFractionTarget: config.evalFraction, evalFractionRealized: 0,
      booksPerSplit: { train: 0, eval: 0 }, imagesPerSplit: { train: 0, eval: 0 }, tokensPerSplit: { train: 0, eval: 0 },
    },
    histograms: { tokensPerSegment: { edges: [], counts: [] }, imagesPerSegment: { edges: [], counts: [] } },
    specialties: {},
    shards: { train: { files: 0, bytes: 0 }, eval: { files: 0, bytes: 0 } },
  };

  // First pass: every book's status, and how many segments it has, to plan the split.
  const statuses = new Map<string, BookStatus>();
  const withSegments: Array<{ bookId: string; segments: number }> = [];
  for (const { bookId } of books) {
    const bp = bookPaths(corpusDir, bookId);
    const status = readBookStatus(bp.status, bookId);
    statuses.set(bookId, status);
    if (status.state === 'failed') continue;
    const counted = status.stages['segments']?.counts['segments'];
    const n = counted ?? (existsSync(bp.segments) ? readRowsFile(bp.segments).length : 0);
    if (n > 0) withSegments.push({ bookId, segments: n });
  }
  const plan = planSplit(withSegments, config.evalFraction, config.splitSeed, config.splitUnit);
  stats.segments.unit = plan.unit;
  stats.segments.bookLevelEvalFraction = plan.bookLevelEvalFraction;
  if (plan.warning) {
    stats.warnings.push(plan.warning);
    log.warn(plan.warning);
  }

  const writers: Record<SplitName, ShardWriter> = {
    train: new ShardWriter(paths.trainDir, { maxShardBytes: config.maxShardBytes, fingerprintSeed: `${name}/train`, description: `MTB interleaved segments of ${name}, train split` }),
    eval: new ShardWriter(paths.evalDir, { maxShardBytes: config.maxShardBytes, fingerprintSeed: `${name}/eval`, description: `MTB interleaved segments of ${name}, eval split` }),
  };
  const tokensPerSegment: number[] = [];
  const imagesPerSegment: number[] = [];
  const progress = createProgress('split', books.length, 'books', opts.quiet ? { quiet: true } : {});
  try {
    for (const { bookId } of books) {
      const bp = bookPaths(corpusDir, bookId);
      const status = statuses.get(bookId)!;
      const stages = status.stages;
      stats.pages += stages['html']?.counts['pages'] ?? stages['pdf-html']?.counts['pages'] ?? 0;
      stats.pagesOcr += stages['html']?.counts['pages.ocr'] ?? 0;
      const filter = stages['filter']?.counts ?? {};
      const seg = stages['segments']?.counts ?? {};
      stats.images.extracted += filter['images.in'] ?? seg['images.in'] ?? 0;
      stats.tokens.extracted += filter['tokens.in'] ?? seg['tokens.in'] ?? 0;
      addInto(stats.images.droppedByReason, filter, 'drop-images.');
      addInto(stats.images.droppedByReason, seg, 'drop-images.');
      addInto(stats.tokens.droppedByReason, filter, 'drop-tokens.');
      addInto(stats.tokens.droppedByReason, seg, 'drop-tokens.');
      stats.tokens.kept += seg['tokens.kept'] ?? 0;
      stats.tokens.trained += seg['tokens.trained'] ?? 0;
      stats.tokens.beforeFirstImage += seg['tokens.beforeFirstImage'] ?? 0;
      stats.tokens.ledFigure += seg['tokens.ledFigure'] ?? 0;
      stats.chunks.image += seg['chunks.image'] ?? 0;
      stats.chunks.empty += seg['chunks.empty'] ?? 0;
      stats.chunks.emptyExplained += seg['chunks.emptyExplained'] ?? 0;
      stats.chunks.captionOnly += seg['chunks.captionOnly'] ?? 0;
      stats.figures.byReference += seg['figures.byReference'] ?? 0;
      stats.figures.byPosition += seg['figures.byPosition'] ?? 0;

      if (status.state === 'failed') {
        const failed = Object.values(stages).find((s) => s.state === 'failed')!;
        const cls = failed.error?.class ?? 'internal';
        stats.books.failed++;
        stats.books.failedByClass[cls] = (stats.books.failedByClass[cls] ?? 0) + 1;
        stats.books.failedBooks.push({ bookId, stage: failed.stage, class: cls, message: failed.error?.message ?? '' });
        progress.increment();
        continue;
      }
      stats.books.ok++;
      if (status.state === 'partial') {
        const partial = Object.values(stages).find((s) => s.state === 'partial')!;
        stats.books.partial++;
        stats.books.partialBooks.push({ bookId, stage: partial.stage, message: partial.details[0] ?? '' });
      }
      const extracted = filter['tokens.in'] ?? seg['tokens.in'] ?? 0;
      let matter = 0;
      for (const [k, v] of Object.entries(filter)) if (k.startsWith('drop-tokens.') && MATTER_REASON.test(k.slice('drop-tokens.'.length))) matter += v;
      const book: BookTextStats = {
        bookId, extracted, content: extracted - matter, kept: seg['tokens.kept'] ?? 0, keptContentShare: 0, trained: seg['tokens.trained'] ?? 0, images: seg['images.kept'] ?? 0,
      };
      book.keptContentShare = book.content > 0 ? round4(book.kept / book.content) : 0;
      stats.perBook.push(book);
      const twin = readWholeBookDrop(bp.dropList);
      if (twin) {
        stats.books.droppedAsDuplicate++;
        stats.books.duplicates.push({ bookId, twinBook: twin.twinBook, similarity: twin.similarity });
      }
      const rows: ShardRow[] = existsSync(bp.segments) ? readRowsFile(bp.segments) : [];
      if (rows.length === 0) stats.books.withoutSegments++;
      const specialty = booksMeta[bookId]?.specialty;
      const spec = specialty ? (stats.specialties[specialty] ??= { books: 0, segments: 0, images: 0, tokens: 0 }) : undefined;
      if (spec) spec.books++;
      const bookSplits = new Set<SplitName>();
      for (const row of rows) {
        const split = plan.splitOf(bookId, row.id);
        await writers[split].write(row);
        bookSplits.add(split);
        stats.segments[split]++;
        stats.segments.imagesPerSplit[split] += row.num_images;
        stats.segments.tokensPerSplit[split] += row.num_tokens;
        stats.images.kept += row.num_images;
        stats.tokens.inSegments += row.num_tokens;
        tokensPerSegment.push(row.num_tokens);
        imagesPerSegment.push(row.num_images);
        if (spec) {
          spec.segments++;
          spec.images += row.num_images;
          spec.tokens += row.num_tokens;
        }
      }
      for (const s of bookSplits) stats.segments.booksPerSplit[s]++;
      progress.increment();
    }
    const train = await writers.train.close();
    const evalIndex = await writers.eval.close();
    stats.shards.train = { files: train.shards.length, bytes: train.shards.reduce((n, s) => n + s.bytes, 0) };
    stats.shards.eval = { files: evalIndex.shards.length, bytes: evalIndex.shards.reduce((n, s) => n + s.bytes, 0) };
  } catch (err) {
    writers.train.abort();
    writers.eval.abort();
    throw err;
  } finally {
    progress.stop();
  }
  const s = stats.segments;
  s.total = s.train + s.eval;
  s.evalFractionRealized = s.total ? s.eval / s.total : 0;
  stats.images.keptShare = stats.images.extracted ? stats.images.kept / stats.images.extracted : 0;
  stats.tokens.keptShare = stats.tokens.extracted ? stats.tokens.kept / stats.tokens.extracted : 0;
  stats.tokens.trainedShare = stats.tokens.kept ? round4(stats.tokens.trained / stats.tokens.kept) : 0;
  stats.tokens.trainedPerImage = stats.images.kept ? Math.round((10 * stats.tokens.trained) / stats.images.kept) / 10 : 0;
  stats.images.droppedByReason = sortedRecord(stats.images.droppedByReason);
  stats.tokens.droppedByReason = sortedRecord(stats.tokens.droppedByReason);
  stats.books.failedByClass = sortedRecord(stats.books.failedByClass);
  stats.specialties = Object.fromEntries(Object.entries(stats.specialties).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  stats.histograms.tokensPerSegment = histogram(tokensPerSegment, TOKEN_BIN, config.maxTokens);
  stats.histograms.imagesPerSegment = histogram(imagesPerSegment, 1, config.maxImages);
  writeJsonAtomic(paths.stats, stats);
  return stats;
}
