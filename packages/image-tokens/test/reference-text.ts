import { IMAGE, neutralizeSpecialMarkers } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';

/**
 * An independent reading of book.html for the round-trip test: plain regular
 * expressions instead of the HTML parser. Each <img> becomes <image>, block tags
 * become spaces, inline tags vanish, entities are decoded, the cells of a table row
 * are joined by " | "; whitespace is compared collapsed, since block boundaries
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

export function htmlTextWithImageMarkers(html: string): string {
  const body = html
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
