import { Rng } from './prng.js';
import type { Caption } from './captions.js';
import { paragraph, templateSentence, captionSentence } from './prose.js';
import { type Specialty, SECTION_TOPICS, specialtyByKey } from './specialties.js';
import { makeImage, nearDuplicate, PHOTO_KINDS, LINE_ART_KINDS, type ImageAsset, type ImageKind } from './images.js';
import type { Origin } from './truth.js';

/** What a book says, before layout: the same content can be laid out again (a new edition). */
export interface ParaBlock {
  type: 'para';
  uid: string;
  text: string;
  terms: string[];
  origin?: Origin;
  twinUid?: string;
}
export interface HeadingBlock {
  type: 'heading';
  uid: string;
  level: 2 | 3;
  text: string;
  origin?: Origin;
  twinUid?: string;
}
export interface FigureBlock {
  type: 'figure';
  uid: string;
  id: string;
  caption: string;
  asset: ImageAsset;
  origin?: Origin | 'near-duplicate';
  twinUid?: string;
}
export type ContentBlock = ParaBlock | HeadingBlock | FigureBlock;

export interface Chapter {
  number: number;
  title: string;
  uid: string;
  twoColumn: boolean;
  blocks: ContentBlock[];
  origin?: Origin;
  twinUid?: string;
}

export interface BookContent {
  id: string;
  title: string;
  subtitle: string;
  specialty: Specialty;
  authors: string[];
  edition: number;
  year: number;
  firstYear: number;
  publisher: string;
  isbn: string;
  seed: string;
  derivedFrom: string | null;
  chapters: Chapter[];
  references: string[];
  /** Chapters start on odd (recto) pages, with a blank page inserted when needed. */
  rectoChapters: boolean;
  /** A footer line printed on every numbered page, beside the page number. */
  footerText: string | null;
  logo: ImageAsset | null;
}

export interface BookSpec {
  id: string;
  title: string;
  subtitle?: string;
  specialty: string;
  seed: string;
  chapters: number;
  /** Sections per chapter, inclusive range. */
  sections: [number, number];
  /** Paragraphs per section, inclusive range. */
  paragraphs: [number, number];
  /** Probability that a section carries a figure; a second one follows with half that chance. */
  figureRate: number;
  /** Chapter numbers (1-based) laid out in two columns. */
  twoColumnChapters?: number[];
  rectoChapters?: boolean;
  footerText?: string | null;
  references?: number;
  year?: number;
  publisher?: string;
  authors?: string[];
}

const SURNAMES = ['Adeyemi', 'Bergstrom', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'Gallagher', 'Haddad', 'Ishikawa', 'Jansen',
  'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Schneider', 'Tanaka', 'Umarov', 'Varga',
  'Whitfield', 'Xu', 'Yilmaz', 'Zimmermann', 'Alvarez', 'Brennan', 'Chaudhry', 'Delgado', 'Engel', 'Fontaine', 'Gupta', 'Hoffmann'];
const GIVEN = ['Amara', 'Bruno', 'Clara', 'Daniel', 'Elena', 'Farid', 'Grace', 'Henrik', 'Ines', 'Jonas', 'Keiko', 'Luca', 'Maya',
  'Nikhil', 'Olivia', 'Pavel', 'Rosa', 'Samuel', 'Tara', 'Viktor'];
const JOURNAL_WORDS = ['Journal of Clinical', 'Annals of', 'Reviews in', 'Archives of', 'International Journal of', 'Current Opinion in'];

function isbn13(rng: Rng): string {
  const digits = [9, 7, 8, 1, ...Array.from({ length: 8 }, () => rng.int(0, 9))];
  const sum = digits.reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  digits.push((10 - (sum % 10)) % 10);
  const d = digits.join('');
  return `${d.slice(0, 3)}-${d.slice(3, 4)}-${d.slice(4, 9)}-${d.slice(9, 12)}-${d.slice(12)}`;
}

function authorName(rng: Rng): string {
  return `${rng.pick(GIVEN)} ${rng.pick(SURNAMES)}`;
}

function reference(rng: Rng, sp: Specialty, topic: string): string {
  const n = rng.int(1, 4);
  const authors = Array.from({ length: n }, () => `${rng.pick(SURNAMES)} ${String.fromCharCode(65 + rng.int(0, 25))}${rng.chance(0.4) ? String.fromCharCode(65 + rng.int(0, 25)) : ''}`);
  const titles = [
    `Outcomes of ${rng.pick(sp.treatments)} in patients with ${topic.toLowerCase()}`,
    `Diagnostic accuracy of ${rng.pick(sp.tests)} for ${rng.pick(sp.findings)}`,
    `${rng.pick(sp.findings)[0]!.toUpperCase()}${rng.pick(sp.findings).slice(1)} and long-term prognosis: a cohort study`,
    `A randomised trial of ${rng.pick(sp.treatments)} versus standard care`,
    `Imaging of ${rng.pick(sp.anatomy).replace(/^the /, '')}: a practical review`,
  ];
  let title = rng.pick(titles);
  title = title[0]!.toUpperCase() + title.slice(1);
  const year = rng.int(1995, 2025);
  const vol = rng.int(5, 140);
  const first = rng.int(10, 900);
  return `${authors.join(', ')}${n === 4 ? ', et al' : ''}. ${title}. ${rng.pick(JOURNAL_WORDS)} ${sp.name}. ${year};${vol}(${rng.int(1, 12)}):${first}-${first + rng.int(4, 15)}.`;
}

function cite(rng: Rng, text: string, refs: number): string {
  if (refs === 0 || !rng.chance(0.3)) return text;
  const k = rng.int(1, refs);
  return text.replace(/\.$/, ` [${k}].`);
}

/** Choose a figure kind: mostly photographs, some line art, as in clinical textbooks. */
function figureKind(rng: Rng, sp: Specialty): ImageKind {
  if (rng.chance(0.3)) return rng.pick(LINE_ART_KINDS.filter((k) => k !== 'ecg' || sp.key === 'cardiology'));
  return rng.pick(PHOTO_KINDS);
}

interface Builder {
  rng: Rng;
  sp: Specialty;
  draw: () => Caption;
  refs: number;
}

async function buildFigure(b: Builder, chapter: number, index: number, uid: string): Promise<FigureBlock> {
  const id = `${chapter}.${index}`;
  const asset = await makeImage(b.rng.fork(`fig-${uid}`), figureKind(b.rng, b.sp));
  return { type: 'figure', uid, id, caption: `Figure ${id}: ${b.draw().text}`, asset };
}

function figureReference(rng: Rng, id: string): string {
  return rng.pick([
    `As shown in Figure ${id}, the appearance can vary considerably between patients.`,
    `A representative example is illustrated in Figure ${id}.`,
    `The typical findings are summarised in Figure ${id}.`,
    `Figure ${id} shows how these features appear in practice.`,
    `Compare the example in Figure ${id} with the normal appearance (see Figure ${id}).`,
  ]);
}

async function buildChapter(b: Builder, spec: BookSpec, number: number, topic: string, uidPrefix: string): Promise<Chapter> {
  const { rng, sp, draw } = b;
  const blocks: ContentBlock[] = [];
  let p = 0;
  let fig = 0;
  const para = (extra?: string): ParaBlock => {
    const terms = new Set<string>();
    let text = cite(rng, paragraph(rng, sp, topic, draw, terms), b.refs);
    if (extra) {
      // Put the figure call-out inside the paragraph, where books put it.
      const cut = text.indexOf('. ') + 1;
      text = cut > 0 && rng.chance(0.5) ? `${text.slice(0, cut)} ${extra}${text.slice(cut)}` : `${text} ${extra}`;
    }
    return { type: 'para', uid: `${uidPrefix}p${p++}`, text, terms: [...terms].sort() };
  };
  for (let i = 0; i < rng.int(1, 2); i++) blocks.push(para());
  const sections = rng.int(spec.sections[0], spec.sections[1]);
  const topics = rng.shuffle([...SECTION_TOPICS]).slice(0, Math.min(sections, SECTION_TOPICS.length));
  topics.sort((a, c) => SECTION_TOPICS.indexOf(a) - SECTION_TOPICS.indexOf(c));
  for (let s = 0; s < topics.length; s++) {
    const st = topics[s]!;
    blocks.push({ type: 'heading', uid: `${uidPrefix}h${s}`, level: 2, text: `${number}.${s + 1} ${st.title}` });
    const n = rng.int(spec.paragraphs[0], spec.paragraphs[1]);
    const figures = rng.chance(spec.figureRate) ? (rng.chance(spec.figureRate / 2) ? 2 : 1) : 0;
    const figureAfter = new Set<number>();
    for (let f = 0; f < figures; f++) figureAfter.add(Math.min(n - 1, rng.int(0, n - 1) + f));
    const subAt = n >= 3 && rng.chance(0.45) ? rng.int(1, n - 1) : -1;
    for (let k = 0; k < n; k++) {
      if (k === subAt) {
        blocks.push({ type: 'heading', uid: `${uidPrefix}h${s}s`, level: 3, text: rng.pick(st.subsections) });
      }
      if (figureAfter.has(k)) {
        fig++;
        const figure = await buildFigure(b, number, fig, `${uidPrefix}f${fig}`);
        blocks.push(para(figureReference(rng, figure.id)));
        blocks.push(figure);
      } else {
        blocks.push(para());
      }
    }
  }
  return { number, title: `${number} ${topic}`, uid: uidPrefix, twoColumn: (spec.twoColumnChapters ?? []).includes(number), blocks };
}

export async function buildBook(spec: BookSpec, draw: (sp: Specialty, rng: Rng) => () => Caption, logo: ImageAsset | null): Promise<BookContent> {
  const rng = new Rng(spec.seed);
  const sp = specialtyByKey(spec.specialty);
  const b: Builder = { rng, sp, draw: draw(sp, rng.fork('captions')), refs: spec.references ?? 12 };
  const topics = rng.shuffle([...sp.topics]);
  const chapters: Chapter[] = [];
  for (let c = 1; c <= spec.chapters; c++) {
    const base = topics[(c - 1) % topics.length]!;
    const round = Math.floor((c - 1) / topics.length);
    const topic = round === 0 ? base : `${base}: ${['Advanced Topics', 'Case Studies', 'Special Populations', 'Current Controversies'][(round - 1) % 4]}${round > 4 ? ` ${round}` : ''}`;
    chapters.push(await buildChapter(b, spec, c, topic, `c${c}`));
  }
  const references = Array.from({ length: b.refs }, () => reference(rng, sp, rng.pick(topics)));
  const authors = spec.authors ?? Array.from({ length: rng.int(2, 3) }, () => authorName(rng));
  const year = spec.year ?? 2026;
  return {
    id: spec.id,
    title: spec.title,
    subtitle: spec.subtitle ?? `A Clinical Guide to ${sp.name}`,
    specialty: sp,
    authors,
    edition: 1,
    year,
    firstYear: year,
    publisher: spec.publisher ?? 'Open Medical Texts',
    isbn: isbn13(rng),
    seed: spec.seed,
    derivedFrom: null,
    chapters,
    references,
    rectoChapters: spec.rectoChapters ?? false,
    footerText: spec.footerText ?? null,
    logo,
  };
}

/** Change a few words of a paragraph the way a revised edition does: numbers, a sentence, a clause. */
function editParagraph(rng: Rng, sp: Specialty, topic: string, text: string, draw: () => Caption): string {
  const sentences = text.split(/(?<=\.) (?=[A-Z])/);
  const i = rng.int(0, sentences.length - 1);
  const choice = rng.int(0, 2);
  if (choice === 0) {
    sentences[i] = templateSentence(rng, sp, topic, new Set());
  } else if (choice === 1) {
    sentences.splice(i + 1, 0, captionSentence(rng, draw().text));
  } else {
    sentences[i] = sentences[i]!.replace(/\d+/g, (d) => String(Number(d) + rng.int(1, 9)));
    if (!/\d/.test(sentences[i]!)) sentences[i] = templateSentence(rng, sp, topic, new Set());
  }
  return sentences.join(' ');
}

/**
 * A revised edition: most paragraphs verbatim, some edited, a few removed, new
 * paragraphs here and there, one figure re-scanned (a near-duplicate image) and a
 * new final chapter. The share of copied text keeps whole-book similarity below the
 * 0.8 threshold, so dedup must drop the repeated paragraphs and keep the rest.
 */
export async function deriveEdition(first: BookContent, opts: { id: string; title: string; seed: string; newChapters: number; editRate?: number; dropRate?: number },
  draw: (sp: Specialty, rng: Rng) => () => Caption, spec: BookSpec): Promise<BookContent> {
  const rng = new Rng(opts.seed);
  const sp = first.specialty;
  const d = draw(sp, rng.fork('captions'));
  const b: Builder = { rng, sp, draw: d, refs: first.references.length + 3 };
  const editRate = opts.editRate ?? 0.18;
  const dropRate = opts.dropRate ?? 0.08;
  let nearDone = false;
  const chapters: Chapter[] = [];
  for (const ch of first.chapters) {
    const topic = ch.title.replace(/^\d+ /, '');
    const blocks: ContentBlock[] = [];
    let added = 0;
    for (const blk of ch.blocks) {
      if (blk.type === 'heading') {
        blocks.push({ ...blk, origin: 'copied', twinUid: blk.uid });
      } else if (blk.type === 'figure') {
        if (!nearDone && (blk.asset.format === 'jpeg')) {
          nearDone = true;
          blocks.push({ ...blk, asset: await nearDuplicate(blk.asset), origin: 'near-duplicate', twinUid: blk.uid });
        } else {
          blocks.push({ ...blk, origin: 'copied', twinUid: blk.uid });
        }
      } else {
        const r = rng.next();
        const refersToFigure = /Figure \d/.test(blk.text);
        if (r < dropRate && !refersToFigure) continue;
        if (r < dropRate + editRate) {
          blocks.push({ ...blk, text: editParagraph(rng, sp, topic, blk.text, d), origin: 'edited', twinUid: blk.uid });
        } else {
          blocks.push({ ...blk, origin: 'copied', twinUid: blk.uid });
        }
        if (rng.chance(0.06)) {
          const terms = new Set<string>();
          blocks.push({ type: 'para', uid: `${ch.uid}n${added++}`, text: paragraph(rng, sp, topic, d, terms), terms: [...terms].sort(), origin: 'new' });
        }
      }
    }
    chapters.push({ ...ch, blocks, origin: 'copied', twinUid: ch.uid });
  }
  const unused = sp.topics.filter((t) => !first.chapters.some((c) => c.title.endsWith(t)));
  for (let k = 0; k < opts.newChapters; k++) {
    const number = chapters.length + 1;
    const topic = unused[k] ?? `Recent Advances ${k + 1}`;
    const ch = await buildChapter(b, { ...spec, figureRate: Math.max(spec.figureRate, 0.5) }, number, topic, `e${number}`);
    for (const blk of ch.blocks) blk.origin = 'new';
    chapters.push({ ...ch, origin: 'new' });
  }
  const references = [...first.references, ...Array.from({ length: 3 }, () => reference(rng, sp, rng.pick(sp.topics)))];
  return {
    ...first,
    id: opts.id,
    title: opts.title,
    edition: first.edition + 1,
    year: first.year + 4,
    firstYear: first.firstYear,
    isbn: isbn13(rng),
    seed: opts.seed,
    derivedFrom: first.id,
    chapters,
    references,
  };
}
