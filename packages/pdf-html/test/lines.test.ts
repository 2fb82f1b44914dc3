import { buildLines } from '../src/layout/lines.js';
import { markerLabels, plainText } from '../src/layout/marks.js';
import type { TextRun } from '../src/layout/types.js';
import { run } from './fixtures.js';

describe('buildLines', () => {
  it('joins the runs of one baseline with spaces where the glyphs leave a gap', () => {
    const lines = buildLines([run('world', 60, 100), run('Hello', 30, 100)]);
    expect(lines.map((l) => l.text)).toEqual(['Hello world']);
  });

  it('drops letters of a line drawn again over it in place, and keeps a short word beside a line', () => {
    // docling-redp5110 p. 10: the producer drew some letters of the line a second time, where they stand.
    const full = 'Specifies that the row permission is to be initially disabled';
    const again = [run('S', 311.7, 382.9, 9.2, { w: 4.2 }), run('ifi', 329.3, 382.9, 9.2, { w: 7 }), run('th t th', 346.4, 382.9, 9.2, { w: 25.3 }), run('i iti ll', 467.4, 382.9, 9.2, { w: 22.8 }), run('bl d', 511.3, 382.9, 9.2, { w: 16.3 })];
    const lines = buildLines([run(full, 311.7, 382.9, 9.2, { w: 215.9 }), ...again]);
    expect(lines.map((l) => l.text)).toEqual([full]);
    // Words that only continue the line are kept.
    expect(buildLines([run('The heart', 30, 100, 10, { w: 45 }), run('pumps', 78, 100, 10, { w: 28 })]).map((l) => l.text)).toEqual(['The heart pumps']);
  });

  it('keeps superscripts on their line and takes the line style from most characters', () => {
    const lines = buildLines([run('E = mc', 30, 100, 10, { w: 30 }), run('2', 60, 96, 6, { w: 3 }), run('holds', 66, 100, 10)]);
    expect(lines).toHaveLength(1);
    // A raised digit may be a note call: it travels marked until the book looks for its note.
    expect(plainText(lines[0]!.text)).toBe('E = mc2 holds');
    expect(markerLabels(lines[0]!.text)).toEqual(['2']);
    expect(lines[0]!.font.size).toBe(10);
    expect(lines[0]!.baseline).toBe(100);
  });

  it('sets a run-in heading apart from the paragraph it opens (bold words, a quad, regular text), but not a bold caption label', () => {
    const lines = buildLines([
      run('Multispecies', 72, 464, 9.96, { bold: true, w: 62.6 }),
      run('competition–colonization', 140.8, 464, 9.96, { bold: true, w: 125.1 }),
      run('tradeoff', 272.1, 464, 9.96, { bold: true, w: 38.8 }),
      run('The work of David', 320.8, 464, 9.96, { w: 89.8 }),
      run('Figure 2.', 72, 500, 9.96, { bold: true, w: 40 }),
      run('Succession in an old field.', 122, 500, 9.96, { w: 120 }),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['Multispecies competition–colonization tradeoff', 'The work of David', 'Figure 2. Succession in an old field.']);
  });

  it('keeps a subscript stacked under a superscript on its line ("p∗" over "2", the line going on after them)', () => {
    // Boxes as pdf.js gives them on a real page (primer-ecology-ch9, p. 3).
    const at = (text: string, x: number, y: number, w: number, h: number, baseline: number, size: number): TextRun => ({ ...run(text, x, baseline, size, { w }), box: { x, y, w, h } });
    const lines = buildLines([
      at('If we assume', 72, 293.7, 56, 10, 301.7, 9.96),
      at('m', 131.4, 294.8, 8.7, 8.8, 301.7, 9.96),
      at('1', 140.1, 298.4, 4, 6.2, 303.2, 6.97),
      at(', perhaps to focus entirely on the competition–colonization tradeoff, we can simplify', 150, 293.7, 390, 10, 301.7, 9.96),
      at('eq. 2 further to examine when species 2 can invade (i.e.', 72, 305.7, 287.1, 10, 313.7, 9.96),
      at('p', 362.4, 306.7, 5, 8.8, 313.7, 9.96),
      at('∗', 367.4, 304.8, 4.1, 6.6, 310, 6.97),
      at('2', 367.4, 311.3, 4, 6.2, 316.1, 6.97),
      at('>', 374.8, 306.7, 7.7, 8.8, 313.7, 9.96),
      at('0). Eq. 2 can simplify to', 385.3, 305.7, 154.7, 10, 313.7, 9.96),
    ]);
    expect(lines.map((l) => plainText(l.text))).toEqual([
      'If we assume m1, perhaps to focus entirely on the competition–colonization tradeoff, we can simplify',
      'eq. 2 further to examine when species 2 can invade (i.e. p∗2 > 0). Eq. 2 can simplify to',
    ]);
  });

  it('splits two columns printed on the same baseline at the gutter', () => {
    const lines = buildLines([run('left column text', 30, 100, 10, { w: 200 }), run('right column text', 250, 100, 10, { w: 200 })]);
    expect(lines.map((l) => l.text)).toEqual(['left column text', 'right column text']);
  });

  it('splits at a wide gutter that a ragged cell or line reaches a little way into', () => {
    // peerj-bioinformatics.pdf p. 8, Table 2: estimates ("w0 = 0.10174") run 2 pt further right than "p0 = 0.37699",
    // which had bounded the gap before "No" and read "p0 = 0.37699 No" as one line, across the table's column.
    // Its runs as pdf.js gives them (x, width, baseline).
    const cells: Array<[string, number, number, number]> = [
      ['N/A', 439.5, 15.3, 166.1], ['p', 500, 4.3, 166.1], ['0', 504.4, 4.3, 166.1], ['=', 510.5, 7, 166.1], ['0', 519.4, 4.3, 166.1], ['.', 523.7, 2.5, 166.1],
      ['35065', 526.2, 21.5, 166.1], ['p', 500, 4.3, 177.1], ['1', 504.4, 4.3, 177.1], ['=', 510.5, 7, 177.1], ['0', 519.4, 4.3, 177.1], ['.', 523.7, 2.5, 177.1],
      ['64935', 526.2, 21.5, 177.1], ['w', 500, 5.9, 188.1], ['0', 506.6, 4.3, 188.1], ['=', 512.6, 7, 188.1], ['0', 521.3, 4.3, 188.1], ['.', 525.6, 2.5, 188.1],
      ['08403', 528, 21.5, 188.1], ['w', 500, 5.9, 199], ['1', 506.6, 4.3, 199], ['=', 512.4, 7, 199], ['1', 520.9, 4.3, 199], ['.', 525.2, 2.5, 199],
      ['00000', 527.7, 21.5, 199], ['Not', 567.4, 14.1, 166.1], ['allowed', 567.4, 27.6, 177.1], ['m1Neutral', 439.5, 39.2, 212.6], ['p', 500, 4.3, 212.6], ['0', 504.4, 4.3, 212.6],
      ['=', 510.5, 7, 212.6], ['0', 519.4, 4.3, 212.6], ['.', 523.7, 2.5, 212.6], ['37699', 526.2, 21.5, 212.6], ['p', 500, 4.3, 223.5], ['1', 504.4, 4.3, 223.5],
      ['=', 510.5, 7, 223.5], ['0', 519.4, 4.3, 223.5], ['.', 523.7, 2.5, 223.5], ['00000', 526.2, 21.5, 223.5], ['p', 500, 4.3, 234.5], ['2', 504.4, 4.3, 234.5],
      ['=', 510.5, 7, 234.5], ['0', 519.4, 4.3, 234.5], ['.', 523.7, 2.5, 234.5], ['62301', 526.2, 21.5, 234.5], ['w', 500, 5.9, 245.4], ['0', 506.6, 4.3, 245.4],
      ['=', 512.6, 7, 245.4], ['0', 521.3, 4.3, 245.4], ['.', 525.6, 2.5, 245.4], ['10174', 528, 21.5, 245.4], ['w', 500, 5.9, 256.4], ['1', 506.6, 4.3, 256.4],
      ['=', 512.6, 7, 256.4], ['1', 521.3, 4.3, 256.4], ['.', 525.6, 2.5, 256.4], ['00000', 528, 21.5, 256.4], ['w', 500, 5.9, 267.4], ['2', 506.6, 4.3, 267.4],
      ['=', 512.4, 7, 267.4], ['1', 520.9, 4.3, 267.4], ['.', 525.2, 2.5, 267.4], ['11245', 527.7, 21.5, 267.4], ['No', 567.4, 11.3, 212.6], ['m3Discrtk2', 439.5, 42.3, 280.9],
      ['p', 500, 4.3, 280.9], ['0', 504.4, 4.3, 280.9], ['=', 510.5, 7, 280.9], ['0', 519.4, 4.3, 280.9], ['.', 523.7, 2.5, 280.9], ['37699', 526.2, 21.5, 280.9],
      ['p', 500, 4.3, 291.9], ['1', 504.4, 4.3, 291.9], ['=', 510.5, 7, 291.9], ['0', 519.4, 4.3, 291.9], ['.', 523.7, 2.5, 291.9], ['62301', 526.2, 21.5, 291.9],
      ['Yes', 567.4, 12.3, 280.9], ['Alignment (28', 618, 52.2, 280.9], ['NEB sites): 2 3 4 5', 618, 65.1, 291.9],
    ];
    const lines = buildLines(cells.map(([t, x, w, b]) => run(t, x, b, 9, { w })));
    expect(lines.map((l) => l.text)).toContain('No');
    expect(lines.map((l) => l.text)).not.toContain('p0 = 0.37699 No');
  });

  it('reads a "±" drawn as "+" set over "−" as one sign on one line', () => {
    // clinical-science-ace.pdf p. 1: the line ends in "−", and the "+" over it opens a run 7 pt to the left of that
    // end, 1 pt higher; they had been two lines, and the paragraph broke after "Ki = 11.21 −".
    const lines = buildLines([
      run('moiety in the P2 position (compound 33RE) displayed potent inhibition (Ki = 11.21 −', 72.4, 418.9, 9, { w: 331 }),
      run('+ 0.74 nM) and was 927-fold', 396.4, 417.9, 9, { w: 115.1 }),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['moiety in the P2 position (compound 33RE) displayed potent inhibition (Ki = 11.21 ± 0.74 nM) and was 927-fold']);
  });

  it('does not merge consecutive lines of tight leading', () => {
    const lines = buildLines([run('first', 30, 100), run('second', 30, 110)]);
    expect(lines.map((l) => l.text)).toEqual(['first', 'second']);
  });

  it('drops fake-bold overprint (the same text drawn twice a hair apart)', () => {
    const lines = buildLines([run('Title', 30, 100), run('Title', 30.3, 100)]);
    expect(lines.map((l) => l.text)).toEqual(['Title']);
  });

  it('keeps rotated text apart as its own lines', () => {
    const r = { ...run('www.example.org', 10, 400), rotated: true, box: { x: 10, y: 200, w: 10, h: 200 } };
    const lines = buildLines([r, run('body', 30, 300)]);
    expect(lines.find((l) => l.rotated)?.text).toBe('www.example.org');
    expect(lines.find((l) => !l.rotated)?.text).toBe('body');
  });

  it('keeps a reference number set in the gutter with its entry, not with the column left of it', () => {
    // clinical-science-ace.pdf p. 8: the right column's numbers stand at x 306, its text at 324, the left column ends at 288.
    const runs: TextRun[] = [];
    for (let i = 0; i < 8; i++) {
      const y = 100 + i * 9.3;
      runs.push(run(`left column line ${i} of the summary points, set full measure`, 60, y, 7.5, { w: 227 }));
      if (i % 3 === 0) runs.push(run(String(17 + i / 3), 305.6, y, 7.5, { w: 9 }));
      runs.push(run(`Right column reference line ${i}, authors and the year`, 323.5, y, 7.5, { w: 205 }));
    }
    const texts = buildLines(runs).map((l) => l.text);
    expect(texts).toContain('17 Right column reference line 0, authors and the year');
    expect(texts).toContain('18 Right column reference line 3, authors and the year');
    expect(texts).toContain('left column line 0 of the summary points, set full measure');
    expect(texts.filter((t) => /^\d+$/.test(t))).toEqual([]);
  });
});
