import type { Histogram } from './histogram.js';

/** report/stats.json (DESIGN.md 4.6). Counts only: no times, so two builds give the same bytes. */
export interface CorpusStats {
  corpus: string;
  settings: { splitUnit: 'book' | 'segment'; evalFraction: number; splitSeed: string; minImages: number; maxImages: number; maxTokens: number };
  books: {
    total: number;
    ok: number;
    failed: number;
    failedByClass: Record<string, number>;
    failedBooks: Array<{ bookId: string; stage: string; class: string; message: string }>;
    droppedAsDuplicate: number;
    duplicates: Array<{ bookId: string; twinBook: string; similarity: number }>;
    withoutSegments: number;
  };
  pages: number;
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
  };
  segments: {
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
  const lines = [
    `${stats.corpus}: ${compact(b.ok - b.droppedAsDuplicate)} books, ${compact(stats.images.kept)} images, ${compact(stats.tokens.inSegments)} tokens in ${compact(s.total)} segments`,
    `  split by ${stats.settings.splitUnit}: train ${compact(s.train)} / eval ${compact(s.eval)} segments (eval ${pct(s.evalFractionRealized)}, target ${pct(s.evalFractionTarget)})`,
    `  kept ${pct(stats.tokens.keptShare)} of ${compact(stats.tokens.extracted)} extracted text tokens and ${pct(stats.images.keptShare)} of ${compact(stats.images.extracted)} images from ${compact(stats.pages)} pages`,
  ];
  if (b.failed > 0) lines.push(`  ${b.failed} book${b.failed === 1 ? '' : 's'} failed: ${reasons(b.failedByClass)}`);
  if (b.droppedAsDuplicate > 0) lines.push(`  ${b.droppedAsDuplicate} book${b.droppedAsDuplicate === 1 ? '' : 's'} dropped as duplicate${b.droppedAsDuplicate === 1 ? '' : 's'} of earlier books`);
  if (Object.keys(stats.images.droppedByReason).length) lines.push(`  images dropped: ${reasons(stats.images.droppedByReason)}`);
  if (Object.keys(stats.tokens.droppedByReason).length) lines.push(`  tokens dropped: ${reasons(stats.tokens.droppedByReason)}`);
  return lines.join('\n');
}
