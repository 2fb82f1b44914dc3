import { neutralizeSpecialMarkers } from '@mtb/core';

/** A figure/caption pair as PMC-OA's jsonl gives it, validated and normalized. */
export interface Pair {
  /** The image name, as the jsonl names it (the row id). */
  image: string;
  caption: string;
  /** PMC id of the source article ("PMC212319"), or null when neither field nor name gives one. */
  pmcid: string | null;
}

/** Why a row was skipped; every reason is counted and each skipped row listed. */
export type RejectReason =
  | 'malformed-json'
  | 'line-too-long'
  | 'invalid-row'
  | 'empty-caption'
  | 'unsafe-path'
  | 'duplicate-image'
  | 'missing-image'
  | 'image-too-large'
  | 'undecodable-image';

export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string };

const reject = (reason: RejectReason, detail: string): { ok: false; reason: RejectReason; detail: string } => ({ ok: false, reason, detail });

/**
 * A data-supplied image name must name a file inside the image root: no empty
 * segment tricks, no `..`, no absolute or drive-letter path, no NUL, no
 * backslash (a Windows separator in a zip is a classic zip-slip vector).
 * Returns why it is unsafe, or null.
 */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (name.includes('\0')) return 'NUL byte in name';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive-letter path';
  const parts = name.split('/');
  if (parts.includes('..')) return '".." segment';
  if (parts.some((p) => p === '' || p === '.')) return 'empty or "." segment';
  return null;
}

const PMCID_IN_NAME = /^(PMC\d+)(?=[_.\-])/i;

/** "PMC212319", 212319 or "212319" -> "PMC212319"; anything else -> null. */
export function normalizePmcid(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return `PMC${raw}`;
  if (typeof raw !== 'string') return null;
  const m = /^\s*(?:PMC)?(\d+)\s*$/i.exec(raw);
  return m ? `PMC${m[1]}` : null;
}

/** PMC-OA names images `<PMCID>_<figure>.jpg`; the article id is the prefix. */
export function pmcidFromImageName(image: string): string | null {
  const base = image.slice(image.lastIndexOf('/') + 1);
  const m = PMCID_IN_NAME.exec(base);
  return m ? `PMC${m[1]!.slice(3)}` : null;
}

/**
 * Captions become plain text between two markers: whitespace runs (line breaks
 * inside a caption) fold to one space, and a literal `<image>` or
 * `<|endofchunk|>` typed in a caption is escaped so it never becomes a special token.
 */
export function normalizeCaption(caption: string): string {
  return neutralizeSpecialMarkers(caption.replace(/\s+/g, ' ').trim());
}

/**
 * Validate one parsed jsonl value. Both PMC-OA layouts carry `image` and
 * `caption`; `pmcid` (public split files) is preferred over the name's prefix.
 * Other fields (`url_name`, `alignment_type`, `alignment_score`) are accepted and ignored.
 */
export function parsePair(value: unknown): Verdict<Pair> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return reject('invalid-row', 'not a JSON object');
  const row = value as Record<string, unknown>;
  if (typeof row.image !== 'string' || row.image.trim() === '') return reject('invalid-row', 'no "image" string');
  const image = row.image.trim();
  const unsafe = unsafeNameReason(image);
  if (unsafe) return reject('unsafe-path', `${unsafe}: ${JSON.stringify(image)}`);
  if (row.caption !== undefined && row.caption !== null && typeof row.caption !== 'string') {
    return reject('invalid-row', '"caption" is not a string');
  }
  const caption = normalizeCaption(typeof row.caption === 'string' ? row.caption : '');
  if (caption === '') return reject('empty-caption', 'caption is missing or blank');
  const pmcid = normalizePmcid(row.pmcid) ?? pmcidFromImageName(image);
  return { ok: true, value: { image, caption, pmcid } };
}

/** Parse then validate one jsonl line. */
export function parsePairLine(text: string): Verdict<Pair> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return reject('malformed-json', (err as Error).message);
  }
  return parsePair(value);
}
