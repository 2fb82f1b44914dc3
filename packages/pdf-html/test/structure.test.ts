import { assembleBook, type BookNode } from '../src/layout/book.js';
import { detectFurniture } from '../src/layout/furniture.js';
import { buildLines } from '../src/layout/lines.js';
import { listMarker } from '../src/layout/lists.js';
import { splitMargin } from '../src/layout/margins.js';
import { detectTables } from '../src/layout/tables.js';
import { renderBookHtml } from '../src/html.js';
import type { Line, PageLayout, TextRun } from '../src/layout/types.js';
import { line, run } from './fixtures.js';

/** One page of a book from its runs, lines built the way the stage builds them. */
function page(n: number, runs: TextRun[], images: PageLayout['images'] = []): PageLayout {
  return { page: n, width: 600, height: 800, lines: buildLines(runs), images };
}

const body = (nodes: BookNode[]): BookNode[] => nodes.filter((n) => !(n.kind === 'paragraph' && (n.role === 'header' || n.role === 'footer' || n.role === 'page-number')));
const texts = (nodes: BookNode[]): string[] =>
  body(nodes).map((n) => (n.kind === 'code' ? `[code: ${n.text}]` : n.kind === 'figure' ? `[figure${n.caption ? `: ${n.caption}` : ''}]` : n.kind === 'list' ? `[${n.ordered ? 'ol' : 'ul'}: ${n.items.join(' | ')}]` : n.kind === 'table' ? `[table: ${n.rows.map((r) => r.join(' / ')).join(' | ')}]` : n.kind === 'paragraph' && n.role ? `${n.role}: ${n.text}` : n.text));

describe('page structure before lines', () => {
  it('never reads a line across a narrow (8 pt) gutter', () => {
    // Two justified columns, 8 pt apart, on the same baselines: a word space and the gutter are alike.
    const left = ['annelids serve as food for', 'many birds and fish, and', 'they aerate the soil where', 'they burrow; the class', 'is large and varied today.'];
    const right = ['include earthworms) and', 'leech-like species that', 'feed on blood; leeches', 'were once used widely', 'in medicine for bleeding.'];
    const runs: TextRun[] = [];
    left.forEach((t, i) => runs.push(run(t, 40, 100 + i * 12, 10, { w: 252 })));
    right.forEach((t, i) => runs.push(run(t, 300, 100 + i * 12, 10, { w: 252 })));
    const lines = buildLines(runs);
    expect(lines.map((l) => l.text).sort()).toEqual([...left, ...right].sort());
  });

  it('takes no column of list labels for a gutter: labels 5 pt left of aligned item text stay on their items', () => {
    const items = ['Free — Open, unoccupied space.', 'Early — Occupied by the early species only.', 'Mixed — Occupied by both species.', 'Resistant — Occupied by the late species only.'];
    const runs: TextRun[] = [run('They identified four states of the community.', 40, 88, 10, { w: 300 })];
    items.forEach((t, i) => {
      runs.push(run(`${'abcd'[i]}.`, 52, 100 + i * 12, 10, { w: 8 }));
      runs.push(run(t, 65, 100 + i * 12, 10, { w: 250 }));
    });
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual(['They identified four states of the community.', `[ol: ${items.join(' | ')}]`]);
  });

  it('reads a roster printed without markers as one list, and neither short sentences nor a column of one-word row heads as one', () => {
    const intro = 'The people below have worked in the lab since it opened, as students, research assistants and postdoctoral fellows.';
    const names = ['Ansh Patel (2021 –)', 'Aaryan Agrawal (2023 –)', 'DJ Matusz (2023 –)', 'Emma Reeder (2023 –)'];
    const roster = [run(intro, 40, 88, 10, { w: 468 }), ...names.map((t, i) => run(t, 56, 112 + i * 18, 10, { w: 110 }))];
    expect(texts(assembleBook([page(1, roster)])[0]!.nodes)).toEqual([intro, `[ul: ${names.join(' | ')}]`]);
    // Short lines that end as sentences do are prose, however evenly set.
    const said = ['It is rare.', 'Rest is essential.', 'Ask for help early.'];
    const prose = said.map((t, i) => run(t, 56, 112 + i * 18, 10, { w: 90 }));
    expect(texts(assembleBook([page(1, prose)])[0]!.nodes)).toEqual(said);
    // One-word labels stacked at an even pitch (a table's row heads the layout missed) stay apart.
    const heads = ['Resolution', 'Redundancy', 'Completeness'].map((t, i) => run(t, 56, 112 + i * 18, 10, { w: 60 }));
    expect(texts(assembleBook([page(1, heads)])[0]!.nodes)).toEqual(['Resolution', 'Redundancy', 'Completeness']);
  });

  it('takes no column of repeated item openings for a gutter: "• when" set 3.6 pt left of aligned formulas stays on its item', () => {
    // ma32009 p. 18: each item opens with the same word, then a formula; the openings are 3.5 em wide and end alike.
    const tails = ['H′(N∗) > 1, the fixed point is monotonically unstable;', '0 < H′(N∗) < 1, the fixed point is monotonically stable;', '−1 < H′(N∗) < 0, the fixed point is oscillatory stable;', 'H′(N∗) = −1, the fixed point is oscillatory; and'];
    const runs: TextRun[] = [];
    tails.forEach((t, i) => {
      runs.push(run('• when', 96.8, 288.7 + i * 13.5, 10.9, { w: 38.4 }));
      runs.push(run(t, 138.8, 288.7 + i * 13.5, 10.9, { w: 262 }));
    });
    expect(buildLines(runs).map((l) => l.text)).toEqual(tails.map((t) => `• when ${t}`));
  });

  it('keeps ordinary word spaces, a section number with its heading and a justified line stretched by a URL', () => {
    const lines = buildLines([
      run('3.5', 40, 100, 14, { w: 20 }),
      run('California Broad Necked Beetle', 74, 100, 14, { w: 200 }),
      run('Image of a slug.', 40, 130, 10, { w: 200 }),
      run('Image taken', 264, 130, 10, { w: 136 }),
      run('by [Jason](https://www.inaturalist.org/photos/80439924), [CC BY-NC', 40, 142, 10, { w: 360 }),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['3.5 California Broad Necked Beetle', 'Image of a slug. Image taken', 'by [Jason](https://www.inaturalist.org/photos/80439924), [CC BY-NC']);
  });

  it('reads two justified lines whose stretched spaces lie over one another as lines, not as two columns', () => {
    // ubco-ecology-guide p. 17: long URLs stretch a caption's spaces to 2.7 and 3.4 em (the second after a full stop).
    const lines = buildLines([
      run('most image taken by [lesfreck](https://www.inaturalist.org/photos/61694401),', 106.9, 615.9, 10, { w: 343.7 }),
      run('[CC BY-NC', 106.9, 627.9, 10, { w: 76.3 }),
      run('4.0](https://creativecommons.org/licenses/by-nc/4.0/),', 209.8, 627.9, 10, { w: 240.8 }),
      run('via iNaturalist.', 106.9, 639.8, 10, { w: 75.9 }),
      run('Middle image taken by [Alexander Baran-', 217.2, 639.8, 10, { w: 233.4 }),
      run('sky](https://www.inaturalist.org/photos/70860715), CC BY-NC 4.0, via', 106.9, 651.8, 10, { w: 343.7 }),
    ]);
    expect(lines.map((l) => l.text)).toEqual([
      'most image taken by [lesfreck](https://www.inaturalist.org/photos/61694401),',
      '[CC BY-NC 4.0](https://creativecommons.org/licenses/by-nc/4.0/),',
      'via iNaturalist. Middle image taken by [Alexander Baran-',
      'sky](https://www.inaturalist.org/photos/70860715), CC BY-NC 4.0, via',
    ]);
  });

  it('keeps stacked section headings with their numbers, set a quad apart, as lines, not as two columns', () => {
    // bb511-ion-transport.pdf p. 7: three empty sections in a row, "2.1" 14 pt left of each title.
    const runs: TextRun[] = [];
    ['A bit of history', 'About Ussing', 'The frogs problem'].forEach((t, i) => {
      runs.push(run(`2.${i + 1}`, 106.9, 362.1 + i * 27.8, 14.3, { w: 20.6 }));
      runs.push(run(t, 141.9, 362.1 + i * 27.8, 14.3, { w: t.length * 7.5 }));
    });
    expect(buildLines(runs).map((l) => l.text)).toEqual(['2.1 A bit of history', '2.2 About Ussing', '2.3 The frogs problem']);
    // A column of plain row numbers beside a column of names is still two columns.
    const numbered = ['Alpha', 'Beta', 'Gamma'].flatMap((t, i) => [run(`${i + 1}`, 106.9, 500 + i * 14, 10, { w: 5 }), run(t, 141.9, 500 + i * 14, 10, { w: 30 })]);
    expect(buildLines(numbered)).toHaveLength(6);
  });

  it('does not take the first body line under a running head for furniture', () => {
    const words = ['heart', 'lung', 'liver', 'kidney', 'brain', 'spleen', 'bone', 'skin'];
    const pages: Array<{ page: number; height: number; lines: Line[] }> = [];
    for (let p = 1; p <= 8; p++) {
      const lines: Line[] = [];
      // A running head on most pages; on page 5 the text block starts where the head would be.
      if (p !== 5) lines.push(line('Chapter 3. Insects', 40, 40, 9, { w: 120 }));
      const top = p === 5 ? 40 : 60;
      for (let k = 0; k < 20; k++) lines.push(line(`The ${words[(p + k) % 8]} and the ${words[(p * 3 + k) % 8]} on line ${k}.`, 40, top + k * 12, 10, { w: 400 }));
      pages.push({ page: p, height: 800, lines });
    }
    const roles = detectFurniture(pages);
    roles.forEach((r, i) => {
      const bodyIdx = pages[i]!.page === 5 ? [0, 1] : [1, 2];
      for (const k of bodyIdx) expect(r.has(k)).toBe(false);
      if (pages[i]!.page !== 5) expect(r.get(0)).toBe('header');
    });
  });

  it('places a margin note right after the paragraph it sits beside', () => {
    const runs: TextRun[] = [];
    const main = ['The first paragraph of the main text runs over', 'several lines of the wide main column here.', 'The second paragraph is the one a note in the', 'margin comments on, and it has three lines', 'of text in the main column of the page.'];
    main.forEach((t, i) => runs.push(run(t, 40, 100 + i * 12 + (i >= 2 ? 10 : 0), 10, { w: 330 })));
    runs.push(run('NOTE: grants are', 420, 132, 8, { w: 120 }), run('discussed on Slack.', 420, 141, 8, { w: 120 }));
    const lines = buildLines(runs);
    expect(splitMargin(lines).margin.map((l) => l.text)).toEqual(['NOTE: grants are', 'discussed on Slack.']);
    const [p] = assembleBook([{ page: 1, width: 600, height: 800, lines, images: [] }]);
    expect(texts(p!.nodes)).toEqual([
      'The first paragraph of the main text runs over several lines of the wide main column here.',
      'The second paragraph is the one a note in the margin comments on, and it has three lines of text in the main column of the page.',
      'note: NOTE: grants are discussed on Slack.',
    ]);
  });

  it('keeps a margin note whole when its longest lines run past the column most of its lines end at', () => {
    // cdl-lab-manual.pdf p. 5: most note lines end by x = 547, two reach 550 (the page edge side), and they were body text.
    const runs: TextRun[] = [];
    // A page of body text: the two long lines are under a tenth of the busiest x's lines, the share a column's edge is drawn at.
    for (let i = 0; i < 36; i++) runs.push(run(`Body text line ${i} of the main column, set the full measure of it.`, 72, 100 + i * 14, 10, { w: 310 }));
    const note = ['TASK: When you are done reading', 'this manual and carrying out all', 'required tasks, please complete', 'the checklist and the signature', 'page. You are officially a member', 'once all tasks in this manual and', 'receipt of your signed and filled-out', 'checklist have been acknowledged.'];
    note.forEach((t, i) => runs.push(run(t, 406.5, 102 + i * 10, 8, { w: i === 6 ? 143.5 : i === 5 ? 142.9 : 134 })));
    const lines = buildLines(runs);
    expect(splitMargin(lines).margin).toHaveLength(8);
    const [p] = assembleBook([{ page: 1, width: 612, height: 792, lines, images: [] }]);
    expect(texts(p!.nodes).filter((t) => t.startsWith('note:'))).toEqual([`note: ${note.join(' ')}`]);
  });

  it('finds a margin of one short note on a full page, whose lines are too few to make a column of the page', () => {
    // cdl-lab-manual.pdf p. 10: two note lines beside 45 body lines were read into the body.
    const runs: TextRun[] = [];
    for (let i = 0; i < 45; i++) runs.push(run(`Body text line ${i} of the main column, set the full measure of it.`, 72, 80 + i * 14, 10, { w: 311 }));
    runs.push(run('NOTE: Our adapted approach also', 406.7, 304, 8, { w: 121.8 }), run('draws inspiration from this blog.', 406.7, 314, 8, { w: 117.1 }));
    const lines = buildLines(runs);
    expect(splitMargin(lines).margin.map((l) => l.text)).toEqual(['NOTE: Our adapted approach also', 'draws inspiration from this blog.']);
  });

  it('places a note beside a list item right after that item, and one starting between paragraphs by the nearer', () => {
    // cdl-lab-manual.pdf p. 3: a note beside "Resource allocation" read after the whole list; p. 14: a note set in
    // the space above the paragraph that calls it went to the list item before.
    const runs: TextRun[] = [];
    const items = ['• Communication. We foster an environment where', '• Resource allocation. Our lab resources are finite', '• Adaptability. We cannot always plan everything.'];
    items.forEach((t, i) => runs.push(run(t, 72, 100 + i * 24, 10, { w: 300 })));
    runs.push(run('NOTE: Funding is discussed', 406, 122, 8, { w: 130 }), run('in the #grants channel.', 406, 131, 8, { w: 110 }));
    runs.push(run('You are unlikely to meet the requirements for authorship if', 72, 190, 10, { w: 300 }), run('your contributions were limited to the following.', 72, 204, 10, { w: 240 }));
    runs.push(run('NOTE: Posters have less', 406, 182, 8, { w: 120 }), run('stringent requirements.', 406, 191, 8, { w: 120 }));
    for (let i = 0; i < 6; i++) runs.push(run(`Body text line ${i} of the main column, set the full measure of it.`, 72, 240 + i * 14, 10, { w: 310 }));
    const [p] = assembleBook([{ page: 1, width: 612, height: 792, lines: buildLines(runs), images: [] }]);
    const out = texts(p!.nodes);
    expect(out.slice(0, 6)).toEqual([
      '[ul: Communication. We foster an environment where | Resource allocation. Our lab resources are finite]',
      'note: NOTE: Funding is discussed in the #grants channel.',
      '[ul: Adaptability. We cannot always plan everything.]',
      'You are unlikely to meet the requirements for authorship if your contributions were limited to the following.',
      'note: NOTE: Posters have less stringent requirements.',
      expect.stringContaining('Body text line 0'),
    ]);
  });

  it('moves a footnote after the paragraph that calls it and keeps the call out of the word', () => {
    const runs: TextRun[] = [
      run('Cheese owes its blue veins to Penicillium', 40, 100, 10, { w: 210 }),
      run('3', 250, 96, 6, { w: 3 }),
      run('and to time.', 256, 100, 10, { w: 60 }),
      run('A second paragraph has nothing to note.', 40, 130, 10, { w: 300 }),
      run('3', 40, 700, 6, { w: 3 }),
      run('Roquefort uses Penicillium roqueforti.', 44, 703, 8, { w: 200 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual([
      'Cheese owes its blue veins to Penicillium and to time.',
      'footnote: Roquefort uses Penicillium roqueforti.',
      'A second paragraph has nothing to note.',
    ]);
  });

  it('takes out a word processor’s call (8.2 on 10 pt, its run ending in a space) without closing up the words around it', () => {
    const runs: TextRun[] = [
      run('The Identity Theft Resource Center', 40, 100, 10, { w: 170 }),
      run('1 ', 210, 96, 8.2, { w: 7 }),
      run('reports that almost 5000 breaches occurred.', 217, 100, 10, { w: 200 }),
      run('1', 40, 700, 8, { w: 4 }),
      run('See the center’s own site for its method.', 46, 700, 8, { w: 200 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual(['The Identity Theft Resource Center reports that almost 5000 breaches occurred.', 'footnote: See the center’s own site for its method.']);
  });

  it('never runs an open line (a fraction’s denominator) on into a numbered section heading below it', () => {
    const runs: TextRun[] = [
      run('Rearranging and taking the limit yields', 40, 100, 10.9, { w: 300 }),
      run('= (b − d)N = rN(t).', 200, 120, 10.9, { w: 100 }),
      run('dt', 183, 128, 10.9, { w: 10 }),
      run('3.1.2 Solution', 40, 160, 11.96, { w: 80 }),
      run('The solution is given by an exponential.', 40, 180, 10.9, { w: 300 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes).slice(-2)).toEqual(['3.1.2 Solution', 'The solution is given by an exponential.']);
  });

  it('runs a paragraph over a page break past the labels of a figure heading the next page', () => {
    const first = page(1, [
      run('In contrast, Bayesian TEA explicitly models the', 40, 700, 10, { w: 500 }),
      run('rest of the first page is above this line.', 40, 688 - 600, 10, { w: 200 }),
    ]);
    const images = [
      { box: { x: 220, y: 130, w: 58, h: 63 }, src: 'images/p2-1.png', width: 58, height: 63 },
      { box: { x: 300, y: 130, w: 58, h: 63 }, src: 'images/p2-2.png', width: 58, height: 63 },
    ];
    const second = page(2, [
      run('a', 160, 150, 10, { w: 5 }),
      run('π', 200, 150, 10, { w: 5 }),
      run('b', 450, 180, 10, { w: 5 }),
      run('alternative hypothesis that a few terms generated the gene set.', 40, 260, 10, { w: 400 }),
    ], images);
    const pages = assembleBook([first, second]);
    expect(texts(pages[0]!.nodes)).toContain('In contrast, Bayesian TEA explicitly models the alternative hypothesis that a few terms generated the gene set.');
  });

  it('places a footnote after the prose that calls it, not after a formula with a raised 1 above it', () => {
    const runs: TextRun[] = [
      run('p = m', 200, 100, 10, { w: 30 }),
      run('1', 230, 96, 6, { w: 3 }),
      run('− c', 236, 100, 10, { w: 20 }),
      run('The high diversity of these communities contradicts the model.', 40, 130, 10, { w: 290 }),
      run('1', 330, 126, 6, { w: 3 }),
      run('Another pattern they observed was that weaker competitors came first.', 40, 160, 10, { w: 320 }),
      run('1', 40, 700, 8, { w: 4 }),
      run('For contrasting views see Craine (2005).', 46, 700, 8, { w: 200 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes).slice(1)).toEqual([
      'The high diversity of these communities contradicts the model.',
      'footnote: For contrasting views see Craine (2005).',
      'Another pattern they observed was that weaker competitors came first.',
    ]);
  });

  it('never runs prose on into a code block set in a fixed-pitch face, nor code into prose; code keeps its lines', () => {
    const mono = (r: TextRun): TextRun => ({ ...r, font: { ...r.font, mono: true } });
    const runs: TextRun[] = [
      run('We then create expressions for the two equations of the model above.', 40, 100, 10, { w: 468 }),
      mono(run('no.of.species <- 5', 40, 112, 10, { w: 90 })),
      mono(run('ranks <- 1:no.of.species', 40, 124, 10, { w: 120 })),
      run('where the ranks run from the most to the least abundant species.', 40, 136, 10, { w: 468 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual(['We then create expressions for the two equations of the model above.', '[code: no.of.species <- 5\nranks <- 1:no.of.species]', 'where the ranks run from the most to the least abundant species.']);
    expect(renderBookHtml('b', [p!])).toContain('<pre>no.of.species &lt;- 5\nranks &lt;- 1:no.of.species</pre>');
    // A listing broken by a blank line is one listing; its lines keep their indentation, in characters of its face (5 pt each here).
    const intro = 'The function below adds one to its argument and returns the sum to its caller, as every function in R returns its last value.';
    const listing = [run(intro, 40, 88, 10, { w: 468 }), mono(run('f <- function(x) {', 40, 100, 10, { w: 90 })), mono(run('x + 1', 50, 112, 10, { w: 25 })), mono(run('}', 40, 136, 10, { w: 5 }))];
    expect(texts(assembleBook([page(1, listing)])[0]!.nodes)).toEqual([intro, '[code: f <- function(x) {\n  x + 1\n}]']);
    // A book set in a typewriter face throughout has no code: its lines are its prose.
    const typed = [0, 1, 2, 3].map((i) => mono(run(`The patient was admitted on day ${i} with chest pain and dyspnoea at rest.`, 40, 100 + i * 12, 10, { w: 400 })));
    expect(texts(assembleBook([page(1, typed)])[0]!.nodes).some((t) => t.startsWith('[code'))).toBe(false);
    // A URL set in a typewriter face, most of its line, does not make the line code.
    const url = [run('It is available from', 40, 100, 10, { w: 100 }), mono(run('https://github.com/evoldoers/wtfgenes', 145, 100, 10, { w: 190 })), run('under the BSD3 license.', 40, 112, 10, { w: 120 })];
    expect(texts(assembleBook([page(1, url)])[0]!.nodes)).toEqual(['It is available from https://github.com/evoldoers/wtfgenes under the BSD3 license.']);
  });

  it('gives a code listing the caption set right under it, as a figure', () => {
    // tracemonkey.pdf p. 2: "Figure 1. Sample program: sieve of Eratosthenes." under the program.
    const mono = (r: TextRun): TextRun => ({ ...r, font: { ...r.font, mono: true } });
    const runs: TextRun[] = [
      run('The program below computes the prime numbers up to one hundred with the sieve of Eratosthenes.', 40, 88, 10, { w: 468 }),
      mono(run('for (var i = 2; i < 100; ++i) {', 40, 100, 9, { w: 160 })),
      mono(run('primes[i] = true;', 50, 112, 9, { w: 90 })),
      mono(run('}', 40, 124, 9, { w: 5 })),
      run('Figure 1. Sample program: sieve of Eratosthenes.', 40, 146, 9, { w: 240 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(p!.nodes.find((n) => n.kind === 'code')).toMatchObject({ caption: 'Figure 1. Sample program: sieve of Eratosthenes.' });
    expect(p!.nodes.some((n) => n.kind === 'paragraph' && n.role === 'caption')).toBe(false);
    expect(renderBookHtml('b', [p!])).toMatch(/<figure><pre>for \(var i = 2; i &lt; 100; \+\+i\) \{\n[^]*\}<\/pre><figcaption>Figure 1\. Sample program: sieve of Eratosthenes\.<\/figcaption><\/figure>/);
  });

  it('counts a list that opens with "(i)" in Roman numerals, and a lettered list going on past its "h" in letters', () => {
    // peerj-bioinformatics.pdf p. 6: "... for two reasons:" / "(i) they are best run ..., or (ii) ..." was <ol start="9" type="a">.
    const roman = [
      run('Homology searches are not fully automated by VESPA for two reasons:', 40, 100, 10, { w: 400 }),
      run('(i) they are best run as individual serial tasks on large clusters, and', 40, 112, 10, { w: 400 }),
      run('(ii) the submission processes differ across compute clusters.', 40, 124, 10, { w: 300 }),
    ];
    const list = assembleBook([page(1, roman)])[0]!.nodes.find((n) => n.kind === 'list');
    expect(list).toMatchObject({ kind: 'list', ordered: true, type: 'i', items: ['they are best run as individual serial tasks on large clusters, and', 'the submission processes differ across compute clusters.'] });
    expect(list && 'start' in list ? list.start : undefined).toBeUndefined();
    const letters = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((l, k) => run(`${l}. Item number ${k + 1} of the checklist.`, 40, 100 + k * 12, 10, { w: 200 }));
    const lists = assembleBook([page(1, letters)])[0]!.nodes.filter((n) => n.kind === 'list');
    expect(lists.map((n) => (n.kind === 'list' ? [n.type, n.items.length] : []))).toEqual([['a', 9]]);
  });

  it('makes list items blocks of their own, however short, numbers kept by the list', () => {
    const runs: TextRun[] = [
      run('The axial skeleton includes:', 40, 100, 10, { w: 150 }),
      run('•', 50, 112, 10, { w: 4 }), run('Humerus', 60, 112, 10, { w: 40 }),
      run('•', 50, 124, 10, { w: 4 }), run('Sternum', 60, 124, 10, { w: 40 }),
      run('Then, in order:', 40, 146, 10, { w: 80 }),
      run('1.', 50, 158, 10, { w: 8 }), run('Fill the chamber with Ringer’s solution and', 64, 158, 10, { w: 300 }),
      run('start the pump.', 64, 170, 10, { w: 80 }),
      run('2.', 50, 182, 10, { w: 8 }), run('Mount the skin.', 64, 182, 10, { w: 80 }),
    ];
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual([
      'The axial skeleton includes:',
      '[ul: Humerus | Sternum]',
      'Then, in order:',
      '[ol: Fill the chamber with Ringer’s solution and start the pump. | Mount the skin.]',
    ]);
    expect(listMarker('(b) Constantly re-prioritizes')).toMatchObject({ ordered: true, value: 2, type: 'a' });
    expect(listMarker('-5 °C at night')).toBeUndefined();
    expect(renderBookHtml('b', assembleBook([page(1, runs)]))).toContain('<ul>\n<li>Humerus</li>\n<li>Sternum</li>\n</ul>');
  });

  it('reads a whitespace table row by row, not column by column', () => {
    const rows = [
      ['Column name', 'Data type', 'Description'],
      ['FUNCTION_ID', 'VARCHAR(30)', 'ID of the function.'],
      ['USER_NAME', 'VARCHAR(10)', 'Name of the user profile.'],
      ['USAGE', 'VARCHAR(7)', 'Usage setting.'],
    ];
    const runs: TextRun[] = [];
    rows.forEach((r, i) => r.forEach((c, j) => runs.push(run(c, [40, 160, 260][j]!, 100 + i * 14, 9, { w: c.length * 4.5 }))));
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual(['[table: Column name / Data type / Description | FUNCTION_ID / VARCHAR(30) / ID of the function. | USER_NAME / VARCHAR(10) / Name of the user profile. | USAGE / VARCHAR(7) / Usage setting.]']);
    // Two columns of running text side by side are columns, not a table.
    const text = [0, 1, 2, 3].flatMap((i) => [line(`left column line ${i} of running text here`, 40, 100 + i * 12, 10, { w: 250 }), line(`right column line ${i} of running text too`, 310, 100 + i * 12, 10, { w: 250 })]);
    expect(detectTables(text, 10).tables).toHaveLength(0);
    // A journal's first page: a narrow side column of affiliations beside two columns of running text
    // (mask-figures.pdf page 1 came out as a 49-row table), and a reference list set in two columns with
    // its numbers apart (a 52-row table). Three and four columns, but two of them are prose.
    const side = ['1Shanghai No.9 People’s', 'Hospital, Shanghai', 'Jiaotong University', 'School of Medicine'];
    const abstract = ['Background Recent guidelines on iron deficiency', 'anaemia (IDA) have confirmed the aetiological', 'role of Helicobacter pylori (H pylori), but the', 'relationship still remains controversial today.'];
    const bodyText = ['We performed a meta-analysis of randomised', 'controlled trials (RCTs) to determine whether', 'H pylori eradication can improve the response', 'to oral iron in patients with anaemia of this'];
    const firstPage = [0, 1, 2, 3].flatMap((i) => [line(side[i]!, 30, 100 + i * 12, 8, { w: 90 }), line(abstract[i]!, 130, 100 + i * 12, 9, { w: 210 }), line(bodyText[i]!, 350, 100 + i * 12, 9, { w: 210 })]);
    expect(detectTables(firstPage, 9).tables).toHaveLength(0);
    const refs = [['4.', 'World Health Organization, United Nations University, The United Nations'], ['5.', 'Zimmermann MB, Hurrell RF. Nutritional iron deficiency. Lancet 2007;370:511'], ['6.', 'DuBois S, Kearney DJ. Iron-deficiency anemia and Helicobacter pylori infection']];
    const refs2 = [['22.', 'DerSimonian R, Laird N. Meta analysis in clinical trials. Controlled Clin'], ['23.', 'Higgins JP, Thompson SG. Quantifying heterogeneity in a meta-analysis'], ['24.', 'Egger M, Davey Smith G, Schneider M. Bias in meta-analysis detected by a']];
    const refList = [0, 1, 2].flatMap((i) => [line(refs[i]![0]!, 30, 500 + i * 10, 7, { w: 8 }), line(refs[i]![1]!, 42, 500 + i * 10, 7, { w: 240 }), line(refs2[i]![0]!, 300, 500 + i * 10, 7, { w: 10 }), line(refs2[i]![1]!, 314, 500 + i * 10, 7, { w: 240 })]);
    expect(detectTables(refList, 7).tables).toHaveLength(0);
    // The page's justified running text beside a table, on the same baselines, stays body text and the
    // table keeps only its own columns (mask-figures.pdf's Table 2 took the body column as its first).
    const prose = ['Three RCTs selected 8 weeks as the time for', 'reinspection, and three followed up blood', 'parameters on sequential time nodes. Sarker', 'et al selected 90 days as an end point in his'];
    const stats = [['4 weeks', '13.75', '8.84 to 18.65'], ['8 weeks', '15.47', '8.98 to 21.97'], ['Children', '5.93', '4.53 to 7.32'], ['Adults', '15.08', '11.49 to 18.67']];
    const beside = [0, 1, 2, 3].flatMap((i) => [
      line(prose[i]!, 40, 300 + i * 11, 9, { w: 230 - (i === 3 ? 4 : 0) }),
      ...stats[i]!.map((cell, j) => line(cell, 300 + j * 80, 300 + i * 11, 8, { w: cell.length * 4.2 })),
    ]);
    const found = detectTables(beside, 9);
    expect(found.tables.map((t) => t.rows)).toEqual([stats]);
    expect(found.lines.map((l) => l.text)).toEqual(prose);
  });

  it('reads a table in one column of a two-column page whole: the other column between its rows, its heads and group heads', () => {
    // mask-figures.pdf p. 3, Table 2 (7.5 pt) in the right column; the left column's 9 pt lines fall between its rows.
    // "Summary" stands over "estimate", group heads ("Haemoglobin (g/l)", "Treatment") sit on rows of their own,
    // outdented from the row labels, which only begin at "Children".
    const T = 7.5;
    const lines = [
      line('vational or epidemiological studies, and narrative reviews).', 42, 402.4, 9, { w: 246.6 }),
      line('A final total of eight RCTs were identified as eligible for inclusion', 42, 413.4, 9, { w: 246.6 }),
      line('Summary', 379.7, 421.5, T, { w: 28.3 }),
      line('in the meta-analysis. Six RCTs provided Hb and SF', 42, 424.3, 9, { w: 246.6 }),
      line('estimate', 379.7, 430.1, T, { w: 26.2 }),
      line('Heterogeneity', 466.5, 430.1, T, { w: 42.1 }),
      line('data, one RCT provided only Hb changes, and one RCT provided', 42, 435.3, 9, { w: 246.6 }),
      ...[['(WMD)', 379.7, 22], ['95% CI', 416.1, 21.8], ['(y2)', 466.5, 11.4], ['p Value*', 526.7, 26.4]].map(([t, x, w]) => line(t as string, x as number, 438.5, T, { w: w as number })),
      line('only SF changes; figure 1 provides a description of these studies.', 42, 446.3, 9, { w: 242.9 }),
      line('Haemoglobin (g/l)', 306.5, 453.2, T, { w: 50.8 }),
      line('Age', 314, 463.7, T, { w: 11.3 }),
      line('Study characteristics', 42, 468.1, 9.5, { w: 82.2 }),
      ...['Children', '11.77', '2.40 to 21.15', '30.48', '<0.0001'].map((t, j) => line(t, [321.5, 379.7, 421.8, 466.5, 526.7][j]!, 474.1, T, { w: t.length * 3.2 })),
      line('Our meta-analysis involved 450 participants, ranging in age', 42, 479.1, 9, { w: 246.6 }),
      ...['Adult', '15.11', '7.87 to 22.35', '0.43', '0.51'].map((t, j) => line(t, [321.5, 379.7, 421.8, 470.1, 532.5][j]!, 484.6, T, { w: t.length * 3.2 })),
      line('from 2e76 years old. Most patients were children from Asia.', 42, 490.1, 9, { w: 246.6 }),
      line('Treatment', 314, 495, T, { w: 28.8 }),
      line('Three RCTs involved patients who had mild to moderate', 42, 501, 9, { w: 246.6 }),
      ...['Bismuth', '20.73', '7.85 to 33.61', '1.48', '0.02'].map((t, j) => line(t, [321.5, 379.7, 421.8, 470.1, 532.5][j]!, 505.5, T, { w: t.length * 3.2 })),
      line('anaemia, and another five RCTs involved patients who', 42, 512, 9, { w: 246.6 }),
      ...['PPI', '10.42', '2.75 to 18.08', '27.63', '<0.0001'].map((t, j) => line(t, [321.5, 379.7, 421.8, 466.5, 526.7][j]!, 515.9, T, { w: t.length * 3.2 })),
      line('*The p value is test for heterogeneity of subgroup, across all of the trials.', 306.5, 540, T, { w: 245 }),
    ];
    const found = detectTables(lines, 9);
    expect(found.tables.map((t) => t.rows)).toEqual([
      [
        ['', 'Summary estimate (WMD)', '95% CI', 'Heterogeneity (y2)', 'p Value*'],
        ['Haemoglobin (g/l)', '', '', '', ''],
        ['Age', '', '', '', ''],
        ['Children', '11.77', '2.40 to 21.15', '30.48', '<0.0001'],
        ['Adult', '15.11', '7.87 to 22.35', '0.43', '0.51'],
        ['Treatment', '', '', '', ''],
        ['Bismuth', '20.73', '7.85 to 33.61', '1.48', '0.02'],
        ['PPI', '10.42', '2.75 to 18.08', '27.63', '<0.0001'],
      ],
    ]);
    // The left column and the note under the table stay text.
    expect(found.lines.map((l) => l.text)).toEqual(lines.filter((l) => l.font.size !== T || l.text.startsWith('*')).map((l) => l.text));
  });

  it('keeps short group heads in a table of short cells, and labels beside a column of values, as one table', () => {
    // clinical-science-ace.pdf Table 5: "P2′", "P1′" head the rows under them; before, "P1′" ended the table.
    const T = 7.5;
    const rows: Array<[string, number] | string[]> = [
      ['Residue', 'Atom', '33RE', 'Distance (Å)'],
      ['P2′', 307.1],
      ['Tyr498', 'OH', 'O', '2.5'],
      ['Lys489', 'NZ', 'O', '2.8'],
      ['Water 1', 'O', 'NAC', '2.7'],
      ['P1′', 307.1],
      ['His331', 'NE2', 'OAF', '2.9'],
      ['His491', 'NE2', 'OAF', '3.0'],
    ];
    const base = [106.9, 119.7, 131.7, 143.6, 155.6, 167.5, 179.5, 191.5];
    const grid = rows.flatMap((r, i) =>
      typeof r[1] === 'number' ? [line(r[0] as string, r[1], base[i]!, T, { w: 10.1 })] : (r as string[]).map((t, j) => line(t, [j === 0 && i > 0 ? 314.6 : 307.1, 378.7, 434.4, 489.9][j]!, base[i]!, T, { w: t.length * 3.4 })),
    );
    // Most of that page's characters are 7.5 pt: its em.
    expect(detectTables(grid, 7.5).tables.map((t) => t.rows.map((r) => r[0]))).toEqual([['Residue', 'P2′', 'Tyr498', 'Lys489', 'Water 1', 'P1′', 'His331', 'His491']]);
    // clinical-science-ace.pdf Table 2: two columns about as wide, labels and the values beside them.
    const stats = [['Resolution (Å)', '2.2'], ['Space group', 'P1'], ['Cell', 'a = 73.1, b = 77.3, c = 82.9'], ['Redundancy', '3.9 (3.9)'], ['Total/unique reflections', '281360/73018'], ['Completeness (%)', '91.4 (88.7)']];
    const labelled = stats.flatMap(([k, v], i) => [line(k!, 309.4, 127.7 + i * 12, T, { w: k!.length * 3.4 }), line(v!, 425.8, 127.7 + i * 12, T, { w: v!.length * 3.4 })]);
    expect(detectTables(labelled, 9).tables.map((t) => t.rows)).toEqual([stats]);
  });

  it('takes no side heads beside running text for a table, and takes a wide table with a blank line between its rows', () => {
    // docling-redp5110.pdf's back cover: 12 pt side heads left of a 10 pt blurb, baselines meeting by chance.
    const heads = ['Implement roles and', 'separation of duties', 'Leverage row', 'permissions on the', 'database'];
    const blurb = [
      'This IBM Redpaper publication provides information about the IBM i 7.2',
      'feature of IBM DB2 for i Row and Column Access Control (RCAC). It',
      'offers a broad description of the function and advantages of controlling',
      'access to data in a comprehensive and transparent way. This',
      'publication helps you understand the capabilities of RCAC and provides',
      'examples of defining, creating, and implementing the row permissions',
      'and column masks in a relational database environment.',
    ];
    const cover = [
      ...heads.map((t, i) => line(t, 26.7, [250.7, 264.7, 292.7, 306.7, 320.8][i]!, 12, { w: t.length * 5.6 })),
      ...blurb.map((t, i) => line(t, 152.9, 249.8 + i * 12, 10, { w: 259 })),
      ...['INTERNATIONAL', 'TECHNICAL', 'SUPPORT'].map((t, i) => line(t, 467.3, 257.7 + i * 14, 14, { w: t.length * 7 })),
    ];
    expect(detectTables(cover, 10).tables).toHaveLength(0);
    // peerj-bioinformatics.pdf Table 2: rows a blank line apart, an estimate ("w = 0.61924") among each row's
    // values, and a head split at "(t" and "= 0)".
    const xs = [81.3, 143.6, 242.4, 310.5, 333, 373.5, 439.5, 500, 567.4];
    const at = (cells: string[], b: number): Line[] => cells.flatMap((t, j) => (t ? [line(t, xs[j]!, b, 9, { w: t.length * 4.3 })] : []));
    const wide = [
      ...at(['Model', 'Tree', 'Model', 'p', 'W', 'lnL', 'LRT', 'Parameter', 'Positive'], 83.3),
      ...at(['', '', 'type', '', '(t', '', 'result', 'estimates', 'selection'], 94.3),
      line('= 0)', 341.6, 94.3, 9, { w: 16 }),
      ...at(['m0', 'Sample_MSA', 'Homogeneous', '1', '2', '−572.969394', 'N/A', 'w = 0.61924', 'No'], 114.6),
      ...at(['m1Neutral', 'Sample_MSA', 'Site-specific', '1', '2', '−568.572319', 'N/A', 'p0 = 0.35065', 'Not'], 139.1),
      ...at(['', '', '', '', '', '', '', 'p1 = 0.64935', 'allowed'], 150.1),
      ...at(['m7', 'Sample_MSA', 'Site-specific', '2', '2', '−568.764172', 'N/A', 'p = 0.22135', 'Not'], 174.6),
    ];
    const [table] = detectTables(wide, 9).tables;
    expect(table!.rows.map((r) => r[0])).toEqual(['Model', 'm0', 'm1Neutral', 'm7']);
    expect(table!.rows[0]![4]).toBe('W (t = 0)');
    expect(table!.rows[2]!.slice(7)).toEqual(['p0 = 0.35065 p1 = 0.64935', 'Not allowed']);
  });

  it('joins to its row a cell wrapped at the rows\' own pitch, and keeps a row that leaves only its label to the row above', () => {
    // peerj-bioinformatics.pdf p. 9, Table 2 (continued): each model's estimates run down one column, a line apart,
    // as far apart as the models' rows, and the nearly empty rows its wrapped cells made had the grid look as sparse
    // as display math.
    // Its lines (text, x, width, baseline), from the table's head to its fourth model.
    const page9: Array<[string, number, number, number]> = [
      ['Model', 81, 23.9, 87.1], ['Tree', 142.6, 16.8, 87.1], ['Model', 242, 23.9, 87.1], ['p', 303.7, 4.7, 87.1], ['W', 326.8, 8.4, 87.1],
      ['lnL', 369.7, 12.4, 87.1], ['LRT', 436.4, 16, 87.1], ['Parameter', 498, 38.9, 87.1], ['Positive', 566, 29.7, 87.1], ['Positively', 617.1, 36.4, 87.1],
      ['type', 242, 15.9, 98], ['(t', 326.8, 6.1, 98], ['= 0)', 335.4, 16, 98], ['result', 436.4, 21.4, 98], ['estimates', 498, 34.9, 98],
      ['selection', 566, 32.9, 98], ['selected', 617.1, 29.3, 98], ['sites in 8 × 45', 617.1, 51.5, 109], ['alignment', 617.1, 38, 120], ['(P(w > 1) > 0.5)', 617.1, 61.6, 130.9],
      ['modelA', 81, 28.6, 145.4], ['Sample_MSA_Primates', 142.6, 85, 145.4], ['Lineage-site', 242, 42.9, 145.4], ['3', 303.7, 4.3, 145.4], ['2', 326.9, 4.3, 145.4],
      ['−568.572319', 369.7, 47.9, 145.4], ['m1Neutral,', 436.4, 41.3, 145.4], ['p0 = 0.35065', 498, 47.6, 145.4], ['No', 566, 11.3, 145.4], ['modelAnll', 436.4, 38, 156.3],
      ['p1 = 0.64935', 498, 47.6, 156.3], ['p2 = 0.00000', 498, 47.6, 167.3], ['p3 = 0.00000', 498, 47.6, 178.2], ['w0 = 0.08403', 498, 49.5, 189.2], ['w1 = 1.00000', 498, 49.5, 200.1],
      ['w2 = 1.00000', 498, 49.2, 211.1], ['modelAnull', 81, 42.8, 223.7], ['Sample_MSA_Primates', 142.6, 85, 223.7], ['Lineage-site', 242, 42.9, 223.7], ['3', 303.7, 4.3, 223.7],
      ['1', 326.9, 4.3, 223.7], ['−568.572319', 369.7, 47.9, 223.7], ['N/A', 436.4, 15.3, 223.7], ['p0 = 0.35065', 498, 47.6, 223.7], ['p1 = 0.64935', 498, 47.6, 234.6],
      ['p2 = 0.00000', 498, 47.6, 245.6], ['p3 = 0.00000', 498, 47.6, 256.5], ['w0 = 0.08403', 498, 49.5, 267.5], ['w1 = 1.00000', 498, 49.5, 278.5], ['w2 = 1.00000', 498, 49.2, 289.4],
      ['modelA', 81, 28.6, 303], ['Sample_MSA_Chimp', 142.6, 78.5, 303], ['Lineage-site', 242, 42.9, 303], ['3', 303.7, 4.3, 303], ['2', 326.9, 4.3, 303],
      ['−557.052657', 369.7, 47.9, 303], ['modelA', 436.4, 28.6, 303], ['p0 = 0.33452', 498, 47.6, 303], ['Yes', 566, 12.3, 303], ['Alignment', 617.1, 38.2, 303],
      ['p1 = 0.59186', 498, 47.6, 313.9], ['(3 BEB sites): 24 25', 617.1, 69.3, 313.9], ['p2 = 0.02659', 498, 47.6, 324.9], ['32', 617.1, 8.6, 324.9], ['p3 = 0.04704', 498, 47.6, 335.8],
      ['w0 = 0.1099', 498, 45.9, 346.8], ['w1 = 1.00000', 498, 49.5, 357.8], ['w2 = 999.000', 498, 49.2, 368.7], ['modelAnull', 81, 42.8, 382.3], ['Sample_MSA_Chimp', 142.6, 78.5, 382.3],
      ['Lineage-site', 242, 42.9, 382.3], ['3', 303.7, 4.3, 382.3], ['1', 326.9, 4.3, 382.3], ['−568.572319', 369.7, 47.9, 382.3], ['N/A', 436.4, 15.3, 382.3],
      ['p0 = 0.35065', 498, 47.6, 382.3], ['Not', 566, 14.1, 382.3], ['p1 = 0.64935', 498, 47.6, 393.2], ['allowed', 566, 27.6, 393.2],
    ];
    const [table] = detectTables(page9.map(([t, x, w, b]) => line(t, x, b, 9, { w })), 9).tables;
    expect(table!.rows.map((r) => r[0])).toEqual(['Model', 'modelA', 'modelAnull', 'modelA', 'modelAnull']);
    expect(table!.rows[0]![2]).toBe('Model type');
    expect(table!.rows[1]!.slice(6, 9)).toEqual(['m1Neutral, modelAnll', 'p0 = 0.35065 p1 = 0.64935 p2 = 0.00000 p3 = 0.00000 w0 = 0.08403 w1 = 1.00000 w2 = 1.00000', 'No']);
    // clinical-science-ace.pdf Table 5: a zinc ion's rows leave the residue to the row above; they are rows.
    const cells = [['Residue', 'Atom', '33RE', 'Distance'], ['Tyr501', 'OH', 'OAH', '2.7'], ['', 'Zn2 +', 'OAH', '2.0'], ['', 'Zn2 +', 'OAI', '2.5'], ['His365', 'NE2', 'OAI', '3.1']];
    const grid = cells.flatMap((r, i) => r.flatMap((t, j) => (t ? [line(t, [314.6, 378.7, 434.4, 489.8][j]!, 215.4 + i * 12, 7.5, { w: t.length * 3.4 })] : [])));
    expect(detectTables(grid, 7.5).tables.map((t) => t.rows)).toEqual([cells]);
  });

  it('puts a portrait beside a paragraph after the paragraph, not into it', () => {
    // docling-redp5110.pdf p. 4: each author's photo stands left of their paragraph, its top 0.5 pt below the
    // paragraph's first line; "Jim Bainbridge is a senior DB2 consultant on the DB2 for i" had been a paragraph of
    // its own, the photo after it and the rest of the paragraph after the photo.
    const bio = [
      'Jim Bainbridge is a senior DB2 consultant on the DB2 for i',
      'Center of Excellence team in the IBM Lab Services and',
      'Training organization. His primary role is training and',
      'implementation services for IBM DB2 Web Query for i and',
      'business analytics. Jim began his career with IBM 30 years ago.',
    ];
    const runs = bio.map((t, i) => run(t, 263.4, 382.8 + i * 12, 10, { w: 260 }));
    const photo = { box: { x: 143.4, y: 376.1, w: 107.7, h: 126.7 }, src: 'images/p4-1.jpg', width: 512, height: 611 };
    const [p] = assembleBook([page(4, runs, [photo])]);
    expect(texts(p!.nodes)).toEqual([bio.join(' '), '[figure]']);
  });

  it('keeps a cover\'s text set over a picture as text, and the names printed in the picture as its labels', () => {
    // docling-redp5110.pdf p. 1: "Leverage row permissions on" runs from left of the cover picture into it, and "the
    // database" under it stays clear of it; the first had gone into the picture's alt text, the second into a heading.
    const runs = [
      run('Leverage row permissions on', 35.8, 360.1, 14, { w: 163.3 }),
      run('the database', 35.8, 377.1, 14, { w: 72 }),
      run('Jim Bainbridge', 509.2, 584.3, 12, { w: 72.1 }),
      run('Hernando Bedoya', 497.7, 598.3, 12, { w: 83.7 }),
    ];
    const cover = { box: { x: 96.2, y: 311.3, w: 487.9, h: 388.9 }, src: 'images/p1-1.jpg', width: 642, height: 512 };
    const [p] = assembleBook([page(1, runs, [cover])]);
    expect(texts(p!.nodes)).toEqual(['[figure]', 'Leverage row permissions on the database']);
    expect(renderBookHtml('b', [p!])).toContain('alt="Jim Bainbridge Hernando Bedoya"');
  });

  it('puts a table caption into its table, over the rows', () => {
    // docling-redp5110.pdf p. 11: "Table 2-1 FUNCTION_USAGE view" over the table it names.
    const rows = [
      ['Column name', 'Data type', 'Description'],
      ['FUNCTION_ID', 'VARCHAR(30)', 'ID of the function.'],
      ['USER_NAME', 'VARCHAR(10)', 'Name of the user profile.'],
    ];
    const runs: TextRun[] = [run('Table 2-1 FUNCTION_USAGE view', 40, 80, 9, { w: 140, bold: true })];
    rows.forEach((r, i) => r.forEach((c, j) => runs.push(run(c, [40, 160, 260][j]!, 100 + i * 14, 9, { w: c.length * 4.5 }))));
    runs.push(run('The view is read by the security officer, who grants each function to the users who need it.', 40, 200, 10, { w: 420 }));
    const [p] = assembleBook([page(1, runs)]);
    const table = p!.nodes.find((n) => n.kind === 'table');
    expect(table).toMatchObject({ kind: 'table', caption: 'Table 2-1 FUNCTION_USAGE view' });
    expect(p!.nodes.filter((n) => n.kind === 'paragraph')).toHaveLength(1);
    expect(renderBookHtml('b', [p!])).toContain('<table>\n<caption>Table 2-1 FUNCTION_USAGE view</caption>\n<tr><td>Column name</td>');
  });

  it('keeps the columns a table head does not span, and joins cells wrapped over two lines at once into their row', () => {
    // clinical-science-ace.pdf Table 1 (7.5 pt): the first head line spans only the three right columns
    // ("Domain contribution" and "Substrate" stand on its second line), rows are 12 pt apart, and cells wrapped
    // in several columns at once put their second lines 9.4 pt below.
    const columns = [57.5, 158.3, 230.1, 303.7, 416.2];
    const at = (cells: Array<string | undefined>, y: number): Line[] => cells.flatMap((c, j) => (c ? [line(c, columns[j]!, y, 7.5, { w: c.length * 3.6 })] : []));
    const lines = [
      ...at([undefined, undefined, 'Biological action', 'Biological action of product', 'Inhibitor(s) targeting the'], 101.7),
      ...at(['Domain contribution', 'Substrate', 'of substrate', 'after ACE hydrolysis', 'indicated domain'], 111.2),
      ...at(['Both domains', 'Bradykinin', 'Vasodilation', 'Inactive', 'Captopril, lisinopril,'], 124.1),
      ...at(['C-domain specific', 'Angiotensin I', 'Inactive', 'Vasoconstriction,', 'RXPA380 [50],'], 136.0),
      ...at([undefined, undefined, undefined, 'and fibrosis', 'and kAF [52]'], 145.4),
      ...at(['N-domain specific', 'N-Acetyl-SDKP', 'Anti-fibrosis', 'Inactive', 'RXP407 [32]'], 157.4),
      ...at(['Both domains', 'Bradykinin', 'Vasodilation', 'Inactive', 'Enalaprilat'], 169.4),
    ];
    expect(detectTables(lines, 9).tables.map((t) => t.rows)).toEqual([
      [
        ['Domain contribution', 'Substrate', 'Biological action of substrate', 'Biological action of product after ACE hydrolysis', 'Inhibitor(s) targeting the indicated domain'],
        ['Both domains', 'Bradykinin', 'Vasodilation', 'Inactive', 'Captopril, lisinopril,'],
        ['C-domain specific', 'Angiotensin I', 'Inactive', 'Vasoconstriction, and fibrosis', 'RXPA380 [50], and kAF [52]'],
        ['N-domain specific', 'N-Acetyl-SDKP', 'Anti-fibrosis', 'Inactive', 'RXP407 [32]'],
        ['Both domains', 'Bradykinin', 'Vasodilation', 'Inactive', 'Enalaprilat'],
      ],
    ]);
  });

  it('reads a grid of check marks as a table, and still no sparse grid of formula letters', () => {
    // docling-redp5110.pdf Table 2-2: an "X" where a user action needs the column's authority.
    const actions = ['SET CURRENT DEGREE (SQL statement)', 'CHGQRYA command targeting a different job', 'STRDBMON targeting a job of the current user', 'Visual Explain within Run SQL scripts', 'ANALYZE PLAN CACHE procedure'];
    const marked = [[0, 2], [0, 2], [0, 2, 3, 4], [0, 2, 3], [0, 2]];
    const xs = [429, 452, 480, 505.3, 530.8];
    const grid = actions.flatMap((a, i) => [line(a, 70.8, 498.6 + i * 19, 9, { w: a.length * 4.2 }), ...marked[i]!.map((c) => line('X', xs[c]!, 498.6 + i * 19, 9, { w: 6 }))]);
    const tables = detectTables(grid, 9).tables;
    expect(tables).toHaveLength(1);
    expect(tables[0]!.rows[2]).toEqual(['STRDBMON targeting a job of the current user', 'X', 'X', 'X', 'X']);
    // A formula's stacked letters are many different ones.
    const letters = [['a', 'b', 'c'], ['x', 'y', 'z'], ['p', 'q', 'r'], ['m', 'n', 'k']];
    const math = letters.flatMap((r, i) => r.map((t, j) => line(t, 200 + j * 40, 300 + i * 14, 10, { w: 5 })));
    expect(detectTables(math, 10).tables).toHaveLength(0);
  });

  it('takes no display equation with stacked fractions and no plot with tick values on both sides for a table', () => {
    // ma32009-math-biology.pdf: "n∗/q (1 − n∗/...) − ... = 0." set as numerators, the "=" line and denominators.
    // Baselines and boxes as on its page 55.
    const fraction = [
      line('n∗', 276.8, 420.3, 10.9, { w: 10.4 }),
      line('n∗', 322.4, 420.3, 10.9, { w: 10.4 }),
      line('r (1 − ) −', 242.7, 427.7, 10.9, { w: 64.3 }),
      line('∗2 = 0.', 335.9, 427.7, 10.9, { w: 33.4 }),
      line('q', 279.6, 435.2, 10.9, { w: 9.2 }),
      line('1 + n', 310.6, 435.2, 10.9, { w: 25.2 }),
    ];
    expect(detectTables(fraction, 10.9).tables).toHaveLength(0);
    // A cobweb plot's axes: 2.5, 2.0, 1.5 down its left and its right side, an axis title between.
    const axes = [['2.5', 'Draw straight line (blue)', '2.5Sketch a graph of H (red).'], ['2.0', '', '2.0'], ['1.5', '', '1.5'], ['1.0', '', '1.0']];
    const plot = axes.flatMap((r, i) => r.flatMap((t, j) => (t ? [line(t, [100, 160, 300][j]!, 400 + i * 14, 8, { w: t.length * 4 })] : [])));
    expect(detectTables(plot, 10).tables).toHaveLength(0);
    // primer-ecology-ch9.pdf p. 6, equations (11) and (12): subscripted variables ("c1", "m2") and operators stacked
    // in fraction pieces, the equation's number in the last column.
    const pieces = [['', '−', '', '− 1 1 − D −', '', '(11)'], ['c1', '', 'c2', 'c2', 'c1', ''], ['m1', '', 'm2', 'c1 c1', 'm1', ''], ['c2', '', 'c1', '− +', 'c2', '(12)']];
    const stacked = pieces.flatMap((r, i) => r.flatMap((t, j) => (t ? [line(t, [200, 230, 260, 300, 380, 450][j]!, 300 + i * 12, 10, { w: t.length * 5 })] : [])));
    expect(detectTables(stacked, 10).tables).toHaveLength(0);
    // Code set as a table with "=" in a cell is still a table when its cells are long (redp5110 Example 2-1).
    const sql = [['SELECT', 'function_id, user_name, usage, user_type'], ['FROM', 'function_usage'], ['WHERE', "function_id='QIBM_DB_SECADM'"], ['ORDER BY', 'user_name;']];
    const query = sql.flatMap((r, i) => r.map((t, j) => line(t, [70, 130][j]!, 500 + i * 12, 9, { w: t.length * 4.5 })));
    expect(detectTables(query, 9).tables).toHaveLength(1);
  });

  it('takes a cell that ends where the next column begins, to a rounding error, as touching it, not straddling it', () => {
    // 310.6 + 25.3 is 335.90000000000003 in floating point: the cell's box ends a hair past the column at 335.9.
    const rows = [['Dose', 'Rate', 'Effect'], ['low', '1 + n', 'mild'], ['high', '2 + n', 'strong'], ['none', '0 + n', 'absent']];
    const grid = rows.flatMap((r, i) => [line(r[0]!, 250, 400 + i * 14, 10, { w: 30 }), line(r[1]!, 310.6, 400 + i * 14, 10, { w: 25.3 }), line(r[2]!, 335.9, 400 + i * 14, 10, { w: 40 })]);
    expect(detectTables(grid, 10).tables.map((t) => t.rows)).toEqual([rows]);
  });

  it('reads a table whose first column counts 1, 2, 3 as a table, and a numbered list as a list', () => {
    const rows = [['Week', 'Up to Section', 'Tutorial sheet', 'Assessment'], ['1', '1.4', '1', ''], ['2', '1.6', '1', 'Quiz 1'], ['3', '2.2', '2', ''], ['4', '2.3.7', '2', 'Quiz 2']];
    const grid = rows.flatMap((r, i) => r.flatMap((c, j) => (c ? [line(c, [147, 185, 262, 341][j]!, 570 + i * 13.5, 10.9, { w: c.length * 5 })] : [])));
    expect(detectTables(grid, 10.9).tables.map((t) => t.rows)).toEqual([rows]);
    const items = ['Fill the chamber with Ringer’s solution and wait a minute', 'Place the skin between the two halves of the chamber', 'Read the current off the meter every thirty seconds'];
    const list = items.flatMap((t, i) => [line(`${i + 1}`, 50, 100 + i * 14, 10, { w: 5 }), line(t, 64, 100 + i * 14, 10, { w: 300 })]);
    expect(detectTables(list, 10).tables).toHaveLength(0);
  });

  it('keeps side-by-side captions apart, each in its own figure, none inside the text', () => {
    const runs: TextRun[] = [
      run('Bone is remodelled throughout life, during devel-', 40, 100, 10, { w: 500 }),
      run('Figure 11.2: Compact bone.', 40, 330, 8, { w: 200 }),
      run('Figure 11.3: Spongy bone.', 310, 330, 8, { w: 200 }),
      run('opment and after fractures.', 40, 360, 10, { w: 200 }),
    ];
    const images = [
      { box: { x: 40, y: 120, w: 240, h: 195 }, src: 'images/p1-1.jpg', width: 240, height: 195 },
      { box: { x: 310, y: 120, w: 240, h: 195 }, src: 'images/p1-2.jpg', width: 240, height: 195 },
    ];
    const [p] = assembleBook([page(1, runs, images)]);
    expect(texts(p!.nodes)).toEqual(['Bone is remodelled throughout life, during development and after fractures.', '[figure: Figure 11.2: Compact bone.]', '[figure: Figure 11.3: Spongy bone.]']);
  });

  it('rejoins a word hyphenated at a column end, and keeps the book’s own hyphenated words', () => {
    const runs: TextRun[] = [];
    const left = ['A long-term study followed the patients', 'of the clinic over many years, and', 'the results of the study were then', 'written up and slowly devel-'];
    const right = ['oped into a long-', 'term plan for the clinic and its', 'staff, which the board adopted', 'after a year of discussion.'];
    left.forEach((t, i) => runs.push(run(t, 40, 100 + i * 12, 10, { w: 250 })));
    right.forEach((t, i) => runs.push(run(t, 310, 100 + i * 12, 10, { w: i === 0 || i === 3 ? 120 : 250 })));
    const [p] = assembleBook([page(1, runs)]);
    expect(texts(p!.nodes)).toEqual([
      'A long-term study followed the patients of the clinic over many years, and the results of the study were then written up and slowly developed into a long-term plan for the clinic and its staff, which the board adopted after a year of discussion.',
    ]);
  });
});
