/**
 * Text clean-up that needs no geometry: Unicode compatibility normalisation
 * (ligatures, full-width forms) and rejoining words the typesetter broke at a
 * line end.
 */

/** NFKC folds "ﬁ" to "fi"; control characters and the replacement character carry no text. */
export function normalizeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.normalize('NFKC').replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '');
}

const WORD = /[\p{L}\p{N}]+(?:[-\u2010][\p{L}\p{N}]+)*/gu;

const TIGHT_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f]$/u;
const TIGHT_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f]/u;

/**
 * Chinese and Japanese set no space between words, nor at a line break: two
 * such characters (or their punctuation, "。") join tight, however far apart
 * their glyph boxes stand (OCR boxes hug the ink and leave gaps between characters).
 */
export const joinsTight = (before: string, after: string): boolean => TIGHT_END.test(before) && TIGHT_START.test(after);

/**
 * How often each word form occurs in a book, hyphenated compounds included:
 * the book's own usage decides whether "well-\nknown" is "well-known".
 */
export class Vocabulary {
  private readonly counts = new Map<string, number>();
  /** Words not at the start of their line: a line's first word may be the rest of a word broken at the line before. */
  private readonly inner = new Map<string, number>();

  addLine(text: string): void {
    // The fragment before a line-end hyphen is not a word of the book.
    const body = text.replace(/[\p{L}\p{N}]+[-\u2010\u00ad]$/u, '');
    let first = true;
    for (const m of body.matchAll(WORD)) {
      const w = m[0].toLowerCase().replace(/\u2010/g, '-');
      this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
      if (!first) this.inner.set(w, (this.inner.get(w) ?? 0) + 1);
      first = false;
    }
  }

  count(word: string): number {
    return this.counts.get(word.toLowerCase()) ?? 0;
  }

  /** Occurrences other than as a line's first word. */
  countInner(word: string): number {
    return this.inner.get(word.toLowerCase()) ?? 0;
  }
}

/**
 * Join a paragraph's lines. A line ending in a soft hyphen always joins; one
 * ending in a hyphen after a letter, followed by a lower-case letter, joins
 * without the hyphen unless the book writes the hyphenated form more often than
 * the closed one (a real compound, "long-term"), in which case the hyphen stays.
 */
export function joinLines(lines: string[], vocab?: Vocabulary): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) {
      out = line;
      continue;
    }
    if (out.endsWith('\u00ad')) {
      out = out.slice(0, -1) + line;
      continue;
    }
    // Anchored-at-end patterns scan from the start: look at the tail only, or long paragraphs go quadratic.
    const tail = out.slice(-64);
    const hy = /([\p{L}]+)[-\u2010]$/u.exec(tail);
    const next = /^([\p{Ll}][\p{L}]*)/u.exec(line);
    if (hy && next) {
      const head = hy[1]!;
      const rest = next[1]!;
      const closed = vocab?.count(head + rest) ?? 0;
      const hyphenated = vocab?.count(`${head}-${rest}`) ?? 0;
      // "N-\ndomain", "DNA-\nbinding": an initial or an acronym before the hyphen is a compound, never a split word.
      const acronym = head.length === 1 || head === head.toUpperCase();
      // Neither form written elsewhere, but both halves are words of the book ("in-\nprogress", "well-\nmaintained"): a compound.
      const compound = closed === 0 && hyphenated === 0 && !!vocab && vocab.count(head) > 0 && vocab.countInner(rest) > 0;
      out = acronym || compound || hyphenated > closed ? out.slice(0, -1) + '-' + line : out.slice(0, -1) + line;
      continue;
    }
    // A line ending in a dash between digits or after a capital keeps it and joins tight ("1-\n2", "COVID-\n19").
    if (/^[\p{N}\p{Lu}]/u.test(line) && /[\p{L}\p{N}][-\u2010\u2013]$/u.test(tail)) {
      out += line;
      continue;
    }
    out += joinsTight(tail, line) ? line : ' ' + line;
  }
  return out.replace(/\u00ad/g, '').replace(/\s+/g, ' ').trim();
}
