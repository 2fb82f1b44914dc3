import type { Rng } from './prng.js';
import type { ImageAsset } from './images.js';
import type { BookContent, Chapter } from './model.js';
import type { BlockKind, Matter, Origin, Section, FurnitureRole, TruthHyphenation } from './truth.js';

/**
 * Typesetting: content -> pages of drawing operations plus what each drawn thing
 * is (the ground truth). Coordinates are PDF points with a top-left origin; the
 * renderer flips them. Text is ragged-right Times/Helvetica (the standard 14 fonts:
 * nothing embedded, so files stay small and byte-stable).
 */
export const PAGE_W = 504;
export const PAGE_H = 720;
const LEFT = 60;
const WIDTH = 384;
const RIGHT = LEFT + WIDTH;
const TOP = 72;
const BOTTOM = 668;
const HEADER_Y = 46;
const FOOTER_Y = 700;
const GUTTER = 18;

export type FontKey = 'Times-Roman' | 'Times-Bold' | 'Times-Italic' | 'Helvetica' | 'Helvetica-Bold' | 'Helvetica-Oblique';

export interface Measure {
  width(font: FontKey, size: number, text: string): number;
}

export type Op =
  | { t: 'text'; x: number; y: number; size: number; font: FontKey; text: string }
  | { t: 'image'; asset: ImageAsset; x: number; y: number; w: number; h: number }
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; width: number };

export interface LPage {
  ops: Op[];
  matter: Matter;
  section: Section;
  columns: 1 | 2;
  label: string | null;
  printLabel: boolean;
  runningTitle: string | null;
  opening: boolean;
  furniture: { role: FurnitureRole; text: string }[];
  index: number;
}

export interface LBlock {
  kind: BlockKind;
  level?: 1 | 2 | 3;
  matter: Matter;
  section: Section;
  text: string;
  pages: LPage[];
  figure?: string;
  origin?: Origin;
  twinUid?: string;
  uid?: string;
}

export interface LFigure {
  id: string;
  page: LPage;
  caption: string;
  bbox: [number, number, number, number];
  asset: ImageAsset;
  origin?: Origin | 'near-duplicate';
}

export interface LDecoration {
  page: LPage;
  bbox: [number, number, number, number];
  asset: ImageAsset;
}

export interface Layout {
  pages: LPage[];
  blocks: LBlock[];
  figures: LFigure[];
  decorations: LDecoration[];
  hyphenated: (Omit<TruthHyphenation, 'page'> & { pageRef: LPage })[];
}

interface TextStyle {
  font: FontKey;
  size: number;
  leading: number;
  indent: number;
  hyphenate: boolean;
  align?: 'left' | 'center';
}

const BODY: TextStyle = { font: 'Times-Roman', size: 10.5, leading: 13.2, indent: 14, hyphenate: true };
const CAPTION: TextStyle = { font: 'Helvetica', size: 8.5, leading: 10.5, indent: 0, hyphenate: false };
const H1: TextStyle = { font: 'Helvetica-Bold', size: 20, leading: 24, indent: 0, hyphenate: false };
const H2: TextStyle = { font: 'Helvetica-Bold', size: 13, leading: 16, indent: 0, hyphenate: false };
const H3: TextStyle = { font: 'Helvetica-Bold', size: 11, leading: 14, indent: 0, hyphenate: false };
const REF: TextStyle = { font: 'Times-Roman', size: 9, leading: 11.2, indent: 0, hyphenate: false };
const SMALL: TextStyle = { font: 'Times-Roman', size: 8.5, leading: 11, indent: 0, hyphenate: false };

function roman(n: number): string {
  const table: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let out = '';
  for (const [v, s] of table) while (n >= v) { out += s; n -= v; }
  return out;
}

interface PageTemplate {
  matter: Matter;
  section: Section;
  columns: 1 | 2;
  runningTitle: string | null;
  printLabel: boolean;
}

class Flow {
  readonly pages: LPage[] = [];
  page!: LPage;
  private cols: { x: number; w: number }[] = [{ x: LEFT, w: WIDTH }];
  private col = 0;
  y = TOP;
  private colTop = TOP;
  private template!: PageTemplate;
  /** True right after a heading, figure or page start: the next paragraph is not indented. */
  fresh = true;

  constructor(private readonly label: (n: number) => string, private readonly out: Layout, private readonly m: Measure, private readonly rng: Rng,
    private readonly hyphenRate: number) {}

  get column() {
    return this.cols[this.col]!;
  }

  newPage(t: PageTemplate, opening = false): LPage {
    this.template = t;
    const p: LPage = {
      ops: [], matter: t.matter, section: t.section, columns: t.columns, label: this.label(this.pages.length + 1),
      printLabel: t.printLabel, runningTitle: t.runningTitle, opening, furniture: [], index: -1,
    };
    this.pages.push(p);
    this.page = p;
    this.y = TOP;
    this.setColumns(t.columns);
    this.fresh = true;
    return p;
  }

  blankPage(): void {
    this.newPage({ matter: 'body', section: 'blank', columns: 1, runningTitle: null, printLabel: false });
  }

  /** Columns start at the current y (a chapter title spans both columns above them). */
  setColumns(n: 1 | 2): void {
    this.colTop = this.y;
    this.col = 0;
    this.page.columns = n;
    this.template = { ...this.template, columns: n };
    const w = n === 1 ? WIDTH : (WIDTH - GUTTER) / 2;
    this.cols = n === 1 ? [{ x: LEFT, w }] : [{ x: LEFT, w }, { x: LEFT + w + GUTTER, w }];
  }

  advance(): void {
    if (this.col < this.cols.length - 1) {
      this.col++;
      this.y = this.colTop;
    } else {
      this.newPage(this.template);
    }
    this.fresh = true;
  }

  atTop(): boolean {
    return this.y === this.colTop;
  }

  ensure(h: number): void {
    if (!this.atTop() && this.y + h > BOTTOM) this.advance();
  }

  private hyphenate(word: string, room: number, st: TextStyle): [string, string] | null {
    const m = /^([a-z]{8,})([,.;:]?)$/.exec(word);
    if (!m || room < 20 || !this.rng.chance(this.hyphenRate)) return null;
    const letters = m[1]!;
    for (let i = letters.length - 3; i >= 3; i--) {
      // Break after a vowel that precedes a consonant: looks like a syllable boundary.
      if (!/[aeiouy]/.test(letters[i - 1]!) || /[aeiouy]/.test(letters[i]!)) continue;
      const head = letters.slice(0, i) + '-';
      if (this.m.width(st.font, st.size, head) <= room) return [head, letters.slice(i) + m[2]];
    }
    return null;
  }

  /** Lay out one block of text; returns the pages it touched. */
  text(text: string, st: TextStyle, block: LBlock | null, opts: { gapBefore?: number; indent?: boolean } = {}): void {
    if (!this.atTop() && opts.gapBefore) this.y += opts.gapBefore;
    const words = text.split(' ');
    const space = this.m.width(st.font, st.size, ' ');
    let i = 0;
    let first = true;
    let carry: string | null = null;
    while (i < words.length) {
      if (this.y + st.leading > BOTTOM) this.advance();
      const indent = first && opts.indent ? st.indent : 0;
      const maxW = this.column.w - indent;
      const line: string[] = [];
      let w = 0;
      for (;;) {
        if (i >= words.length) break;
        const word: string = carry ?? words[i]!;
        const ww = this.m.width(st.font, st.size, word);
        const sep = line.length ? space : 0;
        if (w + sep + ww <= maxW || line.length === 0) {
          line.push(word);
          w += sep + ww;
          carry = null;
          i++;
          continue;
        }
        if (carry === null && st.hyphenate) {
          const split = this.hyphenate(word, maxW - w - sep, st);
          if (split) {
            line.push(split[0]);
            carry = split[1];
            this.out.hyphenated.push({ word, broken: split[0], pageRef: this.page });
          }
        }
        break;
      }
      const lineText = line.join(' ');
      const lw = this.m.width(st.font, st.size, lineText);
      const x = st.align === 'center' ? this.column.x + (this.column.w - lw) / 2 : this.column.x + indent;
      this.page.ops.push({ t: 'text', x, y: this.y + st.size, size: st.size, font: st.font, text: lineText });
      if (block && block.pages[block.pages.length - 1] !== this.page) block.pages.push(this.page);
      this.y += st.leading;
      first = false;
    }
    this.fresh = false;
  }

  lineCount(text: string, st: TextStyle, width: number): number {
    const words = text.split(' ');
    const space = this.m.width(st.font, st.size, ' ');
    let lines = 1;
    let w = 0;
    for (const word of words) {
      const ww = this.m.width(st.font, st.size, word);
      if (w > 0 && w + space + ww > width) {
        lines++;
        w = ww;
      } else {
        w += (w > 0 ? space : 0) + ww;
      }
    }
    return lines;
  }

  image(asset: ImageAsset, maxFrac: number, maxHFrac: number, captionH: number): { x: number; y: number; w: number; h: number } {
    const col = this.column;
    let w = Math.min(col.w * maxFrac, asset.width * 0.75);
    let h = (w * asset.height) / asset.width;
    const maxH = (BOTTOM - TOP) * maxHFrac;
    if (h > maxH) {
      h = maxH;
      w = (h * asset.width) / asset.height;
    }
    w = Math.round(w * 100) / 100;
    h = Math.round(h * 100) / 100;
    this.ensure(10 + h + 6 + captionH);
    // ensure() may have moved to the next column or page: place in the column we are in now.
    const now = this.column;
    const x = Math.round((now.x + (now.w - w) / 2) * 100) / 100;
    const y = this.y + (this.atTop() ? 0 : 10);
    this.page.ops.push({ t: 'image', asset, x, y, w, h });
    this.y = y + h + 6;
    return { x, y, w, h };
  }
}

function pushBlock(out: Layout, b: Omit<LBlock, 'pages'>): LBlock {
  const block: LBlock = { ...b, pages: [] };
  out.blocks.push(block);
  return block;
}

function layChapter(flow: Flow, out: Layout, book: BookContent, ch: Chapter, terms: Map<string, Set<LPage>>): void {
  const t: PageTemplate = { matter: 'body', section: 'chapter', columns: 1, runningTitle: ch.title, printLabel: true };
  if (flow.pages.length > 0 && book.rectoChapters && (flow.pages.length + 1) % 2 === 0) flow.blankPage();
  flow.newPage(t, true);
  flow.y = TOP + 40;
  const h1 = pushBlock(out, { kind: 'heading', level: 1, matter: 'body', section: 'chapter', text: ch.title, origin: ch.origin, twinUid: ch.twinUid, uid: ch.uid });
  flow.text(ch.title, H1, h1);
  flow.y += 18;
  if (ch.twoColumn) flow.setColumns(2);
  flow.fresh = true;
  for (const blk of ch.blocks) {
    if (blk.type === 'heading') {
      const st = blk.level === 2 ? H2 : H3;
      const gap = blk.level === 2 ? 14 : 9;
      flow.ensure(gap + st.leading * flow.lineCount(blk.text, st, flow.column.w) + BODY.leading * 2);
      const b = pushBlock(out, { kind: 'heading', level: blk.level, matter: 'body', section: 'chapter', text: blk.text, origin: blk.origin, twinUid: blk.twinUid, uid: blk.uid });
      flow.text(blk.text, st, b, { gapBefore: gap });
      flow.y += blk.level === 2 ? 5 : 3;
      flow.fresh = true;
    } else if (blk.type === 'para') {
      const b = pushBlock(out, { kind: 'body', matter: 'body', section: 'chapter', text: blk.text, origin: blk.origin, twinUid: blk.twinUid, uid: blk.uid });
      flow.text(blk.text, BODY, b, { gapBefore: 3, indent: !flow.fresh });
      for (const term of blk.terms) {
        const set = terms.get(term) ?? new Set<LPage>();
        for (const p of b.pages) set.add(p);
        terms.set(term, set);
      }
    } else {
      const lineArt = blk.asset.format === 'png';
      const capLines = flow.lineCount(blk.caption, CAPTION, flow.column.w);
      const box = flow.image(blk.asset, lineArt ? 0.7 : 0.86, ch.twoColumn ? 0.3 : 0.4, capLines * CAPTION.leading + 4);
      const page = flow.page;
      out.figures.push({ id: blk.id, page, caption: blk.caption, bbox: [box.x, box.y, box.w, box.h], asset: blk.asset, origin: blk.origin });
      const b = pushBlock(out, { kind: 'caption', matter: 'body', section: 'chapter', text: blk.caption, figure: blk.id, origin: blk.origin === 'near-duplicate' ? 'copied' : blk.origin, twinUid: blk.twinUid, uid: blk.uid });
      flow.text(blk.caption, CAPTION, b);
      flow.y += 8;
      flow.fresh = true;
    }
  }
}

/** Index entries drop leading articles, as printed indexes do. */
function indexTerm(term: string): string {
  return term.replace(/^(the|a|an) /, '');
}

function layBackMatter(flow: Flow, out: Layout, book: BookContent, terms: Map<string, Set<LPage>>): void {
  flow.newPage({ matter: 'back', section: 'references', columns: 1, runningTitle: 'References', printLabel: true }, true);
  flow.y = TOP + 40;
  flow.text('References', H1, pushBlock(out, { kind: 'heading', level: 1, matter: 'back', section: 'references', text: 'References' }));
  flow.y += 14;
  book.references.forEach((r, i) => {
    const text = `${i + 1}. ${r}`;
    flow.text(text, REF, pushBlock(out, { kind: 'entry', matter: 'back', section: 'references', text }), { gapBefore: 3 });
  });

  flow.newPage({ matter: 'back', section: 'index', columns: 1, runningTitle: 'Index', printLabel: true }, true);
  flow.y = TOP + 40;
  flow.text('Index', H1, pushBlock(out, { kind: 'heading', level: 1, matter: 'back', section: 'index', text: 'Index' }));
  flow.y += 14;
  flow.setColumns(2);
  const entries = [...terms.entries()]
    .map(([term, pages]) => ({ term: indexTerm(term), labels: [...pages].map((p) => Number(p.label)).sort((a, b) => a - b) }))
    .sort((a, b) => a.term.localeCompare(b.term, 'en'));
  let letter = '';
  for (const e of entries) {
    const first = e.term[0]!.toUpperCase();
    if (first !== letter) {
      letter = first;
      flow.ensure(H3.leading + REF.leading * 2 + 6);
      flow.text(letter, { ...H3, size: 10, leading: 13 }, pushBlock(out, { kind: 'entry', matter: 'back', section: 'index', text: letter }), { gapBefore: 6 });
    }
    const text = `${e.term}, ${e.labels.slice(0, 8).join(', ')}`;
    flow.text(text, REF, pushBlock(out, { kind: 'entry', matter: 'back', section: 'index', text }));
  }
}

function layTitlePage(flow: Flow, out: Layout, book: BookContent): void {
  const p = flow.newPage({ matter: 'front', section: 'title', columns: 1, runningTitle: null, printLabel: false });
  const center = (text: string, st: TextStyle, gap: number) => {
    flow.text(text, { ...st, align: 'center' }, pushBlock(out, { kind: 'title', matter: 'front', section: 'title', text }), { gapBefore: gap });
  };
  flow.y = 170;
  center(book.title, { ...H1, size: 26, leading: 31 }, 0);
  center(book.subtitle, { font: 'Helvetica', size: 14, leading: 18, indent: 0, hyphenate: false }, 14);
  if (book.edition > 1) center(`${ordinal(book.edition)} Edition`, { font: 'Helvetica-Oblique', size: 12, leading: 16, indent: 0, hyphenate: false }, 10);
  flow.y = 330;
  center(book.authors.join(', '), { font: 'Times-Italic', size: 12, leading: 16, indent: 0, hyphenate: false }, 0);
  if (book.logo) {
    const w = 90, h = (90 * book.logo.height) / book.logo.width;
    const x = (PAGE_W - w) / 2, y = 560;
    p.ops.push({ t: 'image', asset: book.logo, x, y, w, h });
    out.decorations.push({ page: p, bbox: [x, y, w, h], asset: book.logo });
  }
  flow.y = 600;
  center(book.publisher, { font: 'Helvetica-Bold', size: 11, leading: 14, indent: 0, hyphenate: false }, 0);
}

function ordinal(n: number): string {
  return ['First', 'Second', 'Third', 'Fourth', 'Fifth'][n - 1] ?? `${n}th`;
}

function layCopyrightPage(flow: Flow, out: Layout, book: BookContent): void {
  flow.newPage({ matter: 'front', section: 'copyright', columns: 1, runningTitle: null, printLabel: false });
  const lines = [
    `${book.publisher}`,
    `Copyright \u00a9 ${book.year} by ${book.authors.join(', ')}. This work is licensed under the Creative Commons Attribution 4.0 International licence (CC BY 4.0).`,
    book.edition > 1 ? `First edition published ${book.firstYear}. ${ordinal(book.edition)} edition published ${book.year}.` : `First published ${book.year}.`,
    `ISBN ${book.isbn}`,
    'This is a synthetic textbook made by a test-data generator. Its prose combines figure captions from open-access articles in PubMed Central (ROCO dataset, CC BY and CC0 rows only) with generated sentences; its figures are drawn by a program. It is not medical advice.',
    'Typeset in Times and Helvetica. Printed on acid-free paper.',
  ];
  flow.y = 470;
  for (const text of lines) flow.text(text, SMALL, pushBlock(out, { kind: 'body', matter: 'front', section: 'copyright', text }), { gapBefore: 7 });
}

function layToc(flow: Flow, out: Layout, m: Measure, entries: { text: string; label: string; level: 1 | 2 }[]): void {
  flow.newPage({ matter: 'front', section: 'toc', columns: 1, runningTitle: null, printLabel: true }, true);
  flow.y = TOP + 40;
  flow.text('Contents', H1, pushBlock(out, { kind: 'heading', level: 1, matter: 'front', section: 'toc', text: 'Contents' }));
  flow.y += 16;
  for (const e of entries) {
    const st: TextStyle = e.level === 1 ? { font: 'Helvetica-Bold', size: 10.5, leading: 15, indent: 0, hyphenate: false } : { font: 'Times-Roman', size: 10, leading: 13, indent: 0, hyphenate: false };
    const gap = e.level === 1 ? 6 : 0;
    flow.ensure(gap + st.leading);
    if (!flow.atTop()) flow.y += gap;
    const x = LEFT + (e.level === 2 ? 16 : 0);
    const baseline = flow.y + st.size;
    const num = e.label;
    const title = e.text;
    const titleW = m.width(st.font, st.size, title);
    const pageW = m.width(st.font, st.size, num);
    const dotW = m.width('Times-Roman', 10, '.');
    const from = x + titleW + 6;
    const to = RIGHT - pageW - 6;
    const dots = '.'.repeat(Math.max(3, Math.floor((to - from) / dotW)));
    flow.page.ops.push({ t: 'text', x, y: baseline, size: st.size, font: st.font, text: title });
    flow.page.ops.push({ t: 'text', x: Math.round((to - dots.length * dotW) * 100) / 100, y: baseline, size: 10, font: 'Times-Roman', text: dots });
    flow.page.ops.push({ t: 'text', x: RIGHT - pageW, y: baseline, size: st.size, font: st.font, text: num });
    const b = pushBlock(out, { kind: 'entry', matter: 'front', section: 'toc', text: `${title} ${dots} ${num}` });
    b.pages.push(flow.page);
    flow.y += st.leading;
  }
}

/** Headers (book title on even pages, chapter title on odd), page numbers, and the optional footer line. */
function addFurniture(book: BookContent, m: Measure, pages: LPage[]): void {
  for (const p of pages) {
    if (!p.printLabel || p.label === null) continue;
    const even = /^\d+$/.test(p.label) && Number(p.label) % 2 === 0;
    if (!p.opening && p.runningTitle) {
      const text = even ? book.title : p.runningTitle;
      const size = 8.5;
      const w = m.width('Helvetica-Oblique', size, text);
      p.ops.push({ t: 'text', x: even ? LEFT : RIGHT - w, y: HEADER_Y, size, font: 'Helvetica-Oblique', text });
      p.ops.push({ t: 'line', x1: LEFT, y1: HEADER_Y + 6, x2: RIGHT, y2: HEADER_Y + 6, width: 0.5 });
      p.furniture.push({ role: 'header', text });
    }
    const size = 9;
    const w = m.width('Helvetica', size, p.label);
    if (book.footerText && p.matter !== 'front') {
      p.ops.push({ t: 'text', x: even ? RIGHT - m.width('Helvetica', 8, book.footerText) : LEFT, y: FOOTER_Y, size: 8, font: 'Helvetica', text: book.footerText });
      p.furniture.push({ role: 'footer', text: book.footerText });
      p.ops.push({ t: 'text', x: even ? LEFT : RIGHT - w, y: FOOTER_Y, size, font: 'Helvetica', text: p.label });
    } else {
      p.ops.push({ t: 'text', x: (PAGE_W - w) / 2, y: FOOTER_Y, size, font: 'Helvetica', text: p.label });
    }
    p.furniture.push({ role: 'page-number', text: p.label });
  }
}

export function layoutBook(book: BookContent, m: Measure, rng: Rng, hyphenRate = 0.5): Layout {
  const body: Layout = { pages: [], blocks: [], figures: [], decorations: [], hyphenated: [] };
  const bodyFlow = new Flow((n) => String(n), body, m, rng, hyphenRate);
  const terms = new Map<string, Set<LPage>>();
  for (const ch of book.chapters) layChapter(bodyFlow, body, book, ch, terms);
  layBackMatter(bodyFlow, body, book, terms);

  const front: Layout = { pages: [], blocks: [], figures: [], decorations: [], hyphenated: [] };
  const frontFlow = new Flow((n) => roman(n), front, m, rng, hyphenRate);
  layTitlePage(frontFlow, front, book);
  layCopyrightPage(frontFlow, front, book);
  const toc: { text: string; label: string; level: 1 | 2 }[] = [];
  for (const blk of body.blocks) {
    if (blk.kind === 'heading' && (blk.level === 1 || blk.level === 2)) toc.push({ text: blk.text, label: blk.pages[0]!.label!, level: blk.level });
  }
  layToc(frontFlow, front, m, toc);

  const pages = [...frontFlow.pages, ...bodyFlow.pages];
  pages.forEach((p, i) => (p.index = i + 1));
  addFurniture(book, m, pages);
  return {
    pages,
    blocks: [...front.blocks, ...body.blocks],
    figures: body.figures,
    decorations: [...front.decorations, ...body.decorations],
    hyphenated: [...front.hyphenated, ...body.hyphenated],
  };
}
