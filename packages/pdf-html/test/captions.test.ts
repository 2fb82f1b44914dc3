import { isCaption, linkCaptions } from '../src/layout/captions.js';

describe('captions', () => {
  it('recognises figure and table labels', () => {
    for (const c of ['Figure 3.2 The heart', 'Fig. 4', 'FIGURE 12-3 Valves', 'Table 1 Doses', 'Figure S1']) expect(isCaption(c)).toBe(true);
    for (const c of ['Figures show the heart', 'Tablets are taken daily', 'Figure out the dose']) expect(isCaption(c)).toBe(false);
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
