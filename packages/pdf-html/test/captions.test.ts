import { assembleBook } from '../src/layout/book.js';
import { captionText, isCaption, linkCaptions } from '../src/layout/captions.js';
import { line } from './fixtures.js';

describe('captions', () => {
  it('recognises figure and table labels', () => {
    for (const c of ['Figure 3.2 The heart', 'Fig. 4', 'FIGURE 12-3 Valves', 'Table 1 Doses', 'Figure S1']) expect(isCaption(c)).toBe(true);
    for (const c of ['Figures show the heart', 'Tablets are taken daily', 'Figure out the dose']) expect(isCaption(c)).toBe(false);
    // a label that is a body sentence's subject (tracemonkey: "Figure 10 shows the relative speedups")
    for (const c of ['Figure 10 shows the relative speedups', 'Figs. 3 and 4 compare the doses', 'Table 2 lists the drugs']) expect(isCaption(c)).toBe(false);
    for (const c of ['Table 2 (continued)', 'Figure 1 continued', 'Fig. 1 a, the aorta', 'Figure 2: the ventricles', 'FIGURE 5 Ventricles']) expect(isCaption(c)).toBe(true);
  });

  it('takes a raw LaTeX \\caption{...} printed by a failed conversion as a caption, without its source', () => {
    expect(isCaption('\\caption{Extinction debt. Initial abundances')).toBe(true);
    expect(isCaption('\\begin{figure} \\caption{Left, predicted')).toBe(true);
    expect(isCaption('\\begin{figure}')).toBe(false);
    expect(captionText('\\begin{figure} \\caption{Left, predicted trajectories.} \\end{figure}')).toBe('Left, predicted trajectories.');
    expect(captionText('Figure 2 The aorta.')).toBe('Figure 2 The aorta.');
  });

  it('puts a raw LaTeX caption cut by the plot\'s axis title back together under its figure', () => {
    // As primer-ecology-ch9 p. 5 prints it: "\\begin{figure}" and "\\cap-" share the axis title's baseline.
    const pages = assembleBook([
      {
        page: 1,
        width: 600,
        height: 800,
        lines: [
          line('\\begin{figure}', 72, 330, 10, { w: 64 }),
          line('\\cap-', 518, 330, 10, { w: 24 }),
          line('tion{Left, predicted trajectories of the two species in the competition-colonization model. Based on', 72, 342, 10, { w: 470 }),
          line('back of the envelope estimates of parameters (see text for details).}', 72, 354, 10, { w: 320 }),
          line('\\end{figure}', 72, 366, 10, { w: 56 }),
          line('Our model results seem qualitatively consistent with what we know about succession.', 72, 390, 10, { w: 400 }),
        ],
        images: [{ box: { x: 120, y: 60, w: 410, h: 260 }, src: 'images/p1-v1.jpg', width: 820, height: 520 }],
      },
    ]);
    expect(pages[0]!.nodes).toEqual([
      {
        kind: 'figure',
        image: expect.objectContaining({ src: 'images/p1-v1.jpg' }),
        caption: 'Left, predicted trajectories of the two species in the competition-colonization model. Based on back of the envelope estimates of parameters (see text for details).',
      },
      { kind: 'paragraph', text: 'Our model results seem qualitatively consistent with what we know about succession.' },
    ]);
  });

  it('links each caption to the nearest adjacent image, one caption per image', () => {
    const images = [{ box: { x: 40, y: 100, w: 200, h: 150 } }, { box: { x: 300, y: 100, w: 200, h: 150 } }];
    const captions = [
      { box: { x: 300, y: 256, w: 200, h: 20 } },
      { box: { x: 40, y: 256, w: 200, h: 20 } },
      { box: { x: 40, y: 700, w: 200, h: 20 } },
    ];
    const links = linkCaptions(captions, images, 792);
    expect([...links.entries()].sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});
