import { isCaption } from './captions.js';
import { leadingLabel } from './marks.js';
import { type Line, bottom } from './types.js';

/** Footnotes are set smaller than the body: at most this share of its size. */
const MAX_NOTE_SIZE = 0.92;

export interface Footnote {
  label: string;
  lines: Line[];
}

/**
 * The footnote area of a page: below every body-size line of the text block,
 * lines set smaller than the body, the first of them opening with a note label
 * (a raised call or a digit or symbol and a space). Each note runs from one
 * labelled line to the next. Captions and figure text at the foot do not open
 * with a label and stay in the body.
 */
export function splitFootnotes(lines: Line[], em: number): { body: Line[]; notes: Footnote[] } {
  const text = lines.filter((l) => !l.rotated);
  const bodySize = text.filter((l) => l.font.size > MAX_NOTE_SIZE * em);
  if (!bodySize.length) return { body: lines, notes: [] };
  const floor = Math.max(...bodySize.map((l) => bottom(l.box)));
  const below = text.filter((l) => l.box.y >= floor - 0.1 * em && l.font.size <= MAX_NOTE_SIZE * em).sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
  const first = below.findIndex((l) => !isCaption(l.text) && opensNote(l));
  if (first < 0) return { body: lines, notes: [] };
  const area = below.slice(first);
  const left = area[0]!.box.x;
  const notes: Footnote[] = [];
  for (const l of area) {
    const opened = opensNote(l);
    if (opened && l.box.x <= left + 0.5 * em) notes.push({ label: opened.label, lines: [l] });
    else if (notes.length) notes[notes.length - 1]!.lines.push(l);
  }
  const inNotes = new Set(area);
  return { body: lines.filter((l) => !inNotes.has(l)), notes };
}

function opensNote(l: Line): { label: string } | undefined {
  const lead = leadingLabel(l.text);
  // A label needs words after it: "1 2 3" along a plot's axis is no note.
  return lead && /\p{L}{2,}/u.test(lead.rest) ? { label: lead.label } : undefined;
}
