/**
 * How good a book.html is, against ground truth (sample-gen's truth files): the
 * figures the stage is judged on. Plain functions over
 * the parsed HTML, shared by the tests and the bench.
 */
import { parse } from 'node-html-parser';
import { scoreTokens } from './order-score.js';

export interface HtmlBlock {
  page: number;
  tag: string;
  role?: string;
  text: string;
}

export interface TruthLike {
  blocks: Array<{ seq: number; page: number; kind: string; text: string }>;
  furniture: Array<{ page: number; role: string; text: string }>;
  figures: Array<{ page: number; caption: string }>;
}

export function htmlBlocks(html: string): HtmlBlock[] {
  const out: HtmlBlock[] = [];
  for (const section of parse(html).querySelectorAll('section')) {
    const page = Number(section.getAttribute('data-page'));
    for (const el of section.childNodes) {
      if (!('tagName' in el) || !el.tagName) continue;
      const tag = (el.tagName as string).toLowerCase();
      const find = (s: string): { text: string } | null => (el as unknown as { querySelector(s: string): { text: string } | null }).querySelector(s);
      if (tag === 'figure') {
        // A captioned code listing is a figure too.
        const listing = find('pre');
        if (listing) out.push({ page, tag: 'pre', text: decode(listing.text) });
        const cap = find('figcaption');
        if (cap) out.push({ page, tag: 'figcaption', text: decode(cap.text) });
        continue;
      }
      if (tag === 'table') {
        const cap = find('caption');
        if (cap) out.push({ page, tag: 'caption', text: decode(cap.text) });
      }
      if (tag === 'ul' || tag === 'ol' || tag === 'table') {
        // One block per item or row, as the stage means them.
        const parts = (el as unknown as { querySelectorAll(s: string): Array<{ text: string; querySelectorAll(s: string): Array<{ text: string }> }> }).querySelectorAll(tag === 'table' ? 'tr' : 'li');
        for (const part of parts) {
          const text = tag === 'table' ? part.querySelectorAll('td').map((c) => c.text).join(' ') : part.text;
          out.push({ page, tag: tag === 'table' ? 'tr' : 'li', text: decode(text) });
        }
        continue;
      }
      const role = (el as unknown as { getAttribute(n: string): string | undefined }).getAttribute('data-role');
      out.push({ page, tag, role: role ?? undefined, text: decode((el as unknown as { text: string }).text) });
    }
  }
  return out;
}

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

const norm = (s: string): string => s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
const words = (s: string): string[] => norm(s).match(/[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu) ?? [];

const FURNITURE = new Set(['header', 'footer', 'page-number']);
const isFurniture = (b: HtmlBlock): boolean => b.role !== undefined && FURNITURE.has(b.role);

/** Share of truth furniture lines we marked, and share of truth body paragraphs we marked as furniture. */
export function furnitureScores(blocks: HtmlBlock[], truth: TruthLike): { marked: number; wrongBody: number } {
  const ours = new Map<number, string[]>();
  for (const b of blocks) if (isFurniture(b)) ours.set(b.page, [...(ours.get(b.page) ?? []), norm(b.text)]);
  const found = truth.furniture.filter((f) => (ours.get(f.page) ?? []).some((t) => t === norm(f.text) || t.includes(norm(f.text)))).length;
  const body = truth.blocks.filter((b) => b.kind === 'body');
  const wrong = body.filter((b) => (ours.get(b.page) ?? []).some((t) => t.length > 0 && norm(b.text).includes(t) && t.split(' ').length >= 3)).length;
  return { marked: truth.furniture.length ? found / truth.furniture.length : 1, wrongBody: body.length ? wrong / body.length : 0 };
}

/** Bag-of-words F1 of everything but furniture against every truth block and caption. */
export function wordF1(blocks: HtmlBlock[], truth: TruthLike): number {
  const count = (ws: string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const w of ws) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const ours = count(blocks.filter((b) => !isFurniture(b)).flatMap((b) => words(b.text)));
  const gold = count(truth.blocks.map((b) => b.text).flatMap(words));
  let tp = 0;
  let nOurs = 0;
  let nGold = 0;
  for (const [w, n] of ours) {
    tp += Math.min(n, gold.get(w) ?? 0);
    nOurs += n;
  }
  for (const n of gold.values()) nGold += n;
  const p = nOurs ? tp / nOurs : 0;
  const r = nGold ? tp / nGold : 0;
  return p + r ? (2 * p * r) / (p + r) : 0;
}

/**
 * Paragraph order: each truth body paragraph is located by its opening words
 * among our blocks; the share found and the share in order (longest increasing
 * run of positions over the found ones).
 */
export function paragraphOrder(blocks: HtmlBlock[], truth: TruthLike): { found: number; inOrder: number } {
  const texts = blocks.map((b) => norm(b.text));
  const positions: number[] = [];
  const body = truth.blocks.filter((b) => b.kind === 'body').sort((a, b) => a.seq - b.seq);
  let from = 0;
  for (const b of body) {
    const head = norm(b.text).slice(0, 50);
    // A paragraph that runs onto the next page ends its first page as a prefix of the truth text.
    const matches = (t: string): boolean => t.startsWith(head) || (t.length >= 20 && head.startsWith(t));
    let at = texts.findIndex((t, i) => i >= from && matches(t));
    if (at < 0) at = texts.findIndex(matches);
    if (at >= 0) {
      positions.push(at);
      from = at;
    }
  }
  // Longest non-decreasing subsequence (patience sorting).
  const tails: number[] = [];
  for (const p of positions) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid]! <= p) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = p;
  }
  return { found: body.length ? positions.length / body.length : 1, inOrder: positions.length ? tails.length / positions.length : 1 };
}

/** Where the truth's captions ("CAPTION: " lines of a layout truth file) ended up in book.html. */
export interface CaptionPlacement {
  /** Captions in the truth. */
  truth: number;
  /** In their figure's <figcaption> or their table's <caption>. */
  held: number;
  /** A caption paragraph of its own (<p data-role="caption">): no figure or table found to hold it. */
  apart: number;
  /** Read as body text, a heading or a list item. */
  body: number;
  /** Not found: no block holds 60% of its words. */
  missing: number;
}

/** A block holds a caption when it has this share of the caption's words at least. */
const CAPTION_COVER = 0.6;

/** Words counted: a multiset of tokens. */
function bagOf(tokens: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokens) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/** Share of `want`'s words (with their counts) that the block holds. */
function coverOf(want: Map<string, number>, wanted: number, block: Map<string, number>): number {
  let found = 0;
  for (const [w, n] of want) found += Math.min(n, block.get(w) ?? 0);
  return wanted ? found / wanted : 0;
}

/**
 * Each truth caption is looked up by its words (score.py's tokens) among the
 * blocks of book.html, best-covering block first, and counted by where that
 * block is: held by a figure or table, a caption of its own, or body text.
 */
export function captionPlacement(truth: string, html: string): CaptionPlacement {
  const blocks = htmlBlocks(html)
    .filter((b) => !isFurniture(b))
    .map((b) => ({ where: b.tag === 'figcaption' || b.tag === 'caption' ? ('held' as const) : b.role === 'caption' ? ('apart' as const) : ('body' as const), words: bagOf(scoreTokens(b.text)) }));
  const out: CaptionPlacement = { truth: 0, held: 0, apart: 0, body: 0, missing: 0 };
  for (const line of truth.split('\n')) {
    if (!line.startsWith('CAPTION:')) continue;
    out.truth++;
    const words = scoreTokens(line.slice('CAPTION:'.length));
    // Caption blocks first: a heading or a citing paragraph can hold all of a short caption's words too.
    const want = bagOf(words);
    const cover = (b: (typeof blocks)[number]): number => coverOf(want, words.length, b.words);
    let best: { cover: number; where: 'held' | 'apart' | 'body' } = { cover: 0, where: 'body' };
    for (const b of blocks) {
      const c = cover(b);
      if (b.where !== 'body' && c > best.cover) best = { cover: c, where: b.where };
    }
    if (best.cover < CAPTION_COVER) {
      for (const b of blocks) {
        const c = b.where === 'body' ? cover(b) : 0;
        if (c > best.cover) best = { cover: c, where: 'body' };
      }
    }
    out[best.cover >= CAPTION_COVER ? best.where : 'missing']++;
  }
  return out;
}

/** Where the truth's notes ("NOTE: " lines: footnotes, margin notes, sidenotes) ended up in book.html. */
export interface NotePlacement {
  /** Notes in the truth. */
  truth: number;
  /** A note or footnote block right after the block the truth puts it after (notes between them aside). */
  placed: number;
  /** A note or footnote block, after some other block. */
  elsewhere: number;
  /** Found, but not marked as a note (read into body text, or a paragraph of its own). */
  unmarked: number;
  /** No block holds 60% of its words: lost, or cut into pieces. */
  missing: number;
}

/** The tail of an anchor paragraph compared: a note follows the end of what it sits beside. */
const ANCHOR_TAIL = 12;

/**
 * Each truth note is looked up by its words (score.py's tokens) among
 * book.html's blocks, note blocks first, and counted by whether it is a note
 * and whether the block before it (other notes aside) ends as the truth's
 * line before it does.
 */
export function notePlacement(truth: string, html: string): NotePlacement {
  const cover = (want: string[], block: Map<string, number>): number => coverOf(bagOf(want), want.length, block);
  const isNote = (role: string | undefined): boolean => role === 'note' || role === 'footnote';
  const blocks = htmlBlocks(html)
    .filter((b) => !isFurniture(b))
    .map((b) => {
      const tokens = scoreTokens(b.text);
      return { note: isNote(b.role), tokens, words: bagOf(tokens) };
    });
  const lines = truth.split('\n').filter((l) => l.trim());
  const out: NotePlacement = { truth: 0, placed: 0, elsewhere: 0, unmarked: 0, missing: 0 };
  lines.forEach((line, i) => {
    if (!line.startsWith('NOTE:')) return;
    out.truth++;
    const words = scoreTokens(line.slice('NOTE:'.length));
    let best = -1;
    let bestCover = 0;
    blocks.forEach((b, k) => {
      const c = cover(words, b.words);
      if (c > bestCover || (c === bestCover && best >= 0 && b.note && !blocks[best]!.note)) {
        best = k;
        bestCover = c;
      }
    });
    if (best < 0 || bestCover < CAPTION_COVER) {
      out.missing++;
      return;
    }
    if (!blocks[best]!.note) {
      out.unmarked++;
      return;
    }
    let a = i - 1;
    while (a >= 0 && lines[a]!.startsWith('NOTE:')) a--;
    let k = best - 1;
    while (k >= 0 && blocks[k]!.note) k--;
    const anchor = a >= 0 ? scoreTokens(lines[a]!.replace(/^[A-Z]+:\s*/, '')) : [];
    const before = k >= 0 ? blocks[k]! : undefined;
    const follows = !!before && (cover(anchor.slice(-ANCHOR_TAIL), before.words) >= CAPTION_COVER || cover(before.tokens.slice(-ANCHOR_TAIL), bagOf(anchor)) >= CAPTION_COVER);
    out[follows ? 'placed' : 'elsewhere']++;
  });
  return out;
}
