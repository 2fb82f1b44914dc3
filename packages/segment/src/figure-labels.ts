/**
 * Figure labels ("Figure 11.2", "Fig. 3", "Table 4.1", "Plate 7") in captions
 * and references to them in running text ("as Figure 11.2 shows", "(Fig. 3A)",
 * "(Figure 2-1)", "Figs. 3 and 4", "Figures 5-7"). A label becomes a key
 * `<kind>:<number>`: the kind folded (Fig., Figs., Figure -> figure; Tab.,
 * Table -> table), the number with its separators as dots, a panel letter
 * ("3A") kept apart so that a reference to a panel finds its figure.
 */

const KINDS: Record<string, string> = {
  fig: 'figure', figs: 'figure', figure: 'figure', figures: 'figure',
  tab: 'table', tabs: 'table', table: 'table', tables: 'table',
  plate: 'plate', plates: 'plate', chart: 'chart', charts: 'chart', box: 'box', boxes: 'box',
  diagram: 'diagram', diagrams: 'diagram', exhibit: 'exhibit', exhibits: 'exhibit',
  illustration: 'illustration', illustrations: 'illustration', photo: 'photo', photos: 'photo', map: 'map', maps: 'map',
  scheme: 'scheme', schemes: 'scheme', graph: 'graph', graphs: 'graph',
};
const KIND_WORD = Object.keys(KINDS).sort((a, b) => b.length - a.length).join('|');
/** "11.2", "2-1", "3", "A.4", "12.9b": digits with dot or dash separators, an optional appendix letter before, a panel letter after. */
const NUMBER = String.raw`(?:[A-Z][.\-\u2013]?)?\d{1,4}(?:[.\-\u2013]\d{1,4}){0,3}(?:[A-Za-z]\b)?`;

/** A caption's own label, at its start. */
const CAPTION_LABEL = new RegExp(String.raw`^\W{0,3}(${KIND_WORD})\.?\s*(${NUMBER})`, 'i');
/** A reference: the kind word, then one number or a list or range of numbers. */
const REFERENCE = new RegExp(
  String.raw`\b(${KIND_WORD})\.?\s*(${NUMBER}(?:\s*(?:,|and|&|or|to|\u2013|-)\s*${NUMBER})*)`,
  'gi',
);
const NUMBER_IN_LIST = new RegExp(NUMBER, 'g');

export interface LabelKey {
  /** `figure:11.2`, `figure:3a` (with a panel letter, lowercase). */
  exact: string;
  /** Without the panel letter: `figure:3`. */
  base: string;
}

function normalizeNumber(raw: string): { exact: string; base: string } {
  const n = raw.replace(/[\-\u2013]/g, '.').toLowerCase();
  const panel = /^(.*\d)([a-z])$/.exec(n);
  return { exact: n, base: panel ? panel[1]! : n };
}

function kindOf(word: string): string {
  return KINDS[word.toLowerCase()] ?? word.toLowerCase();
}

/** The label a caption opens with, or null ("Figure 12.9: Chick embryo ..." -> figure:12.9). */
export function captionLabel(text: string): LabelKey | null {
  const m = CAPTION_LABEL.exec(text);
  if (!m) return null;
  const kind = kindOf(m[1]!);
  const num = normalizeNumber(m[2]!);
  return { exact: `${kind}:${num.exact}`, base: `${kind}:${num.base}` };
}

/**
 * Every label a text refers to, as candidate keys in order of appearance:
 * each listed number, and for a plural kind with a dash between two small
 * integers ("Figures 5-7") also the numbers of the range (the book's own
 * labels decide which reading exists).
 */
export function referencedKeys(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const word = m[1]!;
    const kind = kindOf(word);
    const list = m[2]!;
    const numbers = list.match(NUMBER_IN_LIST) ?? [];
    for (const raw of numbers) {
      const num = normalizeNumber(raw);
      keys.push(`${kind}:${num.exact}`);
      if (num.base !== num.exact) keys.push(`${kind}:${num.base}`);
    }
    const plural = /^(?:figs|tabs|figures|tables|plates|charts|boxes|diagrams|exhibits|illustrations|photos|maps|schemes|graphs)$/i.test(word);
    const range = /^(\d{1,3})\s*[\-\u2013]\s*(\d{1,3})$|(?:^|\D)(\d{1,3})\s*(?:to|\u2013)\s*(\d{1,3})$/.exec(list.trim());
    if (plural && range) {
      const a = Number(range[1] ?? range[3]);
      const b = Number(range[2] ?? range[4]);
      if (b > a && b - a <= 20) for (let i = a; i <= b; i++) keys.push(`${kind}:${i}`);
    }
  }
  return keys;
}
