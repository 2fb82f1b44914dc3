import { absorbLabels } from '../src/figures/labels.js';
import type { TextRun } from '../src/layout/types.js';
import { run } from './fixtures.js';

describe('figure labels', () => {
  // tracemonkey.pdf p. 13: a bar chart in the left column (x 50-300), the right column's text from x 317.
  const chart = { x: 50, y: 70, w: 250, h: 230 };
  const prose = (i: number, y: number): TextRun => run(`Call threading, also known as context threading, compiles methods ${i}`, 317, y, 9, { w: 239 });

  it('takes tick labels and a legend beside a chart, but not the short lines of the next column of prose', () => {
    const runs = [
      run('100%', 280, 310, 7, { w: 14 }),
      run('access-nsieve (3.0x)', 20, 120, 7, { w: 28 }),
      ...[0, 1, 2, 3].map((i) => prose(i, 90 + i * 11)),
      run('mance.', 317, 146, 9, { w: 26 }),
      run('operations.', 317, 270, 9, { w: 44 }),
      run('9. Conclusions', 317, 300, 11, { w: 76 }),
    ];
    const { regions, labels } = absorbLabels([chart], runs, 9);
    expect([...labels].map((r) => r.text).sort()).toEqual(['100%', 'access-nsieve (3.0x)']);
    expect(regions[0]!.x + regions[0]!.w).toBeLessThan(317);
  });

  it('leaves a heading set right under a plot, at its column edge, to the text', () => {
    // primer-ecology-ch9.pdf p. 23: "Differential responses to the environment" under the plot.
    const plot = { x: 100, y: 336, w: 406, h: 240 };
    const runs = [
      ...[0, 1, 2].map((i) => run(`A key part of the storage effect is that species respond differently ${i}`, 70, 300 + i * 12, 10, { w: 430 })),
      run('t', 300, 590, 9, { w: 4 }),
      run('Differential responses to the environment', 70, 600, 12, { w: 250, bold: true }),
    ];
    const { labels } = absorbLabels([plot], runs, 10);
    expect([...labels].map((r) => r.text)).toEqual(['t']);
  });
});
