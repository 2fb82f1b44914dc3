import { type Line, type TextRun, type FontStyle, bottom, overlap, right, union } from './types.js';

/** A gap wider than this many ems between two runs on one baseline is a gutter or a table cell, not a word space. */
const SPLIT_GAP_EM = 0.9;
/** A gap wider than this many ems gets a space when neither side has one. */
const SPACE_GAP_EM = 0.15;

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
  for (const c of clusters) {
    const byX = dropOverprint(c.runs.sort((a, b) => a.box.x - b.box.x));
    let current: TextRun[] = [];
    for (const run of byX) {
      const prev = current[current.length - 1];
      if (prev && run.box.x - right(prev.box) > SPLIT_GAP_EM * Math.max(prev.font.size, run.font.size)) {
        lines.push(makeLine(current));
        current = [];
      }
      current.push(run);
    }
    if (current.length) lines.push(makeLine(current));
  }
  return lines;
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
  return out;
}

function makeLine(runs: TextRun[]): Line {
  let text = '';
  let box = runs[0]!.box;
  const weight = new Map<string, { font: FontStyle; chars: number }>();
  let prev: TextRun | undefined;
  for (const run of runs) {
    if (prev) {
      const gap = run.box.x - right(prev.box);
      const em = Math.max(prev.font.size, run.font.size);
      if (gap > SPACE_GAP_EM * em && !/\s$/.test(text) && !/^\s/.test(run.text)) text += ' ';
      box = union(box, run.box);
    }
    text += run.text;
    const key = `${run.font.size.toFixed(1)}|${run.font.bold}|${run.font.italic}`;
    const chars = run.text.replace(/\s/g, '').length;
    const w = weight.get(key);
    if (w) w.chars += chars;
    else weight.set(key, { font: run.font, chars });
    prev = run;
  }
  let font = runs[0]!.font;
  let best = -1;
  for (const { font: f, chars } of weight.values()) {
    if (chars > best) {
      best = chars;
      font = f;
    }
  }
  // The line's baseline is that of its dominant style, not of a superscript.
  const main = runs.find((r) => r.font === font) ?? runs[0]!;
  return { box, baseline: main.baseline, text: text.replace(/\s+/g, ' ').trim(), font };
}
