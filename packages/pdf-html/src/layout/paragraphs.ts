import { isCaption } from './captions.js';
import { CONTENTS_ENTRY } from './contents.js';
import { listMarker, type ListMarker } from './lists.js';
import { type Box, type FontStyle, type Line, bottom, overlap, right, union } from './types.js';

export interface TextBlock {
  lines: Line[];
  box: Box;
  font: FontStyle;
}

/** Vertical whitespace above this many ems between two lines separates paragraphs. */
const PARAGRAPH_GAP_EM = 0.55;
/** A line starting this many ems right of the one above opens a paragraph (first-line indent). */
const INDENT_EM = 0.8;
/** A line ending this many ems short of the block's right edge, after a full stop, closes its paragraph. */
const SHORT_LINE_EM = 2;

/**
 * Lines already in reading order -> paragraphs. A line continues the block
 * above it when it sits right below it in the same column, in the same style,
 * with line spacing rather than paragraph spacing, and the line above did not
 * end its paragraph (a short last line after a full stop, or a first-line
 * indent on the new line). With `anyWeight`, a change to or from bold does
 * not end a block (a margin note's emphasised sentence).
 */
export function buildParagraphs(lines: Line[], opts: { anyWeight?: boolean } = {}): TextBlock[] {
  const blocks: TextBlock[] = [];
  let current: TextBlock | undefined;
  for (const line of lines) {
    if (current && continues(current, line, !!opts.anyWeight)) {
      current.lines.push(line);
      current.box = union(current.box, line.box);
      continue;
    }
    current = { lines: [line], box: line.box, font: line.font };
    blocks.push(current);
  }
  return blocks;
}

/** Edges set by the typesetter to one x agree to this many points (a hanging indent's lines, a list's entries). */
const EXACT_EDGE_PT = 0.5;
/** A line filling the measure ends at most this many ems left of the next line's end. */
const RUN_ON_SLACK_EM = 2;

/** Same size and weight, and both code or both not: prose never runs on into a code block or out of one. */
function sameStyle(a: FontStyle, b: FontStyle, anyWeight: boolean): boolean {
  return Math.abs(a.size - b.size) <= 0.12 * Math.max(a.size, b.size) && (anyWeight || a.bold === b.bold) && !!a.mono === !!b.mono;
}

/**
 * Does a line with a list marker open an item? A bullet always does; a number
 * or letter when it stands at or left of the line above or that line ends a
 * sentence or a lead-in (":"); a dash only after a finished line (a dash
 * opening a line mid-sentence is punctuation).
 */
function opensItem(marker: ListMarker, line: Line, prev: Line, em: number, inItem: boolean): boolean {
  const finished = /[.:;!?]$/.test(prev.text);
  if (/^[–—-]$/.test(marker.marker)) return finished;
  if (!marker.ordered) return true;
  // Mid-sentence, "(a)" wrapped to a line's start is an inline enumeration ("You can either / (a) fill out"),
  // unless the line above is an item itself (items without full stops) or a short title line ("References" / "1. Kudsk KA").
  const short = right(line.box) - right(prev.box) > SHORT_LINE_EM * em;
  return finished || ((inItem || short) && line.box.x <= prev.box.x + 0.3 * em);
}

function continues(block: TextBlock, line: Line, anyWeight: boolean): boolean {
  const prev = block.lines[block.lines.length - 1]!;
  const em = Math.max(prev.font.size, line.font.size);
  // "Figure 3" opening a line starts a caption, unless the line above runs on into it ("... as shown in / Figure 3.").
  if (isCaption(line.text) && !/[\p{L},]$/u.test(prev.text)) return false;
  // A caption's bold label line ("Figure 2 Title") runs on into its regular-weight text.
  const captionBody = isCaption(block.lines[0]!.text) && Math.abs(block.font.size - line.font.size) <= 0.12 * em;
  // A hanging indent (a reference list's): the lines after the first start at one x, exact to the typesetter's
  // precision; text wrapped around a picture, or verse, comes back only near its first line's x.
  const first = block.lines[0]!;
  const rest = block.lines.slice(1);
  const hanging = rest.length > 0 && rest.every((l) => l.box.x - first.box.x > INDENT_EM * em && Math.abs(l.box.x - rest[0]!.box.x) <= EXACT_EDGE_PT);
  // A sentence set partly in bold runs on across the change of weight (a reference whose title is bold, "... 2010.
  // Datamonkey 2010:" over "a suite of ..."): the line above fills the measure, ends mid-sentence, and the next
  // line goes on in lower case (a heading ends short of the measure or before a capital); or the line stands at
  // its entry's hanging indent.
  const runsOn =
    (right(prev.box) >= right(line.box) - RUN_ON_SLACK_EM * em && !/[.!?]$/.test(prev.text) && /^\p{Ll}/u.test(line.text)) ||
    (hanging && Math.abs(line.box.x - rest[0]!.box.x) <= EXACT_EDGE_PT);
  // Once a block has run on across a change of weight, the line above sets the style the next must keep.
  const mixed = block.lines.some((l) => l.font.bold !== block.font.bold);
  if (!captionBody && !sameStyle(block.font, line.font, anyWeight || runsOn) && !(mixed && sameStyle(prev.font, line.font, anyWeight))) return false;
  // A contents entry ends at its page number: the next line is the next entry, not more of its title.
  if (CONTENTS_ENTRY.test(prev.text.trimEnd())) return false;
  const gap = line.box.y - bottom(prev.box);
  if (line.baseline <= prev.baseline) return false;
  if (gap > PARAGRAPH_GAP_EM * em) return false;
  if (overlap(prev.box.x, right(prev.box), line.box.x, right(line.box)) <= 0) return false;
  // A list marker at or left of the line above opens an item; a dash only after a finished line
  // (a dash opening a line mid-sentence is punctuation).
  const marker = listMarker(line.text);
  const inItem = !!listMarker(block.lines[0]!.text);
  if (marker && opensItem(marker, line, prev, em, inItem)) return false;
  // Back out of an item's hanging indent: the list is over.
  if (inItem && line.box.x < prev.box.x - 0.5 * em) return false;
  const blockLeft = Math.min(...block.lines.map((l) => l.box.x));
  const blockRight = Math.max(...block.lines.map((l) => right(l.box)), right(line.box));
  const indented = line.box.x - prev.box.x > INDENT_EM * em && line.box.x - prev.box.x < 6 * em;
  const prevAtLeft = prev.box.x - blockLeft < 0.3 * em;
  const prevShort = blockRight - right(prev.box) > SHORT_LINE_EM * em;
  const prevEndsSentence = /[.!?:;"”’)\]]$/.test(prev.text);
  if (prevShort && prevEndsSentence) return false;
  // An indented line after one that does not end a sentence is a hanging indent (references), not a new paragraph.
  if (indented && prevAtLeft && prevEndsSentence && (prevShort || block.lines.length > 1)) return false;
  // Back out of a hanging indent after a finished sentence: the next entry of a reference list.
  if (hanging && prevEndsSentence && Math.abs(line.box.x - first.box.x) <= EXACT_EDGE_PT) return false;
  return true;
}
