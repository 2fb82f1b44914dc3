import type { CorpusConfig } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { wordCount } from '@mtb/core';
import { isFurniture } from './book-view.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

const REFERENCES_TITLE = /^(?:\d+(?:\.\d+)*\.?\s+)?(?:references?(?: and (?:further|suggested) reading)?|bibliography|(?:further|suggested|recommended|selected) readings?|literature(?: cited)?|works cited|sources|citations)$/i;

/** Pieces of a citation: each match is one marker. */
const CITATION_MARKERS: readonly RegExp[] = [
  /\bet al\b\.?/gi,
  /\(?\b(?:1[89]|20)\d{2}[a-z]?\)?(?=[.;,:)])/g,
  /\b\d{1,4}\s*(?:\(\s*[\w\u2013-]{1,9}\s*\))?\s*:\s*\d{1,5}(?:\s*[\u2013-]\s*\d{1,5})?/g,
  /\bpp?\.\s*\d+/g,
  /\bdoi\b|\bPMID\b|\bPMC\d+|https?:\/\//gi,
  /\b\p{Lu}[\p{Ll}'\u2019-]+\s\p{Lu}{1,3}(?=[,.])/gu,
  /\b\p{Lu}[\p{Ll}'\u2019-]+,\s(?:\p{Lu}\.\s?){1,3}/gu,
  /\(eds?\.?\)|\beds?\.\s|\bIn:\s/g,
];

/** Citation markers per word: a reference entry has several, prose that cites a study one or two. */
export function citationDensity(text: string): { markers: number; density: number } {
  let markers = 0;
  for (const re of CITATION_MARKERS) markers += text.match(re)?.length ?? 0;
  const words = wordCount(text);
  return { markers, density: words ? markers / words : 0 };
}

/** Outside a References section a run of citations has at least this many markers (one entry has three or four). */
const LOOSE_MARKERS = 4;
/** A reference list entry opens with a label ("12.", "[12]") or an author's surname. */
const ENTRY_START = /^(?:\[?\d{1,4}[\].)]?\s+)?\p{Lu}[\p{L}'\u2019-]+,?\s(?:\p{Lu}{1,3}\b|\p{Lu}\.|\p{Lu}[\p{L}'\u2019-]+,)/u;

/**
 * Seqs of bibliography blocks: everything citation-like under a references
 * title (a heading, or a paragraph of the title alone) up to the next other
 * heading, and, anywhere, blocks that are a run of citations (several
 * markers, dense, opening like an entry).
 */
export function findBibliography(ctx: FilterContext): Set<number> {
  const found = new Set<number>();
  let inSection = false;
  for (const node of ctx.book.nodes) {
    if (node.kind !== 'text' || isFurniture(node)) continue;
    // A paragraph that is only "References" is the section's title too, set at the entries' size (BMC's articles).
    const title = REFERENCES_TITLE.test(node.text.trim());
    if (node.role === 'heading' || (node.role === 'body' && title)) {
      inSection = title;
      if (inSection) found.add(node.seq);
      continue;
    }
    if (isCitationBlock(node, inSection, ctx.config)) found.add(node.seq);
  }
  return found;
}

/** Inside a References section a block needs only a few markers; outside, it must be made of them. */
export function isCitationBlock(node: NodeRow, inSection: boolean, s: Pick<CorpusConfig, 'bibliographyMinDensity' | 'bibliographyLooseDensity'>): boolean {
  const { markers, density } = citationDensity(node.text);
  if (inSection) return markers >= 1 && density >= s.bibliographyMinDensity;
  return (node.role === 'body' || node.role === 'list-item') && markers >= LOOSE_MARKERS && density >= s.bibliographyLooseDensity && ENTRY_START.test(node.text);
}

const bibliographyBlocks = perBook(findBibliography);

export const bibliography: NodeFilter = (node, ctx) => (bibliographyBlocks(ctx).has(node.seq) ? drop('bibliography') : KEEP);
