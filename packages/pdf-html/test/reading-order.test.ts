import { readingOrder } from '../src/layout/reading-order.js';
import { line } from './fixtures.js';

describe('readingOrder', () => {
  it('reads a two-column page column by column, with the title first and the footer last', () => {
    const els = [line('Title across both columns', 40, 50, 18, { w: 500 })];
    // Aligned baselines in both columns: the trap for naive horizontal cuts.
    for (let i = 0; i < 5; i++) {
      els.push(line(`L${i}`, 40, 100 + i * 12, 10, { w: 240 }));
      els.push(line(`R${i}`, 300, 100 + i * 12, 10, { w: 240 }));
    }
    els.push(line('footer note', 40, 760, 8, { w: 500 }));
    const order = readingOrder([...els].reverse(), { em: 10 }).map((l) => l.text);
    expect(order).toEqual(['Title across both columns', 'L0', 'L1', 'L2', 'L3', 'L4', 'R0', 'R1', 'R2', 'R3', 'R4', 'footer note']);
  });

  it('lets figures float: a figure across the gutter neither blocks the columns nor splits them', () => {
    const els = [
      line('A1', 40, 100, 10, { w: 240 }),
      line('B1', 300, 100, 10, { w: 240 }),
      { text: 'figure', box: { x: 200, y: 130, w: 200, h: 200 }, float: true },
      line('A2', 40, 360, 10, { w: 240 }),
      line('B2', 300, 360, 10, { w: 240 }),
    ];
    expect(readingOrder(els, { em: 10 }).map((e) => e.text)).toEqual(['A1', 'A2', 'B1', 'figure', 'B2']);
  });

  it('reads full-width text between two-column blocks in page order', () => {
    const els = [
      line('A1', 40, 100, 10, { w: 240 }),
      line('B1', 300, 100, 10, { w: 240 }),
      line('Section title across the page', 40, 140, 14, { w: 500 }),
      line('A2', 40, 180, 10, { w: 240 }),
      line('B2', 300, 180, 10, { w: 240 }),
    ];
    expect(readingOrder(els, { em: 10 }).map((e) => e.text)).toEqual(['A1', 'B1', 'Section title across the page', 'A2', 'B2']);
  });

  it('does not take a column of list numbers for a text column', () => {
    const els = [];
    for (let i = 0; i < 3; i++) {
      els.push(line(`${i + 1}.`, 40, 100 + i * 12, 10, { w: 10 }));
      els.push(line(`item ${i + 1} text`, 70, 100 + i * 12, 10, { w: 400 }));
    }
    expect(readingOrder(els, { em: 10 }).map((e) => e.text)).toEqual(['1.', 'item 1 text', '2.', 'item 2 text', '3.', 'item 3 text']);
  });

  it('reads the pieces of one display line left to right when a taller glyph lifts one piece’s top', () => {
    // "P(O = 1|H = 1, β)   =   1 − β": the minus sign's box rises half a point above the "=".
    const lhs = line('P(O = 1|H = 1, β)', 200, 532, 10, { w: 120 });
    const eq = line('=', 334, 532, 10, { w: 8 });
    const rhs = { ...line('1 − β', 352, 532, 10, { w: 22 }), box: { x: 352, y: 523.5, w: 22, h: 10.5 } };
    const above = line('The model is', 134, 510, 10, { w: 60 });
    const figure = { ...line('[figure]', 40, 600, 10, { w: 100 }), box: { x: 40, y: 520, w: 100, h: 100 }, float: true };
    const order = readingOrder([rhs, figure, eq, lhs, above], { em: 10 }).map((l) => l.text);
    expect(order).toEqual(['The model is', '[figure]', 'P(O = 1|H = 1, β)', '=', '1 − β']);
  });

  it('reads a display formula set between two lines of text in its place, not as a column of its own', () => {
    const els = [
      line('At the steady-state n = 1', 83, 430, 10.9, { w: 126 }),
      line('H′(n) = −1', 275, 444, 10.9, { w: 61 }),
      line('hence n = 1 is linearly stable.', 83, 464, 10.9, { w: 146 }),
    ];
    expect(readingOrder([...els].reverse(), { em: 10.9 }).map((l) => l.text)).toEqual(['At the steady-state n = 1', 'H′(n) = −1', 'hence n = 1 is linearly stable.']);
  });

  it('reads a display fraction numerator, denominator, then the rest of its line; lines of tight leading stay top to bottom', () => {
    const els = [line('dN', 247.1, 468, 10.9, { w: 14.6 }), line('= (b − d)N = rN(t).', 267.1, 475.5, 10.9, { w: 99 }), line('dt', 250, 483, 10.9, { w: 9.9 })];
    expect(readingOrder([...els].reverse(), { em: 10.9 }).map((l) => l.text)).toEqual(['dN', 'dt', '= (b − d)N = rN(t).']);
    // Overlapping boxes (leading tighter than the boxes) of a paragraph: no fraction, whatever their widths.
    const tight = [line('a first line of text here', 40, 100, 10, { w: 200 }), line('second', 40, 109, 10, { w: 40 }), line('third line, longer', 40, 118, 10, { w: 120 })];
    expect(readingOrder([...tight].reverse(), { em: 10 }).map((l) => l.text)).toEqual(['a first line of text here', 'second', 'third line, longer']);
  });

  it('keeps a fraction with its formula line when the text below touches the denominator, and pairs no pieces across the page', () => {
    const els = [
      line('dN', 247.1, 468, 10.9, { w: 14.6 }),
      line('= f(N)N = H(N), (3.1)', 267.1, 475.5, 10.9, { w: 150 }),
      line('dt', 250, 483, 10.9, { w: 9.9 }),
      line('where f is the per capita growth rate.', 83.5, 491, 10.9, { w: 300 }),
    ];
    expect(readingOrder([...els].reverse(), { em: 10.9 }).map((l) => l.text)).toEqual(['dN', 'dt', '= f(N)N = H(N), (3.1)', 'where f is the per capita growth rate.']);
    // A short piece at the left margin between two justified lines' right ends is no formula line of theirs.
    const far = [line('i Hi the activated genes,', 368.4, 637, 10, { w: 109 }), line('∑n', 157.4, 644, 10, { w: 15 }), line('i OiHi the false negatives.', 361.2, 650, 10, { w: 116 })];
    expect(readingOrder([...far].reverse(), { em: 10 }).map((l) => l.text)).toEqual(['i Hi the activated genes,', '∑n', 'i OiHi the false negatives.']);
  });

  it('keeps a single column top to bottom', () => {
    const els = [line('c', 40, 300), line('a', 40, 100), line('b', 40, 200)];
    expect(readingOrder(els, { em: 10 }).map((e) => e.text)).toEqual(['a', 'b', 'c']);
  });
});
