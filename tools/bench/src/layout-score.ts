import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { htmlBlocks } from '@mtb/pdf-html';

/** The layout corpus beside the repo (../shared/corpus/layout): real PDFs with source-derived reading-order truth. */
export const LAYOUT_CORPUS = resolve(process.cwd(), '../shared/corpus/layout');
const SCORER = resolve(LAYOUT_CORPUS, 'score.py');

export interface LayoutScore {
  words: { p: number; r: number; f1: number };
  gram8: { p: number; r: number; f1: number };
}

/**
 * The corpus' own scorer (score.py: word bag and order-sensitive 8-grams) on a
 * candidate (book.html or text) against a truth text; undefined without python3.
 */
export function layoutScore(truthTxt: string, candidate: string): LayoutScore | undefined {
  if (!existsSync(SCORER)) return undefined;
  const r = spawnSync('python3', [SCORER, truthTxt, candidate, '--json'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  const j = JSON.parse(r.stdout) as Record<string, [number, number, number]>;
  const t = (k: string): { p: number; r: number; f1: number } => ({ p: j[k]![0], r: j[k]![1], f1: j[k]![2] });
  return { words: t('words'), gram8: t('8gram') };
}

/** A book.html's text as a truth file (one block per line, furniture left out), to score another extraction against it. */
export function htmlAsTruth(html: string, file: string): string {
  writeFileSync(file, htmlBlocks(html).filter((b) => !b.role).map((b) => b.text.replace(/\s+/g, ' ')).join('\n') + '\n');
  return file;
}

export const round3 = (x: number): number => Number(x.toFixed(3));
