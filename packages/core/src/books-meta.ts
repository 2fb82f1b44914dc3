import { existsSync, readFileSync } from 'node:fs';

/** One book's entry in `books.json`; every field optional, unknown fields kept for the user's own use. */
export interface BookMeta {
  title?: string;
  specialty?: string;
  licence?: string;
  /** The book's language(s) for OCR, as tesseract codes: "eng", "deu", or several: "eng+fra" or ["eng", "fra"]. */
  language?: string | string[];
  [key: string]: unknown;
}

/** `books.json` (optional): `{"<book-id>": {...}}`; an absent file is no metadata. */
export function readBooksMeta(file: string): Record<string, BookMeta> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, BookMeta>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); fix it or remove it`);
  }
}

/**
 * The OCR languages of a book: its `language` in books.json, else the
 * corpus' `languages` (the language filter's list, ISO 639-3 codes, which are
 * tesseract's for most languages), else English.
 */
export function ocrLanguages(meta: BookMeta | undefined, corpusLanguages: string[]): string[] {
  const own = meta?.language;
  const list = Array.isArray(own) ? own : typeof own === 'string' ? own.split('+') : corpusLanguages;
  const clean = list.map((l) => l.trim()).filter(Boolean);
  return clean.length ? clean : ['eng'];
}
