import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, type PDFDocumentProxy } from './load.js';
import { BookError } from '@mtb/core';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
/** pdf.js wants these as folder paths ending in "/"; without wasmUrl JPEG 2000, JBIG2 and ICC images fail. */
export const PDFJS_ASSETS = {
  cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
  standardFontDataUrl: join(pdfjsRoot, 'standard_fonts') + '/',
  wasmUrl: join(pdfjsRoot, 'wasm') + '/',
  iccUrl: join(pdfjsRoot, 'iccs') + '/',
};

export interface OpenOptions {
  /** pdf.js drops images claiming more pixels than this before decoding them (decompression bombs). */
  maxImageSize: number;
}

/** The magic number may follow some junk, as in many real files; pdf.js and poppler accept up to 1 KiB. */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

/**
 * Open untrusted bytes with the settings DESIGN.md 4.1 requires: no eval of
 * font code (CVE-2024-4367), no font faces, no network, local assets.
 */
export async function openPdf(bytes: Uint8Array, source: string, opts: OpenOptions): Promise<PDFDocumentProxy> {
  if (bytes.byteLength === 0) throw new BookError('empty', `${source} is an empty file (0 bytes): re-download or re-export it`);
  if (!looksLikePdf(bytes)) {
    throw new BookError('not-a-pdf', `${source} is not a PDF (no %PDF- header in its first KiB): check that the file is really a PDF and not HTML, EPUB or an image renamed .pdf`);
  }
  const task = getDocument({
    // pdf.js transfers the buffer to its worker: give it a copy, keep ours intact.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: opts.maxImageSize,
    cMapPacked: true,
    verbosity: 0,
    ...PDFJS_ASSETS,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw classifyLoadError(err, source);
  }
}

export function classifyLoadError(err: unknown, source: string): BookError {
  const e = err as { name?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === 'PasswordException') {
    return new BookError('encrypted', `${source} is password-protected (${msg}): remove the password (e.g. qpdf --decrypt) or drop the book`);
  }
  if (e?.name === 'InvalidPDFException') {
    return new BookError('corrupt', `${source} is damaged beyond repair (${msg}): the file is probably truncated; re-download it`);
  }
  return new BookError('corrupt', `${source} could not be opened (${msg}): the file is probably damaged; re-download or re-export it`);
}
