import { groupNear, groupPanels } from '../figures/boxes.js';
import { absorbLabels } from '../figures/labels.js';
import { Grid } from '../figures/grid.js';
import { type Box, type TextRun, bottom, right, union } from '../layout/types.js';
import type { PaintMark } from './marks.js';

/** Grid resolution and the gap that still joins the parts of one drawing, in points. */
const CELL = 2;
const JOIN_GAP = 8;
/** A figure is at least this big (points): icons, bullets and dingbats are smaller. */
const MIN_SIDE = 36;
/** A plot's panel (ticks on both axes) may be this flat: its labels around it make the figure's size. */
const MIN_PLOT_SIDE = 20;
const MIN_AREA_SHARE = 0.01;
/** Marks covering more of the page than this are backgrounds and page frames. */
const BACKGROUND_SHARE = 0.6;
/** Curves and slanted segments a drawing needs: an arrow has a few, a plot's curve dozens, a callout box none. */
const MIN_WEIGHT = 10;
/** With a raster image in the region, a few drawn strokes (arrows, outlines) make a composite. */
const MIN_COMPOSITE_WEIGHT = 2;
/** Filled non-white rectangles that make a bar chart (with little text among them: a table's shaded cells hold text). */
const MIN_BARS = 3;
const MAX_BAR_TEXT_SHARE = 0.1;
/**
 * A chart of many bars has a label per bar (tracemonkey's Figure 11: 32 bars 4.4 pt thick, 26 benchmark names,
 * text 0.13 of its area); a table's rules drawn as 1-2 pt filled rectangles are no such bars (docling-redp5110's Table 2-2).
 */
const MANY_BARS = 12;
const MAX_CHART_TEXT_SHARE = 0.2;
/** Raster strips: images this thin (points) side by side are one picture cut up (tracemonkey's charts). */
const STRIP_SIDE = 16;
/** Drawn text inside a region beyond this share of its area is a text box, not a figure. */
const MAX_TEXT_SHARE = 0.4;
/** Filled rectangles smaller than this share of the page are bars and legend keys; larger ones are frames and panels. */
const SMALL_RECT_SHARE = 0.02;
/** Panels of one figure sit at most this many ems apart; farther is the next figure (the other column's). */
const PANEL_GAP_EM = 4;
/** A frame holding drawing on less than this share of its area frames text (an icon in a callout), not a plot. */
const MIN_FRAME_DRAWING = 0.15;
/** A run of this many words is prose; a region whose inside text is more than this share prose is a text box. */
const PROSE_WORDS = 8;
const MAX_PROSE_SHARE = 0.5;
/** A plot's axes: tick marks are rules this short (points), at least MIN_AXIS_TICKS on each axis and MIN_TICKS in all. */
const TICK_LENGTH = 6;
const MIN_AXIS_TICKS = 2;
const MIN_TICKS = 6;
/** A plot with ticked axes needs only this much drawing: a smooth curve of a few segments (a matplotlib line of 10 points). */
const MIN_PLOT_WEIGHT = 3;
/** Space around a rendered figure, in points. */
const PAD = 2;

export interface VectorFigure {
  /** What to render, in the page's viewport space. */
  box: Box;
  /** Indexes of the raster draws the figure contains (drawn as part of it, not written alone). */
  draws: number[];
  /** Text runs that are the figure's labels (rendered with it, kept out of the body text). */
  labels: Set<TextRun>;
}

interface RegionStats {
  box: Box;
  weight: number;
  bars: number;
  /** Bars at least 2 cells thick: a table's rules, drawn as thin filled rectangles, are not among them. */
  thickBars: number;
  shadings: number;
  draws: number[];
  strips: number;
  /** Tick marks: short horizontal rules (on a y axis) and short vertical ones (on an x axis). */
  hTicks: number;
  vTicks: number;
}

const area = (b: Box): number => Math.max(0, b.w) * Math.max(0, b.h);
const contains = (r: Box, b: Box, margin = 1): boolean => b.x >= r.x - margin && b.y >= r.y - margin && right(b) <= right(r) + margin && bottom(b) <= bottom(r) + margin;

/**
 * Vector-drawn figures on a page: regions of dense path painting (curves,
 * slanted strokes, bars, shadings), alone or with text labels and raster
 * pieces inside, that are large enough and are not page decoration. Rules,
 * boxes, rounded callouts and table grids paint only axis-aligned lines and
 * rectangles: they never reach the drawing weight, and a frame joins a region
 * only when it holds drawing, so a code box never swallows the plot below it.
 */
export function findVectorFigures(
  page: { width: number; height: number },
  marks: PaintMark[],
  draws: Box[],
  runs: TextRun[],
  bodySize: number,
): VectorFigure[] {
  const pageArea = page.width * page.height;
  const visible = marks.filter((m) => !m.white && area(m.box) <= BACKGROUND_SHARE * pageArea);
  if (!visible.some((m) => m.kind === 'shape' || m.kind === 'shading' || (m.kind === 'rect' && m.filled))) return [];
  // Drawing first (shapes, shadings, bars, raster pieces): a frame belongs to a figure only when drawing fills
  // enough of it or holds a drawing's worth of strokes (a plot's panel, a chart's border), never when it frames text
  // (a code box; a callout with an icon, whose prose keeps it from being a figure anyway).
  const isBar = (m: PaintMark): boolean => m.kind === 'rect' && m.filled && area(m.box) < SMALL_RECT_SHARE * pageArea && Math.min(m.box.w, m.box.h) >= 2 * CELL;
  const drawing = new Grid(page.width, page.height, CELL);
  for (const m of visible) if (m.kind === 'shape' || m.kind === 'shading' || isBar(m)) drawing.fill(m.box, 1);
  for (const d of draws) if (area(d) <= BACKGROUND_SHARE * pageArea) drawing.fill(d, 1);
  const shapes = visible.filter((m) => m.kind === 'shape');
  const weightWithin = (b: Box): number => shapes.reduce((w, m) => (contains(b, m.box, CELL) ? w + m.weight : w), 0);
  const grid = new Grid(page.width, page.height, CELL);
  grid.cells.set(drawing.cells);
  const textFrames: Box[] = [];
  for (const m of visible) {
    const b = m.box;
    if (m.kind === 'rule' || (m.kind === 'rect' && Math.min(b.w, b.h) < 2 * CELL)) grid.fill(b, 1);
    if ((m.kind !== 'rect' && m.kind !== 'rounded') || isBar(m) || Math.min(b.w, b.h) < 2 * CELL) continue;
    const cells = Math.max(1, Math.ceil(b.w / CELL) * Math.ceil(b.h / CELL));
    if (drawing.count(b) >= MIN_FRAME_DRAWING * cells || weightWithin(b) >= MIN_WEIGHT) grid.fill(b, 1);
    else textFrames.push(b);
  }
  const stats: RegionStats[] = grid.regions(JOIN_GAP).map((box) => ({ box, weight: 0, bars: 0, thickBars: 0, shadings: 0, draws: [], strips: 0, hTicks: 0, vTicks: 0 }));
  const regionOf = (b: Box): RegionStats | undefined => stats.find((s) => contains(s.box, b, CELL));
  for (const m of visible) {
    const s = regionOf(m.box);
    if (!s) continue;
    s.weight += m.weight;
    // A bar holds no text: a filled rectangle behind text is a table row's or a code block's shading.
    if (m.kind === 'rect' && m.filled && Math.min(m.box.w, m.box.h) >= 1 && !runs.some((r) => contains(m.box, r.box, 1))) {
      s.bars++;
      if (Math.min(m.box.w, m.box.h) >= 2 * CELL) s.thickBars++;
    }
    if (m.kind === 'shading') s.shadings++;
    if (m.kind === 'rule' && Math.max(m.box.w, m.box.h) <= TICK_LENGTH) {
      if (m.box.w > m.box.h) s.hTicks++;
      else s.vTicks++;
    }
  }
  draws.forEach((d, i) => {
    const s = regionOf(d);
    if (!s) return;
    s.draws.push(i);
    if (Math.min(d.w, d.h) <= STRIP_SIDE) s.strips++;
  });

  // Prose inside a region (lines of many words) makes it a text box, whatever it draws: labels are short.
  const proseShare = (b: Box): number => {
    let all = 0;
    let prose = 0;
    for (const r of runs) {
      if (!contains(b, r.box, 1)) continue;
      all += r.text.length;
      if (r.text.trim().split(/\s+/).length >= PROSE_WORDS) prose += r.text.length;
    }
    return all ? prose / all : 0;
  };
  const textShare = (b: Box): number => {
    let a = 0;
    for (const r of runs) if (contains(b, r.box, 1)) a += area(r.box);
    return a / Math.max(1, area(b));
  };
  const candidates = stats.filter((s) => {
    const b = s.box;
    // Ticks on both axes make a plot however flat its panel (ma32009 p. 18: six 148 x 30 pt panels of one figure).
    const ticked = Math.min(s.hTicks, s.vTicks) >= MIN_AXIS_TICKS && s.hTicks + s.vTicks >= MIN_TICKS;
    if (ticked ? Math.min(b.w, b.h) < MIN_PLOT_SIDE : Math.min(b.w, b.h) < MIN_SIDE || area(b) < MIN_AREA_SHARE * pageArea) return false;
    const text = textShare(b);
    if (text > MAX_TEXT_SHARE || proseShare(b) > MAX_PROSE_SHARE) return false;
    if (s.weight >= MIN_WEIGHT) return true;
    // Ticks on both axes and a curve: a plot whose line has few segments.
    if (s.weight >= MIN_PLOT_WEIGHT && ticked) return true;
    if (s.draws.length > 0 && (s.weight >= MIN_COMPOSITE_WEIGHT || s.shadings > 0 || s.strips >= 2)) return true;
    return (s.bars >= MIN_BARS && text <= MAX_BAR_TEXT_SHARE) || (s.thickBars >= MANY_BARS && text <= MAX_CHART_TEXT_SHARE);
  });
  if (!candidates.length) return [];
  // Smaller drawings beside a figure may be its panels (a legend, a second tree): they join it when no text stands between.
  const satellites = stats.filter((s) => !candidates.includes(s) && (s.weight > 0 || s.draws.length > 0) && textShare(s.box) <= MAX_TEXT_SHARE);
  const pool = [...candidates, ...satellites];
  const { regions, labels } = absorbLabels(pool.map((c) => c.box), runs, bodySize, textFrames);
  // Labels bring the panels of one figure together (stacked plots whose tick labels fill the gap): they become one figure.
  const near = groupNear(regions, JOIN_GAP);
  const text = runs.filter((r) => !labels.has(r)).map((r) => r.box);
  const merged = groupPanels(near.map((g) => g.box), text, PANEL_GAP_EM * bodySize)
    .map((p) => p.members.flatMap((m) => near[m]!.members))
    .filter((members) => members.some((i) => i < candidates.length))
    .map((members) => ({
      box: members.map((i) => regions[i]!).reduce((a, b) => union(a, b)),
      draws: new Set(members.flatMap((i) => pool[i]!.draws)),
    }));
  return merged.map((m) => {
    const x = Math.max(0, m.box.x - PAD);
    const y = Math.max(0, m.box.y - PAD);
    const box = { x, y, w: Math.min(page.width, right(m.box) + PAD) - x, h: Math.min(page.height, bottom(m.box) + PAD) - y };
    const own = new Set([...labels].filter((r) => contains(box, r.box, PAD)));
    // Raster draws inside the final box are part of the picture too.
    draws.forEach((d, i) => {
      if (contains(box, d, PAD)) m.draws.add(i);
    });
    return { box, draws: [...m.draws].sort((a, b) => a - b), labels: own };
  });
}
