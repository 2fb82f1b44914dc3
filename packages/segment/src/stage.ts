import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { assertValidBookId, bookPaths, corpusPaths, loadCorpusConfig, recordStage, upstreamFailed, type CorpusConfig } from '@mtb/core';
import { readNodes } from '@mtb/image-tokens';
import { writeRowsFile } from '@mtb/shards';
import { readDropList } from './drop-list.js';
import { segmentBook } from './segment-book.js';

export const SEGMENTS_STAGE = 'segments';

export interface SegmentStageResult { bookId: string; state: 'ok' | 'skipped'; counts: Record<string, number> }

/**
 * `mtb segment <corpus>/build/<id>`: kept.arrow minus the dedup drop list ->
 * segments.arrow, with the book's `segments` status. A book that failed
 * upstream gets an empty segments.arrow and a 'skipped' status.
 */
export function runSegmentStage(buildDir: string, config?: CorpusConfig): SegmentStageResult {
  const dir = resolve(buildDir);
  const bookId = basename(dir);
  assertValidBookId(bookId);
  const corpusDir = dirname(dirname(dir));
  const settings = config ?? loadCorpusConfig(corpusPaths(corpusDir).config);
  const paths = bookPaths(corpusDir, bookId);
  const failed = upstreamFailed(paths.status, bookId, SEGMENTS_STAGE);
  if (failed) {
    writeRowsFile(paths.segments, []);
    recordStage(paths.status, bookId, {
      stage: SEGMENTS_STAGE, state: 'skipped', counts: {},
      details: [`upstream stage "${failed.stage}" failed: ${failed.error?.message ?? 'no message'}`],
    });
    return { bookId, state: 'skipped', counts: {} };
  }
  if (!existsSync(paths.kept)) throw new Error(`${paths.kept} is missing: run \`mtb filter ${dir}\` first`);
  const nodes = readNodes(paths.kept);
  const dedup = readDropList(paths.dropList, bookId);
  const { rows, counts } = segmentBook(bookId, nodes, settings, dedup);
  writeRowsFile(paths.segments, rows);
  recordStage(paths.status, bookId, { stage: SEGMENTS_STAGE, state: 'ok', counts, details: [] });
  return { bookId, state: 'ok', counts };
}
