import { Grid } from '../src/figures/grid.js';
import type { Box } from '../src/layout/types.js';
import { findVectorFigures } from '../src/vector/detect.js';
import { collectPaintMarks, type PaintMark, type PaintOpCodes } from '../src/vector/marks.js';
import { run } from './fixtures.js';

const PAGE = { width: 612, height: 792 };
const box = (x: number, y: number, w: number, h: number): Box => ({ x, y, w, h });
const mark = (kind: PaintMark['kind'], b: Box, extra: Partial<PaintMark> = {}): PaintMark => ({ kind, box: b, weight: 0, filled: false, white: false, ...extra });

/** A line plot at x 150-450, y 250-450 (y down): axes, ticks, a curve; tick labels and axis titles as text. */
function plot(): { marks: PaintMark[]; labels: ReturnType<typeof run>[] } {
  const marks = [
    mark('rule', box(150, 450, 300, 0)),
    mark('rule', box(150, 250, 0, 200)),
    ...[0, 1, 2, 3].map((i) => mark('rule', box(150 + 100 * i, 450, 0, 4))),
    mark('shape', box(152, 262, 296, 186), { weight: 40 }),
  ];
  const labels = [run('0', 148, 464, 8), run('10', 246, 464, 8), run('20', 346, 464, 8), run('Heart rate', 275, 478, 9), run('Output', 110, 350, 9)];
  return { marks, labels };
}

const body = [run('Cardiac output rises with the heart rate in a healthy adult at rest and in exercise.', 72, 200, 10), run('The curve flattens as the stroke volume falls at high rates of beating.', 72, 520, 10)];
const caption = run('Figure 1. Output against heart rate.', 150, 500, 10);

describe('findVectorFigures on hand-made pages', () => {
  it('a plot: one figure holding its axes, curve, tick labels and axis titles; caption and body stay text', () => {
    const { marks, labels } = plot();
    const figures = findVectorFigures(PAGE, marks, [], [...labels, caption, ...body], 10);
    expect(figures).toHaveLength(1);
    const f = figures[0]!;
    expect([...f.labels].map((r) => r.text).sort()).toEqual(['0', '10', '20', 'Heart rate', 'Output']);
    expect(f.box.x).toBeLessThanOrEqual(110);
    expect(f.box.y + f.box.h).toBeGreaterThanOrEqual(480);
    expect(f.box.y + f.box.h).toBeLessThan(500);
  });

  it('a plot whose line has few segments (matplotlib, 10 points) is one when both axes carry ticks', () => {
    const axes = [mark('rule', box(150, 450, 300, 0)), mark('rule', box(150, 250, 0, 200))];
    const curve = mark('shape', box(152, 262, 296, 186), { weight: 9 });
    const xTicks = [0, 1, 2, 3].map((i) => mark('rule', box(150 + 100 * i, 450, 0, 3.5), { filled: true }));
    const yTicks = [0, 1, 2, 3].map((i) => mark('rule', box(146.5, 250 + 60 * i, 3.5, 0), { filled: true }));
    const { labels } = plot();
    expect(findVectorFigures(PAGE, [...axes, curve, ...xTicks, ...yTicks], [], [...labels, caption, ...body], 10)).toHaveLength(1);
    // The same few strokes with no ticks (an arrow, a bracket), or with short rules on one axis only (fraction bars): no figure.
    expect(findVectorFigures(PAGE, [...axes, curve], [], [...labels, caption, ...body], 10)).toEqual([]);
    expect(findVectorFigures(PAGE, [...axes, curve, ...yTicks, ...yTicks], [], [...labels, caption, ...body], 10)).toEqual([]);
  });

  it('a flat plot panel (148 x 30 pt) with ticks on both axes is a figure; the same flat strokes without ticks are none', () => {
    // ma32009-math-biology p. 18: six panels this flat make one figure of a cobweb diagram.
    const axes = [mark('rule', box(122, 412, 148, 0)), mark('rule', box(122, 382, 0, 30))];
    const curve = mark('shape', box(124, 384, 144, 26), { weight: 100 });
    const xTicks = [0, 1, 2].map((i) => mark('rule', box(126 + 65 * i, 412, 0, 3.5), { filled: true }));
    const yTicks = [0, 1, 2].map((i) => mark('rule', box(118.5, 384 + 11 * i, 3.5, 0), { filled: true }));
    const ticks = [run('1.5', 126, 424, 9.9, { w: 16 }), run('2.0', 191, 424, 9.9, { w: 16 }), run('2.5', 256, 424, 9.9, { w: 16 })];
    const figures = findVectorFigures(PAGE, [...axes, curve, ...xTicks, ...yTicks], [], [...ticks, ...body], 10);
    expect(figures).toHaveLength(1);
    expect([...figures[0]!.labels].map((r) => r.text).sort()).toEqual(['1.5', '2.0', '2.5']);
    expect(findVectorFigures(PAGE, [...axes, curve], [], [...ticks, ...body], 10)).toEqual([]);
  });

  it('prose whose middle falls inside a plot but that runs out of it stays text', () => {
    const { marks, labels } = plot();
    const under = run('tion{Left, predicted trajectories of the two species in the model. Based on', 72, 472, 10, { w: 470 });
    const figures = findVectorFigures(PAGE, marks, [], [...labels, under, caption, ...body], 10);
    expect(figures).toHaveLength(1);
    expect([...figures[0]!.labels].map((r) => r.text)).not.toContain(under.text);
  });

  it('a table grid: only axis-aligned rules with text in its cells, no figure', () => {
    const marks: PaintMark[] = [];
    for (let r = 0; r <= 6; r++) marks.push(mark('rule', box(72, 300 + 20 * r, 400, 0)));
    for (let c = 0; c <= 4; c++) marks.push(mark('rule', box(72 + 100 * c, 300, 0, 120)));
    const cells = [];
    for (let r = 0; r < 6; r++) for (let c = 0; c < 4; c++) cells.push(run(`cell ${r}.${c}`, 80 + 100 * c, 314 + 20 * r, 9));
    expect(findVectorFigures(PAGE, marks, [], cells, 10)).toEqual([]);
  });

  it('a decorative box: a rounded frame and a shaded rectangle around text, no figure', () => {
    const marks = [mark('rounded', box(60, 280, 480, 140)), mark('rect', box(66, 286, 468, 128), { filled: true })];
    const text = [0, 1, 2, 3, 4].map((i) => run('Key point: check the blood pressure in both arms at the first visit.', 80, 310 + 20 * i, 10));
    expect(findVectorFigures(PAGE, marks, [], text, 10)).toEqual([]);
  });

  it('a code box right above a plot: the code stays text, the plot is the figure', () => {
    const { marks, labels } = plot();
    const codeBox = mark('rect', box(100, 180, 400, 64), { filled: true });
    const code = [run('ggplot(df, aes(x = rate, y = output)) +', 110, 200, 9), run('geom_line()', 110, 238, 9)];
    const figures = findVectorFigures(PAGE, [codeBox, ...marks], [], [...code, ...labels], 10);
    expect(figures).toHaveLength(1);
    for (const r of code) expect(figures[0]!.labels.has(r)).toBe(false);
    expect(figures[0]!.box.y).toBeGreaterThan(244);
  });

  it('a horizontal bar chart with a name per bar is one figure; the same names in a shaded table are none', () => {
    // 16 rows of 12 pt: a name at left, a filled bar at right (tracemonkey's Figure 11 has 36 bars, 26 names).
    const rows = [...Array(16).keys()];
    const bars = rows.map((i) => mark('rect', box(260, 300 + 12 * i, 60 + 10 * i, 8), { filled: true }));
    const names = rows.map((i) => run(`access-bench-${i}`, 170, 307 + 12 * i, 7, { w: 80 }));
    // Its frame takes the names in: they are 0.11 of the figure's area (a few labelled bars would stay under 0.1).
    const axis = [mark('rule', box(258, 296, 0, 196)), mark('rule', box(258, 492, 260, 0)), mark('rect', box(160, 290, 380, 210))];
    expect(findVectorFigures(PAGE, [...bars, ...axis], [], [...names, ...body], 10)).toHaveLength(1);
    // A table whose rows are shaded: each name sits inside its shading, so no bar is counted.
    const shading = rows.filter((i) => i % 2 === 0).map((i) => mark('rect', box(160, 300 + 12 * i, 300, 10), { filled: true }));
    expect(findVectorFigures(PAGE, shading, [], [...names, ...body], 10)).toHaveLength(0);
    // Nor a table whose rules are 1 pt filled rectangles (docling-redp5110's Table 2-2), with a mark in some cells.
    const rules = [...rows.map((i) => mark('rect', box(160, 298 + 12 * i, 380, 1), { filled: true })), ...[160, 260, 320, 380, 440, 540].map((x) => mark('rect', box(x, 298, 1, 192), { filled: true }))];
    const marks = rows.filter((i) => i % 3 === 0).map((i) => run('X', 286, 307 + 12 * i, 7));
    expect(findVectorFigures(PAGE, [...rules, mark('rect', box(160, 290, 380, 210))], [], [...names, ...marks, ...body], 10)).toHaveLength(0);
  });

  it('a chart cut into raster strips with shaded bars: one figure holding every strip', () => {
    const strips = [0, 1, 2, 3, 4, 5].map((i) => box(150 + 11 * i, 300, 10.9, 100 + 10 * i));
    const marks = [mark('shading', box(230, 350, 40, 60), { filled: true }), mark('rule', box(140, 410, 200, 0))];
    const figures = findVectorFigures(PAGE, marks, strips, [], 10);
    expect(figures).toHaveLength(1);
    expect(figures[0]!.draws).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a framed photo is no vector figure; a photo with drawn arrows is one composite figure', () => {
    const photo = box(100, 300, 300, 200);
    expect(findVectorFigures(PAGE, [mark('rect', box(98, 298, 304, 204))], [photo], [], 10)).toEqual([]);
    const arrows = [mark('shape', box(200, 320, 60, 40), { weight: 2 }), mark('shape', box(300, 400, 50, 50), { weight: 2 })];
    const figures = findVectorFigures(PAGE, arrows, [photo], [], 10);
    expect(figures).toHaveLength(1);
    expect(figures[0]!.draws).toEqual([0]);
  });

  it('icons and small drawings stay out', () => {
    expect(findVectorFigures(PAGE, [mark('shape', box(72, 72, 20, 20), { weight: 30 })], [], [], 10)).toEqual([]);
  });
});

// Arbitrary distinct codes: the walk must not depend on pdf.js' numbering.
const OPS: PaintOpCodes = {
  save: 1, restore: 2, transform: 3, paintFormXObjectBegin: 4, paintFormXObjectEnd: 5, beginGroup: 6, endGroup: 7,
  clip: 8, eoClip: 9, constructPath: 10, endPath: 11, stroke: 12, closeStroke: 13, fill: 14, eoFill: 15, fillStroke: 16,
  eoFillStroke: 17, closeFillStroke: 18, closeEOFillStroke: 19, rawFillPath: 20, shadingFill: 21, setFillRGBColor: 22, setStrokeRGBColor: 23,
};
// pdf.js path commands: 0 moveTo, 1 lineTo, 2 curveTo, 4 closePath.
const rectPath = (x: number, y: number, w: number, h: number): Float32Array => new Float32Array([0, x, y, 1, x + w, y, 1, x + w, y + h, 1, x, y + h, 4]);
const FLIP: number[] = [1, 0, 0, -1, 0, 792];

function marksOf(ops: Array<[number, unknown[]]>): PaintMark[] {
  return collectPaintMarks(ops.map((o) => o[0]), ops.map((o) => o[1]), OPS, FLIP);
}

describe('collectPaintMarks', () => {
  it('tells rectangles, rules, rounded boxes and drawings apart, per subpath, in viewport space', () => {
    const rounded = new Float32Array([0, 10, 0, 1, 90, 0, 2, 95, 0, 100, 5, 100, 10, 1, 100, 40, 2, 100, 45, 95, 50, 90, 50, 1, 10, 50, 2, 5, 50, 0, 45, 0, 40, 1, 0, 10, 2, 0, 5, 5, 0, 10, 0, 4]);
    const curve = new Float32Array([0, 0, 0, 1, 10, 20, 1, 20, 25, 2, 30, 30, 40, 35, 50, 30]);
    const marks = marksOf([
      [OPS.constructPath, [OPS.fill, [rectPath(100, 700, 50, 20)], null]],
      [OPS.constructPath, [OPS.stroke, [new Float32Array([0, 0, 600, 1, 500, 600, 0, 0, 500, 1, 500, 500])], null]],
      [OPS.constructPath, [OPS.stroke, [rounded], null]],
      [OPS.constructPath, [OPS.stroke, [curve], null]],
    ]);
    expect(marks.map((m) => m.kind)).toEqual(['rect', 'rule', 'rule', 'rounded', 'shape']);
    expect(marks[0]).toMatchObject({ box: { x: 100, y: 72, w: 50, h: 20 }, filled: true });
    expect(marks[4]!.weight).toBe(3);
  });

  it('follows cm, save/restore and colour: white paint is no ink', () => {
    const marks = marksOf([
      [OPS.save, []],
      [OPS.transform, [2, 0, 0, 2, 10, 10]],
      [OPS.setFillRGBColor, ['#ffffff']],
      [OPS.constructPath, [OPS.fill, [rectPath(0, 0, 10, 10)], null]],
      [OPS.restore, []],
      [OPS.constructPath, [OPS.fill, [rectPath(0, 0, 10, 10)], null]],
    ]);
    expect(marks[0]).toMatchObject({ white: true, box: { x: 10, y: 762, w: 20, h: 20 } });
    expect(marks[1]).toMatchObject({ white: false, box: { x: 0, y: 782, w: 10, h: 10 } });
  });

  it('a clip bounds what shows: shadings are the clip, paths are cut to it, clip paths paint nothing', () => {
    const marks = marksOf([
      [OPS.save, []],
      [OPS.clip, []],
      [OPS.constructPath, [OPS.endPath, [rectPath(100, 100, 50, 50)], new Float32Array([100, 100, 150, 150])]],
      [OPS.shadingFill, ['pattern']],
      [OPS.constructPath, [OPS.stroke, [new Float32Array([0, 0, 0, 1, 300, 300])], null]],
      [OPS.restore, []],
      [OPS.shadingFill, ['background']],
    ]);
    expect(marks).toEqual([
      { kind: 'shading', box: { x: 100, y: 642, w: 50, h: 50 }, weight: 0, filled: true, white: false },
      { kind: 'shape', box: { x: 100, y: 642, w: 50, h: 50 }, weight: 1, filled: false, white: false },
    ]);
  });
});

describe('Grid regions', () => {
  it('joins marks up to the gap apart along rows and columns of a non-square page, and no farther', () => {
    const grid = new Grid(300, 100, 2);
    grid.fill(box(10, 10, 50, 20), 1);
    grid.fill(box(66, 10, 50, 20), 1);
    grid.fill(box(200, 70, 5, 5), 1);
    grid.fill(box(200, 80, 5, 5), 1);
    grid.fill(box(240, 10, 5, 5), 1);
    expect(grid.regions(8)).toEqual([box(10, 10, 108, 22), box(240, 10, 6, 6), box(200, 70, 6, 16)]);
  });
});
