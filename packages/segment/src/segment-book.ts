import type { NodeRow } from '@mtb/image-tokens';
import type { ShardRow } from '@mtb/shards';
import { toUnits, add, type Tally } from './units.js';
import { planSegments, segmentCost, textBudget, type SegmentLimits } from './plan.js';
import { segmentRow } from './render.js';

export interface SegmentResult {
  rows: ShardRow[];
  /** Counters for the book's status: in, kept and dropped by reason (tokens are plain text tokens). */
  counts: Record<string, number>;
}

/**
 * A book's kept nodes -> segment rows. `dropSeqs` are the global dedup's drops
 * for this book (seq -> reason); `wholeBook` drops everything.
 */
export function segmentBook(
  bookId: string, nodes: readonly NodeRow[], limits: SegmentLimits,
  dedup: { drops: ReadonlyMap<number, string>; wholeBook: boolean },
): SegmentResult {
  if (limits.maxImages < Math.max(1, limits.minImages)) throw new Error(`maxImages ${limits.maxImages} is below minImages ${limits.minImages}`);
  if (textBudget(limits) < 1) throw new Error(`maxTokens ${limits.maxTokens} leaves no room for text beside an image`);
  const dropped = { tokens: {} as Tally, images: {} as Tally };
  const ordered = [...nodes].sort((a, b) => a.seq - b.seq);
  const live: NodeRow[] = [];
  for (const node of ordered) {
    const reason = dedup.wholeBook ? 'whole-book' : dedup.drops.get(node.seq);
    if (reason === undefined) live.push(node);
    else if (node.kind === 'image') add(dropped.images, reason);
    else add(dropped.tokens, reason, node.num_tokens);
  }
  const units = toUnits(live, textBudget(limits), dropped);
  const plan = planSegments(units, limits, dropped);
  const rows = plan.map((units, i) => segmentRow(bookId, i, units, limits.maxTokens, dropped.tokens));

  const counts: Record<string, number> = {
    'tokens.in': ordered.reduce((n, r) => n + (r.kind === 'text' ? r.num_tokens : 0), 0),
    'images.in': ordered.filter((r) => r.kind === 'image').length,
    segments: rows.length,
    'images.kept': rows.reduce((n, r) => n + r.num_images, 0),
    'tokens.segments': rows.reduce((n, r) => n + r.num_tokens, 0),
  };
  // Text tokens actually in the segments (their ids minus BOS, EOS and markers).
  counts['tokens.kept'] = rows.reduce((n, r) => n + r.num_tokens - segmentCost(0, r.num_images), 0);
  for (const [reason, n] of Object.entries(dropped.tokens).sort()) counts[`drop-tokens.${reason}`] = n;
  for (const [reason, n] of Object.entries(dropped.images).sort()) counts[`drop-images.${reason}`] = n;
  return { rows, counts };
}
