import type { CorpusConfig } from '@mtb/core';
import type { NodeRow } from '@mtb/image-tokens';
import { createBookView, type PixelStats } from './book-view.js';
import { FILTERS } from './filter-list.js';
import type { FilterContext, NodeFilter } from './verdict.js';

export interface Drop {
  seq: number;
  reason: string;
}

export interface FilterOutcome {
  kept: NodeRow[];
  /** Dropped nodes by seq, in seq order, for drops.json and the viewer. */
  drops: Drop[];
  /** Dropped nodes per reason (drops.json "counts"). */
  counts: Record<string, number>;
  /** Per reason, tokens and images dropped: what the corpus statistics report. */
  droppedTokens: Record<string, number>;
  droppedImages: Record<string, number>;
}

/**
 * Ask each filter about each node; the first drop wins. Pure: the same nodes,
 * settings and pixel statistics always give the same outcome.
 */
export function applyFilters(
  bookId: string,
  nodes: readonly NodeRow[],
  config: CorpusConfig,
  pixelStats: ReadonlyMap<number, PixelStats> = new Map(),
  filters: readonly NodeFilter[] = FILTERS,
): FilterOutcome {
  const ctx: FilterContext = { config, book: createBookView(bookId, nodes, pixelStats) };
  const out: FilterOutcome = { kept: [], drops: [], counts: {}, droppedTokens: {}, droppedImages: {} };
  for (const node of nodes) {
    let reason: string | null = null;
    for (const filter of filters) {
      const verdict = filter(node, ctx);
      if (!verdict.keep) {
        reason = verdict.reason;
        break;
      }
    }
    if (reason === null) {
      out.kept.push(node);
      continue;
    }
    out.drops.push({ seq: node.seq, reason });
    out.counts[reason] = (out.counts[reason] ?? 0) + 1;
    if (node.kind === 'image') out.droppedImages[reason] = (out.droppedImages[reason] ?? 0) + 1;
    else out.droppedTokens[reason] = (out.droppedTokens[reason] ?? 0) + node.num_tokens;
  }
  out.drops.sort((a, b) => a.seq - b.seq);
  return out;
}
