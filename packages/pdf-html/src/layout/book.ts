import { captionText, isCaption, linkCaptions } from './captions.js';
import { detectFurniture } from './furniture.js';
import { headingLevel, headingScale, type StyledText } from './headings.js';
import { meanConfidence } from './lines.js';
import { continuesList, firstItem, listMarker, type ListMarker, type ListType } from './lists.js';
import { markerLabels, plainText, resolveMarkers } from './marks.js';
import { unmarkedLists } from './plain-lists.js';
import { CONTENTS_ENTRY, CONTENTS_HEAD, ENDS_IN_PAGE_REF, MIN_CONTENTS_ENTRIES } from './contents.js';
import { continuesInto, isBody, isCaptionFlow, joinFlows, pageFlow, type NoteRole, type PageFlow, type TextFlow } from './page-flow.js';
import { Vocabulary } from './text.js';
import type { FurnitureRole, Line, PageLayout, PlacedImage } from './types.js';

/** `ocr`: the text was recognised by OCR, with this mean confidence (0..1). */
export type BookNode =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; ocr?: number }
  /** `caption`: a "Figure n"/"Table n" caption with no image on its page to hold it (vector figures, tables). */
  | { kind: 'paragraph'; text: string; role?: FurnitureRole | NoteRole | 'caption'; ocr?: number }
  /** Items without their markers: `<ol start type>` numbers them, as HTML does. */
  | { kind: 'list'; ordered: boolean; start?: number; type?: ListType; items: string[]; ocr?: number }
  | { kind: 'table'; rows: string[][]; caption?: string }
  /** Lines set in a fixed-pitch face: program code, its line breaks kept. */
  | { kind: 'code'; text: string; caption?: string }
  /** `alt`: text drawn over the image (labels), kept with it rather than in the text flow. */
  | { kind: 'figure'; image: PlacedImage; caption?: string; alt?: string };

export interface BookPage {
  page: number;
  nodes: BookNode[];
}

/** Past this share of the book's characters in fixed-pitch blocks, the face is the book's own, not code's. */
const MAX_CODE_SHARE = 0.5;
/** Share of the page's width a text block usually spans (6.5 of 8.5 inches, less margins for notes). */
const TYPICAL_MEASURE_SHARE = 0.6;

/** The share of the book's body characters set in fixed-pitch blocks. */
function codeShare(flows: PageFlow[]): number {
  let code = 0;
  let all = 0;
  for (const pf of flows) {
    for (const f of pf.flow) {
      if (f.kind !== 'text' || f.role) continue;
      all += f.text.length;
      if (f.block.font.mono) code += f.text.length;
    }
  }
  return all ? code / all : 0;
}

/** A table's or figure's note that it goes on overleaf: "(continued on next page)", "Continued". */
const CONTINUED_NOTE = /^\(?\s*continued(?:\s+on\s+(?:the\s+)?next\s+page)?\s*\)?\.?$/i;

/**
 * A paragraph that runs over a page break is one paragraph: the last body
 * text of a page, ending mid-sentence, and the first body text of the next
 * page, starting in lower case, are joined on the first page (figures, notes
 * and captions at the top of the second page stay where they are).
 */
function mergeAcrossPages(flows: PageFlow[], vocab: Vocabulary): void {
  for (let i = 0; i + 1 < flows.length; i++) {
    const last = [...flows[i]!.flow].reverse().find(isBody);
    const next = flows[i + 1]!.flow.findIndex(isBody);
    if (!last || next < 0) continue;
    const first = flows[i + 1]!.flow[next] as TextFlow;
    // "(continued on next page)" under a table says the table goes on, not the sentence.
    if (CONTINUED_NOTE.test(plainText(last.text).trim())) continue;
    if (continuesInto(last, first)) {
      joinFlows(last, first, vocab);
      flows[i + 1]!.flow.splice(next, 1);
    }
  }
}

/**
 * Footnotes move right after the paragraph on their page that calls them (the
 * paragraph with the raised label); the call is taken out of the text. A note
 * whose call is not found stays at the foot of the page.
 */
function placeNotes(pf: PageFlow): Map<TextFlow, Set<string>> {
  const resolved = new Map<TextFlow, Set<string>>();
  const notes = pf.flow.filter((f): f is TextFlow => f.kind === 'text' && !!f.role && !!f.label);
  for (const note of notes) {
    const callers = pf.flow.filter((f): f is TextFlow => f.kind === 'text' && f !== note && markerLabels(f.text).includes(note.label!));
    // A raised "1" in a formula looks like a call too: the call stands in prose.
    const caller = callers.find((f) => (f.text.match(/\p{L}{2,}/gu) ?? []).length >= 3) ?? callers[0];
    if (!caller) continue;
    let set = resolved.get(caller);
    if (!set) resolved.set(caller, (set = new Set()));
    set.add(note.label!);
    if (note.role !== 'footnote') continue;
    pf.flow.splice(pf.flow.indexOf(note), 1);
    // After the caller and any notes already placed after it.
    let at = pf.flow.indexOf(caller) + 1;
    while (at < pf.flow.length && (pf.flow[at] as TextFlow).role === 'footnote') at++;
    pf.flow.splice(at, 0, note);
  }
  return resolved;
}

/** Deepest indentation a listing line is given, in characters: past it, a line's offset is a layout accident. */
const MAX_CODE_INDENT = 40;

/**
 * A listing's lines, each indented by its offset from the listing's left edge
 * in characters of its fixed-pitch face (the width over the length of its
 * lines, which in such a face is one glyph's advance).
 */
function indentedListing(lines: Line[]): string {
  const texts = lines.map((l) => plainText(l.text));
  const left = Math.min(...lines.map((l) => l.box.x));
  const advances = lines.map((l, i) => l.box.w / texts[i]!.length).filter((a, i) => texts[i]!.length >= 3 && a > 0).sort((a, b) => a - b);
  const advance = advances[advances.length >> 1];
  return texts
    .map((t, i) => (advance ? ' '.repeat(Math.min(MAX_CODE_INDENT, Math.max(0, Math.round((lines[i]!.box.x - left) / advance)))) : '') + t)
    .join('\n');
}

/**
 * Pages of lines and placed images -> the book's logical structure: furniture
 * marked (book-wide), each page's structure from its whitespace (margin notes,
 * footnotes, tables, columns) and its reading order, paragraphs rebuilt across
 * lines, columns, figures and pages with words rejoined, lists and their items,
 * headings ranked on the book's own type scale, and captions moved into the
 * figure they describe.
 */
export function assembleBook(pages: PageLayout[]): BookPage[] {
  const roles = detectFurniture(pages);
  const vocab = new Vocabulary();
  for (const p of pages) for (const l of p.lines) vocab.addLine(plainText(l.text));

  const flows = pages.map((p, i) => pageFlow(p, roles[i]!, vocab));
  mergeAcrossPages(flows, vocab);
  continueCaptions(flows);

  // A book set in a typewriter face throughout has no code blocks: its fixed-pitch lines are its prose.
  const mono = codeShare(flows);
  const styled = (f: TextFlow, page?: number): StyledText => ({ text: plainText(f.text), font: f.block.font, lineCount: f.block.lines.length, page });
  const scale = headingScale(flows.flatMap((pf) => pf.flow.filter((f): f is TextFlow => f.kind === 'text' && !f.role).map((f) => styled(f, pf.page))));

  const entries = flows.map((pf) => pf.flow.filter((f) => f.kind === 'text' && CONTENTS_ENTRY.test(f.text)).length);
  return flows.map((pf, pageIndex) => {
    const resolved = placeNotes(pf);
    const textOf = (f: TextFlow): string => resolveMarkers(f.text, resolved.get(f) ?? new Set());
    const captionIdx: number[] = [];
    // What a caption can belong to: an image, or a table ("Table 2-1 FUNCTION_USAGE view" over its rows).
    const heldIdx: number[] = [];
    pf.flow.forEach((f, i) => {
      if (f.kind === 'text' && !f.role && isCaptionFlow(f)) captionIdx.push(i);
      if (f.kind === 'image' || f.kind === 'table') heldIdx.push(i);
    });
    const boxOf = (i: number): Line['box'] => {
      const f = pf.flow[i]!;
      return f.kind === 'text' ? f.block.box : f.kind === 'image' ? f.image.box : f.table.box;
    };
    const links = linkCaptions(captionIdx.map((i) => ({ box: boxOf(i) })), heldIdx.map((i) => ({ box: boxOf(i) })), pf.height);
    const captionOf = new Map<number, number>();
    for (const [c, im] of links) captionOf.set(heldIdx[im]!, captionIdx[c]!);
    const linkedCaptions = new Set(captionOf.values());
    const captionAt = (i: number): { caption?: string } => {
      const c = captionOf.get(i);
      return c === undefined ? {} : { caption: captionText(textOf(pf.flow[c] as TextFlow)) };
    };

    const ocr = <T extends BookNode>(node: T, lines: Line[]): T => {
      const c = meanConfidence(lines);
      return c === undefined ? node : { ...node, ocr: c };
    };
    const nodes: BookNode[] = pf.head.map(({ line, role }) => ocr({ kind: 'paragraph' as const, text: plainText(line.text), role }, [line]));
    // A contents page, the last page of contents that runs over onto it, or a page whose running head says so
    // (ubco-ecology-guide p. 4: "CONTENTS" over the one entry left, "5 Acknowledgements 19", set like a heading).
    const headedContents = pf.head.some(({ line, role }) => role === 'header' && CONTENTS_HEAD.test(plainText(line.text).trim()));
    const contentsPage = headedContents || entries[pageIndex]! >= MIN_CONTENTS_ENTRIES || (entries[pageIndex]! > 0 && (entries[pageIndex - 1] ?? 0) >= MIN_CONTENTS_ENTRIES);
    let list: { marker: ListMarker; node: Extract<BookNode, { kind: 'list' }> } | undefined;
    const codeLines = new Map<Extract<BookNode, { kind: 'code' }>, Line[]>();
    // The text measure: the widest block, or on a page of short lines (a roster) what a text block usually spans.
    const measure = Math.max(TYPICAL_MEASURE_SHARE * pages[pageIndex]!.width, ...pf.flow.map((f) => (f.kind === 'text' ? f.block.box.w : 0)));
    const plainItem = (f: TextFlow): boolean =>
      !f.role && !f.rotated && !f.figureText && !f.heading && !f.block.font.mono && !isCaptionFlow(f) && !listMarker(f.text) && headingLevel(styled(f), scale) === undefined;
    // Short lines listed without markers (a roster of names): each run one list, read before its lines would be paragraphs.
    const listRuns = new Map<number, number>(unmarkedLists(pf.flow.map((f) => (f.kind === 'text' ? f : undefined)), measure, plainItem));
    let listEnd = -1;
    pf.flow.forEach((f, i) => {
      if (i <= listEnd) return;
      const end = listRuns.get(i);
      if (end !== undefined) {
        list = undefined;
        listEnd = end;
        const items = pf.flow.slice(i, end + 1) as TextFlow[];
        nodes.push(ocr({ kind: 'list', ordered: false, items: items.map(textOf) }, items.flatMap((t) => t.block.lines)));
        return;
      }
      if (f.kind === 'image') {
        list = undefined;
        nodes.push({ kind: 'figure', image: f.image, ...captionAt(i), ...(f.labels ? { alt: plainText(f.labels) } : {}) });
        return;
      }
      if (f.kind === 'table') {
        list = undefined;
        nodes.push({ kind: 'table', rows: f.table.rows.map((r) => r.map(plainText)), ...captionAt(i) });
        return;
      }
      if (linkedCaptions.has(i)) return;
      const text = textOf(f);
      if (!text) return;
      if (f.role) {
        // A note beside a list item reads right after that item: the list breaks there and goes on after the note
        // (an ordered list's numbering with it, by its start).
        list = undefined;
        nodes.push(ocr({ kind: 'paragraph', text, role: f.role }, f.block.lines));
        return;
      }
      if (f.caption || isCaption(text)) {
        list = undefined;
        nodes.push(ocr({ kind: 'paragraph', text, role: 'caption' }, f.block.lines));
        return;
      }
      if (f.block.font.mono && mono < MAX_CODE_SHARE) {
        list = undefined;
        // A listing broken into blocks by its blank lines or its indentation is one listing.
        const last = nodes[nodes.length - 1];
        if (last?.kind === 'code') codeLines.get(last)!.push(...f.block.lines);
        else {
          const node: Extract<BookNode, { kind: 'code' }> = { kind: 'code', text: '' };
          codeLines.set(node, [...f.block.lines]);
          nodes.push(node);
        }
        return;
      }
      // On a contents page a chapter's entry is set like a heading ("2 Multi species population dynamics 30"): it is an entry.
      const entry = contentsPage && ENDS_IN_PAGE_REF.test(text);
      const level = f.rotated || f.figureText || entry ? undefined : (f.heading ?? headingLevel(styled(f), scale));
      const marker = level || f.rotated ? undefined : listMarker(text);
      if (marker) {
        if (list && continuesList(list.marker, marker)) {
          list.node.items.push(marker.rest);
          list.marker = marker;
          return;
        }
        // A list broken by a note goes on with its letters ("h." then, past the note, "i.").
        const before = nodes.findLast((n): n is Extract<BookNode, { kind: 'list' }> => n.kind === 'list');
        const goesOn = !!before?.ordered && (before.type ?? '1') === marker.type && (before.start ?? 1) + before.items.length === marker.value;
        const first = goesOn ? marker : firstItem(marker);
        const node: Extract<BookNode, { kind: 'list' }> = ocr({ kind: 'list', ordered: first.ordered, items: [first.rest] }, f.block.lines);
        if (first.ordered) {
          if (first.value !== 1) node.start = first.value!;
          if (first.type !== '1') node.type = first.type!;
        }
        nodes.push(node);
        list = { marker: first, node };
        return;
      }
      list = undefined;
      nodes.push(ocr(level ? { kind: 'heading', level, text } : { kind: 'paragraph', text }, f.block.lines));
    });
    for (const [node, lines] of codeLines) node.text = indentedListing(lines);
    captionListings(nodes);
    for (const { line, role } of pf.foot) nodes.push(ocr({ kind: 'paragraph', text: plainText(line.text), role }, [line]));
    return { page: pf.page, nodes };
  });
}

/** "Figure 2 (...continued)", "Table 3 (continued)": a caption run over onto the next page, its label repeated. */
const CONTINUED_CAPTION = /^((?:fig(?:ure)?s?\.?|table)\s*[A-Z]?\d+[A-Za-z]?(?:[.\-–]\d+)*)\s*\((?:\.{3}|…)?\s*continued\)\.?$/i;
/** The caption a continuation goes on from stands at most this many pages back. */
const CONTINUED_REACH = 2;

/**
 * A caption that runs over onto the next page (PeerJ's "Figure 2 (...continued)" over the rest of the caption, in
 * the caption's type): its text goes on the caption on the page before, which its figure holds, instead of being
 * read as a caption with no figure and paragraphs of body text. A table continued under its repeated label keeps
 * that label: the rows under it are the continuation's own.
 */
function continueCaptions(flows: PageFlow[]): void {
  for (let p = 1; p < flows.length; p++) {
    const flow = flows[p]!.flow;
    for (let i = 0; i < flow.length; i++) {
      const f = flow[i]!;
      if (f.kind !== 'text' || f.role) continue;
      const m = CONTINUED_CAPTION.exec(plainText(f.text).trim());
      if (!m || /^tab/i.test(m[1]!)) continue;
      const label = m[1]!.toLowerCase();
      let from: TextFlow | undefined;
      for (let q = p - 1; q >= Math.max(0, p - CONTINUED_REACH) && !from; q--) {
        from = flows[q]!.flow.findLast(
          (o): o is TextFlow => o.kind === 'text' && !o.role && isCaptionFlow(o) && plainText(o.text).trim().toLowerCase().startsWith(`${label} `),
        );
      }
      if (!from) continue;
      // The rest of the caption: the blocks right after the label in its type.
      let end = i + 1;
      while (end < flow.length) {
        const g = flow[end]!;
        if (g.kind !== 'text' || g.role || Math.abs(g.block.font.size - f.block.font.size) > 0.05 * f.block.font.size) break;
        end++;
      }
      const rest = flow.slice(i + 1, end) as TextFlow[];
      from.text = [from.text, ...rest.map((g) => g.text)].join(' ');
      flow.splice(i, end - i);
      i--;
    }
  }
}

/**
 * A caption no image or table took, right under a code listing (or right
 * over one), is the listing's: "Figure 1. Sample program: sieve of
 * Eratosthenes." under the program. The listing is the figure.
 */
function captionListings(nodes: BookNode[]): void {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind !== 'paragraph' || n.role !== 'caption') continue;
    const before = nodes[i - 1];
    const after = nodes[i + 1];
    const listing = before?.kind === 'code' && before.caption === undefined ? before : after?.kind === 'code' && after.caption === undefined ? after : undefined;
    if (!listing) continue;
    listing.caption = captionText(n.text);
    nodes.splice(i--, 1);
  }
}
