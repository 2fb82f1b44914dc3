import { furnitureScores, htmlBlocks, paragraphOrder, wordF1, type TruthLike } from '../src/quality.js';

/** The scorers themselves must be able to fail: a bad conversion has to score badly. */
const truth: TruthLike = {
  blocks: [
    { seq: 0, page: 1, kind: 'heading', text: 'Chapter One' },
    { seq: 1, page: 1, kind: 'body', text: 'The first paragraph of the chapter talks about the heart.' },
    { seq: 2, page: 1, kind: 'body', text: 'The second paragraph of the chapter talks about the lungs.' },
  ],
  furniture: [{ page: 1, role: 'header', text: 'Running Head' }],
  figures: [],
};

const page = (inner: string): string => `<article data-book="x"><section data-page="1">${inner}</section></article>`;

describe('quality scorers', () => {
  it('score a faithful conversion at 1', () => {
    const blocks = htmlBlocks(page(`<p data-role="header">Running Head</p><h1>Chapter One</h1><p>${truth.blocks[1]!.text}</p><p>${truth.blocks[2]!.text}</p>`));
    expect(furnitureScores(blocks, truth)).toEqual({ marked: 1, wrongBody: 0 });
    expect(wordF1(blocks, truth)).toBe(1);
    expect(paragraphOrder(blocks, truth)).toEqual({ found: 1, inOrder: 1 });
  });

  it('penalise unmarked furniture, body marked as furniture, lost words and swapped paragraphs', () => {
    const blocks = htmlBlocks(page(`<p>Running Head</p><p data-role="footer">${truth.blocks[2]!.text}</p><p>${truth.blocks[1]!.text.slice(0, 30)}</p><h1>Chapter One</h1>`));
    expect(furnitureScores(blocks, truth)).toEqual({ marked: 0, wrongBody: 0.5 });
    expect(wordF1(blocks, truth)).toBeLessThan(0.8);
    const swapped = htmlBlocks(page(`<p>${truth.blocks[2]!.text}</p><p>${truth.blocks[1]!.text}</p>`));
    expect(paragraphOrder(swapped, truth).inOrder).toBe(0.5);
  });
});
