import { TABLE_CELL_SEPARATOR, type NodeRow } from '@mtb/image-tokens';

export const FURNITURE_ROLES: ReadonlySet<string> = new Set(['header', 'footer', 'page-number']);

export interface PageView {
  page: number;
  /** 0-based position among the book's pages (front matter sits at the start, indexes at the end). */
  index: number;
  nodes: NodeRow[];
  /** Text nodes that are not page furniture, in reading order. */
  content: NodeRow[];
  images: NodeRow[];
}

/** Pixel statistics of an image node, measured once by the runner (sharp is async, filters are not). */
export interface PixelStats {
  /** Largest standard deviation over the image's channels: near 0 for a blank or single-colour image. */
  stddev: number;
}

export interface BookView {
  bookId: string;
  nodes: readonly NodeRow[];
  /** Pages in book order. */
  pages: readonly PageView[];
  pageOf(node: NodeRow): PageView;
  /** By seq; images whose pixels could not be read are absent. */
  pixelStats: ReadonlyMap<number, PixelStats>;
}

export function isFurniture(node: NodeRow): boolean {
  return FURNITURE_ROLES.has(node.role);
}

export function createBookView(bookId: string, nodes: readonly NodeRow[], pixelStats: ReadonlyMap<number, PixelStats> = new Map()): BookView {
  const byPage = new Map<number, PageView>();
  for (const node of nodes) {
    let view = byPage.get(node.page);
    if (!view) {
      view = { page: node.page, index: 0, nodes: [], content: [], images: [] };
      byPage.set(node.page, view);
    }
    view.nodes.push(node);
    if (node.kind === 'image') view.images.push(node);
    else if (!isFurniture(node)) view.content.push(node);
  }
  const pages = [...byPage.values()].sort((a, b) => a.page - b.page);
  pages.forEach((p, i) => { p.index = i; });
  return {
    bookId,
    nodes,
    pages,
    pageOf: (node) => byPage.get(node.page)!,
    pixelStats,
  };
}

/** A table cell of one glyph: a check mark ("X", "✓"), a lone digit or sign. */
const MARK_CELL = /^\S$/u;

/**
 * A node's text as the text measures read it: a table row's cell separators
 * are layout, not symbols of a broken text layer, and its one-glyph cells
 * (check marks) are no stray glyphs of one; a code block is not measured.
 */
export function measuredText(node: NodeRow): string {
  // Code is no prose: its braces and operators are not a broken font's symbols, nor its keywords a language.
  if (node.role === 'code') return '';
  if (node.role !== 'table') return node.text;
  return node.text
    .split(TABLE_CELL_SEPARATOR)
    .filter((cell) => !MARK_CELL.test(cell.trim()))
    .join(' ');
}

/** Content text of a page, blocks joined by newlines. */
export function pageText(page: PageView): string {
  return page.content.map(measuredText).join('\n');
}
