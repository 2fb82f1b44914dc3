import { isCaption } from './captions.js';
import { PageGutters } from './gutters.js';
import { isMarkerText, wrapMarker } from './marks.js';
import { joinsTight } from './text.js';
import { type Line, type TextRun, type FontStyle, bottom, overlap, right, union } from './types.js';

/** A gap wider than this many ems between two runs on one baseline is a gutter or a table cell, not a word space, unless both sides are set alike. */
const SPLIT_GAP_EM = 0.9;
/** Below this many ems a gap can only split a line where the page's whitespace shows a gutter. */
const MIN_SPLIT_EM = 0.2;
/** Justified lines stretch a word space up to about this many ems. */
const JUSTIFIED_GAP_EM = 1.5;
/** A gap wider than this many ems always splits, even after a section or list number. */
const WIDE_GAP_EM = 3;
/** A justified line's space after a full stop or comma stretches up to this many ems (a long URL on the next line). */
const SENTENCE_GAP_EM = 5;
/** A gap wider than this many ems gets a space when neither side has one. */
const SPACE_GAP_EM = 0.15;
/** A run-in heading is set off from its paragraph's first words by at least this many ems (LaTeX's \paragraph: a quad). */
const RUN_IN_GAP_EM = 0.8;
/** A line is code when at least this share of its characters is set fixed-pitch. */
const MIN_CODE_SHARE = 0.9;
/** A note call is set at most this share of the line's size: 0.7 in TeX, about 0.8 in word processors (8 on 10 pt). */
const MAX_CALL_SIZE = 0.85;
/** An entry's number ("17", "[17]", "17.") stands at most this many ems left of its text. */
const LABEL_GAP_EM = 1.5;
const ENTRY_LABEL = /^\[?\d{1,3}[.\])]?$/;

interface Cluster {
  /** Extent of the cluster's largest run: joining is judged against it so lines never chain. */
  top: number;
  bottom: number;
  size: number;
  left: number;
  right: number;
  runs: TextRun[];
}

/** How many recent clusters a run may join: enough for several columns side by side. */
const LOOKBACK = 16;

/**
 * Runs -> lines: runs whose vertical extents overlap by half the smaller one
 * share a line (so superscripts and subscripts stay with their line), then a
 * line is split wherever the horizontal gap is wider than a word space could be,
 * so two columns printed on aligned baselines become two lines.
 */
export function buildLines(runs: TextRun[]): Line[] {
  const lines: Line[] = [];
  for (const r of runs) if (r.rotated && r.text.trim()) lines.push({ ...makeLine([r]), rotated: true });
  const sorted = runs.filter((r) => !r.rotated && r.text.trim().length > 0).sort((a, b) => a.baseline - b.baseline || a.box.x - b.box.x);
  const clusters: Cluster[] = [];
  for (const run of sorted) {
    const top = run.box.y;
    const bot = bottom(run.box);
    let target: Cluster | undefined;
    // Sorted by baseline: only the last few clusters can still overlap this run.
    for (let i = clusters.length - 1; i >= 0 && i >= clusters.length - LOOKBACK; i--) {
      const c = clusters[i]!;
      const ov = overlap(top, bot, c.top, c.bottom);
      // Only runs near each other horizontally: a heading in the next column must not bridge two lines of this one.
      const gap = Math.max(0, run.box.x - c.right, c.left - right(run.box));
      if (ov >= 0.5 * Math.min(bot - top, c.bottom - c.top) && gap <= SPLIT_GAP_EM * Math.max(run.font.size, c.size)) {
        target = c;
        break;
      }
    }
    if (!target) {
      clusters.push({ top, bottom: bot, size: run.font.size, left: run.box.x, right: right(run.box), runs: [run] });
      continue;
    }
    target.runs.push(run);
    target.left = Math.min(target.left, run.box.x);
    target.right = Math.max(target.right, right(run.box));
    if (run.font.size > target.size) {
      target.size = run.font.size;
      target.top = top;
      target.bottom = bot;
    }
  }
  attachScripts(clusters);
  const gutters = PageGutters.of(sorted);
  const pieces: TextRun[][] = [];
  for (const c of clusters) {
    // Scripts stacked at one x ("p" with "∗" over "1") read superscript first, whatever order they were drawn in.
    const byX = dropOverprint(c.runs.sort((a, b) => (Math.abs(a.box.x - b.box.x) < 0.5 ? a.baseline - b.baseline : a.box.x - b.box.x)));
    let current: TextRun[] = [];
    const start = pieces.length;
    for (const run of byX) {
      const prev = current[current.length - 1];
      if (prev && (splitsAt(prev, run, gutters) || endsRunInHeading(current, run)) && !(pieces.length > start && labelsEntry(current, run))) {
        pieces.push(current);
        current = [];
      }
      current.push(run);
    }
    if (current.length) pieces.push(current);
  }
  for (const piece of stitch(pieces, gutters)) lines.push(makeLine(piece));
  return lines;
}

/**
 * A superscript or subscript sorted ahead of its line (its baseline is
 * higher) may have opened a cluster of its own: a cluster of smaller type that
 * touches a cluster of larger type and overlaps it vertically joins it, so
 * "genes¹" stays one line and the note call stays with its word.
 */
function attachScripts(clusters: Cluster[]): void {
  for (let i = 0; i < clusters.length; i++) {
    const c = clusters[i]!;
    if (!c.runs.length) continue;
    for (let k = Math.max(0, i - LOOKBACK); k < Math.min(clusters.length, i + LOOKBACK); k++) {
      const d = clusters[k]!;
      if (d === c || !d.runs.length || c.size > 0.85 * d.size) continue;
      const touching = Math.max(c.left - d.right, d.left - c.right) <= 0.3 * d.size;
      if (!touching || overlap(c.top, c.bottom, d.top, d.bottom) <= 0) continue;
      d.runs.push(...c.runs);
      d.left = Math.min(d.left, c.left);
      d.right = Math.max(d.right, c.right);
      c.runs = [];
      break;
    }
  }
  for (let i = clusters.length - 1; i >= 0; i--) if (!clusters[i]!.runs.length) clusters.splice(i, 1);
}

const em = (a: TextRun, b: TextRun): number => Math.max(a.font.size, b.font.size);

/**
 * A reference list's number set in the gutter left of its column ("17" at x 306, "Peng, H., ..." at 324 in
 * clinical-science-ace's right column, the left column's text ending at 288 on the same baseline) opens its
 * entry's line: the strip between them looks like a gutter of its own, and the numbers, split off, were read
 * into the other column. Callers ask only for a number with text left of it on its row: one at the column's
 * own left edge ("1   The PALM Lab") is joined as a numbered heading or entry later, by the page's flow.
 */
function labelsEntry(piece: TextRun[], run: TextRun): boolean {
  const label = piece[0]!;
  return piece.length === 1 && ENTRY_LABEL.test(label.text.trim()) && /^\p{L}/u.test(run.text.trim()) && run.box.x - right(label.box) <= LABEL_GAP_EM * em(label, run);
}

/** Within one cluster: a gutter (found page-wide) or a gap no word space could be splits the line. */
function splitsAt(prev: TextRun, run: TextRun, gutters: PageGutters): boolean {
  const gap = run.box.x - right(prev.box);
  const size = em(prev, run);
  if (gap < MIN_SPLIT_EM * size) return false;
  const top = Math.min(prev.box.y, run.box.y);
  const bot = Math.max(bottom(prev.box), bottom(run.box));
  if (gutters.isGutter(right(prev.box), run.box.x, top, bot, size)) return true;
  return gap > SPLIT_GAP_EM * size && !joinable(prev, run, gap);
}

/**
 * A run-in heading ("Multispecies competition–colonization tradeoff  The work
 * of David ..."): bold words opening the line, a quad, then the paragraph in
 * regular type. The heading is a line of its own. A bold caption label
 * ("Figure 2.") runs on into its caption.
 */
function endsRunInHeading(head: TextRun[], run: TextRun): boolean {
  const last = head[head.length - 1];
  if (!last || run.font.bold || !head.every((r) => r.font.bold)) return false;
  if (run.box.x - right(last.box) < RUN_IN_GAP_EM * em(last, run) || Math.abs(last.font.size - run.font.size) > 0.12 * em(last, run)) return false;
  const text = head.map((r) => r.text).join(' ');
  return (text.match(/\p{L}{2,}/gu) ?? []).length >= 2 && !isCaption(text);
}

/**
 * A wide gap that is no gutter still joins one line when both sides are set
 * alike: a justified line's stretched spaces, a section number before its
 * heading ("3.5   Leopard Slug"), a list number before its item.
 */
function joinable(prev: TextRun, run: TextRun, gap: number, sameBand = false): boolean {
  const size = em(prev, run);
  if (gap > WIDE_GAP_EM * size) return false;
  // Between pieces of one band the band has checked the baselines (a piece may end in a subscript).
  if (!sameBand && Math.abs(prev.baseline - run.baseline) > 0.2 * size) return false;
  // Touching or a word space apart: one line whatever the sizes (a subscript after its letter).
  if (gap <= SPLIT_GAP_EM * size) return true;
  if (/^(?:\d+(?:\.\d+)*\.?|[•◦▪‣–-]|\(?[a-z\d]\))$/.test(prev.text.trim())) return true;
  return gap <= JUSTIFIED_GAP_EM * size && Math.abs(prev.font.size - run.font.size) <= 0.12 * size;
}

/** A piece ending in a sign and the next starting with one, set over each other by up to this many ems, compose it. */
const STACKED_SIGN_EM = 1;
const STACKED_SIGN_END = /[−+=±∓-]\s*$/;
const STACKED_SIGN_START = /^\s*[−+=±∓-]/;

/** Pieces of different clusters on one baseline, next to each other with no gutter between, are one line. */
function stitch(pieces: TextRun[][], gutters: PageGutters): TextRun[][] {
  // A piece's baseline is its largest type's, not that of a subscript it happens to start with.
  const base = (p: TextRun[]): number => p.reduce((a, r) => (r.font.size > a.font.size ? r : a)).baseline;
  const byBase = [...pieces].sort((a, b) => base(a) - base(b));
  const out: TextRun[][] = [];
  for (let i = 0; i < byBase.length; ) {
    // One band: pieces whose baselines agree within a fifth of an em, read left to right.
    let j = i + 1;
    const size = Math.max(...byBase[i]!.map((r) => r.font.size));
    while (j < byBase.length && base(byBase[j]!) - base(byBase[i]!) <= 0.2 * size) j++;
    const band = byBase.slice(i, j).sort((a, b) => a[0]!.box.x - b[0]!.box.x);
    i = j;
    const justified = band.length > 1 && isJustified(band, byBase);
    let current = band[0]!;
    for (const piece of band.slice(1)) {
      const last = current[current.length - 1]!;
      const first = piece[0]!;
      const gap = first.box.x - right(last.box);
      const top = Math.min(last.box.y, first.box.y);
      const bot = Math.max(bottom(last.box), bottom(first.box));
      const size = em(last, first);
      // TeX stretches the space after a sentence's end three times as far as a word space.
      const widest = /[.,;:!?]$/.test(last.text) ? SENTENCE_GAP_EM : WIDE_GAP_EM;
      const stretched = justified && gap <= widest * size && Math.abs(last.font.size - first.font.size) <= 0.12 * size;
      // A subscript stacked under a superscript ("p∗" over "2") starts left of where the superscript ends.
      const body = Math.max(...current.map((r) => r.font.size), ...piece.map((r) => r.font.size));
      const stacked = Math.max(last.font.size, first.font.size) <= MAX_CALL_SIZE * body && gap > -0.6 * body;
      // A sign drawn as two stacked glyphs ("−" under "+" for "±", clinical-science-ace's "Ki = 11.21 ± 0.74 nM"):
      // the piece after it starts over the piece before it, and the two are one line.
      const composed = STACKED_SIGN_END.test(last.text) && STACKED_SIGN_START.test(first.text) && gap > -STACKED_SIGN_EM * size;
      const joins = (joinable(last, first, gap, true) || stretched) && !endsRunInHeading(current, first) && !gutters.isGutter(right(last.box), first.box.x, top, bot, size);
      if ((gap > -0.1 * size || stacked || composed) && (joins || (gap > 0 && current !== band[0] && labelsEntry(current, first)))) {
        current = [...current, ...piece];
        continue;
      }
      out.push(current);
      current = piece;
    }
    out.push(current);
  }
  return out;
}

/**
 * A justified line stretched by a long unbreakable word below it (a URL) can
 * leave gaps of two or three ems: the band is one line when, taken whole, it
 * spans exactly the measure of a line just above or below it.
 */
function isJustified(band: TextRun[][], all: TextRun[][]): boolean {
  const x0 = band[0]![0]!.box.x;
  const last = band[band.length - 1]!;
  const x1 = right(last[last.length - 1]!.box);
  const baseline = Math.min(...band[0]!.map((r) => r.baseline));
  const size = band[0]![0]!.font.size;
  return all.some((p) => {
    if (band.includes(p) || Math.abs(p[0]!.baseline - baseline) > 2.5 * size) return false;
    return Math.abs(p[0]!.box.x - x0) <= 1.5 && Math.abs(right(p[p.length - 1]!.box) - x1) <= 1.5;
  });
}

/** Fake bold and shadows draw the same text twice, a hair apart: keep one copy. */
function dropOverprint(runs: TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const run of runs) {
    const dup = out.find(
      (o) => o.text === run.text && Math.abs(o.box.x - run.box.x) < 0.2 * run.font.size && Math.abs(o.baseline - run.baseline) < 0.2 * run.font.size,
    );
    if (!dup) out.push(run);
  }
  return out.filter((run) => !out.some((by) => overprints(run, by)));
}

/** Characters of slack either side when a covering run's text is matched by position (its glyphs are not all alike wide). */
const OVERPRINT_SLACK = 4;

/**
 * Is `run` some of `by`'s glyphs drawn again over it? Some producers draw a
 * line, then a few of its letters once more in place ("S", "ifi", "th t th",
 * "i iti ll" over "Specifies that the row permission is to be initially
 * disabled"), which read in would garble the line. Such a run lies within the
 * other's extent on its baseline and its letters are, in order, the letters
 * the other draws there.
 */
function overprints(run: TextRun, by: TextRun): boolean {
  if (by === run || by.text.length <= run.text.length || Math.abs(by.baseline - run.baseline) >= 0.2 * run.font.size || Math.abs(by.font.size - run.font.size) > 0.5) return false;
  if (run.box.x < by.box.x - 0.5 || right(run.box) > right(by.box) + 0.5) return false;
  const per = by.box.w / by.text.length;
  if (!(per > 0)) return false;
  const from = Math.max(0, Math.floor((run.box.x - by.box.x) / per) - OVERPRINT_SLACK);
  const to = Math.ceil((right(run.box) - by.box.x) / per) + OVERPRINT_SLACK;
  const drawn = by.text.slice(from, to).replace(/\s/g, '');
  let i = 0;
  for (const ch of run.text.replace(/\s/g, '')) {
    i = drawn.indexOf(ch, i) + 1;
    if (i === 0) return false;
  }
  return true;
}

function makeLine(runs: TextRun[]): Line {
  const weight = new Map<string, { font: FontStyle; chars: number }>();
  for (const run of runs) {
    const key = `${run.font.size.toFixed(1)}|${run.font.bold}|${run.font.italic}`;
    const chars = run.text.replace(/\s/g, '').length;
    const w = weight.get(key);
    if (w) w.chars += chars;
    else weight.set(key, { font: run.font, chars });
  }
  let font = runs[0]!.font;
  let best = -1;
  for (const { font: f, chars } of weight.values()) {
    if (chars > best) {
      best = chars;
      font = f;
    }
  }
  // Code only when nearly all of it is fixed-pitch: a URL set in a typewriter face does not make prose code.
  const chars = (rs: TextRun[]): number => rs.reduce((a, r) => a + r.text.replace(/\s/g, '').length, 0);
  const mono = chars(runs.filter((r) => r.font.mono)) >= MIN_CODE_SHARE * chars(runs);
  // The line's baseline is that of its dominant style, not of a superscript.
  const main = runs.find((r) => r.font === font) ?? runs[0]!;
  font = { ...font };
  if (mono) font.mono = true;
  else delete font.mono;
  let text = '';
  let box = runs[0]!.box;
  let prev: TextRun | undefined;
  for (const run of runs) {
    let runText = run.text;
    if (prev) {
      const gap = run.box.x - right(prev.box);
      const em = Math.max(prev.font.size, run.font.size);
      // "−" and "+" set over each other in the text's own size are one sign: "±" with the "+" on top, "∓" with the
      // "−" (a rate constant's raised "+" over its lowered "−", "k+" and "k−", stays two scripts).
      const signs = gap < -0.1 * em && Math.min(prev.font.size, run.font.size) >= 0.88 * font.size ? [/[−+-]\s*$/.exec(text)?.[0].trim(), /^\s*[−+-]/.exec(run.text)?.[0].trim()] : [];
      if (signs[0] && signs[1] && (signs[0] === '+') !== (signs[1] === '+')) {
        const top = run.baseline < prev.baseline ? signs[1] : signs[0];
        text = `${text.replace(/[−+-]\s*$/, '')}${top === '+' ? '±' : '∓'}`;
        runText = run.text.replace(/^\s*[−+-]/, '');
      }
      if (gap > SPACE_GAP_EM * em && !/\s$/.test(text) && !/^\s/.test(runText) && !joinsTight(text, runText)) text += ' ';
      box = union(box, run.box);
    }
    // A note call: small, raised, digits or symbols. Wrapped, so the book can take it out once it finds the note.
    const raised = run.font.size <= MAX_CALL_SIZE * font.size && run.baseline < main.baseline - 0.15 * font.size;
    // The space a call's run carries stays outside the wrap: taking the call out must not close up the words around it.
    text += raised && isMarkerText(runText) ? wrapMarker(runText) + (/\s$/.test(runText) ? ' ' : '') : runText;
    prev = run;
  }
  const line: Line = { box, baseline: main.baseline, text: text.replace(/\s+/g, ' ').trim(), font };
  const confidence = meanConfidence(runs);
  if (confidence !== undefined) line.confidence = confidence;
  return line;
}

/** Character-weighted mean confidence of OCR'd pieces (runs or lines); undefined when none was OCR'd. */
export function meanConfidence(parts: Array<{ text: string; confidence?: number }>): number | undefined {
  let sum = 0;
  let chars = 0;
  for (const p of parts) {
    if (p.confidence === undefined) continue;
    const n = Math.max(1, p.text.replace(/\s/g, '').length);
    sum += p.confidence * n;
    chars += n;
  }
  return chars ? sum / chars : undefined;
}
