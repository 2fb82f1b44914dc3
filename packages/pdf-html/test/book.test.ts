import { assembleBook } from '../src/layout/book.js';
import { renderBookHtml } from '../src/html.js';
import type { PageLayout } from '../src/layout/types.js';
import { line } from './fixtures.js';

function page(n: number): PageLayout {
  return {
    page: n,
    width: 600,
    height: 800,
    lines: [
      line('Handbook of Cardiology', 40, 40, 8, { w: 150 }),
      line(['The Heart & Its <Valves>', 'Anatomy', 'Physiology', 'Pathology'][n - 1]!, 40, 100, 18, { w: 300 }),
      line('The left ventricle pumps blood into the aorta and the whole sys-', 40, 130, 10, { w: 500 }),
      line('temic circulation, as Figure 1 shows.', 40, 142, 10, { w: 250 }),
      line('Figure 1 The left ventricle.', 40, 420, 9, { w: 200 }),
      line(String(n), 300, 770, 8, { w: 8 }),
    ],
    images: n === 1 ? [{ box: { x: 40, y: 200, w: 300, h: 200 }, src: 'images/p1-1.jpg', width: 300, height: 200 }] : [],
  };
}

describe('assembleBook + renderBookHtml', () => {
  const pages = [1, 2, 3, 4].map(page);
  const book = assembleBook(pages);

  it('puts furniture first and last, headings, rejoined paragraphs and a captioned figure in order', () => {
    expect(book[0]!.nodes).toEqual([
      { kind: 'paragraph', text: 'Handbook of Cardiology', role: 'header' },
      { kind: 'heading', level: 1, text: 'The Heart & Its <Valves>' },
      { kind: 'paragraph', text: 'The left ventricle pumps blood into the aorta and the whole systemic circulation, as Figure 1 shows.' },
      { kind: 'figure', image: pages[0]!.images[0], caption: 'Figure 1 The left ventricle.' },
      { kind: 'paragraph', text: '1', role: 'page-number' },
    ]);
  });

  it('writes the book.html contract, escaped', () => {
    const html = renderBookHtml('demo-book', book);
    expect(html).toContain('<article data-book="demo-book">');
    expect(html).toContain('<section data-page="1">');
    expect(html).toContain('<h1>The Heart &amp; Its &lt;Valves&gt;</h1>');
    expect(html).toContain('<p data-role="header">Handbook of Cardiology</p>');
    expect(html).toContain('<p data-role="page-number">4</p>');
    expect(html).toContain('<figure data-bbox="40,200,300,200"><img src="images/p1-1.jpg" width="300" height="200"><figcaption>Figure 1 The left ventricle.</figcaption></figure>');
    expect(renderBookHtml('demo-book', assembleBook([1, 2, 3, 4].map(page)))).toBe(html);
  });
});

describe('rotated text', () => {
  const rot = (text: string, x: number, foot: number, h: number) => ({ ...line(text, x, foot, 9), box: { x, y: foot - h, w: 9, h }, rotated: true });
  const texts = (lines: PageLayout['lines']) =>
    assembleBook([{ page: 1, width: 600, height: 800, lines, images: [] }])[0]!.nodes.filter((n) => n.kind !== 'figure').map((n) => ('text' in n ? n.text : ''));
  const body = [
    line('The table compares the authorities that each function usage ID grants to a user.', 60, 100, 10, { w: 420 }),
    line('User action', 60, 160, 9, { w: 60 }),
    line('SET CURRENT DEGREE (SQL statement)', 60, 250, 9, { w: 200 }),
    line('X', 400, 250, 9, { w: 6 }),
    line('ANALYZE PLAN CACHE procedure', 60, 270, 9, { w: 180 }),
    line('X', 400, 270, 9, { w: 6 }),
    line('The second paragraph of the page reads after the table and ends the page here.', 60, 320, 10, { w: 420 }),
  ];
  it("a table's rotated column heads read in their row, after the head text left of them", () => {
    const heads = [rot('*JOBCTL', 400, 235, 50), rot('QIBM_DB_SECADM', 425, 235, 90), rot('No Authority', 450, 235, 60)];
    const out = texts([...body, ...heads]);
    expect(out.slice(out.indexOf('User action'), out.indexOf('User action') + 4)).toEqual(['User action', '*JOBCTL', 'QIBM_DB_SECADM', 'No Authority']);
  });
  it("rotated heads right above a table are its first row, a head over a column no row ticks opening that column", () => {
    // docling-redp5110 Table 2-2: no row ticks QIBM_DB_SECADM, so the rows alone give that column no place.
    const rows = ['SET CURRENT DEGREE (SQL statement)', 'ANALYZE PLAN CACHE procedure', 'DUMP PLAN CACHE procedure', 'MODIFY PLAN CACHE procedure'];
    const table = rows.flatMap((t, i) => [line(t, 60, 250 + 14 * i, 9, { w: 180 }), line('X', 402, 250 + 14 * i, 9, { w: 6 }), line('X', 452, 250 + 14 * i, 9, { w: 6 })]);
    const heads = [rot('*JOBCTL', 400, 235, 50), rot('QIBM_DB_SECADM', 425, 235, 90), rot('No Authority', 450, 235, 60)];
    const [p] = assembleBook([{ page: 1, width: 600, height: 800, lines: [body[0]!, line('User action', 60, 235, 9, { w: 60 }), ...table, ...heads], images: [] }]);
    const t = p!.nodes.find((n) => n.kind === 'table');
    expect(t && t.kind === 'table' ? t.rows.slice(0, 2) : undefined).toEqual([
      ['User action', '*JOBCTL', 'QIBM_DB_SECADM', 'No Authority'],
      ['SET CURRENT DEGREE (SQL statement)', 'X', '', 'X'],
    ]);
    expect(p!.nodes.some((n) => 'text' in n && /JOBCTL|User action/.test(n.text))).toBe(false);
  });
  it('a rotated banner in the margin still reads after the body', () => {
    const out = texts([...body, rot('Downloaded from example.org on 1 May 2020', 10, 700, 400)]);
    expect(out[out.length - 1]).toBe('Downloaded from example.org on 1 May 2020');
  });
});
