import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { AnnotationMode, type PDFPageProxy } from '../pdfjs/load.js';
import type { Box } from '../layout/types.js';
import { shareOperatorList } from '../pdfjs/shared-operator-list.js';

/** Pixels of a rendered page or page region: RGBA, row-major. */
export interface PageImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Pixels per PDF point. */
  scale: number;
  /** The page region drawn, in points (viewport space, y down). */
  region: Box;
}

/**
 * Draw a page, or one region of it, with pdf.js on @napi-rs/canvas (the Node
 * canvas pdf.js itself uses), on white, without annotations (form widgets and
 * stamps are not page content). A region is drawn by shifting the viewport,
 * on a canvas of the region's size, so nothing outside it costs pixels.
 * The document must be opened with `standardFontDataUrl` (openPdf does it), or
 * text in non-embedded fonts silently disappears from the pixels.
 */
export async function renderPage(page: PDFPageProxy, scale: number, region?: Box): Promise<PageImage> {
  const full = page.getViewport({ scale: 1 });
  const r = region ?? { x: 0, y: 0, w: full.width, h: full.height };
  const width = Math.max(1, Math.round(r.w * scale));
  const height = Math.max(1, Math.round(r.h * scale));
  const viewport = page.getViewport({ scale, offsetX: -r.x * scale, offsetY: -r.y * scale });
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  // pdf.js' types name the DOM canvas; @napi-rs/canvas is the implementation its Node build expects.
  type RenderParams = Parameters<PDFPageProxy['render']>[0];
  shareOperatorList(page);
  await page.render({
    canvas: canvas as unknown as RenderParams['canvas'],
    canvasContext: ctx as unknown as RenderParams['canvasContext'],
    viewport,
    annotationMode: AnnotationMode.DISABLE,
    background: 'white',
  }).promise;
  return { data: opaquePixels(canvas, ctx, width, height), width, height, scale, region: r };
}

/**
 * The canvas' pixels, RGBA. Drawn on white, every pixel is opaque, and then
 * Skia's premultiplied store is already what getImageData returns, without its
 * per-pixel conversion (a third of the read's time over the layout corpus'
 * figures). data() is a view of the canvas' own memory, so it is copied while
 * the canvas lives; a pixel short of opaque takes the converting path.
 */
function opaquePixels(canvas: Canvas, ctx: SKRSContext2D, width: number, height: number): Uint8ClampedArray {
  const view = canvas.data();
  if (view.length === width * height * 4) {
    const data = new Uint8ClampedArray(view.length);
    data.set(view);
    if (allOpaque(data)) return data;
  }
  return ctx.getImageData(0, 0, width, height).data;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Every alpha byte 255: read a pixel per 32-bit word (alpha its high byte on little-endian machines). */
function allOpaque(data: Uint8ClampedArray): boolean {
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
    for (let i = 0; i < words.length; i++) if (words[i]! < 0xff000000) return false;
    return true;
  }
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

/** One grey byte per pixel (ITU-R BT.601 luma): what OCR and ink detection read. */
export function toGrey(img: Pick<PageImage, 'data' | 'width' | 'height'>): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = (d[j]! * 299 + d[j + 1]! * 587 + d[j + 2]! * 114 + 500) / 1000;
  return out;
}

/** A part of a rendered image, in its pixel grid. */
export function cropImage(img: PageImage, box: Box): PageImage {
  const x0 = Math.max(0, Math.floor((box.x - img.region.x) * img.scale));
  const y0 = Math.max(0, Math.floor((box.y - img.region.y) * img.scale));
  const x1 = Math.min(img.width, Math.ceil((box.x + box.w - img.region.x) * img.scale));
  const y1 = Math.min(img.height, Math.ceil((box.y + box.h - img.region.y) * img.scale));
  const w = Math.max(1, x1 - x0);
  const h = Math.max(1, y1 - y0);
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + w) * 4), y * w * 4);
  return { data, width: w, height: h, scale: img.scale, region: { x: img.region.x + x0 / img.scale, y: img.region.y + y0 / img.scale, w: w / img.scale, h: h / img.scale } };
}
