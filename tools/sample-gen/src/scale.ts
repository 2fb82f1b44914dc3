import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from './prng.js';
import { loadCaptions } from './captions.js';
import { CaptionPool } from './prose.js';
import { buildBook, deriveEdition, type BookContent, type BookSpec, type ParaBlock, type FigureBlock } from './model.js';
import { SPECIALTIES } from './specialties.js';
import { makeLogo, nearDuplicate } from './images.js';
import { renderBook } from './render.js';
import { PAGES_PER_CHAPTER } from './book.js';
import { jaccard } from './similarity.js';
import { annotateTwins } from './sample.js';
import type { BookTruth } from './truth.js';

/**
 * A large synthetic corpus for the end-to-end benchmark and dedup quality checks:
 * `books` textbooks of about `pagesPerBook` pages, with duplicates planted on
 * purpose and listed in planted.json, so a run can be scored, not just timed.
 */
export interface PlantOptions {
  /** Paragraphs copied verbatim into a later book (default 4 per book). */
  exactParagraphs?: number;
  /** Paragraphs copied into a later book with light edits (numbers changed, a word swapped). */
  nearParagraphs?: number;
  /** Figures whose image is reused byte for byte in a later book. */
  exactImages?: number;
  /** Figures re-encoded slightly brighter in a later book (perceptual-hash neighbours). */
  nearImages?: number;
  /** Whole books written twice under another id. */
  copies?: number;
  /** Books that get a revised second edition. */
  editions?: number;
}

export interface GenerateCorpusOptions {
  outDir: string;
  books?: number;
  pagesPerBook?: number;
  seed?: string;
  duplicates?: PlantOptions;
  log?: (msg: string) => void;
  /** Called after each book is built (content, images) and after each is rendered and written. */
  progress?: (phase: 'build' | 'render', done: number, total: number) => void;
}

export interface PlantedItem {
  kind: 'exact-text' | 'near-text' | 'exact-image' | 'near-image';
  /** The first occurrence (kept): book id and content uid. */
  kept: { bookId: string; uid: string };
  /** The planted duplicate (to be dropped). */
  duplicate: { bookId: string; uid: string };
  /** Word 5-gram Jaccard of the two paragraphs (text kinds). */
  jaccard?: number;
}

export interface CorpusManifest {
  seed: string;
  books: { id: string; title: string; specialty: string; pages: number; figures: number; bytes: number }[];
  totalPages: number;
  planted: PlantedItem[];
  /** Whole-book duplicates, with the word 5-gram Jaccard of their body text (>= 0.8 means dedup drops the book whole). */
  wholeBook: { kind: 'copy' | 'edition'; kept: string; duplicate: string; jaccard?: number }[];
  /** The logo drawn on every title page: repeated more than decorativeRepeat times. */
  logo: { sha256: string; occurrences: number };
}

/** Light edits a copy-editor would make: some numbers changed and one word swapped. */
function lightEdit(rng: Rng, text: string): string {
  let changed = 0;
  let out = text.replace(/\b\d+\b/g, (d) => (changed++ < 1 ? String(Number(d) + rng.int(1, 5)) : d));
  const words = out.split(' ');
  const i = rng.int(0, words.length - 1);
  if (/^[a-z]{4,}$/.test(words[i]!)) words[i] = rng.pick(['typically', 'often', 'usually', 'frequently']);
  out = words.join(' ');
  return out;
}

function paragraphs(b: BookContent): { chapter: number; index: number; block: ParaBlock }[] {
  const out: { chapter: number; index: number; block: ParaBlock }[] = [];
  b.chapters.forEach((c, ci) => c.blocks.forEach((blk, bi) => { if (blk.type === 'para' && !/Figure \d/.test(blk.text)) out.push({ chapter: ci, index: bi, block: blk }); }));
  return out;
}

function figures(b: BookContent): FigureBlock[] {
  return b.chapters.flatMap((c) => c.blocks.filter((x): x is FigureBlock => x.type === 'figure'));
}

export async function generateCorpus(opts: GenerateCorpusOptions): Promise<CorpusManifest> {
  const n = opts.books ?? 50;
  const pagesPerBook = opts.pagesPerBook ?? 200;
  const seed = opts.seed ?? 'mtb-scale';
  const d = opts.duplicates ?? {};
  const plant = {
    // Defaults scale with the corpus: 4 duplicate paragraphs of each kind and 1 image of each kind per book.
    exactParagraphs: d.exactParagraphs ?? 4 * n, nearParagraphs: d.nearParagraphs ?? 4 * n, exactImages: d.exactImages ?? n,
    nearImages: d.nearImages ?? n, copies: d.copies ?? 1, editions: d.editions ?? 1,
  };
  const log = opts.log ?? (() => {});
  const rng = new Rng(seed);
  const pool = new CaptionPool(loadCaptions(), false);
  const logo = await makeLogo(new Rng(`${seed}:logo`));
  const originals = n - plant.copies - plant.editions;
  if (originals < 2) throw new Error(`--corpus ${n} is too small for ${plant.copies} copies and ${plant.editions} editions`);
  const chapters = Math.max(1, Math.round((pagesPerBook - 6) / PAGES_PER_CHAPTER));
  const contents: BookContent[] = [];
  const specs: BookSpec[] = [];
  for (let i = 0; i < originals; i++) {
    const sp = SPECIALTIES[i % SPECIALTIES.length]!;
    const num = String(i + 1).padStart(3, '0');
    const spec: BookSpec = {
      id: `scale-${num}-${sp.key}`, title: `${sp.name}: Volume ${i + 1}`, specialty: sp.key, seed: `${seed}:book:${i}`,
      chapters, sections: [4, 6], paragraphs: [3, 6], figureRate: 0.8, twoColumnChapters: [2, 6, 10, 14], references: 20,
      rectoChapters: i % 5 === 0, footerText: i % 3 === 0 ? `${sp.name}, Volume ${i + 1}` : null,
    };
    specs.push(spec);
    contents.push(await buildBook(spec, (s, r) => pool.drawer(s, r), logo));
    opts.progress?.('build', i + 1, originals);
  }
  const planted: PlantedItem[] = [];
  const pickPair = () => {
    const a = rng.int(0, originals - 2);
    return [a, rng.int(a + 1, originals - 1)] as const;
  };
  for (let k = 0; k < plant.exactParagraphs + plant.nearParagraphs; k++) {
    const near = k >= plant.exactParagraphs;
    const [a, b] = pickPair();
    const src = rng.pick(paragraphs(contents[a]!));
    const tgt = contents[b]!;
    const ch = tgt.chapters[rng.int(0, tgt.chapters.length - 1)]!;
    const at = rng.int(1, ch.blocks.length);
    const uid = `dup${k}`;
    const text = near ? lightEdit(rng, src.block.text) : src.block.text;
    ch.blocks.splice(at, 0, { type: 'para', uid, text, terms: [] });
    planted.push({ kind: near ? 'near-text' : 'exact-text', kept: { bookId: contents[a]!.id, uid: src.block.uid }, duplicate: { bookId: tgt.id, uid }, jaccard: Math.round(jaccard(src.block.text, text) * 1000) / 1000 });
  }
  for (let k = 0; k < plant.exactImages + plant.nearImages; k++) {
    const near = k >= plant.exactImages;
    const [a, b] = pickPair();
    const fa = figures(contents[a]!).filter((f) => !near || f.asset.format === 'jpeg');
    const fb = figures(contents[b]!).filter((f) => !planted.some((p) => p.duplicate.uid === f.uid && p.duplicate.bookId === contents[b]!.id));
    if (!fa.length || !fb.length) continue;
    const src = rng.pick(fa);
    const tgt = rng.pick(fb);
    tgt.asset = near ? await nearDuplicate(src.asset) : src.asset;
    planted.push({ kind: near ? 'near-image' : 'exact-image', kept: { bookId: contents[a]!.id, uid: src.uid }, duplicate: { bookId: contents[b]!.id, uid: tgt.uid } });
  }
  const wholeBook: CorpusManifest['wholeBook'] = [];
  const all: BookContent[] = [...contents];
  for (let k = 0; k < plant.copies; k++) {
    const src = contents[k % originals]!;
    all.push({ ...src, id: `scale-${String(all.length + 1).padStart(3, '0')}-copy-of-${src.id.slice(6, 9)}` });
    wholeBook.push({ kind: 'copy', kept: src.id, duplicate: all[all.length - 1]!.id, jaccard: 1 });
  }
  for (let k = 0; k < plant.editions; k++) {
    const idx = (k + 1) % originals;
    const src = contents[idx]!;
    const id = `scale-${String(all.length + 1).padStart(3, '0')}-2nd-edition-of-${src.id.slice(6, 9)}`;
    all.push(await deriveEdition(src, { id, title: src.title, seed: `${seed}:edition:${k}`, newChapters: 2 }, (s, r) => pool.drawer(s, r), specs[idx]!));
    wholeBook.push({ kind: 'edition', kept: src.id, duplicate: id });
  }
  const root = resolve(opts.outDir);
  mkdirSync(join(root, 'pdf'), { recursive: true });
  mkdirSync(join(root, 'truth'), { recursive: true });
  const manifest: CorpusManifest = { seed, books: [], totalPages: 0, planted, wholeBook, logo: { sha256: logo.sha256, occurrences: all.length } };
  const editionSources = new Map<string, BookTruth | null>(wholeBook.filter((w) => w.kind === 'edition').map((w) => [w.kept, null]));
  for (const b of all) {
    const r = await renderBook(b, new Rng(`${b.seed}:layout`));
    if (editionSources.has(b.id)) editionSources.set(b.id, r.truth);
    if (b.derivedFrom && b.edition > 1) {
      const first = editionSources.get(b.derivedFrom);
      if (first) {
        annotateTwins(r.truth, first);
        const bodyText = (t: BookTruth) => t.blocks.filter((x) => x.matter === 'body').map((x) => x.text).join(' ');
        const w = wholeBook.find((x) => x.duplicate === b.id)!;
        w.jaccard = Math.round(jaccard(bodyText(first), bodyText(r.truth)) * 1000) / 1000;
      }
    }
    writeFileSync(join(root, 'pdf', `${b.id}.pdf`), r.pdf);
    writeFileSync(join(root, 'truth', `${b.id}.json`), JSON.stringify(r.truth) + '\n');
    manifest.books.push({ id: b.id, title: b.title, specialty: b.specialty.name, pages: r.truth.pageCount, figures: r.truth.figures.length, bytes: r.pdf.length });
    manifest.totalPages += r.truth.pageCount;
    log(`${b.id}: ${r.truth.pageCount} pages`);
    opts.progress?.('render', manifest.books.length, all.length);
  }
  writeFileSync(join(root, 'planted.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
