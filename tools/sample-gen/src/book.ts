import { Rng } from './prng.js';
import { loadCaptions } from './captions.js';
import { CaptionPool } from './prose.js';
import { buildBook, type BookSpec } from './model.js';
import { makeLogo } from './images.js';
import { renderBook, type RenderedBook } from './render.js';

/** Measured: a chapter of 4-6 sections of 3-6 paragraphs with ~1 figure per section fills about 8 pages. */
export const PAGES_PER_CHAPTER = 7.9;

export interface GenerateBookOptions {
  /** Approximate page count (front and back matter included). */
  pages: number;
  seed: string | number;
  id?: string;
  title?: string;
  specialty?: string;
  /** Probability that a section has a figure (default 0.9: an illustrated book). */
  figureRate?: number;
  twoColumnEvery?: number;
}

/**
 * One book of about `pages` pages, for memory tests and benchmarks of later stages
 * (not committed). Chapters are added until the estimate is met; the exact count is
 * in the returned truth.
 */
export async function generateBook(opts: GenerateBookOptions): Promise<RenderedBook> {
  const seed = String(opts.seed);
  const pool = new CaptionPool(loadCaptions(), false);
  const chapters = Math.max(1, Math.round((opts.pages - 6) / PAGES_PER_CHAPTER));
  const every = opts.twoColumnEvery ?? 4;
  const spec: BookSpec = {
    id: opts.id ?? `generated-${seed}`,
    title: opts.title ?? 'Comprehensive Textbook of Cardiology',
    specialty: opts.specialty ?? 'cardiology',
    seed,
    chapters,
    sections: [4, 6],
    paragraphs: [3, 6],
    figureRate: opts.figureRate ?? 0.9,
    twoColumnChapters: Array.from({ length: chapters }, (_, i) => i + 1).filter((c) => c % every === 0),
    references: Math.min(200, 10 + chapters * 2),
  };
  const logo = await makeLogo(new Rng(`${seed}:logo`));
  const content = await buildBook(spec, (sp, rng) => pool.drawer(sp, rng), logo);
  return renderBook(content, new Rng(`${seed}:layout`));
}
