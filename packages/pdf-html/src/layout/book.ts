import { isCaption, linkCaptions } from './captions.js';
import { detectFurniture } from './furniture.js';
import { headingLevel, headingScale, type StyledText } from './headings.js';
import { buildParagraphs, type TextBlock } from './paragraphs.js';
import { readingOrder } from './reading-order.js';
import { joinLines, Vocabulary } from './text.js';
import type { FurnitureRole, Line, PageLayout, PlacedImage } from './types.js';

export type BookNode =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string; role?: FurnitureRole }
  | { kind: 'figure'; image: PlacedImage; caption?: string };

export interface BookPage {
  page: number;
  nodes: BookNode[];
}

/** An image covering more than this share of the page is a background or a scan: it would hide every column gutter. */
const BACKGROUND_SHARE = 0.5;

type Flow = { kind: 'text'; block: TextBlock; text: string; margin?: boolean } | { kind: 'image'; image: PlacedImage };

interface PageFlow {
  page: number;
  height: number;
  head: Array<{ line: Line; role: FurnitureRole }>;
  foot: Array<{ line: Line; role: FurnitureRole }>;
  flow: Flow[];
}

/** Size most of a page's characters are set in: gutters and gaps are judged in its ems. */
function pageEm(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const s = Math.round(l.font.size * 2) / 2;
    weight.set(s, (weight.get(s) ?? 0) + l.text.length);
  }
  let em = 10;
  let best = -1;
  for (const [s, n] of [...weight.entries()].sort((a, b) => a[0] - b[0])) {
    if (n > best) {
      best = n;
      em = s;
    }
  }
  return em;
}

const endsOpen = (text: string): boolean => !/[.!?:;]["'”’)\]]*$/.test(text);
const startsLower = (text: string): boolean => /^\p{Ll}/u.test(text);

/**
 * A paragraph broken by a column end or by a figure placed inside it is one
 * paragraph: text that ends mid-sentence on a full-width line, followed (past
 * any figures and captions) by text in the same style that starts in lower
 * case, is rejoined, and the figure follows the whole paragraph.
 */
function mergeContinuations(flow: Flow[], vocab: Vocabulary): void {
  for (let i = 0; i < flow.length; i++) {
    const f = flow[i]!;
    if (f.kind !== 'text' || !startsLower(f.text)) continue;
    for (let j = i - 1; j >= 0; j--) {
      const g = flow[j]!;
      if (g.kind === 'image' || isCaption(g.text)) continue;
      const lines = g.block.lines;
      const widest = Math.max(...lines.map((l) => l.box.w));
      const lastFull = lines.length < 2 || lines[lines.length - 1]!.box.w >= 0.7 * widest;
      // Weight may change: a reference or run-in paragraph whose first line is mostly bold goes on in regular type.
      const style = Math.abs(g.block.font.size - f.block.font.size) <= 0.12 * g.block.font.size;
      if (endsOpen(g.text) && lastFull && style) {
        g.text = joinLines([g.text, f.text], vocab);
        g.block = { lines: [...lines, ...f.block.lines], box: g.block.box, font: g.block.font };
        flow.splice(i, 1);
        i--;
      }
      break;
    }
  }
}

/**
 * Pages of lines and placed images -> the book's logical structure: furniture
 * marked (book-wide), each page in reading order, lines grouped into
 * paragraphs with words rejoined, headings ranked on the book's own type scale,
 * and captions moved into the figure they describe.
 */
export function assembleBook(pages: PageLayout[]): BookPage[] {
  const roles = detectFurniture(pages);
  const vocab = new Vocabulary();
  for (const p of pages) for (const l of p.lines) vocab.addLine(l.text);

  const flows: PageFlow[] = pages.map((p, i) => {
    const roleOf = roles[i]!;
    const head: PageFlow['head'] = [];
    const foot: PageFlow['foot'] = [];
    const body: Line[] = [];
    const margin: Line[] = [];
    p.lines.forEach((line, idx) => {
      const role = roleOf.get(idx);
      if (!role && line.rotated) margin.push(line);
      else if (!role) body.push(line);
      else if (line.box.y < p.height / 2) head.push({ line, role });
      else foot.push({ line, role });
    });
    head.sort((a, b) => a.line.box.y - b.line.box.y || a.line.box.x - b.line.box.x);
    foot.sort((a, b) => a.line.box.y - b.line.box.y || a.line.box.x - b.line.box.x);
    const background = p.images.filter((im) => im.box.w * im.box.h > BACKGROUND_SHARE * p.width * p.height);
    type El = { box: Line['box']; line?: Line; image?: PlacedImage; float?: boolean };
    const elements: El[] = [
      ...body.map((line) => ({ box: line.box, line })),
      ...p.images.filter((im) => !background.includes(im)).map((image) => ({ box: image.box, image, float: true })),
    ];
    const ordered = readingOrder(elements, { em: pageEm(body) });
    const flow: Flow[] = background.map((image) => ({ kind: 'image' as const, image }));
    let run: Line[] = [];
    const flush = (): void => {
      for (const block of buildParagraphs(run)) flow.push({ kind: 'text', block, text: joinLines(block.lines.map((l) => l.text), vocab) });
      run = [];
    };
    for (const el of ordered) {
      if (el.line) run.push(el.line);
      else {
        flush();
        flow.push({ kind: 'image', image: el.image! });
      }
    }
    flush();
    mergeContinuations(flow, vocab);
    // Rotated text would block every gutter it crosses: it reads after the page's body, top to bottom.
    for (const line of margin.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x)) {
      flow.push({ kind: 'text', block: { lines: [line], box: line.box, font: line.font }, text: line.text, margin: true });
    }
    return { page: p.page, height: p.height, head, foot, flow };
  });

  const styled = (f: Extract<Flow, { kind: 'text' }>): StyledText => ({ text: f.text, font: f.block.font, lineCount: f.block.lines.length });
  const scale = headingScale(flows.flatMap((pf) => pf.flow.filter((f): f is Extract<Flow, { kind: 'text' }> => f.kind === 'text').map(styled)));

  return flows.map((pf) => {
    const captionIdx: number[] = [];
    const imageIdx: number[] = [];
    pf.flow.forEach((f, i) => {
      if (f.kind === 'text' && isCaption(f.text)) captionIdx.push(i);
      if (f.kind === 'image') imageIdx.push(i);
    });
    const boxOf = (i: number): Line['box'] => {
      const f = pf.flow[i]!;
      return f.kind === 'text' ? f.block.box : f.image.box;
    };
    const links = linkCaptions(captionIdx.map((i) => ({ box: boxOf(i) })), imageIdx.map((i) => ({ box: boxOf(i) })), pf.height);
    const captionOfImage = new Map<number, number>();
    for (const [c, im] of links) captionOfImage.set(imageIdx[im]!, captionIdx[c]!);
    const linkedCaptions = new Set(captionOfImage.values());

    const nodes: BookNode[] = pf.head.map(({ line, role }) => ({ kind: 'paragraph' as const, text: line.text, role }));
    pf.flow.forEach((f, i) => {
      if (f.kind === 'image') {
        const c = captionOfImage.get(i);
        const caption = c === undefined ? undefined : (pf.flow[c] as Extract<Flow, { kind: 'text' }>).text;
        nodes.push(caption === undefined ? { kind: 'figure', image: f.image } : { kind: 'figure', image: f.image, caption });
        return;
      }
      if (linkedCaptions.has(i) || !f.text) return;
      const level = isCaption(f.text) || f.margin ? undefined : headingLevel(styled(f), scale);
      nodes.push(level ? { kind: 'heading', level, text: f.text } : { kind: 'paragraph', text: f.text });
    });
    for (const { line, role } of pf.foot) nodes.push({ kind: 'paragraph', text: line.text, role });
    return { page: pf.page, nodes };
  });
}
