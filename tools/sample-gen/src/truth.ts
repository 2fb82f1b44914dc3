import { readFileSync } from 'node:fs';

/**
 * Ground truth written beside every generated PDF (datasets/sample/truth/<bookId>.json).
 * Pages are 1-based PDF page indices (the `data-page` of book.html); boxes are in PDF
 * points with a top-left origin: [x, y, width, height].
 */
export type Matter = 'front' | 'body' | 'back';
export type Section = 'title' | 'copyright' | 'toc' | 'chapter' | 'references' | 'index' | 'blank';
export type BlockKind = 'title' | 'heading' | 'body' | 'caption' | 'entry';
export type FurnitureRole = 'header' | 'footer' | 'page-number';
export type Origin = 'copied' | 'edited' | 'new';

export interface TruthPage {
  page: number;
  /** The printed page number ("iii", "12"), or null where none is printed. */
  label: string | null;
  matter: Matter;
  section: Section;
  columns: 1 | 2;
}

export interface TruthBlock {
  /** Reading order index, 0-based. */
  seq: number;
  /** First page the block is drawn on. */
  page: number;
  /** Every page the block spans (a paragraph may continue on the next page or column). */
  pages: number[];
  kind: BlockKind;
  /** 1-3 for headings (h1 chapter, h2 section, h3 subsection), absent otherwise. */
  level?: 1 | 2 | 3;
  matter: Matter;
  section: Section;
  /** Full text, words joined by single spaces, line-end hyphenation undone, real hyphens kept. */
  text: string;
  /** For captions: the figure id ("2.1"). */
  figure?: string;
  /** In a derived edition: how the block relates to the earlier edition. */
  origin?: Origin;
  /** Stable content id ("c2p5": chapter 2, paragraph 5), shared by an edition's copied and edited blocks. */
  uid?: string;
  /** In a derived edition: the uid of the twin block in the earlier edition (copied or edited). */
  twin?: string;
  /** For edited blocks: word 5-gram Jaccard with the twin (normalized: lowercase, digits folded, punctuation removed). */
  twinJaccard?: number;
}

export interface TruthFigure {
  id: string;
  page: number;
  caption: string;
  bbox: [number, number, number, number];
  image: { width: number; height: number; format: 'png' | 'jpeg'; kind: string; sha256: string };
  origin?: Origin | 'near-duplicate';
}

export interface TruthDecoration {
  page: number;
  kind: 'logo';
  bbox: [number, number, number, number];
  image: { width: number; height: number; format: 'png' | 'jpeg'; sha256: string };
}

export interface TruthFurniture {
  page: number;
  role: FurnitureRole;
  text: string;
}

export interface TruthHyphenation {
  page: number;
  /** The word as it appears in the truth text. */
  word: string;
  /** What is drawn at the line end, hyphen included ("cardio-"). */
  broken: string;
}

export interface BookTruth {
  formatVersion: 1;
  bookId: string;
  title: string;
  specialty: string;
  edition: number;
  /** The book this one is an edition or copy of, or null. */
  derivedFrom: string | null;
  seed: string;
  pageCount: number;
  pageSize: { width: number; height: number };
  pages: TruthPage[];
  blocks: TruthBlock[];
  figures: TruthFigure[];
  decorations: TruthDecoration[];
  furniture: TruthFurniture[];
  hyphenated: TruthHyphenation[];
}

export function readTruth(file: string): BookTruth {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ground truth ${file}: ${(err as Error).message}`);
  }
  const t = value as Partial<BookTruth>;
  if (t.formatVersion !== 1 || !Array.isArray(t.blocks) || !Array.isArray(t.pages) || !Array.isArray(t.figures) || !Array.isArray(t.furniture)) {
    throw new Error(`${file} is not a sample-gen ground truth file (formatVersion 1 with pages, blocks, figures, furniture); regenerate it with "npm run sample:generate"`);
  }
  return t as BookTruth;
}
