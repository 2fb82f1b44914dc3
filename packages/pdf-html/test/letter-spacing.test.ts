import { collapseLetterSpacing, hasLetterSpacedRun, letterSpacedStrings } from '../src/pdfjs/letter-spacing.js';
import { normalizeText } from '../src/layout/text.js';
import type { TextRun } from '../src/layout/types.js';

const OPS = { showText: 1, showSpacedText: 2, setFont: 3, setCharSpacing: 4, setWordSpacing: 5 };
const g = (unicode: string, width = 600) => ({ unicode, width, isSpace: unicode === ' ' });
/** A TJ array as pdfTeX writes a letter-spaced title: -200 between letters, -534 between words. */
function tj(words: string[], letterKern = -200, wordKern = -534): Array<ReturnType<typeof g> | number> {
  const out: Array<ReturnType<typeof g> | number> = [];
  words.forEach((w, i) => {
    if (i) out.push(wordKern);
    [...w].forEach((c, k) => {
      if (k) out.push(letterKern);
      out.push(g(c));
    });
  });
  return out;
}
const run = (text: string): TextRun => ({ box: { x: 72, y: 70, w: 280, h: 15 }, baseline: 84, text, font: { size: 16, bold: false, italic: false } });

describe('letter-spaced titles', () => {
  it('a TJ with wide tracking gives its words back, split at the wider gaps', () => {
    const fn = [OPS.setFont, OPS.showText, OPS.showText];
    const args = [['f1', 16], [tj(['JEREMY', 'R.', 'MANNING,', 'PH.D.'])], [tj(['LAB', 'MANUAL'])]];
    expect(letterSpacedStrings(fn, args, OPS)).toEqual(['JEREMY R. MANNING, PH.D.', 'LAB MANUAL']);
  });
  it('tracking set by Tc, words by space glyphs', () => {
    const items = [...'LAB'].map((c) => g(c)).concat([g(' ')], [...'MANUAL'].map((c) => g(c)));
    expect(letterSpacedStrings([OPS.setFont, OPS.setCharSpacing, OPS.showText], [['f1', 20], [4], [items]], OPS)).toEqual(['LAB MANUAL']);
  });
  it('judges apart the pieces of one operator that jump across the line', () => {
    // bmc-dvt-review-no-images.pdf p. 1: one TJ draws "R E V I E W" (0.11 em tracking), jumps 27 em, and draws
    // "Open Access" set normally; the whole operator's smallest gap (none) had hidden the tracking.
    const items = [...tj(['REVIEW'], -108.6), -27024.8, ...tj(['Open', 'Acces'], 0, -340.6), -9.1, g('s')];
    expect(letterSpacedStrings([OPS.setFont, OPS.showText], [['f1', 1], [items]], OPS)).toEqual(['REVIEW']);
  });
  it('ordinary text, kerned text and a row of table marks are not letter-spaced', () => {
    const fn = [OPS.setFont, OPS.showText, OPS.showText, OPS.showText];
    const args = [['f1', 10], [tj(['The', 'left', 'ventricle'], 0, -333)], [tj(['AVAWAY'], -80)], [tj(['XXXX'])]];
    expect(letterSpacedStrings(fn, args, OPS)).toEqual([]);
  });
  it('a run read a letter apart is written as the words; other runs stay', () => {
    const runs = [run('J E R E M Y R . M A N N I N G , P H . D .'), run('L A B M A N U A L'), run('a b c d e f')];
    expect(hasLetterSpacedRun(runs)).toBe(true);
    expect(hasLetterSpacedRun([run('The left ventricle pumps blood.'), run('x = a + b')])).toBe(false);
    const out = collapseLetterSpacing(runs, ['JEREMY R. MANNING, PH.D.', 'LAB MANUAL'], normalizeText);
    expect(out.map((r) => r.text)).toEqual(['JEREMY R. MANNING, PH.D.', 'LAB MANUAL', 'a b c d e f']);
    expect(out[0]!.box).toEqual(runs[0]!.box);
  });
});
