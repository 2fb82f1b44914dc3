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

  it('takes short bold text at body size for the lowest heading and leaves body text alone', () => {
    expect(headingLevel(blocks[5]!, scale)).toBe(3);
    expect(headingLevel(body, scale)).toBeUndefined();
    expect(headingLevel(t('A bold sentence that ends with a full stop.', 10, true), scale)).toBeUndefined();
  });
});
