/**
 * Plain records the layout logic works on. Coordinates are PDF points in the
 * page's viewport (rotation applied), origin top-left, y growing downwards, so
 * "above" means a smaller y, as on the printed page.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface FontStyle {
  /** Font size in points (the text's vertical scale on the page). */
  size: number;
  bold: boolean;
  italic: boolean;
  /** A fixed-pitch face (Courier, LMMono, Consolas): code, whose lines are never prose. */
  mono?: boolean;
}

/** One text item as the PDF draws it: a run of glyphs in one font on one baseline. */
export interface TextRun {
  box: Box;
  /** y of the baseline (box.y + ascent). */
  baseline: number;
  text: string;
  font: FontStyle;
  /** Not along the page's x axis (margin banners, rotated table heads): never merged with other runs. */
  rotated?: boolean;
  /** Tagged PDFs: the marked-content id the run is drawn in ("p12R_mc3"), or `artifact` for pagination and decoration. */
  mcid?: string;
  artifact?: boolean;
  /** Recognised by OCR with this confidence (0..1); absent for text from the PDF's text layer. */
  confidence?: number;
}

/** Runs on one baseline, no wider gap between them than a column gutter. */
export interface Line {
  box: Box;
  baseline: number;
  /** Raised note calls come wrapped in MARK_OPEN/MARK_CLOSE (marks.ts) until the book resolves them. */
  text: string;
  /** The style most of the line's characters have. */
  font: FontStyle;
  /** Made of rotated text: margin banners and the like, kept out of the column analysis. */
  rotated?: boolean;
  /** OCR'd: its runs' mean confidence, weighted by characters. */
  confidence?: number;
}

/** An image already written to disk, placed where the page draws it. */
export interface PlacedImage {
  box: Box;
  /** Relative to book.html: images/p<page>-<n>.<ext>. */
  src: string;
  width: number;
  height: number;
  /** Drawn from the page (a vector figure or a scan's picture), its region already holding its labels. */
  rendered?: boolean;
}

export type StructKind = 'paragraph' | 'heading' | 'list-item' | 'caption' | 'figure' | 'note' | 'cell';

/** One block of a tagged PDF's structure tree, in the tree's order: its kind and the marked content it draws. */
export interface StructBlock {
  kind: StructKind;
  mcids: string[];
  level?: 1 | 2 | 3;
  /** Table cells: which table of the page, row and column (0-based). */
  cell?: { id: number; row: number; col: number };
}

/** A structure block with its text set as lines (tagged PDFs, when the tree is consistent with the page). */
export interface TaggedBlock {
  kind: StructKind;
  lines: Line[];
  box: Box;
  level?: 1 | 2 | 3;
  cell?: { id: number; row: number; col: number };
}

/** What one page contributes before the book-level passes (furniture, headings). */
export interface PageLayout {
  /** 1-based. */
  page: number;
  width: number;
  height: number;
  lines: Line[];
  images: PlacedImage[];
  /** Tagged PDFs: the page's blocks in logical order, when its structure tree covers its text; geometry decides otherwise. */
  tagged?: TaggedBlock[];
  /** Lines drawn as artifacts (pagination, decoration) in a tagged PDF: never body text. */
  artifacts?: Line[];
}

export type FurnitureRole = 'header' | 'footer' | 'page-number';

export function right(b: Box): number {
  return b.x + b.w;
}

export function bottom(b: Box): number {
  return b.y + b.h;
}

export function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(right(a), right(b)) - x, h: Math.max(bottom(a), bottom(b)) - y };
}

/** Length of the overlap of [a0,a1] and [b0,b1] (0 when disjoint). */
export function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Two boxes on one printed row: they share at least half the shorter one's height. */
export function sameRow(a: Box, b: Box): boolean {
  return overlap(a.y, bottom(a), b.y, bottom(b)) >= 0.5 * Math.min(a.h, b.h);
}
