import type { TextUnit, Unit } from './units.js';

/**
 * A heading that opens a chapter: "Chapter 11 ...", "CHAPTER 2. ...", "Part II",
 * "Unit 3", "Appendix A", or a single chapter number ("11 The Hand",
 * "3. Ovarian masses"); a section number ("11.2 Bones") is not one.
 */
const CHAPTER_HEADING = /^(?:(?:chapter|part|unit|lecture|module|appendix|book)\s+(?:\d{1,3}|[IVXLCDM]{1,7}|[A-Z])\b|\d{1,3}\.?(?:\s|$))/i;

export function isChapterHeading(u: Unit): u is TextUnit {
  return u.kind === 'text' && u.role === 'heading' && u.level > 0 && CHAPTER_HEADING.test(u.text);
}

/**
 * The heading level of the book's chapters: the highest level (h1 before h2)
 * with at least two chapter headings, or 0 when there is none (an article,
 * or a book without numbered chapters, is one chapter). Section headings
 * never cut: an article's INTRODUCTION and RESULTS share its figures.
 */
export function chapterLevel(units: readonly Unit[]): number {
  const counts = new Map<number, number>();
  for (const u of units) if (isChapterHeading(u)) counts.set(u.level, (counts.get(u.level) ?? 0) + 1);
  for (let level = 1; level <= 6; level++) if ((counts.get(level) ?? 0) >= 2) return level;
  return 0;
}

/**
 * Units cut into chapters, in order: a chapter starts at every chapter heading
 * of the chapter level or above ("Part I" over its chapters). Segments never
 * cross a chapter boundary, and a figure is anchored only by references in
 * its own chapter.
 */
export function splitChapters(units: readonly Unit[]): Unit[][] {
  const level = chapterLevel(units);
  const chapters: Unit[][] = [];
  let cur: Unit[] = [];
  let lastSeq = -1;
  for (const u of units) {
    // (an overlong heading cut into sentences opens one chapter, not several)
    const opens = level > 0 && u.seq !== lastSeq && isChapterHeading(u) && u.level <= level;
    lastSeq = u.seq;
    if (opens && cur.length > 0) {
      chapters.push(cur);
      cur = [];
    }
    cur.push(u);
  }
  if (cur.length > 0) chapters.push(cur);
  return chapters;
}
