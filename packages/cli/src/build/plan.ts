import { join, relative } from 'node:path';
import { listBooks, corpusPaths } from '@mtb/core';

/**
 * The stage commands of one corpus, in dependency order, for the direct runner
 * (no Nx): the same commands the Nx plugin's targets run.
 */
export const BOOK_STAGES_BEFORE_JOIN = ['html', 'tokens', 'filter', 'signatures'] as const;
export type BookStage = (typeof BOOK_STAGES_BEFORE_JOIN)[number] | 'segments';

export function bookStageArgs(stage: BookStage, corpusDir: string, bookId: string, pdf: string): string[] {
  const dir = `${corpusDir}/build/${bookId}`;
  switch (stage) {
    case 'html': return ['pdf-html', pdf, '--out', dir];
    case 'tokens': return ['tokens', dir];
    case 'filter': return ['filter', dir];
    case 'signatures': return ['signatures', dir];
    case 'segments': return ['segment', dir];
  }
}

export interface ShardSpec { index: number; count: number }

export function parseShard(spec: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  if (!m) throw new Error(`--shard expects i/N with 0 <= i < N (e.g. 0/3), got "${spec}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new Error(`--shard ${spec}: need 0 <= i < N`);
  return { index, count };
}

/** Books of this shard: by position in the sorted book list, so every machine agrees without talking. */
export function booksOfShard(corpusDir: string, shard?: ShardSpec): Array<{ bookId: string; pdf: string }> {
  const books = listBooks(corpusDir).map((b) => ({ bookId: b.bookId, pdf: relative(process.cwd(), b.pdf) || b.pdf }));
  return shard ? books.filter((_, i) => i % shard.count === shard.index) : books;
}

export function corpusRelative(corpusDir: string): string {
  return relative(process.cwd(), corpusPaths(corpusDir).root) || '.';
}

/**
 * `build/.lock` for a whole build or a `--join`; `--shard i/N` runs, which are
 * meant to run at once on many machines, each hold their own shard's lock.
 */
export function buildLockPath(corpusDir: string, shard?: ShardSpec): string {
  return join(corpusPaths(corpusDir).buildDir, shard ? `.lock-shard-${shard.index}-of-${shard.count}` : '.lock');
}
