import { parseBookHtml, type BlockPlace, type HtmlBlock } from './html-blocks.js';

const page = (n: number, body: string) => `<section data-page="${n}">${body}</section>`;
const book = (...pages: string[]) => `<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body><article data-book="anatomy">${pages.join('')}</article></body></html>`;

const PLAIN: Omit<BlockPlace, 'page' | 'role'> = { level: 0, figure: 0, ocr: false };
const text = (pg: number, role: BlockPlace['role'], t: string, place: Partial<BlockPlace> = {}): HtmlBlock =>
  ({ kind: 'text', page: pg, role, text: t, ...PLAIN, ...place });
const roles = (blocks: HtmlBlock[]) => blocks.map((b) => (b.kind === 'text' ? [b.role, b.text] : ['image', b.src]));

describe('parseBookHtml', () => {
  it('keeps blocks in order with their page and role, and turns each img into an image block', () => {
    const { bookId, blocks } = parseBookHtml(book(
      page(1, '<p data-role="header">Chapter 2 Heart</p><h1>The heart</h1><p>The heart has four chambers.</p>' +
        '<figure data-bbox="1,2,3,4"><img src="images/p1-1.png" width="300" height="200"><figcaption>Figure 2.1 The heart.</figcaption></figure>' +
        '<p data-role="page-number">17</p>'),
      page(2, '<h2>Valves</h2><p data-role="footer">Anatomy for Students</p>'),
    ));
    expect(bookId).toBe('anatomy');
    expect(blocks).toEqual([
      text(1, 'header', 'Chapter 2 Heart'),
      text(1, 'heading', 'The heart', { level: 1 }),
      text(1, 'body', 'The heart has four chambers.'),
      { kind: 'image', page: 1, role: 'body', src: 'images/p1-1.png', width: 300, height: 200, level: 0, figure: 1, ocr: false },
      text(1, 'caption', 'Figure 2.1 The heart.', { figure: 1 }),
      text(1, 'page-number', '17'),
      text(2, 'heading', 'Valves', { level: 2 }),
      text(2, 'footer', 'Anatomy for Students'),
    ]);
  });

  it('reads the book.html contract: list items, table rows, notes, footnotes, numbered headings, OCR', () => {
    const { blocks } = parseBookHtml(book(page(7,
      '<h3>11.2 Bones of the hand</h3><ul><li>Metacarpals</li><li>Phalanges<ol><li>Proximal</li></ol></li></ul>' +
      '<table><caption>Table 11.1 Ossification</caption><tr><th>Bone</th><th>Age</th></tr><tr><td><p>Humerus</p><p>(shaft)</p></td><td>8 weeks</td></tr></table>' +
      '<p data-role="note">Margin note: see also chapter 3.</p><p data-role="footnote">1 First described in 1543.</p>' +
      '<div data-ocr="1"><p>Scanned paragraph.</p></div><figure><img src="images/p7-1.png"><img src="images/p7-2.png"><figcaption>Figure 11.3 (a) Left. (b) Right.</figcaption></figure>',
    )));
    expect(roles(blocks)).toEqual([
      ['heading', '11.2 Bones of the hand'],
      ['list-item', 'Metacarpals'], ['list-item', 'Phalanges'], ['list-item', '1. Proximal'],
      ['caption', 'Table 11.1 Ossification'],
      ['table', 'Bone | Age'], ['table', 'Humerus (shaft) | 8 weeks'],
      ['note', 'Margin note: see also chapter 3.'], ['footnote', '1 First described in 1543.'],
      ['body', 'Scanned paragraph.'],
      ['image', 'images/p7-1.png'], ['image', 'images/p7-2.png'], ['caption', 'Figure 11.3 (a) Left. (b) Right.'],
    ]);
    expect(blocks[0]).toMatchObject({ level: 3 });
    expect(blocks.filter((b) => b.level > 0)).toHaveLength(1);
    expect(blocks.filter((b) => b.ocr).map((b) => b.kind === 'text' && b.text)).toEqual(['Scanned paragraph.']);
    // Both images and the caption of one <figure> share its number; the table's caption is in no figure.
    expect(blocks.filter((b) => b.figure > 0).map((b) => b.figure)).toEqual([1, 1, 1]);
  });

  it('writes an ordered list item\'s printed number back from <ol start type> (pdf-html moves it there)', () => {
    const { blocks } = parseBookHtml(book(page(3,
      '<ol start="4"><li>Fourth</li><li>Fifth<ol type="a"><li>first sub</li><li>second sub</li></ol></li></ol>' +
      '<ol type="i" start="3"><li>three</li><li>four</li></ol><ol type="A" start="27"><li>past Z</li></ol><ul><li>bullet</li></ul>',
    )));
    expect(roles(blocks)).toEqual([
      ['list-item', '4. Fourth'], ['list-item', '5. Fifth'], ['list-item', 'a. first sub'], ['list-item', 'b. second sub'],
      ['list-item', 'iii. three'], ['list-item', 'iv. four'], ['list-item', 'AA. past Z'], ['list-item', 'bullet'],
    ]);
  });

  it('joins inline markup into words, decodes entities, collapses whitespace and treats br as a space', () => {
    const { blocks } = parseBookHtml(book(page(3, '<p>  hyper<i>ten</i>sion &amp; the\n\n  <b>renin</b>&#8211;angiotensin<br>system&nbsp;(RAAS) &lt;image&gt; </p>')));
    expect(blocks).toEqual([text(3, 'body', 'hypertension & the renin\u2013angiotensin system (RAAS) <image>')]);
  });

  it('reads a <pre> as a code block whose lines and indentation stay, entities decoded', () => {
    const { blocks } = parseBookHtml(book(page(3, '<p>Run it:</p><pre>\ncompcol &lt;- function(t, y) {\n  p1 &lt;- y[1]   \n}\n</pre><p>Then plot.</p>')));
    expect(roles(blocks)).toEqual([['body', 'Run it:'], ['code', 'compcol <- function(t, y) {\n  p1 <- y[1]\n}'], ['body', 'Then plot.']]);
  });

  it('never takes script, style, head or svg content for book text', () => {
    const { blocks } = parseBookHtml(book(page(1, '<p>kept</p><script>var p = "<p>no</p>";</script><svg><text>no</text></svg><style>.x{}</style>')));
    expect(blocks.map((b) => (b.kind === 'text' ? b.text : 'IMG'))).toEqual(['kept']);
  });

  it('splits text around nested blocks and an image inside a paragraph, keeping the order', () => {
    const { blocks } = parseBookHtml(book(page(4, '<div>before <p>inner</p> after <img src="images/p4-1.jpg"> tail</div><ul><li>one</li><li>two</li></ul>')));
    expect(blocks.map((b) => (b.kind === 'text' ? b.text : `[${b.src}]`))).toEqual(['before', 'inner', 'after', '[images/p4-1.jpg]', 'tail', 'one', 'two']);
  });

  it('gives a caption role to text nested inside figcaption and honours data-role on other blocks', () => {
    const { blocks } = parseBookHtml(book(page(5, '<figure><figcaption><p>Fig. 3 <em>Uterus</em> at term</p></figcaption></figure><div data-role="footer"><span>Footer text</span></div>')));
    expect(blocks).toEqual([
      text(5, 'caption', 'Fig. 3 Uterus at term', { figure: 1 }),
      text(5, 'footer', 'Footer text'),
    ]);
  });

  it('reads HTML without article or sections (page 0) and survives a very deep document', () => {
    expect(parseBookHtml('<p>loose text</p>').blocks).toEqual([text(0, 'body', 'loose text')]);
    const depth = 5000;
    const deep = '<div>'.repeat(depth) + 'deep' + '</div>'.repeat(depth);
    expect(parseBookHtml(book(page(1, deep))).blocks).toEqual([text(1, 'body', 'deep')]);
  });

  it('ignores an invalid data-role and a non-numeric page', () => {
    const { blocks } = parseBookHtml(`<article><section data-page="x"><p data-role="banner">text</p></section></article>`);
    expect(blocks).toEqual([text(0, 'body', 'text')]);
  });
});
