import { isFormula } from '@mtb/core';
import { listMarker } from './lists.js';
import { type Flow, type TextFlow, isCaptionFlow } from './page-flow.js';
import { bottom, overlap, right, sameRow, union } from './types.js';

/** Function names set upright in formulas: words of three letters and more that are still mathematics. */
const MATH_WORDS = new Set(['exp', 'log', 'sin', 'cos', 'tan', 'sinh', 'cosh', 'tanh', 'max', 'min', 'det', 'lim', 'sup', 'inf', 'arg', 'mod', 'sqrt', 'diag', 'tr']);
/**
 * A word of prose: three lower-case letters or more ("case", "that"). Variables run together are not ("aNte",
 * "Nter" for N_t e^r), nor is a capitalised word alone: "Hence" or "Then" opening a formula's sentence goes with it.
 */
const PROSE_WORD = /^\p{Ll}{3,}$/u;
/** The pieces of one display formula lie at most this many ems apart, one under the next. */
const PIECE_GAP_EM = 1;
/** ... and at most this many ems left or right of the pieces before them (a closing "." or ")" stands beside a fraction). */
const PIECE_SIDE_EM = 4;
/** "(1.3)", "(2)", "(4a)": an equation's number, set at the right margin on its main line. */
const EQUATION_NUMBER = /^\(\d+(?:[.-]\d+)*[a-z]?\)$/;
/** Scripts, limits and fraction pieces are set smaller than the text, never larger: a larger piece is a heading. */
const MAX_PIECE_SIZE = 1.1;

/** Text with no word of prose in it: a piece of a formula ("e−aP∗ =", "1 R0", ")."), or a number. */
function isMathPiece(f: Flow, em: number): f is TextFlow {
  if (f.kind !== 'text' || f.role || f.rotated || f.figureText || f.block.font.mono || isCaptionFlow(f)) return false;
  if (f.block.font.size > MAX_PIECE_SIZE * em) return false;
  // An item of a bulleted or numbered list ("1. Free → Early → Resistant,") is no piece of a formula, whatever its
  // symbols; an equation's number is, and so is a letter and a full stop ("n. [, ] = −", the normal vector n).
  const marker = listMarker(f.text);
  if (marker && (!marker.ordered || marker.type === '1') && !EQUATION_NUMBER.test(f.text.trim())) return false;
  return f.text.split(/[^\p{L}]+/u).every((w) => !PROSE_WORD.test(w) || MATH_WORDS.has(w.toLowerCase()));
}

/**
 * A display formula set in pieces (a fraction's numerator and denominator on
 * lines of their own, a matrix's rows, the "." after it) comes out of the
 * reading order as several blocks, none of them a sentence. Pieces that follow
 * one another in the flow, each right under or beside the ones before, with
 * no word of prose among them, are one block when together they read as a
 * formula (an operator among letters and digits): one display formula, where
 * it stood, instead of fragments the filters drop one by one.
 */
export function mergeFormulaPieces(flow: Flow[], em: number): void {
  for (let i = 0; i < flow.length; i++) {
    const first = flow[i]!;
    if (!isMathPiece(first, em)) continue;
    let box = first.block.box;
    let whole = box;
    let numberBottom = Infinity;
    let end = i + 1;
    for (; end < flow.length; end++) {
      const next = flow[end]!;
      if (!isMathPiece(next, em)) break;
      const b = next.block.box;
      // A formula's last pieces (a denominator row) may follow its number in the reading order, not the next formula.
      if (b.y >= numberBottom) break;
      const prev = (flow[end - 1] as TextFlow).block.box;
      if (EQUATION_NUMBER.test(next.text.trim()) && sameRow(prev, b)) {
        // The number stands at the margin, on the row of the piece before it.
        numberBottom = bottom(b);
        whole = union(whole, b);
        continue;
      }
      if (b.y - bottom(box) > PIECE_GAP_EM * em || box.y - bottom(b) > PIECE_GAP_EM * em) break;
      if (overlap(box.x - PIECE_SIDE_EM * em, right(box) + PIECE_SIDE_EM * em, b.x, right(b)) <= 0) break;
      box = union(box, b);
      whole = union(whole, b);
    }
    if (end - i < 2) continue;
    const pieces = flow.slice(i, end) as TextFlow[];
    const text = pieces.map((p) => p.text).join(' ');
    if (!isFormula(text, { strict: true })) continue;
    first.text = text;
    first.formula = true;
    // The formula's type is its main line's, the longest piece (a script or a limit set first is smaller).
    const main = pieces.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    first.block = { lines: pieces.flatMap((p) => p.block.lines), box: whole, font: main.block.font };
    flow.splice(i + 1, end - i - 1);
  }
}
