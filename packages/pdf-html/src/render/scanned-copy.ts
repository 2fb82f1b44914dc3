import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { openPdf } from '../pdfjs/document.js';
import { renderPage } from './page-image.js';

export interface ScannedCopyOptions {
  /** Scan resolution (pdftoppm's -r). */
  dpi?: number;
  jpegQuality?: number;
  /** 1-based pages to keep (default: all). */
  pages?: number[];
}

/**
 * An image-only copy of a PDF, as a scanner would make it: each page rendered
 * at `dpi` and placed as one full-page JPEG, with no text layer. The pure-JS
 * equivalent of `pdftoppm -r 150` followed by an image-to-PDF tool, for tests
 * and benchmarks of OCR against the born-digital original.
 */
export async function scannedCopy(bytes: Uint8Array, source: string, opts: ScannedCopyOptions = {}): Promise<Uint8Array> {
  const dpi = opts.dpi ?? 150;
  const doc = await openPdf(bytes, source, { maxImageSize: 100_000_000 });
  try {
    const out = await PDFDocument.create();
    const pages = opts.pages ?? Array.from({ length: doc.numPages }, (_, i) => i + 1);
    for (const n of pages) {
      const page = await doc.getPage(n);
      const img = await renderPage(page, dpi / 72);
      const jpeg = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
        .removeAlpha()
        .jpeg({ quality: opts.jpegQuality ?? 85 })
        .toBuffer();
      const embedded = await out.embedJpg(jpeg);
      const { w, h } = img.region;
      out.addPage([w, h]).drawImage(embedded, { x: 0, y: 0, width: w, height: h });
      page.cleanup();
    }
    return await out.save();
  } finally {
    await doc.destroy();
  }
}
