import { parseBookHtml } from './html-blocks.js';

const page = (n: number, body: string) => `<section data-page="${n}">${body}</section>`;
const book = (...pages: string[]) => `<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body><article data-book="anatomy">${pages.join('')}</article></body></html>`;

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
      { kind: 'text', page: 1, role: 'header', text: 'Chapter 2 Heart' },
      { kind: 'text', page: 1, role: 'heading', text: 'The heart' },
      { kind: 'text', page: 1, role: 'body', text: 'The heart has four chambers.' },
      { kind: 'image', page: 1, src: 'images/p1-1.png', width: 300, height: 200 },
      { kind: 'text', page: 1, role: 'caption', text: 'Figure 2.1 The heart.' },
      { kind: 'text', page: 1, role: 'page-number', text: '17' },
      { kind: 'text', page: 2, role: 'heading', text: 'Valves' },
      { kind: 'text', page: 2, role: 'footer', text: 'Anatomy for Students' },
    ]);
  });

  it('joins inline markup into words, decodes entities, collapses whitespace and treats br as a space', () => {
    const { blocks } = parseBookHtml(book(page(3, '<p>  hyper<i>ten</i>sion &amp; the\n\n  <b>renin</b>&#8211;angiotensin<br>system&nbsp;(RAAS) &lt;image&gt; </p>')));
    expect(blocks).toEqual([{ kind: 'text', page: 3, role: 'body', text: 'hypertension & the renin\u2013angiotensin system (RAAS) <image>' }]);
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
      { kind: 'text', page: 5, role: 'caption', text: 'Fig. 3 Uterus at term' },
      { kind: 'text', page: 5, role: 'footer', text: 'Footer text' },
    ]);
  });

  it('reads HTML without article or sections (page 0) and survives a very deep document', () => {
    expect(parseBookHtml('<p>loose text</p>').blocks).toEqual([{ kind: 'text', page: 0, role: 'body', text: 'loose text' }]);
    const depth = 5000;
    const deep = '<div>'.repeat(depth) + 'deep' + '</div>'.repeat(depth);
    expect(parseBookHtml(book(page(1, deep))).blocks).toEqual([{ kind: 'text', page: 1, role: 'body', text: 'deep' }]);
  });

  it('ignores an invalid data-role and a non-numeric page', () => {
    const { blocks } = parseBookHtml(`<article><section data-page="x"><p data-role="banner">text</p></section></article>`);
    expect(blocks).toEqual([{ kind: 'text', page: 0, role: 'body', text: 'text' }]);
  });
});
