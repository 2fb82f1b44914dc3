import type { TextFlow } from './page-flow.js';

/**
 * Lists printed without markers: a roster of names, a list of terms, each
 * item a line of its own. Read as one short paragraph per line, every item
 * falls to the filter stage as a fragment (cdl-lab-manual pp. 39-40: 401 words
 * of lab members). Their layout tells them from prose: three or more short
 * lines, one block each, starting at one x, in one style, at an even pitch,
 * none ending a sentence or a clause, most of two words or more (one-word
 * labels stacked at an even pitch are more often a table's row heads).
 */

/** Fewest lines that make a list rather than a few short paragraphs. */
const MIN_ITEMS = 3;
/** Items start at one x, to this many points. */
const ALIGN_PT = 2;
/** An item is at most this share of the page's measure (its widest text block): a full line is prose. */
const MAX_ITEM_SHARE = 0.5;
/** Baseline steps within a list differ by at most this ratio, and none exceeds this many ems. */
const MAX_PITCH_RATIO = 1.3;
const MAX_PITCH_EM = 2.5;
/** An item holds a word (two letters at least), and does not end as a sentence or a clause does. */
const WORD = /\p{L}{2}/u;
const CLAUSE_END = /[.!?;:,]["'\u201d\u2019)\]]?$/u;

/** The runs of `flow` indices (first, last) that are unmarked lists; `candidate` says which blocks may be items. */
export function unmarkedLists(flow: Array<TextFlow | undefined>, measure: number, candidate: (f: TextFlow) => boolean): Array<[number, number]> {
  const item = (i: number): TextFlow | undefined => {
    const f = flow[i];
    if (!f || f.block.lines.length !== 1 || !candidate(f)) return undefined;
    const text = f.text.trim();
    if (!WORD.test(text) || CLAUSE_END.test(text) || f.block.box.w > MAX_ITEM_SHARE * measure) return undefined;
    return f;
  };
  const fits = (a: TextFlow, b: TextFlow, pitch: number | undefined): boolean => {
    const fa = a.block.font;
    const fb = b.block.font;
    if (Math.abs(a.block.box.x - b.block.box.x) > ALIGN_PT || Math.abs(fa.size - fb.size) > 0.5 || fa.bold !== fb.bold || fa.italic !== fb.italic) return false;
    const step = b.block.lines[0]!.baseline - a.block.lines[0]!.baseline;
    if (!(step > 0) || step > MAX_PITCH_EM * fa.size) return false;
    return pitch === undefined || Math.max(step, pitch) <= MAX_PITCH_RATIO * Math.min(step, pitch);
  };
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < flow.length; ) {
    const first = item(i);
    if (!first) {
      i++;
      continue;
    }
    let j = i;
    let pitch: number | undefined;
    while (j + 1 < flow.length) {
      const next = item(j + 1);
      if (!next || !fits(flow[j]!, next, pitch)) break;
      pitch ??= next.block.lines[0]!.baseline - flow[j]!.block.lines[0]!.baseline;
      j++;
    }
    // Most items of a roster or a list of phrases hold two words; a column of one-word labels is more often a table's stub.
    const phrases = flow.slice(i, j + 1).filter((f) => (f!.text.match(/\p{L}{2,}/gu) ?? []).length >= 2).length;
    if (j - i + 1 >= MIN_ITEMS && phrases >= 0.5 * (j - i + 1)) runs.push([i, j]);
    i = j + 1;
  }
  return runs;
}
