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
  /** Whitespace between the line and the next line toward the page's centre, in the line's ems. */
  isolation: number;
}

/** Furniture stands apart from the text block: at least this many ems of whitespace toward the page centre. */
const MIN_ISOLATION_EM = 0.7;
/** Repeats of one running head sit at one position, to this many points (or a third of an em). */
const SAME_POSITION_PT = 2;

/**
 * Running headers, footers and page numbers across a whole book. A line is
 * furniture only when it stands apart from the text block (whitespace toward
 * the page centre wider than line spacing) in the top or bottom band, and
 * either its digit-folded text recurs at the same position on enough other
 * pages (left and right pages may carry different heads: each text is counted
 * on its own), or it is a lone page number. A line merely near the top is never
 * furniture: the first body line under a running head is body text. A line
 * set exactly where and as confirmed furniture is set on several pages is
 * furniture too, which catches chapter heads printed on too few pages to
 * repeat. Returns, per page (same order as the input), line index -> role.
 */
export function detectFurniture(pages: FurniturePage[]): Array<Map<number, FurnitureRole>> {
  const minRepeat = Math.max(3, Math.min(4, Math.ceil(pages.length * 0.05)));
  const candidates: Candidate[] = [];
  for (const p of pages) {
    const order = p.lines.map((line, index) => ({ line, index })).sort((a, b) => a.line.box.y - b.line.box.y);
    const isolation = (i: number, dir: 1 | -1): number => {
      const l = order[i]!.line;
      // The nearest line toward the centre that is not on this line's own row.
      for (let k = i + dir; k >= 0 && k < order.length; k += dir) {
        const o = order[k]!.line;
        const gap = dir === 1 ? o.box.y - bottom(l.box) : l.box.y - bottom(o.box);
        if (gap > -0.3 * l.font.size) return gap / l.font.size;
      }
      return Infinity;
    };
    const top = order.map((o, i) => ({ ...o, i })).filter((o) => bottom(o.line.box) <= BAND * p.height).slice(0, MAX_LINES_PER_BAND);
    const bot = order.map((o, i) => ({ ...o, i })).filter((o) => o.line.box.y >= (1 - BAND) * p.height).slice(-MAX_LINES_PER_BAND);
    // Rank counts rows, not lines: a folio and a running head side by side are both outermost.
    const ranks = (band: typeof top): number[] => {
      let rank = 0;
      return band.map((o, i) => {
        if (i > 0 && Math.abs(o.line.box.y - band[i - 1]!.line.box.y) > 0.3 * o.line.font.size) rank++;
        return rank;
      });
    };
    const topRanks = ranks(top);
    top.forEach((o, i) =>
      candidates.push({ page: p.page, index: o.index, band: 'top', line: o.line, key: furnitureKey(o.line.text), rank: topRanks[i]!, isolation: isolation(o.i, 1) }),
    );
    const botRanks = ranks([...bot].reverse()).reverse();
    bot.forEach((o, i) =>
      candidates.push({ page: p.page, index: o.index, band: 'bottom', line: o.line, key: furnitureKey(o.line.text), rank: botRanks[i]!, isolation: isolation(o.i, -1) }),
    );
  }
  const byKey = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const k = `${c.band}|${c.key}`;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(c);
  }
  const samePlace = (a: Line, b: Line): boolean => Math.abs(a.box.y - b.box.y) <= Math.max(SAME_POSITION_PT, 0.3 * a.font.size);
  const roles = pages.map(() => new Map<number, FurnitureRole>());
  const pageIndex = new Map(pages.map((p, i) => [p.page, i]));
  const confirmed: Candidate[] = [];
  const mark = (c: Candidate): void => {
    const role: FurnitureRole = isPageNumber(c.line.text) ? 'page-number' : c.band === 'top' ? 'header' : 'footer';
    roles[pageIndex.get(c.page)!]!.set(c.index, role);
  };
  for (const c of candidates) {
    if (c.isolation < MIN_ISOLATION_EM) continue;
    // "Table 2" heading a page is content even though "Table 1" headed another; bare numbers
    // repeated at one place are a plot's axis labels unless they are folios.
    const repeats = /\p{L}/u.test(c.key) && !isCaption(c.line.text) ? new Set(byKey.get(`${c.band}|${c.key}`)!.filter((o) => samePlace(o.line, c.line)).map((o) => o.page)).size : 0;
    // A lone number deep inside the band is more likely a table cell than a folio.
    if (repeats >= minRepeat || (c.rank < 2 && isPageNumber(c.line.text))) {
      mark(c);
      confirmed.push(c);
    }
  }
  // Outermost lines set exactly where, and as, confirmed furniture is on several other pages.
  const sameSet = (a: Line, b: Line): boolean =>
    Math.abs(a.box.y - b.box.y) <= 1 && Math.abs(a.font.size - b.font.size) <= 0.2 && a.font.bold === b.font.bold && a.font.italic === b.font.italic;
  for (const c of candidates) {
    const roleMap = roles[pageIndex.get(c.page)!]!;
    if (roleMap.has(c.index) || c.rank > 0 || c.isolation < MIN_ISOLATION_EM || c.line.text.length > 120) continue;
    const slot = new Set(confirmed.filter((o) => o.band === c.band && sameSet(o.line, c.line)).map((o) => o.page));
    // Text on the row of this page's own folio is a running head, however rarely its wording repeats.
    const folioRow = confirmed.some((o) => o.page === c.page && o.band === c.band && isPageNumber(o.line.text) && Math.abs(o.line.baseline - c.line.baseline) <= 1);
    if (slot.size >= minRepeat || folioRow) mark(c);
  }
  return roles;
}
