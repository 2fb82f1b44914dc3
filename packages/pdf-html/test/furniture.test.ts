import { detectFurniture, furnitureKey, isPageNumber } from '../src/layout/furniture.js';
import type { Line } from '../src/layout/types.js';
import { line } from './fixtures.js';

/** A 20-page book: chapter heads on odd pages, the book title on even ones, folios at the foot. */
function book(): Array<{ page: number; height: number; lines: Line[] }> {
  const pages = [];
  for (let p = 1; p <= 20; p++) {
    const lines = [
      line(p % 2 ? `Chapter ${Math.ceil(p / 10)} Cardiology` : 'Textbook of Medicine', 40, 40, 9, { w: 200 }),
      line(`Body text of page ${p} about the heart.`, 40, 120, 10, { w: 400 }),
      line(`More body text ${p * 7} with different words each page ${p}.`, 40, 400, 10, { w: 400 }),
      line(String(p + 10), 290, 760, 9, { w: 12 }),
    ];
    pages.push({ page: p, height: 792, lines });
  }
  return pages;
}

describe('detectFurniture', () => {
  it('marks running heads by parity and page numbers, and no body line', () => {
    const roles = detectFurniture(book());
    for (const r of roles) {
      expect(r.get(0)).toBe('header');
      expect(r.get(3)).toBe('page-number');
      expect(r.has(1)).toBe(false);
      expect(r.has(2)).toBe(false);
    }
  });

  it('does not take a "Table n" title repeated at page tops for a running head', () => {
    const pages = book().map((p) => ({ ...p, lines: [...p.lines, line(`Table ${p.page} Drug doses`, 40, 60, 9, { w: 200 })] }));
    for (const r of detectFurniture(pages)) expect(r.has(4)).toBe(false);
  });

  it('catches a chapter head printed on too few pages to repeat, at the position confirmed elsewhere', () => {
    const pages = book();
    pages[4]!.lines[0] = line('A one-off chapter head', 40, 40, 9, { w: 200 });
    expect(detectFurniture(pages)[4]!.get(0)).toBe('header');
  });

  it('folds digits and case so "Page 12" and "page 13" match', () => {
    expect(furnitureKey('Chapter 3 — Page 12')).toBe(furnitureKey('chapter 4 — page 130'));
    expect(isPageNumber('xii')).toBe(true);
    expect(isPageNumber('Page 12 of 300')).toBe(true);
    expect(isPageNumber('12 patients')).toBe(false);
  });
});
