import { assembleBook } from '../src/layout/book.js';
import type { Line, PageLayout } from '../src/layout/types.js';
import { line } from './fixtures.js';

const nodes = (lines: Line[]) => assembleBook([{ page: 1, width: 612, height: 792, lines, images: [] } satisfies PageLayout])[0]!.nodes;
const texts = (lines: Line[]): string[] => nodes(lines).map((n) => ('text' in n ? n.text : n.kind === 'list' ? n.items.join(' / ') : n.kind));

describe('pieces of one printed row', () => {
  it('a contents entry is one block with the page number its dot leader leads to; a chapter number goes with its title, as an entry', () => {
    // ubco-ecology-guide.pdf p. 3: the page numbers stand 16 pt right of the leaders, the chapter number 9 pt left of its title.
    const lines = [
      line('Contents', 107, 220, 20, { w: 109, bold: true }),
      line('1', 107, 285, 10, { w: 6, bold: true }),
      line('Welcome 5', 122, 285, 10, { w: 45, bold: true }),
      line('This is the guide to the campus and the species one meets on it, written for the students of the course.', 72, 700, 9, { w: 460 }),
      line('2.1 Red-tailed Hawk . . . . . . . . . . . . . . . . . . . . .', 122, 302, 10, { w: 308 }),
      line('7', 446, 302, 10, { w: 5 }),
      line('2.2 Great Horned Owl . . . . . . . . . . . . . . . . . . . . .', 122, 319, 10, { w: 308 }),
      line('8', 446, 319, 10, { w: 5 }),
      line('2.3 Northern Pacific Tree Frog . . . . . . . . . . . . . . .', 122, 336, 10, { w: 308 }),
      line('8', 446, 336, 10, { w: 5 }),
    ];
    expect(texts(lines)).toEqual([
      'Contents',
      '1 Welcome 5',
      '2.1 Red-tailed Hawk..................... 7',
      '2.2 Great Horned Owl..................... 8',
      '2.3 Northern Pacific Tree Frog............... 8',
      'This is the guide to the campus and the species one meets on it, written for the students of the course.',
    ]);
    // Set in bold like a heading, a chapter's entry on a contents page is an entry.
    expect(nodes(lines).find((n) => 'text' in n && n.text === '1 Welcome 5')?.kind).toBe('paragraph');
  });

  it('leaves numbers in a column of their own, and text far right of a number, apart', () => {
    const out = texts([
      line('The counts were taken on each of the three days of the trial and are listed here.', 72, 100, 10, { w: 468 }),
      line('12', 72, 130, 10, { w: 10 }),
      line('Counted in the morning, before feeding, by the same observer each day.', 300, 130, 10, { w: 240 }),
    ]);
    expect(out).toContain('12');
  });

  it('a caption label set apart from its text on the same row is one caption with it', () => {
    // peerj-bioinformatics.pdf p. 3 and clinical-science-ace.pdf p. 5: "Table 1" 9 pt left of its text, where a table's column gap runs up through the row.
    const lines = [
      line('Table 1', 190, 98, 9, { w: 27, bold: true }),
      line('Overview of the 5 Phases in the VESPA software package.', 226, 98, 9, { w: 211 }),
      line('The package is run in five phases, one after the other, each reading what the one before it wrote out.', 190, 300, 10, { w: 380 }),
    ];
    const out = nodes(lines);
    expect(out[0]).toEqual({ kind: 'paragraph', role: 'caption', text: 'Table 1 Overview of the 5 Phases in the VESPA software package.' });
    expect(texts(lines)).toHaveLength(2);
  });

  it('keeps a caption label apart from text far right of it', () => {
    const far = texts([
      line('Figure 13.', 72, 98, 9, { w: 40 }),
      line('Detailed trace recording statistics for the benchmark set.', 300, 98, 9, { w: 240 }),
    ]);
    expect(far).toContain('Figure 13.');
  });

  it('joins an entry set without a leader to its page number on a contents page, and only there', () => {
    // palm-lab-manual.pdf p. 3: "Welcome!" at x 107 and its page number "5" at 445, over entries with leaders.
    const leaders = [0, 1, 2].map((i) => line(`1.${i + 1} Our mission . . . . . . . . . . . . . . . . . . . . . . . .`, 122, 340 + i * 19, 10, { w: 308 }));
    const refs = [0, 1, 2].map((i) => line('7', 446, 340 + i * 19, 10, { w: 5 }));
    const page = [line('Contents', 107, 220, 20, { w: 109, bold: true }), line('Welcome!', 107, 290, 10, { w: 48 }), line('5', 445, 290, 10, { w: 6 }), ...leaders, ...refs];
    expect(texts(page)).toContain('Welcome! 5');
    expect(nodes(page).find((n) => 'text' in n && n.text === 'Welcome! 5')?.kind).toBe('paragraph');
    // On a page of prose a number at the right of a short line is no page reference of it.
    const prose = texts([line('Welcome!', 107, 290, 10, { w: 48 }), line('5', 445, 290, 10, { w: 6 }), line('The guide opens with a chapter on the birds one meets on campus in spring.', 107, 320, 10, { w: 340 })]);
    expect(prose).not.toContain('Welcome! 5');
  });

  it('takes a page whose running head says CONTENTS for contents: its entry set like a heading is an entry', () => {
    // ubco-ecology-guide.pdf p. 4: "CONTENTS" over the last entry, "5 Acknowledgements 19", in the chapters' bold.
    const entries = [0, 1, 2, 3].map((i) => line(`4.${i + 1} Silvery Cinquefoil . . . . . . . . . . . . . . . . . . . .`, 122, 300 + i * 17, 10, { w: 308 }));
    const refs = [0, 1, 2, 3].map((i) => line(String(15 + i), 446, 300 + i * 17, 10, { w: 10 }));
    const body = (n: number): Line[] => [0, 1, 2, 3, 4].map((i) => line(`Body text of page ${n}, line ${i}: the guide describes the species of the campus.`, 107, 300 + i * 12, 10, { w: 344 }));
    const pages = [
      { page: 3, width: 612, height: 792, lines: [line('CONTENTS', 107, 60, 9, { w: 50 }), ...entries, ...refs], images: [] },
      { page: 4, width: 612, height: 792, lines: [line('CONTENTS', 107, 60, 9, { w: 50 }), line('5 Acknowledgements 19', 107, 300, 12, { w: 140, bold: true })], images: [] },
      ...[5, 6, 7].map((n) => ({ page: n, width: 612, height: 792, lines: [line('1.1. WELCOME', 107, 60, 9, { w: 60 }), ...body(n)], images: [] })),
    ] satisfies PageLayout[];
    const book = assembleBook(pages);
    expect(book[1]!.nodes.find((n) => 'text' in n && n.text === '5 Acknowledgements 19')?.kind).toBe('paragraph');
  });
});
