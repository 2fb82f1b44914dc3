import { buildParagraphs } from '../src/layout/paragraphs.js';
import { line } from './fixtures.js';

const texts = (lines: ReturnType<typeof line>[]): string[][] => buildParagraphs(lines).map((b) => b.lines.map((l) => l.text));

describe('buildParagraphs', () => {
  it('starts a paragraph at a wider gap', () => {
    expect(texts([line('a', 40, 100, 10, { w: 400 }), line('b', 40, 112, 10, { w: 400 }), line('c', 40, 140, 10, { w: 400 })])).toEqual([['a', 'b'], ['c']]);
  });

  it('starts a paragraph after a short last line ending a sentence', () => {
    expect(texts([line('a full line of text', 40, 100, 10, { w: 400 }), line('ends here.', 40, 112, 10, { w: 100 }), line('Next one', 40, 124, 10, { w: 400 })])).toEqual([
      ['a full line of text', 'ends here.'],
      ['Next one'],
    ]);
  });

  it('starts a paragraph at a first-line indent', () => {
    expect(texts([line('one', 40, 100, 10, { w: 400 }), line('two.', 40, 112, 10, { w: 400 }), line('Indented', 55, 124, 10, { w: 385 })])).toEqual([['one', 'two.'], ['Indented']]);
  });

  it('keeps a hanging indent (reference lists) in one block', () => {
    expect(texts([line('1. Smith J, a long reference', 40, 100, 10, { w: 400 }), line('continued here.', 55, 112, 10, { w: 385 })])).toEqual([
      ['1. Smith J, a long reference', 'continued here.'],
    ]);
  });

  it('runs a reference on across its bold title, and starts the next entry where the hanging indent ends', () => {
    // peerj-bioinformatics.pdf p. 15 (10.9 pt): the title is bold, so the entry's first line is bold and its second
    // regular; each entry's first line stands 19.6 pt left of its hanging indent.
    const refs = [
      line('Delport W, Poon AF, Frost SD, Kosakovsky Pond SL. 2010. Datamonkey 2010:', 186.5, 182.6, 10.9, { bold: true, w: 349.3 }),
      line('a suite of phylogenetic analysis tools for evolutionary biology. Bioinformatics', 206.1, 197.6, 10.9, { w: 332.6 }),
      line('26(19):2455–2457 DOI 10.1093/bioinformatics/btq429.', 206.1, 212.5, 10.9, { w: 242.7 }),
      line('Moretti S, Laurenczy B, Gharib WH, Castella B, Kuzniar A, Schabauer H,', 186.5, 227.4, 10.9, { w: 340 }),
      line('Studer RA, Valle M, Salamin N, Stockinger H, Robinson-Rechavi M. 2014.', 206.1, 242.4, 10.9, { w: 330 }),
      line('Selectome update: quality control and computational improvements.', 206.1, 257.3, 10.9, { bold: true, w: 330 }),
      line('Muller J, Creevey CJ, Thompson JD, Arendt D, Bork P. 2010. AQUA: automated', 186.5, 272.3, 10.9, { w: 349 }),
      line('quality improvement for multiple sequence alignments.', 206.1, 287.2, 10.9, { bold: true, w: 250 }),
    ];
    expect(texts(refs).map((b) => b[0])).toEqual([refs[0]!.text, refs[3]!.text, refs[6]!.text]);
    // A heading that fills no measure, or a line after it that opens with a capital, stays apart.
    expect(texts([line('Results and discussion', 40, 100, 10, { bold: true, w: 120 }), line('of the trials we read, most were small.', 40, 112, 10, { w: 400 })])).toHaveLength(2);
    // Lines wrapped around a picture come back near, not exactly at, the first line's x: no entry starts there.
    const wrapped = [
      line('One evening the yellow water suddenly rose and towered in a straight', 197.8, 343.2, 10.5, { w: 357.7 }),
      line('line before the village. The rich man had them shoot cannon at it.', 222, 356.1, 10.5, { w: 333.6 }),
      line('Then the water grew stormy, and surrounded the wall to such a height', 199.5, 368.9, 10.5, { w: 356 }),
    ];
    expect(texts(wrapped)).toHaveLength(1);
  });

  it('separates a heading from its text by style', () => {
    expect(texts([line('Heading', 40, 100, 14, { bold: true, w: 100 }), line('body text', 40, 116, 10, { w: 400 })])).toEqual([['Heading'], ['body text']]);
  });

  it('keeps a caption with its regular-weight continuation and starts a block at a caption', () => {
    const lines = [
      line('body text', 40, 88, 9, { w: 400 }),
      line('Figure 2 Bold title', 40, 100, 9, { bold: true, w: 400 }),
      line('explained further', 40, 111, 9, { w: 400 }),
    ];
    expect(texts(lines)).toEqual([['body text'], ['Figure 2 Bold title', 'explained further']]);
  });

  it('runs a sentence on past an enumeration wrapped to a line start, and still starts items of a list without full stops', () => {
    // tracemonkey p. 9: "... for comparison: (a) SpiderMonkey, ..., and" / "(e) V8, the method-compiling ..."; clinical-science-ace:
    // "Sturrock," / "E. D. (2009) Investigating ..." was an ordered list of type A from 5.
    const prose = [
      line('We ran four configurations for comparison: (a) the interpreter, and', 40, 100, 10, { w: 400 }),
      line('(e) V8, the method-compiling JavaScript VM from Google.', 40, 112, 10, { w: 300 }),
      line('Kroger, W. L., Douglas, R. G., Dive, V. and Sturrock,', 40, 140, 10, { w: 400 }),
      line('E. D. (2009) Investigating the domain specificity of inhibitors.', 40, 152, 10, { w: 380 }),
    ];
    expect(texts(prose)).toEqual([
      ['We ran four configurations for comparison: (a) the interpreter, and', '(e) V8, the method-compiling JavaScript VM from Google.'],
      ['Kroger, W. L., Douglas, R. G., Dive, V. and Sturrock,', 'E. D. (2009) Investigating the domain specificity of inhibitors.'],
    ]);
    const items = [line('(a) apples', 40, 100, 10, { w: 60 }), line('(b) pears', 40, 112, 10, { w: 60 }), line('(c) plums', 40, 124, 10, { w: 60 })];
    expect(texts(items)).toEqual([['(a) apples'], ['(b) pears'], ['(c) plums']]);
  });

  it('keeps a margin note whole across a bold sentence, and body text apart from a bold line', () => {
    // cdl-lab-manual p. 5: "the HTML version of the lab manual." / "You are officially a lab member once" (bold).
    const note = [
      line('use the checklist and signature page in', 406, 100, 8, { w: 140 }),
      line('the HTML version of the lab manual.', 406, 110, 8, { w: 135 }),
      line('You are officially a lab member once', 406, 120, 8, { w: 136, bold: true }),
    ];
    expect(buildParagraphs(note, { anyWeight: true })).toHaveLength(1);
    expect(buildParagraphs(note)).toHaveLength(2);
  });

  it('ends a contents entry at its page number', () => {
    // docling-redp5110.pdf p. 5: a chapter's entries, same type and spacing, were one paragraph.
    const entries = [
      line('1.1 Security fundamentals........................................ 2', 72, 100, 10, { w: 440 }),
      line('1.2 Current state of IBM i security................................ 2', 72, 112, 10, { w: 440 }),
      line('3.4 Establishing and controlling accessibility by using the RCAC rule', 72, 124, 10, { w: 400 }),
      line('text.............................................................. 21', 84, 136, 10, { w: 428 }),
    ];
    expect(texts(entries)).toEqual([[entries[0]!.text], [entries[1]!.text], [entries[2]!.text, entries[3]!.text]]);
  });

  it('opens a list under a short title line that does not end a sentence', () => {
    // bmc-dvt-review p. 2: "References" at the entries' size, then "1. Kudsk KA, ...", were one paragraph.
    const lines = [line('References', 304.7, 470, 7.5, { w: 35 }), line('1. Kudsk KA, Fabian TC, Baum S, Gold RE, Mangiante E: Silent deep', 304.7, 479, 7.5, { w: 231 })];
    expect(texts(lines)).toEqual([['References'], ['1. Kudsk KA, Fabian TC, Baum S, Gold RE, Mangiante E: Silent deep']]);
  });
});
