/**
 * Reading-order scores of a book.html against a source-derived truth text, as
 * shared/corpus/layout/score.py computes them (the reference; a test checks
 * that the two agree): NFKC, lower case, words are runs of letters and digits;
 * bag-of-words and word 4- and 8-gram multiset precision, recall and F1.
 * Elements marked header, footer or page-number are left out, every other
 * element boundary separates words. A column or note read across the main text
 * breaks the 8-grams spanning the wrong joins: 8-gram F1 is the order figure.
 */
import { parse, NodeType, type HTMLElement, type Node } from 'node-html-parser';

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export interface OrderScores {
  truthWords: number;
  candidateWords: number;
  words: Prf;
  gram4: Prf;
  gram8: Prf;
}

const TRUTH_ROLE = /^(?:CAPTION|NOTE|FOOTNOTE|MARGIN|TABLE):\s*/;
const FURNITURE = new Set(['header', 'footer', 'page-number']);
const SKIPPED = new Set(['script', 'style', 'head', 'template', 'noscript']);

export function scoreTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The truth file's text: one block a line, role prefixes removed. */
export function truthText(truth: string): string {
  return truth
    .split('\n')
    .map((l) => l.replace(TRUTH_ROLE, ''))
    .join('\n');
}

/** A book.html's scored text: furniture and non-content elements dropped, element boundaries as spaces. */
export function htmlScoredText(html: string): string {
  const parts: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      // node-html-parser keeps a doctype as text.
      if (!node.rawText.trimStart().startsWith('<!')) parts.push(node.text);
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const el = node as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (SKIPPED.has(tag) || FURNITURE.has((el.getAttribute('data-role') ?? '').trim().toLowerCase())) return;
    parts.push(' ');
    for (const c of el.childNodes) walk(c);
    parts.push(' ');
  };
  walk(parse(html, { comment: false }));
  return parts.join('');
}

function counts<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function prf(truth: Map<string, number>, cand: Map<string, number>): Prf {
  let inter = 0;
  let nt = 0;
  let nc = 0;
  for (const n of truth.values()) nt += n;
  for (const [k, n] of cand) {
    nc += n;
    inter += Math.min(n, truth.get(k) ?? 0);
  }
  const precision = nc ? inter / nc : 0;
  const recall = nt ? inter / nt : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join('\u0001');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Scores of a book.html (`html`) against a truth file's contents (`truth`). */
export function orderScores(truth: string, html: string): OrderScores {
  const t = scoreTokens(truthText(truth));
  const c = scoreTokens(htmlScoredText(html));
  return {
    truthWords: t.length,
    candidateWords: c.length,
    words: prf(counts(t, (w) => w), counts(c, (w) => w)),
    gram4: prf(ngrams(t, 4), ngrams(c, 4)),
    gram8: prf(ngrams(t, 8), ngrams(c, 8)),
  };
}
