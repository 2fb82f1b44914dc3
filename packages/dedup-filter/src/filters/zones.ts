/**
 * Front and back matter live at the ends of a book: the first (or last) tenth
 * of its pages, and at least `minPages` pages, so short books are covered whole.
 */
export function matterZone(pageCount: number, minPages: number): number {
  return Math.max(minPages, Math.ceil(pageCount / 10));
}

export function inBackZone(index: number, pageCount: number, minPages: number): boolean {
  return index >= pageCount - matterZone(pageCount, minPages);
}
