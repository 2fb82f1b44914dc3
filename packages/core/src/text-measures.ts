/**
 * Plain measures of a text block that several filters read. Letters and digits
 * are Unicode classes, so Greek, accented names and CJK count as letters, not symbols.
 */

const WORD_RE = /[\p{L}\p{N}]/u;
const SPACE_RE = /\s/u;
const LETTER_RE = /\p{L}/u;
const DIGIT_RE = /\p{N}/u;
/**
 * Punctuation of ordinary sentences, data and formulas in running text
 * ("4.27–4.02(3H, m)"): not evidence of a broken text layer, so not a symbol.
 */
const PROSE_PUNCTUATION = /[.,;:!?'"()[\]\-\u2010-\u2015\u2018\u2019\u201c\u201d/]/u;

/**
 * Scripts written without spaces between words (Chinese, Japanese kana): a
 * character is the unit a word is elsewhere. Korean spaces its words, so
 * Hangul is not among them.
 */
export const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/** Whitespace-separated tokens that hold at least one letter or digit. */
export function words(text: string): string[] {
  return text.split(/\s+/u).filter((w) => WORD_RE.test(w));
}

export function wordCount(text: string): number {
  let n = 0;
  for (const w of text.split(/\s+/u)) {
    if (!WORD_RE.test(w)) continue;
    if (!UNSPACED_SCRIPT.test(w)) {
      n++;
      continue;
    }
    // Each Chinese or Japanese character a word, and what is left between them ("2016", "BC") one each.
    for (const part of w.split(UNSPACED_RUN)) if (WORD_RE.test(part)) n++;
    for (const run of w.match(UNSPACED_RUN) ?? []) n += [...run].length;
  }
  return n;
}

export interface CharProfile {
  /** Characters other than whitespace. */
  visible: number;
  letters: number;
  digits: number;
  /** Neither letter, digit, whitespace nor prose punctuation: maths, dingbats, control and replacement characters. */
  symbols: number;
  /** Count of the most frequent visible character that is not a digit (tables of numbers repeat "0" by nature). */
  topNonDigitCount: number;
}

const enum Cls { Space, Letter, Digit, Punct, Symbol }

/** Classes of the ASCII range, looked up instead of matched: most book text is ASCII. */
const ASCII_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = classify(String.fromCharCode(c));
  return t;
})();

function classify(ch: string): Cls {
  if (SPACE_RE.test(ch)) return Cls.Space;
  if (LETTER_RE.test(ch)) return Cls.Letter;
  if (DIGIT_RE.test(ch)) return Cls.Digit;
  return PROSE_PUNCTUATION.test(ch) ? Cls.Punct : Cls.Symbol;
}

export function charProfile(text: string): CharProfile {
  const asciiFreq = new Uint32Array(128);
  let otherFreq: Map<number, number> | null = null;
  let visible = 0, letters = 0, digits = 0, symbols = 0, topNonDigit = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    let cls: Cls;
    let count: number;
    if (code < 128) {
      cls = ASCII_CLASS[code]!;
      if (cls === Cls.Space) continue;
      count = ++asciiFreq[code]!;
    } else {
      code = text.codePointAt(i)!;
      if (code > 0xffff) i++;
      cls = classify(String.fromCodePoint(code));
      if (cls === Cls.Space) continue;
      otherFreq ??= new Map();
      count = (otherFreq.get(code) ?? 0) + 1;
      otherFreq.set(code, count);
    }
    visible++;
    if (cls === Cls.Letter) letters++;
    else if (cls === Cls.Digit) digits++;
    else if (cls === Cls.Symbol) symbols++;
    if (cls !== Cls.Digit && count > topNonDigit) topNonDigit = count;
  }
  return { visible, letters, digits, symbols, topNonDigitCount: topNonDigit };
}

/** URLs, e-mail addresses and DOIs are long by nature, not because spaces went missing. */
const LONG_BY_NATURE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.|doi:|10\.\d{4,}\/)|@[\w-]+\.|\.(?:com|org|net|edu|gov)\b/i;

/**
 * Letter runs longer than `maxLength`, where a run stops at anything that is not
 * a letter: so a chemical name ("2-amino-3-(4-hydroxyphenyl)propanoic") is judged
 * by its parts, and only words glued together by a lost space layer stay long.
 */
export function overlongLetters(text: string, maxLength: number): { overlong: number; letters: number } {
  let overlong = 0, letters = 0;
  for (const w of text.split(/\s+/u)) {
    if (!w || LONG_BY_NATURE.test(w)) continue;
    // Chinese and Japanese run their words together by nature: only spaced scripts can have overlong words.
    for (const run of w.split(/(?:[^\p{L}\p{M}]|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])+/u)) {
      letters += run.length;
      if (run.length > maxLength) overlong += run.length;
    }
  }
  return { overlong, letters };
}

/** A Latin letter standing alone, or with the stop or comma after it ("R", "D."). */
const SPACED_LETTER = /^([A-Za-z])[.,;:]?$/u;
/** Fewest letters in a letter-spaced run: "L A B" could be initials; "L A B M" is not. */
const MIN_SPACED_LETTERS = 4;
/** Vowels, Y left out: a list of variables ("x y z w") is no word. */
const VOWEL = /[AEIOUaeiou]/;

/**
 * Indices of tokens that are letters of a letter-spaced word or title
 * ("J E R E M Y R . M A N N I N G", "L A B M A N U A L": tracking set wide, so
 * a text layer puts a space between every letter). A run of at least
 * MIN_SPACED_LETTERS single Latin letters of one case (punctuation tokens may
 * stand between them) that spells language: several different letters, vowels
 * among them at the share words have. A broken font's stream of lone glyphs
 * ("Ù õ œ K Ø ò") mixes case and scripts, or repeats one glyph.
 */
export function letterSpacedTokens(tokens: string[]): Set<number> {
  const out = new Set<number>();
  let run: number[] = [];
  const close = (): void => {
    if (run.length >= MIN_SPACED_LETTERS) {
      const letters = run.map((i) => SPACED_LETTER.exec(tokens[i]!)![1]!);
      const upper = letters.every((c) => c === c.toUpperCase());
      const lower = letters.every((c) => c === c.toLowerCase());
      const vowels = letters.filter((c) => VOWEL.test(c)).length / letters.length;
      if ((upper || lower) && new Set(letters).size >= 3 && vowels >= 0.2 && vowels <= 0.7) for (const i of run) out.add(i);
    }
    run = [];
  };
  tokens.forEach((w, i) => {
    if (SPACED_LETTER.test(w)) run.push(i);
    else if (WORD_RE.test(w)) close();
  });
  close();
  return out;
}

/** Two ASCII letters or digits: neither is punctuation or a symbol, so both stay in the token's core. */
function twoAsciiAlnums(w: string): boolean {
  let n = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    const lower = c | 32;
    if ((c >= 48 && c <= 57) || (lower >= 97 && lower <= 122)) if (++n === 2) return true;
  }
  return false;
}

/** Tokens that make a lone letter a formula variable ("a = 73.1", "x < 2"). */
const OPERATOR = /^[=<>\u2264\u2265\u00d7\u00b1+\u2212\u2013\-/*^~\u2248\u2260]$/u;

/**
 * Share of one-character words that English prose does not have: "a", "A", "I",
 * digits, initials ("F.", "Baker D,"), list labels ("(b)") and formula variables
 * ("b = 77.3") are normal; a text layer that decodes to single glyphs
 * ("õ õ õ K K K") is not.
 */
export function strayCharShare(text: string): number {
  const tokens = text.split(/\s+/u).filter(Boolean);
  const strays: number[] = [];
  let counted = 0;
  tokens.forEach((w, i) => {
    // Most tokens are words: their core holds two letters at least, so they are no lone glyph (and need no regex).
    if (twoAsciiAlnums(w)) {
      counted++;
      return;
    }
    if (!WORD_RE.test(w)) return;
    counted++;
    if (/^\p{Lu}[.,;]{1,2}$/u.test(w)) return;
    if (/^\(\p{L}\)[.,;:]?$/u.test(w)) return;
    const core = w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
    // A lone Chinese character is a word (OCR spaces them apart), not a stray glyph.
    if ([...core].length !== 1 || /^[aAI\p{N}]$/u.test(core) || UNSPACED_SCRIPT.test(core)) return;
    if (OPERATOR.test(tokens[i + 1] ?? '') || OPERATOR.test(tokens[i - 1] ?? '')) return;
    strays.push(i);
  });
  // Letters of a letter-spaced title are no strays (looked for only where there are strays enough to make one).
  let stray = strays.length;
  if (stray >= MIN_SPACED_LETTERS) {
    const spaced = letterSpacedTokens(tokens);
    stray = strays.filter((i) => !spaced.has(i)).length;
  }
  return counted ? stray / counted : 0;
}
