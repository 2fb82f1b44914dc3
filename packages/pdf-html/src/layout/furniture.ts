import { isCaption } from './captions.js';
import { type FurnitureRole, type Line, bottom } from './types.js';

export interface FurniturePage {
  page: number;
  height: number;
  lines: Line[];
}

/** Running heads and feet live in the outer this-share of the page. */
const BAND = 0.15;
/** Only the outermost lines of a page can be furniture. */
const MAX_LINES_PER_BAND = 3;

const PAGE_NUMBER = /^(?:page|p\.|seite|pág\.?)?\s*[-–—(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?(?:\s*(?:of|\/)\s*\d{1,5})?$/i;

/** Running heads repeat with their page number, chapter number or date changing: fold digits and case. */
export function furnitureKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b[ivxlcdm]{1,7}\b/g, '#')
    .replace(/\d+/g, '#')
    .replace(/[^\p{L}#]+/gu, ' ')
    .trim();
}

export function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.test(text.trim());
}

interface Candidate {
  page: number;
  index: number;
  band: 'top' | 'bottom';
  line: Line;
  key: string;
  /** 0 for the outermost line of its band. */
  rank: number;
}

/**
 * Running headers, footers and page numbers across a whole book: a line in
 * the top or bottom band of a page whose digit-folded text recurs on enough
 * other pages is furniture (left and right pages may carry different heads,
 * the book title on one and the chapter on the other: each text is counted on
 * its own); so is a lone page number in a band. A line at the position and size
 * where furniture was confirmed on several pages is furniture too, which
 * catches chapter-specific heads printed on only a few pages. Returns, per page (same order as the input), line index -> role.
 */
export function detectFurniture(pages: FurniturePage[]): Array<Map<number, FurnitureRole>> {
  const minRepeat = Math.max(3, Math.min(4, Math.ceil(pages.length * 0.05)));
  const candidates: Candidate[] = [];
  for (const p of pages) {
    const order = p.lines.map((line, index) => ({ line, index })).sort((a, b) => a.line.box.y - b.line.box.y);
    const top = order.filter((o) => bottom(o.line.box) <= BAND * p.height).slice(0, MAX_LINES_PER_BAND);
    const bot = order.filter((o) => o.line.box.y >= (1 - BAND) * p.height).slice(-MAX_LINES_PER_BAND);
    top.forEach((o, rank) => candidates.push({ page: p.page, index: o.index, band: 'top', line: o.line, key: furnitureKey(o.line.text), rank }));
    bot.forEach((o, i) => candidates.push({ page: p.page, index: o.index, band: 'bottom', line: o.line, key: furnitureKey(o.line.text), rank: bot.length - 1 - i }));
  }
  const pagesWith = new Map<string, Set<number>>();
  const add = (k: string, page: number): void => {
    let s = pagesWith.get(k);
    if (!s) pagesWith.set(k, (s = new Set()));
    s.add(page);
  };
  for (const c of candidates) add(`${c.band}|${c.key}`, c.page);
  const roles = pages.map(() => new Map<number, FurnitureRole>());
  const pageIndex = new Map(pages.map((p, i) => [p.page, i]));
  const slots = new Map<string, Set<number>>();
  const slotKey = (c: Candidate): string => `${c.band}|${Math.round(c.line.box.y / 2)}|${Math.round(c.line.font.size * 2)}`;
  const mark = (c: Candidate): void => {
    const role: FurnitureRole = isPageNumber(c.line.text) ? 'page-number' : c.band === 'top' ? 'header' : 'footer';
    roles[pageIndex.get(c.page)!]!.set(c.index, role);
  };
  for (const c of candidates) {
    // "Table 2" heading a page is content even though "Table 1" headed another.
    const repeated = c.key.length > 0 && !isCaption(c.line.text) && pagesWith.get(`${c.band}|${c.key}`)!.size >= minRepeat;
    // A lone number deep inside the band is more likely a table cell than a folio.
    if (repeated || (c.rank < 2 && isPageNumber(c.line.text))) {
      mark(c);
      const k = slotKey(c);
      let s = slots.get(k);
      if (!s) slots.set(k, (s = new Set()));
      s.add(c.page);
    }
  }
  // Outermost lines sitting exactly where confirmed furniture sits on other pages.
  for (const c of candidates) {
    const roleMap = roles[pageIndex.get(c.page)!]!;
    if (roleMap.has(c.index)) continue;
    const confirmed = slots.get(slotKey(c));
    if (confirmed && confirmed.size >= minRepeat && c.line.text.length <= 120) mark(c);
  }
  return roles;
}
