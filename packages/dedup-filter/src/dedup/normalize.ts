/**
 * Text normalization for duplicate detection (DESIGN.md 4.3): NFKC, lowercase,
 * every decimal digit folded to 0, punctuation and symbols removed, whitespace
 * collapsed. Two paragraphs that differ only in numbers ("45-year-old" vs
 * "52-year-old"), quotes, hyphenation style or line breaks normalize alike.
 *
 * Punctuation is removed, not replaced by a space, as datatrove's simplify_text
 * does: "well-known" and "wellknown" are the same word, "e.g." becomes "eg".
 *
 * One pass over UTF-16 code units with a class table built once from the
 * Unicode property regexes: running those regexes over every paragraph costs
 * more than shingling and MinHash together (measured ~70 MB/s vs 20 MB/s for
 * the regex version on ROCO captions).
 */
const KEEP = 0;
const DROP = 1;
const DIGIT = 2;
const SPACE = 3;

const CLASS = (() => {
  const t = new Uint8Array(65536);
  const punct = /[\p{P}\p{S}]/u;
  const digit = /\p{Nd}/u;
  const space = /\s/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // surrogate halves: part of a word
    const ch = String.fromCharCode(c);
    if (digit.test(ch)) t[c] = DIGIT;
    else if (space.test(ch) || c < 32 || c === 0x7f) t[c] = SPACE;
    else if (punct.test(ch)) t[c] = DROP;
  }
  return t;
})();

const NON_ASCII = /[^\x00-\x7f]/;
let buf = new Uint16Array(4096);
const utf16 = new TextDecoder('utf-16le');

/**
 * Normalize into a shared UTF-16 buffer (valid until the next call): words
 * separated by single spaces (32), no leading or trailing space. Returns the
 * buffer and the number of code units written. Callers that hash words read
 * them straight from here, without making a string per word.
 */
export function normalizeInto(text: string): { units: Uint16Array; length: number } {
  const s = (NON_ASCII.test(text) ? text.normalize('NFKC') : text).toLowerCase();
  if (s.length > buf.length) buf = new Uint16Array(Math.max(s.length, buf.length * 2));
  const out = buf;
  let n = 0;
  let pendingSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const cls = CLASS[c]!;
    if (cls === DROP) continue;
    if (cls === SPACE) {
      pendingSpace = n > 0;
      continue;
    }
    if (pendingSpace) {
      out[n++] = 32;
      pendingSpace = false;
    }
    out[n++] = cls === DIGIT ? 48 : c;
  }
  return { units: out, length: n };
}

/** The normalized text: normalized words joined by single spaces. */
export function normalizeText(text: string): string {
  const { units, length } = normalizeInto(text);
  return length === 0 ? '' : utf16.decode(units.subarray(0, length));
}

/** The words of `text` after normalization, in order (no empty words). */
export function normalizeWords(text: string): string[] {
  const s = normalizeText(text);
  return s === '' ? [] : s.split(' ');
}
