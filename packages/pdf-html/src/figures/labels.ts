import { isCaption, isTexSource } from '../layout/captions.js';
import { pageEm } from '../layout/page-flow.js';
import { type Box, type TextRun, bottom, overlap, right, union } from '../layout/types.js';

/** Runs on one baseline with word-sized gaps: the unit that is a label or not. */
interface Phrase {
  runs: TextRun[];
  box: Box;
  text: string;
  size: number;
}

/** Gap between runs of one phrase, in ems. */
const PHRASE_GAP_EM = 1;
/** How far outside a figure a label may sit (tick labels, axis titles, legends), in ems of the label; above it, only a title set close. */
const LABEL_REACH_EM = 1.6;
const TITLE_REACH_EM = 0.6;
/** A label is a few words; more is prose (a paragraph's short last line is still a sentence). */
const MAX_LABEL_WORDS = 6;
/** A sentence of three words or more is prose, however short: labels do not end in a full stop. */
const SENTENCE = /^\p{Lu}\S*(?:\s+\S+){2,}[.!?]$/u;
/** Labels are set no larger than this many times the page's body size. */
const MAX_LABEL_SIZE = 1.25;
/** Lines starting within this many points of each other start at one column edge ... */
const COLUMN_EDGE_PT = 1.5;
/** ... when at least this many lines of prose do. */
const MIN_COLUMN_LINES = 3;

/** The size most of the runs' characters are set in: labels are judged against it. */
export const bodySize = (runs: TextRun[]): number => pageEm(runs);

/** Runs in rows (baselines within a third of their size: OCR baselines wander a little), each row cut at wide gaps. */
function phrases(runs: TextRun[]): Phrase[] {
  const sorted = [...runs].sort((a, b) => a.baseline - b.baseline);
  const out: Phrase[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.baseline - first.baseline <= 0.3 * first.font.size) j++;
    const row = sorted.slice(i, j).sort((a, b) => a.box.x - b.box.x);
    let p: Phrase | undefined;
    for (const r of row) {
      if (p && r.box.x - right(p.box) <= PHRASE_GAP_EM * Math.max(p.size, r.font.size)) {
        p.runs.push(r);
        p.box = union(p.box, r.box);
        p.text += ` ${r.text}`;
      } else {
        p = { runs: [r], box: r.box, text: r.text, size: r.font.size };
        out.push(p);
      }
    }
    i = j;
  }
  return out;
}

const inside = (b: Box, r: Box, margin: number): boolean => {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  return cx >= r.x - margin && cx <= right(r) + margin && cy >= r.y - margin && cy <= bottom(r) + margin;
};

const within = (b: Box, r: Box, margin: number): boolean => b.x >= r.x - margin && right(b) <= right(r) + margin && b.y >= r.y - margin && bottom(b) <= bottom(r) + margin;

/**
 * The text that belongs to figures: everything drawn inside a figure region,
 * and short phrases just outside it that line up with it (tick labels, axis
 * titles, legends). Each region grows to take in its labels, so the rendered
 * figure shows them and the body text no longer reads them. Captions stay
 * text: the layout links them to their figure; so does text inside
 * `textFrames` (code boxes, callouts) and anything that reads as a sentence.
 */
export function absorbLabels(regions: Box[], runs: TextRun[], bodySize: number, textFrames: Box[] = []): { regions: Box[]; labels: Set<TextRun> } {
  const out = regions.map((r) => ({ ...r }));
  const labels = new Set<TextRun>();
  const free = phrases(runs);
  // Where lines of prose start: a column's left edge. A short line there right of a figure ("mance.", then, as the
  // region grew, "operations." and "9. Conclusions" beside tracemonkey's Figure 12) is that column's text.
  const starts = free.filter((p) => p.text.split(/\s+/).length > MAX_LABEL_WORDS).map((p) => p.box.x);
  const atColumnEdge = new Set(free.filter((p) => starts.filter((x) => Math.abs(x - p.box.x) <= COLUMN_EDGE_PT).length >= MIN_COLUMN_LINES));
  const startsColumn = (p: Phrase): boolean => atColumnEdge.has(p);
  for (let pass = 0; pass < 3; pass++) {
    let grew = false;
    for (let i = free.length - 1; i >= 0; i--) {
      const p = free[i]!;
      if (isCaption(p.text) || isTexSource(p.text)) continue;
      const reach = LABEL_REACH_EM * p.size;
      const framed = textFrames.some((f) => inside(p.box, f, 0));
      const prose = SENTENCE.test(p.text) || p.text.split(/\s+/).length > MAX_LABEL_WORDS;
      const region = out.find((r) => {
        // Prose whose middle falls inside a region but that runs out of it is the text under the plot, not in it.
        if (inside(p.box, r, 1)) return !prose || within(p.box, r, 1);
        if (framed || prose || p.size > MAX_LABEL_SIZE * bodySize) return false;
        const dx = Math.max(0, r.x - right(p.box), p.box.x - right(r));
        const dy = Math.max(0, r.y - bottom(p.box), p.box.y - bottom(r));
        // Beside the figure and within its height, or above/below it and within its width.
        // Right of the figure, at the left edge of a column of prose: that column's text, not a legend.
        const nextColumn = p.box.x >= right(r) && startsColumn(p);
        const beside = dy === 0 && dx <= reach && overlap(p.box.y, bottom(p.box), r.y, bottom(r)) >= 0.5 * p.box.h && !nextColumn;
        const above = bottom(p.box) <= r.y;
        // Under or over it, a line at a column's left edge is that column's text (a heading set right under a plot).
        const aboveBelow = dx === 0 && dy <= (above ? TITLE_REACH_EM * p.size : reach) && overlap(p.box.x, right(p.box), r.x, right(r)) >= 0.8 * p.box.w && !startsColumn(p);
        return beside || aboveBelow;
      });
      if (!region) continue;
      for (const r of p.runs) labels.add(r);
      Object.assign(region, union(region, p.box));
      free.splice(i, 1);
      grew = true;
    }
    if (!grew) break;
  }
  return { regions: out, labels };
}
