import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Caption {
  id: string;
  licence: string;
  text: string;
}

/**
 * Anatomy, urology, obstetrics and sexual-health words that web bad-word lists
 * (C4's, LDNOOBW) would flag: captions with them are what a content filter must
 * never lose in a medical corpus.
 */
export const SENSITIVE = /\b(penis|penile|vagina[l]?|vulva[r]?|labia|clitor\w*|testis|testes|testic\w+|scrot\w+|prostat\w+|urethr\w+|bladder|breasts?|nipples?|uter\w+|cervix|ovar\w+|placent\w+|fetus|fetal|foetal|pregnan\w+|anus|anal|rect\w+|perine\w+|genital\w*|sperm\w*|semen|ejaculat\w+|erect\w+|circumcis\w+|hymen\w*|vasectomy|orchi\w+|intercourse|sexual\w*|gonad\w*|urolog\w+|obstetric\w*|labour|labor|caesarean|cesarean|episiotomy|hysterectomy|mastectomy|kidneys?|renal|ureter\w*)\b/i;

/** ROCO also holds a few French and Portuguese captions; this suite is about English ones. */
const FOREIGN = /\b(montrant|une|avec|imagem|procedimento|auxílio|und|mit|der|los|las|una|del)\b/i;

const here = dirname(fileURLToPath(import.meta.url));
/** CC BY rows only, copied into the project (see test/fixtures/README.md). */
export const FIXTURE = join(here, '..', 'fixtures', 'roco-sensitive-captions.tsv');
/** The full ROCO validation captions, when ../shared is present (not copied: mixed licences). */
export const SHARED_CAPTIONS = join(here, '..', '..', '..', '..', '..', 'shared', 'corpus', 'captions');

export function readFixture(): Caption[] {
  return readFileSync(FIXTURE, 'utf8').split('\n').slice(1).filter(Boolean).map((line) => {
    const [id, , licence, text] = line.split('\t');
    return { id: id!, licence: licence!, text: text! };
  });
}

/** Every English ROCO validation caption with a sensitive word, from ../shared; [] when it is absent. */
export function readSharedSensitive(): Caption[] {
  if (!existsSync(SHARED_CAPTIONS)) return [];
  const out: Caption[] = [];
  for (const kind of ['radiology', 'non-radiology']) {
    const licences = new Map(readFileSync(join(SHARED_CAPTIONS, `roco-validation-${kind}-licences.csv`), 'utf8').split('\n').slice(1)
      .map((l) => { const p = l.split(','); return [p[0]!, p.slice(2).join(',').trim()] as const; }));
    for (const line of readFileSync(join(SHARED_CAPTIONS, `roco-validation-${kind}-captions.tsv`), 'utf8').split('\n')) {
      const [id, raw] = line.split('\t');
      const text = raw?.trim();
      if (!id || !text || !SENSITIVE.test(text) || FOREIGN.test(text)) continue;
      out.push({ id, licence: licences.get(id) ?? 'unknown', text });
    }
  }
  return out;
}
