import { isFormula, wordCount } from '@mtb/core';
import { KEEP, drop, type NodeFilter } from './verdict.js';

/**
 * A short block that still reads as a sentence ("It is rare.", "Rest is
 * essential!"): it opens with a capital or a digit and ends with . ! or ?
 * (a closing quote or bracket may follow).
 */
const SENTENCE = /^["'\u201c\u2018(\[]?[\p{Lu}\p{N}].*[.!?]["'\u201d\u2019)\]]?$/u;

/**
 * Body blocks under minWords words that are not a sentence: stray labels,
 * broken-off lines, the cells of a table the layout did not recognise. Only
 * body text is judged: headings, captions, list items ("Metacarpals"), table
 * rows, notes and footnotes are short by nature, and so is a display formula
 * ("A = ( R0 0 0 0 ).", which pdf-html sets as one block however many pieces
 * it is drawn in).
 */
export const fragment: NodeFilter = (node, ctx) => {
  if (node.kind !== 'text' || node.role !== 'body') return KEEP;
  const words = wordCount(node.text);
  if (words >= ctx.config.minWords) return KEEP;
  if (words >= 2 && isFormula(node.text, { strict: true })) return KEEP;
  return words >= 2 && SENTENCE.test(node.text) ? KEEP : drop('fragment');
};
