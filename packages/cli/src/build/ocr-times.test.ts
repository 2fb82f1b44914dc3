import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ocrTimeFile, recordOcrTime, sumOcrTimes } from './ocr-times.js';

describe('OCR times beside build-times.json', () => {
  let corpus: string;
  beforeEach(() => { corpus = mkdtempSync(join(tmpdir(), 'ocr-times-')); });
  afterEach(() => rmSync(corpus, { recursive: true, force: true }));

  it('a book folder <corpus>/build/<id> records its OCR time in <corpus>/report/ocr/<id>.json; any other folder records none', () => {
    expect(ocrTimeFile(join(corpus, 'build', 'atlas'), 'atlas')).toBe(join(corpus, 'report', 'ocr', 'atlas.json'));
    expect(ocrTimeFile(join(corpus, 'out'), 'atlas')).toBeUndefined();
    recordOcrTime(join(corpus, 'out'), 'atlas', { pages: 1, ms: 5, workers: 1, languages: ['eng'] });
    expect(existsSync(join(corpus, 'report'))).toBe(false);
  });

  it('sums the books\' records; a rerun that needed no OCR clears its record; an unreadable record is skipped', () => {
    recordOcrTime(join(corpus, 'build', 'a'), 'a', { pages: 3, ms: 7_500, workers: 2, languages: ['eng'] });
    recordOcrTime(join(corpus, 'build', 'b'), 'b', { pages: 1, ms: 2_000, workers: 1, languages: ['eng'] });
    recordOcrTime(join(corpus, 'build', 'c'), 'c', { pages: 2, ms: 1_000, workers: 1, languages: ['eng'] });
    expect(sumOcrTimes(corpus, ['a', 'b', 'c', 'd'])).toEqual({ books: 3, pages: 6, ms: 10_500 });
    // Only the corpus's current books count (a removed PDF's record is left out).
    expect(sumOcrTimes(corpus, ['a'])).toEqual({ books: 1, pages: 3, ms: 7_500 });
    recordOcrTime(join(corpus, 'build', 'b'), 'b', undefined);
    writeFileSync(join(corpus, 'report', 'ocr', 'c.json'), '{"pages": 2, "ms":');
    expect(sumOcrTimes(corpus, ['a', 'b', 'c'])).toEqual({ books: 1, pages: 3, ms: 7_500 });
  });
});
