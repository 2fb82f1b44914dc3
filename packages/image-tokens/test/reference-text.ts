import { IMAGE, neutralizeSpecialMarkers } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';

/**
 * An independent reading of book.html for the round-trip test: plain regular
 * expressions instead of the HTML parser. Each <img> becomes <image>, block tags
 * become spaces, inline tags vanish, entities are decoded, the cells of a table row
 * are joined by " | ", an ordered list's item starts with its printed number
 * (from `<ol start type>`); whitespace is compared collapsed, since block boundaries
 * carry no characters of their own.
 */
const BLOCK = /^(address|article|aside|blockquote|caption|dd|details|dialog|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|body|html|br)$/i;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') return String.fromCodePoint(body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10));
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

const IMG_SLOT = '\u0000IMG\u0000';

/** Item numbers as a reader sees them printed, written out by table rather than computed the parser's way. */
function printedNumber(n: number, type: string): string {
  if (type === 'a' || type === 'A') {
    let s = '';
    while (n > 0) { n -= 1; s = 'abcdefghijklmnopqrstuvwxyz'[n % 26] + s; n = Math.floor(n / 26); }
    return type === 'A' ? s.toUpperCase() : s;
  }
  if (type === 'i' || type === 'I') {
    const ones = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix'];
    const tens = ['', 'x', 'xx', 'xxx', 'xl', 'l', 'lx', 'lxx', 'lxxx', 'xc'];
    const hundreds = ['', 'c', 'cc', 'ccc', 'cd', 'd', 'dc', 'dcc', 'dccc', 'cm'];
    const s = 'm'.repeat(Math.floor(n / 1000)) + hundreds[Math.floor(n / 100) % 10] + tens[Math.floor(n / 10) % 10] + ones[n % 10];
    return type === 'I' ? s.toUpperCase() : s;
  }
  return String(n);
}

/** Puts each ordered list item's printed number ("4.", "b.") at the start of its text. */
function numberListItems(html: string): string {
  const lists: Array<{ next: number; type: string } | null> = [];
  return html.replace(/<(\/?)(ol|ul|li)\b([^>]*)>/gi, (tag, close: string, name: string, attrs: string) => {
    const lower = name.toLowerCase();
    if (lower === 'li') {
      const list = lists[lists.length - 1];
      if (close || !list) return tag;
      return `${tag}${printedNumber(list.next++, list.type)}. `;
    }
    if (close) { lists.pop(); return tag; }
    if (lower === 'ul') { lists.push(null); return tag; }
    const start = /\bstart="(-?\d+)"/i.exec(attrs);
    const type = /\btype="([aAiI1])"/.exec(attrs);
    lists.push({ next: start ? Number(start[1]) : 1, type: type ? type[1]! : '1' });
    return tag;
  });
}

export function htmlTextWithImageMarkers(html: string): string {
  const body = numberListItems(html)
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<head[\s\S]*?<\/head>/gi, ' ')
    .replace(/<(script|style|svg|template|noscript)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<img\b[^>]*>/gi, ` ${IMG_SLOT} `)
    .replace(/<\/t[dh]>\s*(?=<t[dh]\b)/gi, ' | ')
    .replace(/<\/?([a-z0-9]+)\b[^>]*>/gi, (_m, tag: string) => (BLOCK.test(tag) ? ' ' : ''));
  return body
    .split(IMG_SLOT)
    .map((part) => neutralizeSpecialMarkers(decodeEntities(part)).replace(/\s+/g, ' ').trim())
    .join(` ${IMAGE} `)
    .replace(/\s+/g, ' ')
    .trim();
}

export function nodesTextWithImageMarkers(rows: readonly NodeRow[]): string {
  return rows.map((r) => (r.kind === 'image' ? IMAGE : r.text)).join(' ').replace(/\s+/g, ' ').trim();
}
