import { normalizeText } from '../src/layout/text.js';
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

  // Every glyph of a fixed-pitch face advances the same: width = 0.5 em x characters at 10 pt.
  const fixed = (str: string, y: number, fontName: string) => ({ str, transform: [10, 0, 0, 10, 72, y], width: 5 * str.length, fontName });
  const listing = ['RETURN CASE', 'WHEN x = 1', "THEN 'XXX'", 'END ENABLE;'];

  it('marks runs in a face whose name does not say fixed-pitch (IBM BookMasterGothic) as code when its glyphs all advance alike', () => {
    const faces = new Map([['f1', { name: 'BookMasterGothic-Roman' }], ['f2', { name: 'Helvetica' }]]);
    const items = [...listing.map((s, i) => fixed(s, 700 + 12 * i, 'f1')), { str: 'Proportional prose', transform: [10, 0, 0, 10, 72, 760], width: 81, fontName: 'f2' }];
    const runs = textRuns(items, {}, identity, (n) => faces.get(n), (s) => s);
    expect(runs.map((r) => !!r.font.mono)).toEqual([true, true, true, true, false]);
  });

  it('does not call a face fixed-pitch on too little evidence, nor one whose advances differ', () => {
    // Three strings only (the fourth repeats one), then a proportional face whose strings happen to vary a little.
    const letter = { name: 'Letter' };
    const few = textRuns([...listing.slice(0, 3), listing[0]!].map((s, i) => fixed(s, 700 + 12 * i, 'f1')), {}, identity, () => letter, (s) => s);
    expect(few.some((r) => r.font.mono)).toBe(false);
    const sans = { name: 'Sans' };
    const varied = textRuns(listing.map((s, i) => ({ ...fixed(s, 700 + 12 * i, 'f1'), width: 5 * s.length * (1 + 0.03 * i) })), {}, identity, () => sans, (s) => s);
    expect(varied.some((r) => r.font.mono)).toBe(false);
  });

  it('keeps what earlier pages showed of a face: one listing line on a later page is still code', () => {
    const face = { name: 'BookMasterGothic-Roman' };
    textRuns(listing.map((s, i) => fixed(s, 700 + 12 * i, 'f1')), {}, identity, () => face, (s) => s);
    const [later] = textRuns([fixed('ENABLE;', 700, 'f1')], {}, identity, () => face, (s) => s);
    expect(later!.font.mono).toBe(true);
  });

  it('reads word spaces drawn with a glyph that maps to a control character as spaces, and keeps a ligature so mapped a word', () => {
    // tam-review.pdf's headings: the font's ToUnicode sends its space to "\u0002"; pdftotext prints "TheTheoryofReasonedAction".
    const texts = (strs: string[]): string[] => textRuns(strs.map((s, i) => item(s, 700 + 12 * i, 'f1')), {}, identity, () => undefined, normalizeText).map((r) => r.text);
    expect(texts(['The\u0002Theory\u0002of\u0002Reasoned\u0002Action\u0002\u0002', 'Overview\u0002of\u0002the\u0002Technology\u0002Acceptance\u0002Model:\u0002\u0002', 'Perceived\u0002Usefulness,'])).toEqual([
      'The Theory of Reasoned Action',
      'Overview of the Technology Acceptance Model:',
      'Perceived Usefulness,',
    ]);
    // A ligature's glyph mapped to a control character stands once inside a word, or beside real spaces.
    expect(texts(['de\u0002ned', 'we de\u0002ned the e\u0002cient set'])).toEqual(['dened', 'we dened the ecient set']);
  });

  it('reads a bullet glyph that maps to no character as a bullet leading its item, when it opens several lines', () => {
    // docling-redp5110.pdf p. 7: IBM BookMaster draws its bullets as "\u0002", which vanished and ran the items together.
    const at = (str: string, x: number, y: number, fontName: string, width: number) => ({ str, transform: [10, 0, 0, 10, x, y], width, fontName });
    const items = [
      at('\u0002', 136.8, 500, 'bm', 5),
      at('Security fundamentals', 151.2, 500, 'helv', 95),
      at('\u0002', 136.8, 488, 'bm', 5),
      at('Current state of IBM i security', 151.2, 488, 'helv', 132),
      // One glyph alone opens no list.
      at('\u0003', 136.8, 400, 'bm', 5),
      at('A paragraph that starts after a stray glyph.', 151.2, 400, 'helv', 190),
    ];
    const runs = textRuns(items, {}, identity, () => undefined, (s) => s.replace(/[\u0000-\u001f]/g, ''));
    expect(runs.map((r) => r.text)).toEqual(['• Security fundamentals', '• Current state of IBM i security', 'A paragraph that starts after a stray glyph.']);
    expect(runs[0]!.box.x).toBeCloseTo(136.8);
  });
});
