/**
 * Note markers (superscript digits and symbols: footnote and sidenote calls)
 * travel inside line and paragraph text wrapped in two private-use characters,
 * so they survive joining and dehyphenation; the book assembly then takes out
 * the markers whose note it found and unwraps the others (exponents, "r²").
 * No marked text ever leaves the layout: `plainText` is applied to every node.
 */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

const MARKER = /^(?:\d{1,3}|[*†‡§¶‖#]{1,3})(?:,(?:\d{1,3}|[*†‡§¶‖#]{1,3}))*$/u;
const MARKED = /\uE000([^\uE001]*)\uE001/gu;

/** Could this superscript text be a note call? Digits, the classic symbols, or a short list of them. */
export function isMarkerText(text: string): boolean {
  return MARKER.test(text.trim());
}

export function wrapMarker(text: string): string {
  return MARK_OPEN + text.trim() + MARK_CLOSE;
}

/** Marker labels in order of appearance ("3", "4" for a call "3,4"). */
export function markerLabels(text: string): string[] {
  return [...text.matchAll(MARKED)].flatMap((m) => m[1]!.split(','));
}

/** The label a note starts with: a wrapped superscript, or a plain digit or symbol followed by a space. */
export function leadingLabel(text: string): { label: string; rest: string } | undefined {
  const t = text.trimStart();
  const wrapped = /^\uE000([^\uE001]*)\uE001\s*/u.exec(t);
  if (wrapped && isMarkerText(wrapped[1]!)) return { label: wrapped[1]!.trim(), rest: t.slice(wrapped[0].length) };
  const plain = /^(\d{1,3}|[*†‡§¶‖]{1,3})[.)]?\s+(?=\S)/u.exec(t);
  if (plain) return { label: plain[1]!, rest: t.slice(plain[0].length) };
  return undefined;
}

/** Markers whose label is in `found` are removed (their note follows the paragraph); others become plain text. */
export function resolveMarkers(text: string, found: ReadonlySet<string>): string {
  return text
    .replace(MARKED, (_, inner: string) => {
      const labels = inner.split(',');
      return labels.every((l) => found.has(l.trim())) ? '' : inner;
    })
    .replace(/\s+([.,;:!?)])/g, (m, p: string) => (m.includes('\n') ? m : p))
    .replace(/ {2,}/g, ' ')
    .trim();
}

export function plainText(text: string): string {
  return resolveMarkers(text, new Set());
}
