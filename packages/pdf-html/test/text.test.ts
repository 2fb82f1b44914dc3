import { buildLines } from '../src/layout/lines.js';
import { run } from './fixtures.js';
import { joinLines, normalizeText, Vocabulary } from '../src/layout/text.js';

describe('normalizeText', () => {
  it('folds ligatures (NFKC) and drops control characters', () => {
    expect(normalizeText('e\ufb03cient \ufb01gure\u0007')).toBe('efficient figure');
  });
});

describe('joinLines', () => {
  it('joins Chinese lines, and Chinese characters OCR set apart, with no space', () => {
    expect(joinLines(['存在一个白格至少与两个黑格相邻, 则可将它也染成黑色. 求最初', '至少要染多少'])).toBe('存在一个白格至少与两个黑格相邻, 则可将它也染成黑色. 求最初至少要染多少');
    expect(joinLines(['证明了。', '因此 this holds'])).toBe('证明了。因此 this holds');
    expect(joinLines(['ends in English', '中文'])).toBe('ends in English 中文');
    expect(buildLines([run('第', 72, 100, 12, { w: 12 }), run('十', 86, 100, 12, { w: 12 }), run('五期(2016.06)', 100, 100, 12, { w: 70 }), run('主持', 180, 100, 12, { w: 24 })]).map((l) => l.text)).toEqual([
      '第十五期(2016.06) 主持',
    ]);
  });

  it('rejoins a word broken at a line end', () => {
    expect(joinLines(['the haemato-', 'poietic system'])).toBe('the haematopoietic system');
  });

  it('keeps real hyphens: compounds the book writes hyphenated, and a capital or digit after the dash', () => {
    const vocab = new Vocabulary();
    vocab.addLine('a long-term study of long-term outcomes');
    expect(joinLines(['the long-', 'term effects'], vocab)).toBe('the long-term effects');
    expect(joinLines(['the N-', 'domain'], vocab)).toBe('the N-domain');
    expect(joinLines(['COVID-', '19 cases'], vocab)).toBe('COVID-19 cases');
  });

  it('prefers the closed form when the book uses it', () => {
    const vocab = new Vocabulary();
    vocab.addLine('homoeostasis and homoeostasis');
    expect(joinLines(['electrolyte homoeo-', 'stasis'], vocab)).toBe('electrolyte homoeostasis');
  });

  it('keeps the hyphen of a compound neither of whose forms the book writes elsewhere when both halves are its words', () => {
    const vocab = new Vocabulary();
    for (const l of ['the work in progress', 'many well', 'maintained packages and well maintained code', 'the process of haemato-', 'poietic cells']) vocab.addLine(l);
    expect(joinLines(['it will be in-', 'progress, shaped'], vocab)).toBe('it will be in-progress, shaped');
    expect(joinLines(['numerous well-', 'maintained packages'], vocab)).toBe('numerous well-maintained packages');
    // "poietic" is only ever the start of a line, the rest of a broken word: no word of the book.
    expect(joinLines(['the haemato-', 'poietic system'], vocab)).toBe('the haematopoietic system');
  });

  it('removes soft hyphens and joins lines with one space', () => {
    expect(joinLines(['inter\u00ad', 'national  trade', ' and more'])).toBe('international trade and more');
  });
});
