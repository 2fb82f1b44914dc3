import type { NodeRow } from '@mtb/image-tokens';
import type { ShardRow } from '@mtb/shards';
import { toUnits, add, type ImageUnit, type Tally } from './units.js';
import { splitChapters } from './chapters.js';
import { anchorFigures, collectFigures, type FlowItem } from './figures.js';
import { fitFigures, planChapter, textBudget, type SegmentLimits } from './plan.js';
import { segmentRow, segmentUnits } from './render.js';
import { chunkKinds, maskedTokens } from './training-stats.js';

export interface SegmentSettings extends SegmentLimits {
  /** Where a figure goes: before the block that first refers to it (default), or where it stands. */
  imageAnchor?: 'reference' | 'position';
}

export interface SegmentResult {
  rows: ShardRow[];
  /** Counters for the book's status: in, kept and dropped by reason (tokens are plain text tokens). */
  counts: Record<string, number>;
}

function skip(item: FlowItem, dropped: { tokens: Tally; images: Tally }): void {
  if (item.kind === 'text') {
    add(dropped.tokens, 'no-image', item.unit.tokens);
    return;
  }
  for (const c of item.figure.captions) add(dropped.tokens, 'too-few-images', c.tokens);
  add(dropped.images, 'too-few-images', item.figure.images.length);
}

/**
 * A book's kept nodes -> segment rows. `dropSeqs` are the global dedup's drops
 * for this book (seq -> reason); `wholeBook` drops everything. Per chapter:
 * figures with their captions, anchored where the text first refers to them
 * (or where they stand), then segments planned so that every text token
 * follows an image (see planChapter).
 */
export function segmentBook(
  bookId: string, nodes: readonly NodeRow[], settings: SegmentSettings,
  dedup: { drops: ReadonlyMap<number, string>; wholeBook: boolean },
): SegmentResult {
  const limits: SegmentLimits = { minImages: settings.minImages, maxImages: settings.maxImages, maxTokens: settings.maxTokens };
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
  const chapters = splitChapters(units);
  const counts: Record<string, number> = {
    'tokens.in': ordered.reduce((n, r) => n + (r.kind === 'text' ? r.num_tokens : 0), 0),
    'images.in': ordered.filter((r) => r.kind === 'image').length,
    chapters: chapters.length,
    'figures.byReference': 0,
    'figures.byPosition': 0,
    segments: 0,
    'images.kept': 0,
    'tokens.segments': 0,
    'tokens.kept': 0,
    'tokens.trained': 0,
    'tokens.beforeFirstImage': 0,
    'tokens.ledFigure': 0,
    'chunks.image': 0,
    'chunks.empty': 0,
    'chunks.emptyExplained': 0,
    'chunks.captionOnly': 0,
  };
  const rows: ShardRow[] = [];
  for (const chapter of chapters) {
    const flow = collectFigures(chapter);
    const anchored = fitFigures(settings.imageAnchor === 'position' ? flow : anchorFigures(flow), limits, dropped.tokens);
    const explained = new Set<ImageUnit>();
    for (const item of anchored) {
      if (item.kind !== 'figure') continue;
      counts[item.figure.byReference ? 'figures.byReference' : 'figures.byPosition']!++;
      if (item.figure.byReference || item.figure.captions.some((c) => c.role === 'caption')) for (const img of item.figure.images) explained.add(img);
    }
    const plan = planChapter(anchored, limits);
    for (const item of plan.skipped) skip(item, dropped);
    for (const items of plan.segments) {
      const first = items.findIndex((it) => it.kind === 'figure');
      for (let i = 0; i < first; i++) counts['tokens.ledFigure']! += (items[i] as Extract<FlowItem, { kind: 'text' }>).unit.tokens;
      const { row, units: written } = segmentRow(bookId, rows.length, segmentUnits(items), limits.maxTokens, dropped.tokens);
      rows.push(row);
      const masked = maskedTokens(row.input_ids);
      const chunks = chunkKinds(written, (img) => explained.has(img));
      counts.segments!++;
      counts['images.kept']! += row.num_images;
      counts['tokens.segments']! += row.num_tokens;
      counts['tokens.kept']! += masked.text;
      counts['tokens.trained']! += masked.trained;
      counts['tokens.beforeFirstImage']! += masked.beforeFirstImage;
      counts['chunks.image']! += chunks.chunks;
      counts['chunks.empty']! += chunks.empty;
      counts['chunks.emptyExplained']! += chunks.emptyExplained;
      counts['chunks.captionOnly']! += chunks.captionOnly;
    }
  }
  for (const [reason, n] of Object.entries(dropped.tokens).sort()) counts[`drop-tokens.${reason}`] = n;
  for (const [reason, n] of Object.entries(dropped.images).sort()) counts[`drop-images.${reason}`] = n;
  return { rows, counts };
}
