import { parse, NodeType, type HTMLElement, type Node } from 'node-html-parser';
import type { NodeRole } from './schema.js';

export type HtmlBlock =
  | { kind: 'text'; page: number; role: NodeRole; text: string }
  | { kind: 'image'; page: number; src: string; width: number; height: number };

export interface ParsedBook {
  /** `<article data-book>`, when present. */
  bookId: string | null;
  blocks: HtmlBlock[];
}

/** Elements that end one text block and start another; everything else is inline. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'tr', 'ul', 'body', 'html',
]);
/** Never book text: code, styling, metadata, vector drawings. */
const SKIPPED_TAGS = new Set(['script', 'style', 'template', 'head', 'title', 'noscript', 'svg', 'canvas', 'object', 'iframe']);
const MARKED_ROLES = new Set<NodeRole>(['header', 'footer', 'page-number', 'body', 'heading', 'caption']);

function ownRole(el: HTMLElement): NodeRole | null {
  const marked = el.getAttribute('data-role');
  if (marked && MARKED_ROLES.has(marked as NodeRole)) return marked as NodeRole;
  const tag = el.rawTagName?.toLowerCase() ?? '';
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (tag === 'figcaption' || tag === 'caption') return 'caption';
  return null;
}

function intAttr(el: HTMLElement, name: string): number {
  const n = Number.parseInt(el.getAttribute(name) ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * book.html -> text blocks and images in document order. Every tag is dropped;
 * block elements separate blocks, inline elements join their text ("hyper<i>ten</i>sion"
 * stays one word), and each `<img>` becomes an image block where it stands.
 * The walk is iterative, so a maliciously deep document cannot overflow the stack.
 */
export function parseBookHtml(html: string): ParsedBook {
  const root = parse(html, { comment: false, blockTextElements: { script: true, style: true, pre: true, noscript: true } });
  const article = root.querySelector('article');
  const bookId = article?.getAttribute('data-book') ?? null;
  const start: Node = article ?? root.querySelector('body') ?? root;

  const blocks: HtmlBlock[] = [];
  let parts: string[] = [];
  const flush = (page: number, role: NodeRole): void => {
    const text = collapseWhitespace(parts.join(''));
    parts = [];
    if (text) blocks.push({ kind: 'text', page, role, text });
  };

  type Frame = { node: Node; page: number; role: NodeRole; exit: boolean };
  const stack: Frame[] = [{ node: start, page: 0, role: 'body', exit: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    const { node, page, role } = frame;
    if (frame.exit) {
      flush(page, role);
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
      flush(page, role);
      blocks.push({ kind: 'image', page, src: el.getAttribute('src') ?? '', width: intAttr(el, 'width'), height: intAttr(el, 'height') });
      continue;
    }
    const pageAttr = tag === 'section' ? Number.parseInt(el.getAttribute('data-page') ?? '', 10) : Number.NaN;
    const childPage = Number.isFinite(pageAttr) && pageAttr > 0 ? pageAttr : page;
    const isBlock = BLOCK_TAGS.has(tag) || el === start;
    const childRole = isBlock ? ownRole(el) ?? role : role;
    if (isBlock) {
      flush(page, role);
      stack.push({ node: el, page: childPage, role: childRole, exit: true });
    }
    for (let i = el.childNodes.length - 1; i >= 0; i--) {
      stack.push({ node: el.childNodes[i]!, page: childPage, role: childRole, exit: false });
    }
  }
  flush(0, 'body');
  return { bookId, blocks };
}
