import { captionPlacement, furnitureScores, notePlacement, htmlBlocks, paragraphOrder, wordF1, type TruthLike } from '../src/quality.js';

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

  it('place each truth caption: held by its figure or table, a caption of its own, body text, or missing', () => {
    const truthText = [
      'Dynamics of the pure successional niche model',
      'CAPTION: Dynamics of the pure successional niche model',
      'CAPTION: Built-in global variables',
      'CAPTION: Self-locking nuts.',
      'CAPTION: A plot of numerical solutions of the Ricker model.',
      'CAPTION: An app to explore behaviour of the model.',
    ].join('\n');
    const html = page(
      '<h2>Dynamics of the pure successional niche model</h2>' +
        '<figure data-bbox="0,0,1,1"><img src="a.png"><figcaption>Figure 6: Dynamics of the pure successional niche model</figcaption></figure>' +
        '<table><caption>Table 3-2 Built-in global variables</caption><tr><td>a</td></tr></table>' +
        '<p data-role="caption">Figure 7-26. Self-locking nuts.</p>' +
        '<p>Figure 1.2 is a plot of numerical solutions of the Ricker model.</p>',
    );
    // The heading holds the first caption's words as well; the figure's caption is where it is counted.
    expect(captionPlacement(truthText, html)).toEqual({ truth: 5, held: 2, apart: 1, body: 1, missing: 1 });
    expect(captionPlacement(truthText, page('<p>Nothing of the kind.</p>'))).toEqual({ truth: 5, held: 0, apart: 0, body: 0, missing: 5 });
  });

  it('place each truth note: right after the truth’s block, after another, not marked as a note, or missing', () => {
    const truthText = [
      'Resource allocation. Our lab resources are finite and used efficiently.',
      'NOTE: NOTE: Funding is discussed in the grants channel on Slack.',
      'Adaptability. We cannot always plan everything in advance.',
      'NOTE: TASK: Read this letter about boundaries between lab members.',
      'You are unlikely to meet the requirements for authorship.',
      'NOTE: Posters have less stringent authorship requirements than papers.',
      'NOTE: Department talks are listed on the events calendar.',
    ].join('\n');
    const html = page(
      '<ul><li>Resource allocation. Our lab resources are finite and used efficiently.</li></ul>' +
        '<p data-role="note">NOTE: Funding is discussed in the grants channel on Slack.</p>' +
        '<ul><li>Adaptability. We cannot always plan everything in advance.</li></ul>' +
        '<p>You are unlikely to meet the requirements for authorship.</p>' +
        '<p data-role="note">TASK: Read this letter about boundaries between lab members.</p>' +
        '<p>NOTE: Posters have less stringent authorship requirements than papers.</p>' +
        '<p data-role="note">NOTE: Department talks are listed</p><p data-role="note">on the events calendar.</p>',
    );
    expect(notePlacement(truthText, html)).toEqual({ truth: 4, placed: 1, elsewhere: 1, unmarked: 1, missing: 1 });
  });
});
