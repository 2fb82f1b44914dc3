import type { Histogram } from './histogram.js';

/** Kept text of one book, beside what the book had after its front and back matter and furniture. */
export interface BookTextStats {
  bookId: string;
  /** Plain text tokens extracted. */
  extracted: number;
  /** Extracted minus furniture, front matter, contents, index, bibliography and blank pages: the book's own text. */
  content: number;
  /** Text tokens in its segments. */
  kept: number;
  /** kept / content. */
  keptContentShare: number;
  /** Text tokens trained on under OpenFlamingo's label mask. */
  trained: number;
  images: number;
}

/** report/stats.json (DESIGN.md 4.6). Counts only: no times, so two builds give the same bytes. */
export interface CorpusStats {
  corpus: string;
  settings: {
    splitUnit: 'book' | 'segment'; evalFraction: number; splitSeed: string; minImages: number; maxImages: number; maxTokens: number;
    imageAnchor: 'reference' | 'position';
  };
  /** Things a person should know about this build (a split that fell back to segments). */
  warnings: string[];
  books: {
    total: number;
    ok: number;
    failed: number;
    failedByClass: Record<string, number>;
    failedBooks: Array<{ bookId: string; stage: string; class: string; message: string }>;
    /** Books whose file is damaged (pages missing): kept with what was read, counted in `ok` too. */
    partial: number;
    partialBooks: Array<{ bookId: string; stage: string; message: string }>;
    droppedAsDuplicate: number;
    duplicates: Array<{ bookId: string; twinBook: string; similarity: number }>;
    withoutSegments: number;
  };
  pages: number;
  /** Pages whose text came from OCR (scans, garbled text layers); their time is in the html stage's log, not here. */
  pagesOcr: number;
  images: { extracted: number; droppedByReason: Record<string, number>; kept: number; keptShare: number };
  tokens: {
    /** Plain LLaMA tokens of the extracted text blocks. */
    extracted: number;
    droppedByReason: Record<string, number>;
    /** Text tokens that made it into segments. */
    kept: number;
    keptShare: number;
    /** Tokens of all segments' input_ids (BOS, EOS, `<image>`, `<|endofchunk|>` included). */
    inSegments: number;
    /** Kept text tokens that are training targets under OpenFlamingo's label mask (the loader's buildLabels). */
    trained: number;
    /** trained / kept. */
    trainedShare: number;
    /** Kept text tokens before their segment's first `<image>` (never trained). */
    beforeFirstImage: number;
    /** Text that led a segment in the book and was moved behind the segment's first figure. */
    ledFigure: number;
    /** trained / images kept. */
    trainedPerImage: number;
  };
  /** One chunk per kept image: `<image>` and the text up to the next `<|endofchunk|>`. */
  chunks: {
    image: number;
    /** `<image><|endofchunk|>`. */
    empty: number;
    /** Empty chunks of images that have a caption or referring text (the middle images of a figure of three or more). */
    emptyExplained: number;
    captionOnly: number;
  };
  /** Where figures were put: before the first block that refers to them, or where they stand. */
  figures: { byReference: number; byPosition: number };
  /** Per book, in id order. */
  perBook: BookTextStats[];
  segments: {
    /** The split unit used: the requested one, or `segment` when a book-level split cannot come near evalFraction. */
    unit: 'book' | 'segment';
    /** Eval share of segments that whole books would give (null when splitUnit is `segment`). */
    bookLevelEvalFraction: number | null;
    total: number;
    train: number;
    eval: number;
    evalFractionTarget: number;
    evalFractionRealized: number;
    booksPerSplit: { train: number; eval: number };
    imagesPerSplit: { train: number; eval: number };
    tokensPerSplit: { train: number; eval: number };
  };
  histograms: { tokensPerSegment: Histogram; imagesPerSegment: Histogram };
  specialties: Record<string, { books: number; segments: number; images: number; tokens: number }>;
  shards: { train: { files: number; bytes: number }; eval: { files: number; bytes: number } };
}

function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(n / 1e3).toFixed(1)}K`;
  return n.toLocaleString('en-US');
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const reasons = (by: Record<string, number>): string =>
  Object.entries(by).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k} ${compact(v)}`).join(', ');

/**
 * The paper's line ("4,721 books, 0.8M images, 584M tokens") for this corpus,
 * then the split and what was lost on the way, on a few lines.
 */
export function formatSummary(stats: CorpusStats): string {
  const b = stats.books;
  const s = stats.segments;
  const t = stats.tokens;
  const c = stats.chunks;
  const lines = [
    `${stats.corpus}: ${compact(b.ok - b.droppedAsDuplicate)} books, ${compact(stats.images.kept)} images, ${compact(t.inSegments)} tokens in ${compact(s.total)} segments`,
    `  split by ${s.unit}: train ${compact(s.train)} / eval ${compact(s.eval)} segments (eval ${pct(s.evalFractionRealized)}, target ${pct(s.evalFractionTarget)})`,
    `  kept ${pct(t.keptShare)} of ${compact(t.extracted)} extracted text tokens and ${pct(stats.images.keptShare)} of ${compact(stats.images.extracted)} images from ${compact(stats.pages)} pages${stats.pagesOcr ? ` (${compact(stats.pagesOcr)} OCR'd)` : ''}`,
    `  trained under OpenFlamingo's mask: ${pct(t.trainedShare)} of ${compact(t.kept)} kept text tokens (${compact(t.beforeFirstImage)} before a first image), ${compact(Math.round(t.trainedPerImage))} per image; ` +
      `${c.empty} empty (${c.emptyExplained} of images with a caption or reference) and ${c.captionOnly} caption-only of ${c.image} image chunks`,
  ];
  for (const w of stats.warnings) lines.push(`  warning: ${w}`);
  if (b.failed > 0) lines.push(`  ${b.failed} book${b.failed === 1 ? '' : 's'} failed: ${reasons(b.failedByClass)}`);
  if (b.partial > 0) lines.push(`  ${b.partial} book${b.partial === 1 ? '' : 's'} partial (damaged file, pages missing): ${b.partialBooks.map((p) => p.bookId).join(', ')}`);
  if (b.droppedAsDuplicate > 0) lines.push(`  ${b.droppedAsDuplicate} book${b.droppedAsDuplicate === 1 ? '' : 's'} dropped as duplicate${b.droppedAsDuplicate === 1 ? '' : 's'} of earlier books`);
  if (Object.keys(stats.images.droppedByReason).length) lines.push(`  images dropped: ${reasons(stats.images.droppedByReason)}`);
  if (Object.keys(stats.tokens.droppedByReason).length) lines.push(`  tokens dropped: ${reasons(stats.tokens.droppedByReason)}`);
  return lines.join('\n');
}
