import { normalizeText, normalizeWords } from '@mtb/dedup-filter';

describe('normalizeText', () => {
  it('lowercases, folds digits, removes punctuation and collapses whitespace', () => {
    expect(normalizeText('  A 45-year-old Patient,\n\twith  "fever" (38.5 °C)!  ')).toBe('a 00yearold patient with fever 000 c');
  });
  it('makes reflowed and renumbered copies equal', () => {
    expect(normalizeText('Figure 3.2 shows the left\nventricle.')).toBe(normalizeText('FIGURE 7.9 shows   the left ventricle'));
  });
  it('applies NFKC (ligatures, full-width digits) and keeps non-Latin letters', () => {
    expect(normalizeText('ﬁbrosis ２３ μm – β-blockers')).toBe('fibrosis 00 μm βblockers');
  });
  it('gives no words for punctuation-only text', () => {
    expect(normalizeWords(' ... — !! ')).toEqual([]);
  });
});
