import type { PdfImageData } from './operators.js';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

const KIND_GRAYSCALE_1BPP = 1;
const KIND_RGB_24BPP = 2;
const KIND_RGBA_32BPP = 3;

/** Packed 1-bit rows (each padded to a byte): 1 is white, 0 black, for 1-bit images and stencil masks alike. */
function unpackBits(src: ArrayLike<number>, width: number, height: number): Uint8Array {
  const rowBytes = (width + 7) >> 3;
  if (src.length < rowBytes * height) throw new Error(`1-bit image data too short (${src.length} < ${rowBytes * height} bytes)`);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = (src[row + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 255 : 0;
  }
  return out;
}

function crop(data: Uint8Array, fullWidth: number, channels: number, c: { x: number; y: number; w: number; h: number }): Uint8Array {
  const out = new Uint8Array(c.w * c.h * channels);
  for (let y = 0; y < c.h; y++) {
    const from = ((c.y + y) * fullWidth + c.x) * channels;
    out.set(data.subarray(from, from + c.w * channels), y * c.w * channels);
  }
  return out;
}

/**
 * pdf.js' decoded pixels -> raw pixels sharp reads. A stencil mask becomes
 * black figure on white; soft masks are already merged into RGBA by pdf.js.
 */
export function toRawImage(img: PdfImageData, mask: boolean, region?: { x: number; y: number; w: number; h: number }): RawImage {
  const { width, height } = img;
  const data = img.data;
  if (!data || typeof data === 'string') throw new Error('image has no pixel data');
  if (!(width > 0 && height > 0)) throw new Error(`image has no size (${width}x${height})`);
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (mask || img.kind === KIND_GRAYSCALE_1BPP) return { data: unpackBits(bytes, width, height), width, height, channels: 1 };
  const channels = img.kind === KIND_RGB_24BPP ? 3 : img.kind === KIND_RGBA_32BPP ? 4 : 0;
  if (!channels) throw new Error(`unknown pdf.js image kind ${img.kind}`);
  if (bytes.length < width * height * channels) throw new Error(`image data too short (${bytes.length} < ${width * height * channels} bytes)`);
  if (region) return { data: crop(bytes, width, channels, region), width: region.w, height: region.h, channels };
  return { data: bytes.subarray(0, width * height * channels), width, height, channels };
}
