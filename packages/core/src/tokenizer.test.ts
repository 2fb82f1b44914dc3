import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodePlain, encodePlainReference } from './index.js';

const CAPTIONS = join(process.cwd(), '..', 'shared', 'corpus', 'captions', 'roco-validation-non-radiology-captions.tsv');

describe('memoised tokenizer', () => {
  it('gives exactly the ids of llama-tokenizer-js on tricky strings', () => {
    const cases = [
      'Hello world', '  leading spaces', 'trailing spaces   ', 'a  b   c    d', 'tabs\tand\nnewlines\n\n here',
      'émigré naïve café 東京 🙂 — “quotes”', 'x', ' ', '   ', 'co-operation 3.14159 1,000,000 (Fig. 2.1)',
      'HbA1c≥6.5% and pO₂ < 60 mmHg', 'end.', 'a'.repeat(600), 'word '.repeat(50),
    ];
    for (const c of cases) expect(encodePlain(c)).toEqual(encodePlainReference(c));
  });
  it('gives exactly the same ids on real biomedical captions', () => {
    if (!existsSync(CAPTIONS)) throw new Error(`missing ${CAPTIONS}: the tests need ../shared beside the repo`);
    const lines = readFileSync(CAPTIONS, 'utf8').split('\n').filter(Boolean).slice(0, 400).map((l) => l.split('\t')[1] ?? l);
    for (const l of lines) expect(encodePlain(l)).toEqual(encodePlainReference(l));
    const joined = lines.join(' ');
    expect(encodePlain(joined)).toEqual(encodePlainReference(joined));
  });
});
