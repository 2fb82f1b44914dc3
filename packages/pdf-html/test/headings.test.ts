import { headingLevel, headingScale, type StyledText } from '../src/layout/headings.js';

const t = (text: string, size: number, bold = false, lineCount = 1): StyledText => ({ text, font: { size, bold, italic: false }, lineCount });

describe('headings', () => {
  const body = t('Body text set in ten point type, which most of the characters of the book are set in. '.repeat(20), 10, false, 12);
  const blocks = [
    body, body, t('Chapter 1 The Heart', 24), t('1.1 Anatomy', 14), t('1.1.1 Valves', 12), t('A bold run-in head', 10, true),
    t('Chapter 2 The Lungs', 24), t('2.1 Anatomy', 14), t('2.1.1 Alveoli', 12), t('Textbook of Medicine', 36),
  ];
  const scale = headingScale(blocks);

  it('finds the body size and ranks larger sizes from h1 down', () => {
    expect(scale.bodySize).toBe(10);
    expect(headingLevel(blocks[2]!, scale)).toBe(1);
    expect(headingLevel(blocks[3]!, scale)).toBe(2);
    expect(headingLevel(blocks[4]!, scale)).toBe(3);
  });

  it('gives a size used once (the title page) the top level without taking a rank', () => {
    expect(headingLevel(blocks[9]!, scale)).toBe(1);
    expect(scale.sizes).toEqual([24, 14, 12]);
  });

  it("takes LaTeX's \\large in an 11 pt book (12 on 10.95) for a heading, but no equation set large", () => {
    // cdl-lab-manual.pdf: body 10 pt, its subsection heads ("Computers", "Travel policy") 10.9 pt.
    const on = (b: StyledText, page: number): StyledText => ({ ...b, page });
    const book = [body, body, on(t('Computers', 10.9), 31), on(t('Travel policy', 10.9), 32), t('Lab members and alumni', 20.7), t('Lab policy', 20.7)];
    const s = headingScale(book);
    expect(s.sizes).toEqual([20.5, 11]);
    expect(headingLevel(book[2]!, s)).toBe(2);
    expect(headingLevel(t('∑n Let cp = Tj count the number of activated terms', 10.9), s)).toBeUndefined();
    // A size that little larger, only on one page (a title page's author and keyword lines), is no heading size.
    const article = [body, body, on(t('Mohammad Chuttur Indiana University, USA', 10.9), 1), on(t('Keywords: Technology Acceptance, TAM.', 10.9), 1), on(t('Introduction', 14), 2), on(t('Conclusions', 14), 9)];
    const a = headingScale(article);
    expect(a.sizes).toEqual([14]);
    expect(headingLevel(article[2]!, a)).toBeUndefined();
    expect(headingLevel(article[4]!, a)).toBe(1);
    // tam-review.pdf: section heads in that size, bold, on page after page make it a heading size for bold text only.
    const paper = [body, body, on(t('Introduction', 10.9, true), 2), on(t('Theory of Reasoned Action', 10.9, true), 3), on(t('Mohammad Chuttur Indiana University, USA', 10.9), 1), on(t('Keywords: Technology Acceptance, TAM.', 10.9), 1)];
    const p = headingScale(paper);
    expect(p.sizes).toEqual([11]);
    expect(headingLevel(paper[2]!, p)).toBe(1);
    expect(headingLevel(paper[4]!, p)).toBeUndefined();
    expect(headingLevel(paper[5]!, p)).toBeUndefined();
  });

  it('takes short bold text at body size for the lowest heading and leaves body text alone', () => {
    expect(headingLevel(blocks[5]!, scale)).toBe(3);
    expect(headingLevel(body, scale)).toBeUndefined();
    expect(headingLevel(t('A bold sentence that ends with a full stop.', 10, true), scale)).toBeUndefined();
  });

  it('takes no short block of finished sentences for a heading, whatever its size; a number or an initial ends no sentence', () => {
    // bmc-dvt-review: pages mostly of 7.5 pt references, so its 9.8 pt prose looked large; a page opened with the end
    // of a paragraph from the page before ("mas. This was the only study ... guidance.").
    const refs = t('Kudsk KA, Fabian TC: Silent deep vein thrombosis in immobilized trauma patients. Am J Surg 1989. '.repeat(30), 7.5, false, 40);
    const prose = t('mas. This was the only study to experience insertion related complications, however all filters were placed at the bedside.', 9.8, false, 3);
    const head = t('Inferior vena cava filters', 9.8, false, 1);
    const s = headingScale([refs, prose, head, head]);
    expect(headingLevel(prose, s)).toBeUndefined();
    expect(headingLevel(head, s)).toBe(1);
    expect(headingLevel(t('1. Introduction.', 9.8), s)).toBe(1);
    expect(headingLevel(t('JEREMY R. MANNING, PH.D.', 9.8), s)).toBe(1);
  });
});
