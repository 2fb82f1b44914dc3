/**
 * List items by their markers. Ordered markers carry their number (the list's
 * `<ol start>` and `type` keep it, as HTML does, so the item text is the
 * item's own words); bullets are dropped for `<ul>`.
 */
export type ListType = '1' | 'a' | 'A' | 'i' | 'I';

export interface ListMarker {
  ordered: boolean;
  /** 1-based position the marker states (1 for "a", 4 for "iv"); undefined for bullets. */
  value?: number;
  type?: ListType;
  /** The marker as printed, e.g. "3." or "(b)" or "•". */
  marker: string;
  /** The item text after the marker. */
  rest: string;
}

/** Bullets, dashes and the Symbol/Wingdings glyphs pdf.js maps to the private use area. */
const BULLET = /^([•◦▪▫‣⁃●○■□➢➤►▸✓✔–—-]|[\uF000-\uF0FF])\s*(?=\S)/u;
const NUMBERED = /^(\(?)(\d{1,3}|[a-z]|[A-Z]|[ivxlc]{1,6}|[IVXLC]{1,6})([.)])\s+(?=\S)/u;
const PARENTHESISED = /^\((\d{1,3}|[a-z]|[ivxlc]{1,6})\)\s+(?=\S)/u;

function roman(s: string): number | undefined {
  const v: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };
  let total = 0;
  const low = s.toLowerCase();
  for (let i = 0; i < low.length; i++) {
    const a = v[low[i]!]!;
    const b = i + 1 < low.length ? v[low[i + 1]!]! : 0;
    total += a < b ? -a : a;
  }
  return total > 0 && total < 200 ? total : undefined;
}

function ordinal(token: string): { value: number; type: ListType } | undefined {
  if (/^\d+$/.test(token)) return { value: Number(token), type: '1' };
  // "i", "v", "x" alone read as letters (a list rarely reaches item i); longer Roman numerals as numerals.
  if (/^[ivxlc]{2,}$/.test(token)) return roman(token) ? { value: roman(token)!, type: 'i' } : undefined;
  if (/^[IVXLC]{2,}$/.test(token)) return roman(token) ? { value: roman(token)!, type: 'I' } : undefined;
  if (/^[a-z]$/.test(token)) return { value: token.charCodeAt(0) - 96, type: 'a' };
  if (/^[A-Z]$/.test(token)) return { value: token.charCodeAt(0) - 64, type: 'A' };
  return undefined;
}

export function listMarker(text: string): ListMarker | undefined {
  const t = text.trimStart();
  const bullet = BULLET.exec(t);
  if (bullet) {
    // A dash opening a line is a bullet only when a space follows it ("- item", not "-5 °C").
    if (/^[–—-]$/.test(bullet[1]!) && !/^[–—-]\s/.test(t)) return undefined;
    return { ordered: false, marker: bullet[1]!, rest: t.slice(bullet[0].length) };
  }
  const paren = PARENTHESISED.exec(t);
  if (paren) {
    const o = ordinal(paren[1]!);
    if (o) return { ordered: true, ...o, marker: `(${paren[1]})`, rest: t.slice(paren[0].length) };
  }
  const num = NUMBERED.exec(t);
  if (num && !(num[1] === '(' && num[3] === '.')) {
    const o = ordinal(num[2]!);
    // "A." or "I." opening a sentence is a capital, not an item, unless ")" says otherwise.
    if (o && !(/^[A-Z]$/.test(num[2]!) && num[3] === '.' && /^[a-z]/.test(t.slice(num[0].length)))) {
      return { ordered: true, ...o, marker: `${num[1]}${num[2]}${num[3]}`, rest: t.slice(num[0].length) };
    }
  }
  return undefined;
}

/** Items of one list: the same kind of marker, ordered ones counting on. */
export function continuesList(prev: ListMarker, next: ListMarker): boolean {
  if (prev.ordered !== next.ordered) return false;
  if (!prev.ordered) return prev.marker === next.marker;
  return prev.type === next.type && next.value === prev.value! + 1;
}

/**
 * The marker as a list's first item: "i" (or "I") alone reads as a letter in
 * a list that has come that far (a, b, ..., h, i), but a list opening with it
 * counts in Roman numerals: "(i) they are best run ..., or (ii) ..." is items
 * 1 and 2, not 9 and 10.
 */
export function firstItem(marker: ListMarker): ListMarker {
  if (marker.ordered && marker.value === 9 && (marker.type === 'a' || marker.type === 'A')) return { ...marker, value: 1, type: marker.type === 'a' ? 'i' : 'I' };
  return marker;
}
