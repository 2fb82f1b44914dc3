import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bookPaths, corpusPaths, loadCorpusConfig, recordStage, writeJsonAtomic, type CorpusConfig, type StageStatus } from '@mtb/core';
import { failedBefore, locateBook, readNodes, writeNodes, type NodeRow } from '@mtb/image-tokens';
import { assertKnownLanguages } from './language-id.js';
import { measurePixels } from './pixel-stats.js';
import { applyFilters, type Drop, type FilterOutcome } from './runner.js';

export const FILTER_STAGE = 'filter';

/** drops.json beside kept.arrow: what the viewer shows as removed, and why. */
export interface DropList {
  bookId: string;
  drops: Drop[];
  counts: Record<string, number>;
}

export function dropListPath(bookDir: string): string {
  return join(bookDir, 'drops.json');
}

/**
 * The stage's record in status/filter.json. Keys: `nodes|tokens|images.in`,
 * `...kept`, and per reason `drop.<reason>` (nodes), `drop-tokens.<reason>`,
 * `drop-images.<reason>`, so corpus statistics can report tokens and images
 * dropped by reason without reading any book again.
 */
export function filterCounts(nodes: readonly NodeRow[], outcome: FilterOutcome): Record<string, number> {
  const tally = (rows: readonly NodeRow[]) => ({
    nodes: rows.length,
    tokens: rows.reduce((n, r) => n + r.num_tokens, 0),
    images: rows.filter((r) => r.kind === 'image').length,
  });
  const input = tally(nodes);
  const kept = tally(outcome.kept);
  const counts: Record<string, number> = {
    'nodes.in': input.nodes, 'tokens.in': input.tokens, 'images.in': input.images,
    'nodes.kept': kept.nodes, 'tokens.kept': kept.tokens, 'images.kept': kept.images,
  };
  for (const [reason, n] of Object.entries(outcome.counts)) counts[`drop.${reason}`] = n;
  for (const [reason, n] of Object.entries(outcome.droppedTokens)) counts[`drop-tokens.${reason}`] = n;
  for (const [reason, n] of Object.entries(outcome.droppedImages)) counts[`drop-images.${reason}`] = n;
  return counts;
}

export interface FilterStageOptions {
  config?: CorpusConfig;
}

/**
 * The `filter` stage of one book: nodes.arrow -> kept.arrow (same schema, same
 * seqs, dropped nodes left out) and drops.json, and status/filter.json with the
 * counts. A book whose upstream failed gets empty outputs and 'skipped'.
 */
export async function runFilterStage(bookDir: string, opts: FilterStageOptions = {}): Promise<StageStatus> {
  const { corpusDir, bookId } = locateBook(bookDir);
  const paths = bookPaths(corpusDir, bookId);
  const config = opts.config ?? loadCorpusConfig(corpusPaths(corpusDir).config);
  assertKnownLanguages(config.languages);

  const finish = (status: StageStatus, kept: NodeRow[], list: DropList): StageStatus => {
    writeNodes(paths.kept, kept);
    writeJsonAtomic(dropListPath(paths.dir), list);
    recordStage(paths.status, bookId, status);
    return status;
  };

  const upstream = failedBefore(paths.status, bookId, FILTER_STAGE);
  if (upstream) {
    return finish({
      stage: FILTER_STAGE, state: 'skipped', counts: {},
      details: [`skipped: stage "${upstream.stage}" failed for ${bookId} (${upstream.error?.message ?? 'no message'})`],
    }, [], { bookId, drops: [], counts: {} });
  }
  if (!existsSync(paths.nodes)) {
    const err = new Error(`${paths.nodes} does not exist: run \`mtb tokens ${paths.dir}\` first`) as NodeJS.ErrnoException;
    err.code = 'ENOENT';
    throw err;
  }
  const nodes = readNodes(paths.nodes);
  const { stats, problems } = await measurePixels(nodes, config.maxImagePixels);
  const outcome = applyFilters(bookId, nodes, config, stats);
  return finish(
    { stage: FILTER_STAGE, state: 'ok', counts: filterCounts(nodes, outcome), details: problems },
    outcome.kept,
    { bookId, drops: outcome.drops, counts: sortedKeys(outcome.counts) },
  );
}

/** Same counts, keys in a fixed order: drops.json is byte-identical across runs. */
function sortedKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
