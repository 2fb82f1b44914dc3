import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bookPaths, corpusPaths, listBooks, loadCorpusConfig, writeFileIfChanged, type CorpusConfig } from '@mtb/core';
import { formatDropList } from './drop-list-file.js';
import { joinSignatures, type JoinResult, type SignatureSource } from './join.js';
import { readSignatures } from './signatures-file.js';
import { shingleScheme } from './shingles.js';

export interface DedupStageResult extends JoinResult {
  /** DedupDrop-list files written because their content changed (the others kept their bytes and mtime). */
  written: string[];
  unchanged: number;
  removed: string[];
}

/** The signatures.arrow files of a corpus's books, in book-id order. */
export function corpusSignatureSource(corpusDir: string): SignatureSource {
  const bookIds = listBooks(corpusDir).map((b) => b.bookId);
  return {
    bookIds,
    load(bookId) {
      const file = bookPaths(corpusDir, bookId).signatures;
      if (!existsSync(file)) {
        const err = new Error(`${file} does not exist: run \`mtb signatures ${bookPaths(corpusDir, bookId).dir}\` for book "${bookId}" first`) as NodeJS.ErrnoException;
        err.code = 'ENOENT';
        throw err;
      }
      const sig = readSignatures(file);
      if (sig.bookId && sig.bookId !== bookId) throw new Error(`${file} holds signatures of book "${sig.bookId}", not "${bookId}": rerun \`mtb signatures\` for it`);
      return sig;
    },
  };
}

/**
 * `mtb dedup <corpus>`: join every book's signatures, write
 * build/_dedup/<bookId>.json per book (only when its content changed) and
 * build/_dedup/summary.json; drop lists of books no longer in the corpus go.
 */
export function runDedupStage(corpusDir: string, opts: { config?: CorpusConfig; quiet?: boolean } = {}): DedupStageResult {
  const paths = corpusPaths(corpusDir);
  const config = opts.config ?? loadCorpusConfig(paths.config);
  const result = joinSignatures(corpusSignatureSource(corpusDir), {
    threshold: config.dedupThreshold,
    minhashPermutations: config.minhashPermutations,
    shingleSize: config.shingleSize,
    imageHammingThreshold: config.imageHammingThreshold,
    decorativeRepeat: config.decorativeRepeat,
    scheme: shingleScheme(config.foldDigitsMinWords),
    quiet: opts.quiet,
  });
  const written: string[] = [];
  let unchanged = 0;
  for (const list of result.lists) {
    const file = bookPaths(corpusDir, list.bookId).dropList;
    if (writeFileIfChanged(file, formatDropList(list))) written.push(file);
    else unchanged++;
  }
  const keep = new Set(result.lists.map((l) => `${l.bookId}.json`).concat('summary.json'));
  const removed: string[] = [];
  if (existsSync(paths.dedupDir)) {
    for (const f of readdirSync(paths.dedupDir)) {
      if (f.endsWith('.json') && !f.startsWith('.') && !keep.has(f)) {
        rmSync(join(paths.dedupDir, f));
        removed.push(f);
      }
    }
  }
  writeFileIfChanged(join(paths.dedupDir, 'summary.json'), JSON.stringify(result.summary, null, 2) + '\n');
  return { ...result, written, unchanged, removed };
}
