import { francAll } from 'franc-min';
import { data } from 'franc-min/data.js';
import { expressions } from 'franc-min/expressions.js';

/**
 * Every language franc-min can name: the trigram models per script, plus the
 * scripts that stand for one language (Han -> cmn, Greek -> ell, ...).
 */
export const KNOWN_LANGUAGES: ReadonlySet<string> = new Set([
  ...Object.values(data).flatMap((langs) => Object.keys(langs)),
  ...Object.keys(expressions).filter((k) => !(k in data)),
]);

export function assertKnownLanguages(languages: readonly string[]): void {
  const unknown = languages.filter((l) => !KNOWN_LANGUAGES.has(l));
  if (unknown.length) {
    throw new Error(`corpus.json "languages": ${unknown.map((l) => `"${l}"`).join(', ')} cannot be identified by franc-min; use ISO 639-3 codes among ${[...KNOWN_LANGUAGES].sort().join(', ')}, or [] to keep every language`);
  }
}

/**
 * Characters franc reads of a block or page (franc itself stops at 2,048).
 * Its cost grows with the distinct trigrams it sees, and a thousand characters
 * of a page already put English at >= 0.9 and other languages below 0.85.
 */
const SAMPLE_CHARS = 1000;

/**
 * Whether `text` is in one of `languages`: 'yes', 'no', or 'unknown' when
 * franc sees no script it knows (digits, symbols). franc ranks languages by
 * trigram distance, normalised so the best scores 1; a configured language
 * within `minScore` of the best counts, because English prose full of Latin
 * terms, names or data often ranks French or Dutch a hair above English.
 */
export function languageVerdict(text: string, languages: readonly string[], minScore: number): 'yes' | 'no' | 'unknown' {
  const ranked = francAll(text.slice(0, SAMPLE_CHARS), { minLength: 1 });
  if (ranked.length === 1 && ranked[0]![0] === 'und') return 'unknown';
  for (const [lang, score] of ranked) {
    if (score < minScore) break;
    if (languages.includes(lang)) return 'yes';
  }
  return 'no';
}
