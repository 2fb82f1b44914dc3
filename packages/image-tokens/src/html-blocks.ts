import { parse, NodeType, type HTMLElement, type Node } from 'node-html-parser';
import { TABLE_CELL_SEPARATOR, type NodeRole } from './schema.js';

/** Where a block sits: its page, role, heading level, figure and whether OCR read it. */
export interface BlockPlace {
  page: number;
  role: NodeRole;
  /** 1..6 for `<h1>`..`<h6>`, else 0. */
  level: number;
  /** 1-based `<figure>` number, 0 outside any. */
  figure: number;
  ocr: boolean;
}

export type HtmlBlock =
  | ({ kind: 'text'; text: string } & BlockPlace)
  | ({ kind: 'image'; src: string; width: number; height: number } & BlockPlace);

export interface ParsedBook {
  /** `<article data-book>`, when present. */
  bookId: string | null;
  blocks: HtmlBlock[];
}

/** Elements that end one text block and start another; everything else is inline. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody',
  'tfoot', 'thead', 'tr', 'ul', 'body', 'html',
]);
/** Table cells: joined into their row's block, not blocks of their own. */
const CELL_TAGS = new Set(['td', 'th']);
/** Never book text: code, styling, metadata, vector drawings. */
const SKIPPED_TAGS = new Set(['script', 'style', 'template', 'head', 'title', 'noscript', 'svg', 'canvas', 'object', 'iframe']);
/** `data-role` values that name a role (pdf-html's furniture, notes and footnotes, or any role set explicitly). */
const MARKED_ROLES = new Set<NodeRole>(['header', 'footer', 'page-number', 'body', 'heading', 'caption', 'list-item', 'table', 'note', 'footnote', 'code']);

/** The role an element gives its text, or null when it keeps its parent's. */
function ownRole(el: HTMLElement, tag: string): NodeRole | null {
  const marked = el.getAttribute('data-role');
  if (marked && MARKED_ROLES.has(marked as NodeRole)) return marked as NodeRole;
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (tag === 'figcaption' || tag === 'caption') return 'caption';
  if (tag === 'li') return 'list-item';
  if (tag === 'tr') return 'table';
  if (tag === 'pre') return 'code';
  return null;
}

/** An ordered list's next item number and its numbering type (HTML's `start` and `type`). */
interface OrderedList {
  next: number;
  type: string;
}

function toRoman(n: number): string {
  const table: Array<[number, string]> = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let out = '';
  for (const [v, s] of table) for (; n >= v; n -= v) out += s;
  return out;
}

function toLetters(n: number): string {
  let out = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(97 + ((n - 1) % 26)) + out;
  return out;
}

/**
 * The printed marker of an ordered list's item ("3.", "c.", "iv."): pdf-html moves the
 * number into `<ol start type>`, and dropping the tags must not drop it from the text.
 */
export function listMarker(n: number, type: string): string {
  switch (type) {
    case 'a': return `${toLetters(n)}.`;
    case 'A': return `${toLetters(n).toUpperCase()}.`;
    case 'i': return `${toRoman(n)}.`;
    case 'I': return `${toRoman(n).toUpperCase()}.`;
    default: return `${n}.`;
  }
}

function intAttr(el: HTMLElement, name: string): number {
  const n = Number.parseInt(el.getAttribute(name) ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Code keeps its lines and their indentation; only trailing spaces and blank lines at either end go. */
export function codeText(text: string): string {
  return text.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
}

/**
 * book.html -> text blocks and images in document order. Every tag is dropped;
 * block elements separate blocks, inline elements join their text ("hyper<i>ten</i>sion"
 * stays one word), and each `<img>` becomes an image block where it stands.
 * A table row is one block, its cells joined by " | ". Each block carries its
 * role (DESIGN.md 4.1: headings with their level, captions, list items, table
 * rows, notes, footnotes, furniture; body otherwise), its `<figure>` and OCR flag.
 * The walk is iterative, so a maliciously deep document cannot overflow the stack.
 */
export function parseBookHtml(html: string): ParsedBook {
  const root = parse(html, { comment: false, blockTextElements: { script: true, style: true, pre: true, noscript: true } });
  const article = root.querySelector('article');
  const bookId = article?.getAttribute('data-book') ?? null;
  const start: Node = article ?? root.querySelector('body') ?? root;

  const blocks: HtmlBlock[] = [];
  let parts: string[] = [];
  const flush = (place: BlockPlace): void => {
    const text = place.role === 'code' ? codeText(parts.join('')) : collapseWhitespace(parts.join(''));
    parts = [];
    if (text) blocks.push({ kind: 'text', text, ...place });
  };
  let figures = 0;
  /** Inside a table row everything but an image is inline: the row is one block. */
  let openRows = 0;
  /** Cells seen in the open row: every one after the first is preceded by the separator. */
  let cellsInRow = 0;
  const orderedLists = new Map<Node, OrderedList>();

  type Frame = { node: Node; place: BlockPlace; exit: 'block' | 'row' | 'space' | null };
  const top: BlockPlace = { page: 0, role: 'body', level: 0, figure: 0, ocr: false };
  const stack: Frame[] = [{ node: start, place: top, exit: null }];
  while (stack.length) {
    const frame = stack.pop()!;
    const { node, place } = frame;
    if (frame.exit === 'space') {
      parts.push(' ');
      continue;
    }
    if (frame.exit) {
      flush(place);
      if (frame.exit === 'row') {
        openRows--;
        cellsInRow = 0;
      }
      continue;
    }
    if (node.nodeType === NodeType.TEXT_NODE) {
      const raw = node.rawText;
      // node-html-parser keeps a doctype as a text node of the root.
      if (!(node.parentNode === root && raw.trimStart().startsWith('<!'))) parts.push(node.text);
      continue;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) continue;
    const el = node as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (SKIPPED_TAGS.has(tag)) continue;
    if (tag === 'br') {
      parts.push(' ');
      continue;
    }
    if (tag === 'img') {
      flush(place);
      blocks.push({ kind: 'image', src: el.getAttribute('src') ?? '', width: intAttr(el, 'width'), height: intAttr(el, 'height'), ...place, role: 'body', level: 0 });
      continue;
    }
    if (CELL_TAGS.has(tag)) parts.push(cellsInRow++ > 0 ? TABLE_CELL_SEPARATOR : ' ');
    const isBlock = openRows === 0 && (BLOCK_TAGS.has(tag) || el === start);
    if (isBlock) {
      const pageAttr = tag === 'section' ? Number.parseInt(el.getAttribute('data-page') ?? '', 10) : Number.NaN;
      const role = ownRole(el, tag);
      const heading = /^h[1-6]$/.test(tag) ? Number(tag[1]) : 0;
      const childPlace: BlockPlace = {
        page: Number.isFinite(pageAttr) && pageAttr > 0 ? pageAttr : place.page,
        role: role ?? place.role,
        level: heading || (role === null || role === 'heading' ? place.level : 0),
        figure: tag === 'figure' ? ++figures : place.figure,
        ocr: place.ocr || el.getAttribute('data-ocr') === '1',
      };
      flush(place);
      if (tag === 'ol') {
        const start = Number.parseInt(el.getAttribute('start') ?? '', 10);
        orderedLists.set(el, { next: Number.isFinite(start) ? start : 1, type: el.getAttribute('type') ?? '1' });
      }
      const list = tag === 'li' ? orderedLists.get(el.parentNode) : undefined;
      if (list) parts.push(`${listMarker(list.next++, list.type)} `);
      const row = tag === 'tr';
      if (row) {
        openRows++;
        cellsInRow = 0;
      }
      stack.push({ node: el, place: childPlace, exit: row ? 'row' : 'block' });
      for (let i = el.childNodes.length - 1; i >= 0; i--) stack.push({ node: el.childNodes[i]!, place: childPlace, exit: null });
      continue;
    }
    // Inline, or a block inside a table row: a block tag there still separates words.
    if (BLOCK_TAGS.has(tag)) {
      parts.push(' ');
      stack.push({ node: el, place, exit: 'space' });
    }
    for (let i = el.childNodes.length - 1; i >= 0; i--) stack.push({ node: el.childNodes[i]!, place, exit: null });
  }
  flush(top);
  return { bookId, blocks };
}
