import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** pdf.js as the pipeline loads it (legacy build, eval off), for checking generated files. */
const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

export interface PageText {
  items: { str: string; x: number; y: number }[];
  images: number;
}

export async function readPdf(bytes: Uint8Array, withImages = false): Promise<PageText[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/', cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
  }).promise;
  const out: PageText[] = [];
  try {
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const tc = await page.getTextContent();
      const items = tc.items.flatMap((it) => ('str' in it && it.str.trim() ? [{ str: it.str, x: it.transform[4] as number, y: it.transform[5] as number }] : []));
      let images = 0;
      if (withImages) {
        const ops = await page.getOperatorList();
        for (const fn of ops.fnArray) if (fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintInlineImageXObject) images++;
      }
      out.push({ items, images });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}
