import { AnnotationMode, OPS, type PDFPageProxy } from './load.js';
import type { Box, StructBlock, TextRun } from '../layout/types.js';
import { boxUnder, collectImageDraws, multiply, unitSquareBounds, type ImageDraw, type PdfImageData } from './operators.js';
import { structBlocks, type PdfStructNode } from './structure.js';
import { collapseLetterSpacing, hasLetterSpacedRun, letterSpacedStrings } from './letter-spacing.js';
import { watchListStart } from './shared-operator-list.js';
import { textRuns, type FontFacts, type PdfTextItem, type PdfTextStyle } from './text.js';
import { collectPaintMarks, type PaintMark } from '../vector/marks.js';

export interface PageContent {
  width: number;
  height: number;
  runs: TextRun[];
  draws: Array<ImageDraw & { box: Box }>;
  /** Tagged pages: the structure tree's blocks in logical order (runs carry their marked-content ids). */
  structure?: StructBlock[];
  /** Painted paths, for finding vector-drawn figures. */
  marks: PaintMark[];
  /**
   * Characters drawn in each font family (subset prefix dropped): what script a garbled text layer was set
   * in. Counted when asked, which only a page sent to OCR is; call it before the page is cleaned up.
   */
  fonts: () => Record<string, number>;
}

/** Characters per font family ("QGUVOW+SimSun" counts as "SimSun"). */
function fontChars(items: PdfTextItem[], font: (name: string) => FontFacts | undefined): Record<string, number> {
  const chars: Record<string, number> = {};
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const n = item.str.replace(/\s/g, '').length;
    if (!n) continue;
    const family = (font(item.fontName)?.name ?? '').replace(/^[A-Z]{6}\+/, '');
    if (family) chars[family] = (chars[family] ?? 0) + n;
  }
  return chars;
}

export interface ReadOptions {
  /** The document is tagged (MarkInfo /Marked): read marked content and the page's structure tree. */
  tagged?: boolean;
}

type MarkedItem = { type?: string; id?: string; tag?: string };

/** Each text item's innermost marked-content id, and whether it is drawn inside an Artifact. */
function markItems(items: Array<PdfTextItem | MarkedItem>): PdfTextItem[] {
  const out: PdfTextItem[] = [];
  const stack: Array<{ id?: string; artifact: boolean }> = [];
  for (const it of items) {
    if ('str' in it) {
      const top = [...stack].reverse();
      const id = top.find((s) => s.id)?.id;
      const artifact = stack.some((s) => s.artifact);
      out.push(artifact ? { ...it, artifact } : id ? { ...it, mcid: id } : it);
      continue;
    }
    if (it.type === 'beginMarkedContent' || it.type === 'beginMarkedContentProps') stack.push({ ...(it.id ? { id: it.id } : {}), artifact: it.tag === 'Artifact' });
    else if (it.type === 'endMarkedContent') stack.pop();
  }
  return out;
}

/**
 * Everything the layout needs from one page. The operator list comes first:
 * it loads the page's fonts into commonObjs, where their names tell bold from
 * regular. Annotations (form widgets, stamps) are not page content.
 */
export async function readPage(page: PDFPageProxy, normalize: (s: string) => string, opts: ReadOptions = {}): Promise<PageContent> {
  const viewport = page.getViewport({ scale: 1 });
  const vt = viewport.transform;
  watchListStart(page);
  const opList = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
  const content = await page.getTextContent(opts.tagged ? { includeMarkedContent: true } : undefined);
  const font = (name: string): FontFacts | undefined => (page.commonObjs.has(name) ? (page.commonObjs.get(name) as FontFacts) : undefined);
  const items = opts.tagged ? markItems(content.items as Array<PdfTextItem | MarkedItem>) : (content.items.filter((it) => 'str' in it) as PdfTextItem[]);
  let runs = textRuns(items, content.styles as Record<string, PdfTextStyle>, vt, font, normalize);
  // Letter-spaced titles: their words from the glyph advances (only on pages that show one).
  if (hasLetterSpacedRun(runs)) runs = collapseLetterSpacing(runs, letterSpacedStrings(opList.fnArray, opList.argsArray, OPS), normalize);
  // A broken structure tree is no reason to lose the page: geometry reads it.
  const structure = opts.tagged ? structBlocks((await page.getStructTree().catch(() => null)) as PdfStructNode | null) : undefined;
  const draws = collectImageDraws(opList.fnArray, opList.argsArray, OPS).map((d) => {
    const b = unitSquareBounds(multiply(vt, d.matrix));
    // What shows is the part inside the clip: a photo cropped by its frame is placed by the frame.
    if (d.clip) {
      const c = boxUnder(vt, d.clip.x0, d.clip.y0, d.clip.x1, d.clip.y1);
      const x0 = Math.max(b.x0, c.x0);
      const y0 = Math.max(b.y0, c.y0);
      const x1 = Math.min(b.x1, c.x1);
      const y1 = Math.min(b.y1, c.y1);
      if (x1 > x0 && y1 > y0) return { ...d, box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
    }
    return { ...d, box: { x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0 } };
  });
  const marks = collectPaintMarks(opList.fnArray, opList.argsArray, OPS, vt);
  return { width: viewport.width, height: viewport.height, runs, draws, marks, fonts: () => fontChars(items, font), ...(structure?.length ? { structure } : {}) };
}

/**
 * An image XObject's decoded pixels, through the callback form of objs.get
 * (it waits for the worker instead of throwing on a not-yet-resolved id).
 * `g_` ids are images pdf.js found on several pages and keeps in commonObjs.
 */
export function imageObject(page: PDFPageProxy, id: string): Promise<PdfImageData> {
  const store = id.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve, reject) => {
    store.get(id, (data: unknown) => (data ? resolve(data as PdfImageData) : reject(new Error(`image ${id} did not decode`))));
  });
}
