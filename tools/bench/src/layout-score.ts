import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { htmlScoredText, orderScores } from '@mtb/pdf-html';

/** The layout corpus beside the repo (../shared/corpus/layout): real PDFs with source-derived reading-order truth. */
export const LAYOUT_CORPUS = resolve(process.cwd(), '../shared/corpus/layout');

export interface LayoutScore {
  words: { p: number; r: number; f1: number };
  gram8: { p: number; r: number; f1: number };
}

const short = (s: { precision: number; recall: number; f1: number }): { p: number; r: number; f1: number } => ({ p: s.precision, r: s.recall, f1: s.f1 });

/** A book.html against a truth file of the layout corpus (score.py's figures, computed by @mtb/pdf-html's orderScores). */
export function layoutScore(truthFile: string, html: string): LayoutScore {
  const s = orderScores(readFileSync(truthFile, 'utf8'), html);
  return { words: short(s.words), gram8: short(s.gram8) };
}

/** A book.html against another conversion of the same book taken as the reference (its scored text as the truth). */
export function scoreAgainst(referenceHtml: string, html: string): LayoutScore {
  const s = orderScores(htmlScoredText(referenceHtml), html);
  return { words: short(s.words), gram8: short(s.gram8) };
}

export const round3 = (x: number): number => Number(x.toFixed(3));
