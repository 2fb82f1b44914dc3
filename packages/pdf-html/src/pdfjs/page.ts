import { AnnotationMode, OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Box, TextRun } from '../layout/types.js';
import { collectImageDraws, multiply, unitSquareBounds, type ImageDraw, type PdfImageData } from './operators.js';
import { textRuns, type FontFacts, type PdfTextItem, type PdfTextStyle } from './text.js';

export interface PageContent {
  width: number;
  height: number;
  runs: TextRun[];
  draws: Array<ImageDraw & { box: Box }>;
}

/**
 * Everything the layout needs from one page. The operator list comes first:
 * it loads the page's fonts into commonObjs, where their names tell bold from
 * regular. Annotations (form widgets, stamps) are not page content.
 */
export async function readPage(page: PDFPageProxy, normalize: (s: string) => string): Promise<PageContent> {
  const viewport = page.getViewport({ scale: 1 });
  const vt = viewport.transform;
  const opList = await page.getOperatorList({ annotationMode: AnnotationMode.DISABLE });
  const content = await page.getTextContent();
  const font = (name: string): FontFacts | undefined => (page.commonObjs.has(name) ? (page.commonObjs.get(name) as FontFacts) : undefined);
  const items = content.items.filter((it): it is typeof it & PdfTextItem => 'str' in it);
  const runs = textRuns(items as PdfTextItem[], content.styles as Record<string, PdfTextStyle>, vt, font, normalize);
  const draws = collectImageDraws(opList.fnArray, opList.argsArray, OPS).map((d) => {
    const b = unitSquareBounds(multiply(vt, d.matrix));
    return { ...d, box: { x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0 } };
  });
  return { width: viewport.width, height: viewport.height, runs, draws };
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
