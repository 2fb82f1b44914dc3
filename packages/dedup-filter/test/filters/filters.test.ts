import { parseCorpusConfig } from '@mtb/core';
import { applyFilters, garbledReason, languageVerdict, assertKnownLanguages, citationDensity, type PixelStats } from '@mtb/dedup-filter';
import { BookBuilder, PROSE } from './book-builder.js';

const config = parseCorpusConfig({});

function reasons(b: BookBuilder, cfg = config, pixels: Map<number, PixelStats> = new Map()): Map<number, string> {
  return new Map(applyFilters('book', b.nodes, cfg, pixels).drops.map((d) => [d.seq, d.reason]));
}

/** A book with front matter, two body pages, a references section and an index. */
function textbook(): BookBuilder {
  const b = new BookBuilder();
  b.text('Clinical Anatomy', 'heading').text('for Medical Students', 'heading').text('J. Smith and A. Jones').nextPage();
  b.text('Copyright © 2020 by Example Press. All rights reserved.').text('No part of this publication may be reproduced without permission.')
    .text('ISBN 978-0-00-000000-0').text('Printed in the United Kingdom').nextPage();
  b.text('Contents', 'heading').text('1 Introduction ........ 1').text('2 The Kidney ........ 15').text('3 The Urinary Tract ........ 33')
    .text('4 The Pelvis ........ 51').text('Index ........ 77').nextPage();
  b.text('3 The Urinary Tract', 'heading').bodyPage(PROSE.slice(0, 3));
  b.text('3.1 Ureter', 'heading').image(600, 400).text('Figure 3.1 The ureter crossing the pelvic brim.', 'caption').bodyPage(PROSE.slice(3));
  b.text('References', 'heading')
    .text('1. Smith JA, Jones B. Renal anatomy revisited. J Urol. 2001;165:123–129.')
    .text('2. Brown C, White D, et al. Ureteric course in adults. Clin Anat. 2005;18(3):200–205. doi:10.1002/ca.1')
    .text('3 The Pelvis', 'heading').text(PROSE[0]!).nextPage();
  b.text('Index', 'heading').text('Abdomen, 23, 45–47 Abdominal aorta, 112 Bladder, 12, 34f Bladder neck, 35 Cervix, 60–62 Kidney, 15–20, 33 Labia, 70 Pelvis, 51 Penis, 72 Prostate, 40t Rectum, 55 Scrotum, 73 Testis, 74 Ureter, 30–32 Urethra, 36 Uterus, 58 Vagina, 61');
  return b;
}

/** Twelve pages of prose, with what `middle` adds standing at the top of the sixth (clear of front and back matter). */
function midBook(middle: (b: BookBuilder) => void): BookBuilder {
  const b = new BookBuilder();
  for (let p = 0; p < 12; p++) {
    if (p === 5) middle(b);
    b.bodyPage(PROSE.slice(0, 2));
  }
  return b;
}

describe('structure filters', () => {
  const b = textbook();
  const r = reasons(b);
  const text = (reason: string) => b.nodes.filter((n) => r.get(n.seq) === reason).map((n) => n.text);

  it('drop the title and copyright pages as front matter', () => {
    expect(text('front-matter')).toEqual(['Clinical Anatomy', 'for Medical Students', 'J. Smith and A. Jones',
      'Copyright © 2020 by Example Press. All rights reserved.', 'No part of this publication may be reproduced without permission.',
      'ISBN 978-0-00-000000-0', 'Printed in the United Kingdom']);
  });

  it('drop the contents page, the references section and the index page', () => {
    expect(text('contents-page')).toHaveLength(6);
    expect(text('bibliography')).toEqual([
      'References', '1. Smith JA, Jones B. Renal anatomy revisited. J Urol. 2001;165:123–129.',
      '2. Brown C, White D, et al. Ureteric course in adults. Clin Anat. 2005;18(3):200–205. doi:10.1002/ca.1',
    ]);
    expect(text('index-page')).toHaveLength(2);
  });

  it('drop a references section titled by a paragraph set at the entries\' size, entries that cite few markers each included', () => {
    // bmc-dvt-review: "References" is a paragraph of its own at 7.5 pt, and "Author AB, Author CD: Title. J 1990, 30:748-50." entries.
    const bmc = midBook((m) =>
      m.text('References')
        .text('5. O’Malley KF, Ross SE: Pulmonary embolism in major trauma patients. J Trauma 1990, 30:748-50.', 'list-item')
        .text('11. Weitz JI: Low-molecular-weight heparins. N Engl J Med 1997, 337:688-98.', 'list-item'),
    );
    const rb = reasons(bmc);
    expect(bmc.nodes.filter((n) => rb.get(n.seq) === 'bibliography').map((n) => n.text.slice(0, 12))).toEqual(['References', '5. O’Malley ', '11. Weitz JI']);
    // A paragraph that mentions references is no title.
    const prose = midBook((m) => m.text('References to earlier work are kept short.').text('5. O’Malley KF, Ross SE: Pulmonary embolism in major trauma patients. J Trauma 1990, 30:748-50.', 'list-item'));
    expect([...reasons(prose).values()]).not.toContain('bibliography');
  });

  it('drop running headers, footers and page numbers by their marked role', () => {
    expect(text('furniture-header')).toHaveLength(2);
    expect(text('furniture-footer')).toHaveLength(2);
    expect(text('furniture-page-number')).toEqual(['4', '5']);
  });

  it('keep every body paragraph, heading, figure and caption, including prose that cites studies and a chapter after the references', () => {
    const kept = b.nodes.filter((n) => !r.has(n.seq));
    expect(kept.filter((n) => n.role === 'body' && n.kind === 'text').map((n) => n.text)).toEqual([...PROSE, PROSE[0]]);
    expect(kept.filter((n) => n.kind === 'image')).toHaveLength(1);
    expect(kept.filter((n) => n.role !== 'body').map((n) => n.text)).toEqual(['3 The Urinary Tract', '3.1 Ureter', 'Figure 3.1 The ureter crossing the pelvic brim.', '3 The Pelvis']);
  });

  it('count each drop once, under the first reason that applies, and list drops in seq order', () => {
    const out = applyFilters('book', b.nodes, config);
    expect(out.drops.map((d) => d.seq)).toEqual([...out.drops.map((d) => d.seq)].sort((x, y) => x - y));
    expect(Object.values(out.counts).reduce((s, n) => s + n, 0)).toBe(out.drops.length);
    expect(out.kept.length + out.drops.length).toBe(b.nodes.length);
    expect(out.droppedTokens['bibliography']).toBe(b.nodes.filter((n) => r.get(n.seq) === 'bibliography').reduce((s, n) => s + n.num_tokens, 0));
  });

  it('drop a page left intentionally blank, and keep a page holding only a figure', () => {
    const blank = new BookBuilder().bodyPage(PROSE).text('This page intentionally left blank').nextPage().image(500, 400).nextPage().bodyPage(PROSE);
    const rb = reasons(blank);
    expect(rb.get(blank.seqsOnPage(2)[0]!)).toBe('blank-page');
    expect(rb.has(blank.seqsOnPage(3)[0]!)).toBe(false);
  });

  it('find a contents list without dot leaders by its title and ascending page references, over two pages', () => {
    const b2 = new BookBuilder();
    b2.text('Contents', 'heading');
    for (let i = 1; i <= 12; i++) b2.text(`${i} Chapter Title Number ${i}`, 'heading').text(String(i * 11));
    b2.nextPage();
    for (let i = 13; i <= 20; i++) b2.text(`${i} Chapter Title Number ${i}`, 'heading').text(String(i * 11));
    b2.nextPage().bodyPage(PROSE);
    const rb = reasons(b2);
    expect(b2.nodes.filter((n) => n.page <= 2).every((n) => rb.get(n.seq) === 'contents-page')).toBe(true);
    expect(b2.nodes.filter((n) => n.page === 3 && n.role === 'body').some((n) => rb.has(n.seq))).toBe(false);
  });

  it('find an untitled index at the back by its alphabetised entries and locators, not one in the middle', () => {
    const entries = 'Abdomen, 23, 45–47 Adrenal gland, 12 Bladder, 12, 34f Bladder neck, 35 Cervix, 60–62 Clitoris, 71 Kidney, 15–20, 33 Labia, 70 Ovary, 64 Pelvis, 51 Penis, 72 Prostate, 40t Rectum, 55 Scrotum, 73 Testis, 74 Ureter, 30–32 Urethra, 36 Uterus, 58 Vagina, 61';
    const b = new BookBuilder();
    for (let i = 0; i < 12; i++) b.bodyPage(PROSE.slice(0, 2));
    b.text(entries).nextPage();
    const r = reasons(b);
    expect(r.get(b.nodes.length - 1)).toBe('index-page');
    const middle = new BookBuilder();
    for (let i = 0; i < 40; i++) (i === 15 ? middle.text(entries).nextPage() : middle.bodyPage(PROSE.slice(0, 2)));
    expect([...reasons(middle).values()].filter((v) => v === 'index-page')).toEqual([]);
    // primer-ecology-ch9.pdf p. 26: a scatter plot's point labels and ticks read as text ("222 22 222 111"),
    // between two paragraphs of the chapter: numbers enough, in no order that matters, and running text.
    const plot = new BookBuilder();
    for (let i = 0; i < 12; i++) plot.bodyPage(PROSE.slice(0, 2));
    for (const t of ['2 2 22 2', '222 2', '222 22 222 111 222 11 1 222', '1 11 1 11 222 11 1 222 2', '11111 222 1 111 121121', '11 1 11 11111 1111 222 2 1 1 11 1 111 1 11111 1111 11', '22222222222 222 22 22 2 222', '−10', '−5 0']) plot.text(t);
    plot.text('5 env', 'heading').text(PROSE[3]!).text('d <- 0.1').text('Covariance between competition and environment', 'heading').text(PROSE[4]!);
    for (const t of ['12', '10', '8', 'Es', '6', '4', '2', '0']) plot.text(t);
    plot.nextPage();
    expect([...reasons(plot).values()].filter((v) => v === 'index-page')).toEqual([]);
  });

  it('drop a run of citations outside a references section, but keep prose that cites', () => {
    const b = new BookBuilder().bodyPage([
      PROSE[5]!,
      'Smith JA, Jones B, Brown C. Renal anatomy revisited. J Urol. 2001;165:123–129. Brown C, White D, et al. Ureteric course. Clin Anat. 2005;18(3):200–205.',
    ]);
    expect(reasons(b).get(2)).toBe('bibliography');
    expect(reasons(b).has(1)).toBe(false);
  });

  it("drop only the imprint lines of an article's first page that also carries its abstract", () => {
    const abstract = Array.from({ length: 4 }, (_, i) => PROSE[i]).join(' ');
    const b = new BookBuilder().text('Renal Anatomy Revisited', 'heading').text(abstract).text('Copyright © 2009 the authors.')
      .text('ISSN 1535-6078').nextPage().bodyPage(PROSE);
    const r = reasons(b);
    expect([0, 1, 2, 3].map((s) => r.get(s) ?? 'keep')).toEqual(['keep', 'keep', 'front-matter', 'front-matter']);
  });

  it('do not take a body page full of doses and years for a contents or index page', () => {
    const dense = 'Give 5 mg at 8 and 20 hours, then 10 mg at 32 hours; in 1998 and 2004 trials, 45 of 60 and 71 of 90 women responded by week 12 or 16.';
    const b3 = new BookBuilder();
    for (let i = 0; i < 12; i++) b3.bodyPage([dense, PROSE[i % PROSE.length]!]);
    expect([...reasons(b3).values()].filter((v) => !v.startsWith('furniture'))).toEqual([]);
  });
});

describe('text quality filters', () => {
  it('call broken text layers garbled by symbols, repetition, glued words and lone glyphs', () => {
    expect(garbledReason('#$% &*@ ^~| ¤¶§ +=<> #$% &*@ ^~|', config)).toBe('garbled-symbols');
    expect(garbledReason('a'.repeat(60) + ' the heart ' + 'a'.repeat(60), config)).toBe('garbled-repetition');
    expect(garbledReason('Theleftventriclepumpsoxygenatedbloodintotheaortaduringsystole and then relaxes', config)).toBe('garbled-long-words');
    expect(garbledReason('Ù õ œ K Ø ò Ç ß å Ü è ÿ the ¥ ¸ † E Í y', config)).toBe('garbled-stray-chars');
  });

  it('do not call formulas, initials, chemistry, URLs or dense data garbled', () => {
    for (const ok of [
      ...PROSE,
      'a = 73.1, b = 77.3, c = 82.9 and α = 88.4, β = 64.3, γ = 75.3 for the unit cell of the crystal',
      'Sun, Y., Yang, F., Yan, J., Li, Q., Wei, Z., Feng, H., Wang, X. and Li, Y. (2012) Renal effects of ACE inhibition.',
      'The (2S)-2-amino-3-(4-hydroxyphenyl)propanoic acid content and https://www.example.org/a/very/long/path/to/a/resource/on/the/web were measured.',
      'δ 7.30–7.16 (10H, m, Ar-H), 5.33 (1H, d, J 9.1 Hz, NH), 4.97 (2H, s, OCH2Ph), 4.27–4.02 (3H, m).',
      'J E R E M Y R . M A N N I N G , P H . D . and C O N T E X T U A L D Y N A M I C S L A B (a title set letter-spaced)',
      'Pneumonoultramicroscopicsilicovolcanoconiosis is a lung disease caused by inhaling very fine silicate dust over many years of exposure.',
    ]) expect([ok, garbledReason(ok, config)]).toEqual([ok, null]);
  });

  it('drop a whole page whose text layer decodes to glyph soup, short blocks included', () => {
    const b = new BookBuilder().bodyPage(PROSE);
    for (const junk of ['ÍÍ∆∆##((ØK', '1õ œ (2016.06)', 'Ã±: +°)', 'z1, z2 ¥ ¸†EÍ. y≤', '∫Z, ˛∞å∆ ekt ¯K)', 'ÜÇ O1I1 Ü O2I2', '%ÜS%,']) b.text(junk);
    b.text('AT2 = AR2 + AD · BC.').nextPage().bodyPage(PROSE);
    const r = reasons(b);
    expect(b.nodes.filter((n) => n.page === 2).map((n) => r.get(n.seq))).toEqual(Array(8).fill('garbled-page'));
    expect(b.nodes.filter((n) => n.page !== 2 && n.role === 'body').some((n) => r.has(n.seq))).toBe(false);
  });

  it('drop body fragments under minWords but never short sentences, headings, captions, list items, table rows or notes', () => {
    const b = new BookBuilder().text('See below', 'body').text('Kidney', 'heading').text('Fig. 2', 'caption').text(PROSE[0]!)
      .text('Metacarpals', 'list-item').text('Humerus', 'list-item').text('Bone | Age', 'table').text('See p. 4', 'note').text('1 Ibid', 'footnote')
      .text('It is rare.').text('"Rest is essential!"').text('Vasodilation').text('Table 1').text('2.');
    const r = reasons(b);
    expect(b.nodes.map((n) => [n.text, r.get(n.seq)])).toEqual([
      ['See below', 'fragment'], ['Kidney', undefined], ['Fig. 2', undefined], [PROSE[0], undefined],
      ['Metacarpals', undefined], ['Humerus', undefined], ['Bone | Age', undefined], ['See p. 4', undefined], ['1 Ibid', undefined],
      ['It is rare.', undefined], ['"Rest is essential!"', undefined], ['Vasodilation', 'fragment'], ['Table 1', 'fragment'], ['2.', 'fragment'],
    ]);
    expect(reasons(b, parseCorpusConfig({ minWords: 0 })).size).toBe(0);
  });

  it('keep a display formula however short, its one-letter variables no stray glyphs, but not symbol soup with an operator', () => {
    // ma32009-math-biology.pdf, each formula set by pdf-html as one block.
    const formulas = ['A = ( R0 0 0 0 ).', 'e−aP∗ = 1 R0 .', 'N (t) ∼ N0ert 1 N0 ≪ K, t ≪. r'];
    expect(garbledReason(formulas[2]!, config)).toBe('garbled-stray-chars');
    const junk = ['! % 7 <', 'ÜÇ = QI2', 'Ù õ œ K Ø ò = Ç ß å Ü è ÿ the ¥ ¸ † E Í y'];
    const b = midBook((m) => [...formulas, ...junk].forEach((t) => m.text(t)));
    const r = reasons(b);
    expect([...formulas, ...junk].map((t) => r.get(b.nodes.find((n) => n.text === t)!.seq))).toEqual([undefined, undefined, undefined, 'fragment', 'fragment', 'garbled-stray-chars']);
  });

  it('never read the cell separators of a table row as symbols of a broken text layer', () => {
    const row = 'Grade | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9';
    const b = midBook((m) => m.text(PROSE[2]!).text(row, 'table').text(PROSE[3]!).text(row, 'body'));
    const r = reasons(b);
    expect(b.nodes.filter((n) => n.text === row).map((n) => [n.role, r.get(n.seq)])).toEqual([['table', undefined], ['body', 'garbled-symbols']]);
  });

  it('keep code blocks: no fragment, no garbled symbols, no foreign language, however short or symbolic', () => {
    const code = ['print("BB511 is awesome!")', 'if (x > 0 && y < 1) {\n  z <- x^2 + y*3 %% 4\n} else {\n  z <- ~x | y\n}', 'with( as.list(params), {\ndp1.dt <- c1*p1*(1-p1) - m1*p1\nreturn( list( c(dp1.dt)))\n})'];
    const b = midBook((m) => code.forEach((c) => m.text(c, 'code')));
    const r = reasons(b);
    expect(b.nodes.filter((n) => n.role === 'code').map((n) => r.get(n.seq))).toEqual([undefined, undefined, undefined]);
    // The same lines as body text are judged as prose would be (an R condition reads as a formula; this line does not).
    const shell = 'x <- c($a, @b, #c, %%d) ~ {$$} @ # $ % ^ & *';
    const asBody = midBook((m) => [...code.slice(0, 2), shell].forEach((c) => m.text(c)));
    const rb = reasons(asBody);
    expect([...code.slice(0, 2), shell].map((c) => rb.get(asBody.nodes.find((n) => n.text === c)!.seq))).toEqual(['fragment', undefined, 'garbled-symbols']);
  });

  it('never read the check marks of a table row as stray glyphs of a broken text layer', () => {
    // docling-redp5110.pdf Table 2-2.
    const rows = ['Visual Explain within Run SQL scripts | X | X | X | X', 'DUMP PLAN CACHE procedure | X | X |  | ', 'ANALYZE PLAN CACHE procedure | X | X |  | '];
    const b = midBook((m) => rows.forEach((row) => m.text(row, 'table')));
    const r = reasons(b);
    expect(b.nodes.filter((n) => n.role === 'table').map((n) => r.get(n.seq))).toEqual([undefined, undefined, undefined]);
  });

  it('drop foreign pages, keep English ones whole; short blocks take their page language', () => {
    const fr = 'Le cœur est un organe musculaire creux qui assure la circulation du sang dans le corps grâce à des contractions rythmiques.';
    const de = [
      'Das Herz ist ein muskuläres Hohlorgan, das durch rhythmische Kontraktionen das Blut durch den Körper pumpt.',
      'Die Niere liegt im Retroperitonealraum und filtert täglich etwa 180 Liter Primärharn aus dem Blut.',
    ];
    const names = 'Portrait of Giovanni dalle Bande Nere (1498–1526) (Salviati, Galleria Palatina).';
    const b = new BookBuilder().text(PROSE[0]!).text(PROSE[1]!).text(fr).text(names).nextPage()
      .text(de[0]!).text('Siehe Abbildung zwei.', 'caption').text(de[1]!).nextPage().text(PROSE[2]!);
    const r = reasons(b);
    expect(b.nodes.map((n) => r.get(n.seq) ?? 'keep')).toEqual(['keep', 'keep', 'keep', 'keep', 'language', 'language', 'language', 'keep']);
    expect(reasons(b, parseCorpusConfig({ languages: [] })).size).toBe(0);
    expect(reasons(b, parseCorpusConfig({ languages: ['eng', 'fra', 'deu'] })).size).toBe(0);
  });

  it('give a page with too little text to judge the language of the book', () => {
    const de = 'Die Niere liegt im Retroperitonealraum und filtert täglich etwa 180 Liter Primärharn aus dem Blut der Patienten.';
    const german = new BookBuilder();
    for (let i = 0; i < 3; i++) german.text(de).nextPage();
    german.text('Kapitel drei beginnt hier').nextPage();
    expect(reasons(german).get(3)).toBe('language');
    const english = new BookBuilder();
    for (let i = 0; i < 3; i++) english.text(PROSE[i]!).nextPage();
    english.text('Kapitel drei beginnt hier').nextPage();
    expect(reasons(english).has(3)).toBe(false);
  });

  it('judges languages with franc-min and refuses a language it cannot identify', () => {
    expect(languageVerdict(PROSE[2]!, ['eng'], config.minLanguageScore)).toBe('yes');
    expect(languageVerdict('12 345 678 90 12 345', ['eng'], config.minLanguageScore)).toBe('unknown');
    expect(() => assertKnownLanguages(['eng', 'xxx'])).toThrow(/"xxx" cannot be identified by franc-min/);
    expect(() => assertKnownLanguages(['eng', 'fra'])).not.toThrow();
  });

  it('tells reference entries from prose that cites a study', () => {
    expect(citationDensity('Brown C, White D, et al. Ureteric course. Clin Anat. 2005;18(3):200–205.').density).toBeGreaterThan(0.2);
    expect(citationDensity(PROSE[5]!).density).toBeLessThan(0.2);
  });
});

describe('image filters', () => {
  it('drop small, elongated and near-uniform images and keep figures', () => {
    const b = new BookBuilder().bodyPage(PROSE.slice(0, 2)).image(80, 300).image(1000, 150).image(400, 300).image(400, 300).image(100, 500);
    const pixels = new Map<number, PixelStats>([[8, { stddev: 1.2 }], [9, { stddev: 40 }]]);
    const r = reasons(b, config, pixels);
    expect([5, 6, 7, 8, 9].map((s) => r.get(s) ?? 'keep')).toEqual(['image-small', 'image-aspect', 'keep', 'image-uniform', 'keep']);
    expect(reasons(b, parseCorpusConfig({ minImageSide: 50, maxAspectRatio: 10, minImageStddev: 0 }), pixels).size).toBe(3);
  });
});
