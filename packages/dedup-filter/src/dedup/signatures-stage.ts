import { existsSync } from 'node:fs';
import { bookPaths, corpusPaths, createProgress, loadCorpusConfig, readBookStatus, recordStage, type CorpusConfig, type StageStatus } from '@mtb/core';
import { locateBook, readNodes } from '@mtb/image-tokens';
import { emptyBookSignatures } from './book-signatures.js';
import { computeSignatures } from './compute-signatures.js';
import { shingleScheme } from './shingles.js';
import { writeSignatures } from './signatures-file.js';

export const SIGNATURES_STAGE = 'signatures';

/** This stage and those after it: their old records (from an earlier build) never make it skip. */
const NOT_UPSTREAM = new Set(['signatures', 'dedup', 'segment', 'segments', 'split', 'shards']);

export interface SignaturesOptions {
  config?: CorpusConfig;
  quiet?: boolean;
}

/**
 * The `signatures` stage of one book: `<corpus>/build/<id>/kept.arrow` ->
 * signatures.arrow and status/signatures.json. A book whose upstream failed
 * gets an empty (valid) signatures file and a 'skipped' record.
 */
export async function runSignaturesStage(bookDir: string, opts: SignaturesOptions = {}): Promise<StageStatus> {
  const { corpusDir, bookId } = locateBook(bookDir);
  const paths = bookPaths(corpusDir, bookId);
  const config = opts.config ?? loadCorpusConfig(corpusPaths(corpusDir).config);
  const upstream = Object.values(readBookStatus(paths.status, bookId).stages).find((s) => s.state === 'failed' && !NOT_UPSTREAM.has(s.stage));
  if (upstream) {
    writeSignatures(paths.signatures, emptyBookSignatures(bookId, config.minhashPermutations, config.shingleSize, shingleScheme(config.foldDigitsMinWords)));
    const status: StageStatus = {
      stage: SIGNATURES_STAGE, state: 'skipped', counts: {},
      details: [`skipped: stage "${upstream.stage}" failed for ${bookId} (${upstream.error?.message ?? 'no message'})`],
    };
    recordStage(paths.status, bookId, status);
    return status;
  }
  if (!existsSync(paths.kept)) {
    const err = new Error(`${paths.kept} does not exist: run \`mtb filter ${paths.dir}\` first`) as NodeJS.ErrnoException;
    err.code = 'ENOENT';
    throw err;
  }
  const nodes = readNodes(paths.kept);
  const progress = createProgress(`signatures ${bookId}`, nodes.length, 'nodes', opts.quiet ? { quiet: true } : {});
  const { signatures, counts, problems } = await computeSignatures(
    bookId, nodes,
    { minhashPermutations: config.minhashPermutations, shingleSize: config.shingleSize, foldDigitsMinWords: config.foldDigitsMinWords, maxImagePixels: config.maxImagePixels },
    undefined, () => progress.increment(),
  );
  progress.stop();
  writeSignatures(paths.signatures, signatures);
  const status: StageStatus = { stage: SIGNATURES_STAGE, state: 'ok', counts, details: problems };
  recordStage(paths.status, bookId, status);
  return status;
}
