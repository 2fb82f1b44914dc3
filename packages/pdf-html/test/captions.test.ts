import { assembleBook } from '../src/layout/book.js';
import { captionText, isCaption, linkCaptions } from '../src/layout/captions.js';
import type { PageLayout } from '../src/layout/types.js';
import { line } from './fixtures.js';

/** A US-letter page of lines and images. */
const letterPage = (page: number, lines: PageLayout['lines'], images: PageLayout['images'] = []): PageLayout => ({ page, width: 612, height: 792, lines, images });

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

  it('puts a caption run over onto the next page under its repeated label back on its figure', () => {
    // peerj-bioinformatics.pdf pp. 5-6: "Figure 2 (...continued)" over the caption's last paragraph, in the
    // caption's 9 pt, then the body's 10.9 pt; it had been a caption no figure held and a paragraph of body text.
    const body = [
      'Functions in VESPA complete by producing the relevant output files without modifying',
      'the original input files. While this design results in the generation of a number of',
      'intermediate files, it allows the user to easily keep track of all data modifications.',
      'Each phase of VESPA prepares the necessary data files for a specialized analysis.',
      'Homology searches in particular are not fully automated by VESPA for two reasons.',
    ];
    const pages = assembleBook([
      letterPage(
        5,
        [
          line('Figure 2 Overview of the options available in the VESPA package. An overview of the basic and', 190, 600, 9, { w: 375 }),
          line('advanced analysis options at each of the five phases of VESPA.', 190, 611, 9, { w: 260 }),
        ],
        [{ box: { x: 184, y: 86, w: 384, h: 493 }, src: 'images/p5-1.jpg', width: 512, height: 657 }],
      ),
      letterPage(6, [
        line('Figure 2 (...continued)', 190, 96.5, 9, { w: 85.6 }),
        line('However, you may wish to generate gene trees directly from the data for either multigene families or for', 190, 107.4, 9, { w: 371 }),
        line('single gene families of uncertain orthology.', 190, 118.4, 9, { w: 180 }),
        ...body.map((t, i) => line(t, 184, 246.9 + i * 14.9, 10.9, { w: 382 })),
      ]),
    ]);
    expect(pages[0]!.nodes).toEqual([
      {
        kind: 'figure',
        image: expect.objectContaining({ src: 'images/p5-1.jpg' }),
        caption:
          'Figure 2 Overview of the options available in the VESPA package. An overview of the basic and advanced analysis options at each of the five phases of VESPA. However, you may wish to generate gene trees directly from the data for either multigene families or for single gene families of uncertain orthology.',
      },
    ]);
    expect(pages[1]!.nodes).toEqual([{ kind: 'paragraph', text: body.join(' ') }]);
  });

  it('joins no paragraph across the page break to a table\'s "(continued on next page)"', () => {
    // peerj-bioinformatics.pdf pp. 8-9: the note under the table on each page had been read as one sentence running
    // over the break, "(continued on next page) (continued on next page)".
    const prose = [
      'The summary output file lists each model tested, the tree it was tested on, and the',
      'parameters estimated for it, with the likelihood ratio test that compares it with the',
      'model nested in it and the sites found under positive selection where there are any.',
    ];
    const pages = assembleBook([
      letterPage(8, [...prose.map((t, i) => line(t, 72, 100 + i * 14, 10, { w: 400 })), line('(continued on next page)', 400, 700, 10, { w: 110 })]),
      letterPage(9, [line('(continued on next page)', 400, 100, 10, { w: 110 }), ...prose.map((t, i) => line(t, 72, 130 + i * 14, 10, { w: 400 }))]),
    ]);
    expect(pages.map((p) => p.nodes.filter((n) => n.kind === 'paragraph' && n.text === '(continued on next page)').length)).toEqual([1, 1]);
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
