import { textRuns } from '../src/pdfjs/text.js';

const identity = [1, 0, 0, 1, 0, 0];
const item = (str: string, y: number, fontName: string) => ({ str, transform: [10, 0, 0, 10, 72, y], width: 50, fontName });

describe('textRuns', () => {
  it('gives a run the box of its font’s ascender and descender', () => {
    const [r] = textRuns([item('body', 700, 'f1')], { f1: { ascent: 0.9, descent: -0.25 } }, identity, () => undefined, (s) => s);
    expect(r!.box.h).toBeCloseTo(11.5);
    expect(r!.box.y).toBeCloseTo(691);
  });

  it('takes a usual box for a font that reports less than 0.7 em from descender to ascender, so its lines do not look set apart', () => {
    // A subset font reporting its x-height as ascent and no descent: lines 12 pt apart would leave 7 pt gaps.
    const runs = textRuns([item('first line', 700, 'f1'), item('second line', 712, 'f1')], { f1: { ascent: 0.45, descent: 0 } }, identity, () => undefined, (s) => s);
    expect(runs.map((r) => r.box.h)).toEqual([10, 10]);
    expect(runs[1]!.box.y - (runs[0]!.box.y + runs[0]!.box.h)).toBeCloseTo(2);
  });

  it('marks runs in a fixed-pitch face (LMMono, Courier) as code', () => {
    const runs = textRuns([item('x <- 1', 700, 'f1'), item('prose', 712, 'f2')], {}, identity, (n) => ({ name: n === 'f1' ? 'OIGPFR+LMMono10-Regular' : 'QDFPSL+LMRoman10-Regular' }), (s) => s);
    expect(runs.map((r) => !!r.font.mono)).toEqual([true, false]);
  });
});
