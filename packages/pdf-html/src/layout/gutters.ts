import { type TextRun, bottom, right } from './types.js';

/**
 * Column gutters found from the whitespace of the whole page, not line by line:
 * a word space and a gutter can be equally wide (8 pt gutters in dense two-column
 * books), but only a gutter runs down the page with text on both sides of it, and
 * the text right of a gutter starts at one x (a column's left edge).
 */
export interface Channel {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A gap narrower than this many ems is letter or word spacing, never a gutter. */
const MIN_GAP_EM = 0.2;
/** Gaps up to this many ems are gutters only with aligned column edges on their right (word spaces are never aligned). */
const NARROW_GAP_EM = 0.9;
/** A run reaching less than this share of a wide gap's width into it does not bound the gap. */
const RAGGED_SHARE = 0.5;
/** How far from the gap (ems) a line end or start still counts as touching the gutter. */
const REACH_EM = 4;
/** Left column edges agree to this many points. */
const ALIGN_PT = 1.5;
/**
 * Left of a narrow gutter stands a column of text at least this many ems wide; list labels ("a.", "iv)") and
 * repeated item openings before a formula ("• when", 3.5 em) are narrower.
 */
const MIN_COLUMN_EM = 5;

/** A multi-level section number: "2.1", "3.4.1" (a lone "1" may be a table's row number). */
const SECTION_NUMBER = /^\d+(?:\.\d+)+\.?$/;

/** How many lines right of a gap start at the most common left edge (within ALIGN_PT): a column's edge. */
function alignedStarts(starters: Map<number, number>): number {
  const xs = [...starters.values()].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < xs.length; i++) {
    while (xs[i]! - xs[j]! > ALIGN_PT) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

interface Indexed {
  run: TextRun;
  band: number;
}

export class PageGutters {
  private readonly channels: Channel[] = [];
  /** Strips already found not to be gutters; `wide` when judged by the laxer rule for wide gaps. */
  private readonly rejected: Array<Channel & { wide: boolean }> = [];
  private readonly bins = new Map<number, Indexed[]>();
  private readonly binWidth = 4;

  constructor(private readonly runs: Indexed[]) {
    for (const r of runs) {
      const b0 = Math.floor(r.run.box.x / this.binWidth);
      const b1 = Math.floor(right(r.run.box) / this.binWidth);
      for (let b = b0; b <= b1; b++) {
        let list = this.bins.get(b);
        if (!list) this.bins.set(b, (list = []));
        list.push(r);
      }
    }
  }

  /** Runs grouped into baseline bands (superscripts aside): the unit a gutter's support is counted in. */
  static of(runs: TextRun[]): PageGutters {
    const sorted = runs.filter((r) => !r.rotated).sort((a, b) => a.baseline - b.baseline);
    const out: Indexed[] = [];
    let band = -1;
    let bandBase = -Infinity;
    for (const run of sorted) {
      if (run.baseline - bandBase > 0.25 * run.font.size) {
        band++;
        bandBase = run.baseline;
      }
      out.push({ run, band });
    }
    return new PageGutters(out);
  }

  /**
   * Is the whitespace between x `left` and x `right`, on the line at `top`..`bottom`,
   * part of a gutter? It is when the strip stays empty above and below this line
   * (up to the first run crossing it) and, in that stretch, enough lines end just
   * left of it and start just right of it; a narrow gap also needs the starts
   * aligned, as a column's left edge is.
   */
  isGutter(left: number, rightX: number, top: number, bot: number, em: number): boolean {
    const width = rightX - left;
    if (width < MIN_GAP_EM * em) return false;
    const mid = (top + bot) / 2;
    const narrow = width < NARROW_GAP_EM * em;
    const known = (c: Channel): boolean => mid >= c.y0 && mid <= c.y1 && Math.min(c.x1, rightX) - Math.max(c.x0, left) >= 0.5 * Math.min(width, c.x1 - c.x0);
    if (this.channels.some(known)) return true;
    if (this.rejected.some((c) => (c.wide || narrow) && known(c))) return false;
    const eps = 0.05 * em;
    // The strip's vertical extent: bounded by the nearest runs crossing it.
    let y0 = -Infinity;
    let y1 = Infinity;
    const seen = new Set<Indexed>();
    for (let b = Math.floor((left + eps) / this.binWidth); b <= Math.floor((rightX - eps) / this.binWidth); b++) {
      for (const r of this.bins.get(b) ?? []) {
        if (seen.has(r)) continue;
        seen.add(r);
        const box = r.run.box;
        if (box.x >= rightX - eps || right(box) <= left + eps) continue;
        // A wide gap keeps its extent past a ragged cell reaching a little way into it ("w0 = 0.10174" 2 pt past
        // "p0 = 0.37699" in a table's column of estimates); word spaces, narrow, are crossed whole by the lines above.
        if (!narrow && Math.min(right(box), rightX) - Math.max(box.x, left) < RAGGED_SHARE * width) continue;
        if (bottom(box) <= mid) y0 = Math.max(y0, bottom(box));
        else if (box.y >= mid) y1 = Math.min(y1, box.y);
        else {
          // A run crossing this very line: no gutter here.
          return false;
        }
      }
    }
    const enders = new Set<number>();
    // Per band, the text just left of the gap: a heading's section number ("2.1") is no column.
    const enderTexts = new Map<number, string>();
    const starters = new Map<number, number>();
    // Per band, where the text left of the gap begins: a column's lines, or only a label.
    const leftmost = new Map<number, number>();
    for (const r of this.runs) {
      const box = r.run.box;
      if (box.y < y0 - eps || bottom(box) > y1 + eps) continue;
      const rEm = Math.max(em, r.run.font.size);
      if (right(box) <= left + eps) leftmost.set(r.band, Math.min(leftmost.get(r.band) ?? Infinity, box.x));
      if (right(box) <= left + eps && right(box) >= left - REACH_EM * rEm) {
        enders.add(r.band);
        enderTexts.set(r.band, `${enderTexts.get(r.band) ?? ''} ${r.run.text}`.trim());
      }
      if (box.x >= rightX - eps && box.x <= rightX + REACH_EM * rEm) {
        const prev = starters.get(r.band);
        if (prev === undefined || box.x < prev) starters.set(r.band, box.x);
      }
    }
    let ok = enders.size >= 2 && starters.size >= 2;
    // Section headings stacked with their numbers set apart ("2.1   A bit of history", "2.2   About Ussing",
    // empty sections one after another) line up like a column of numbers beside a column of titles.
    if (ok && [...enderTexts.values()].every((t) => SECTION_NUMBER.test(t))) ok = false;
    // Two justified lines can stretch their spaces over one another by chance ("[CC   BY-NC   4.0]" over
    // "via iNaturalist.   Middle image"): a gutter seen on only two lines needs a column edge right of it.
    if (ok && !narrow && Math.min(enders.size, starters.size) < 3) ok = alignedStarts(starters) >= 2;
    if (ok && narrow) {
      // A column of list labels ("a.", "b.", "c.") left of aligned item text is no gutter.
      const columns = [...enders].filter((b) => left - leftmost.get(b)! >= MIN_COLUMN_EM * em).length;
      ok = columns >= 3 && alignedStarts(starters) >= 3;
    }
    const channel = { x0: left, x1: rightX, y0: Number.isFinite(y0) ? y0 : top, y1: Number.isFinite(y1) ? y1 : bot };
    if (!Number.isFinite(y0) || !Number.isFinite(y1)) {
      // Unbounded: the strip runs to the page edge; its extent is the text's.
      channel.y0 = Number.isFinite(y0) ? y0 : -Infinity;
      channel.y1 = Number.isFinite(y1) ? y1 : Infinity;
    }
    if (ok) this.channels.push(channel);
    else this.rejected.push({ ...channel, wide: !narrow });
    return ok;
  }
}
