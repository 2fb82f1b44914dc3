import sharp from 'sharp';

// Every image a book gives is encoded once: libvips' operation cache would only hold on to pixels no later call
// asks for again (its default keeps up to 50 MB of them, the input buffers of large images with them). Over the
// layout corpus' ten documents in one process, off: peak RSS 860-938 MB against 895-1,024 MB, and no slower.
sharp.cache(false);

export interface EncodedImage {
  bytes: Uint8Array;
  ext: 'jpg' | 'png';
  width: number;
  height: number;
}

export interface ReencodeOptions {
  /** Shorter side at most this (never upscaled). */
  maxSide?: number;
  jpegQuality?: number;
  /** sharp limitInputPixels: larger claims are refused (decompression bombs). */
  maxPixels?: number;
}

export type ImageInput = Uint8Array | { data: Uint8Array; width: number; height: number; channels: 1 | 2 | 3 | 4 };

interface Raw {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** More distinct colours than this in the thumbnail sample: a photograph, not line art. */
const FEW_COLOURS = 32;
/** The colour sample is a grid of at most this many points a side. */
const SAMPLE_SIDE = 64;

/**
 * Distinct colours on a nearest-neighbour grid of at most 64 x 64 points: line
 * art, charts and diagrams have few. Counted in JS over pixels already in
 * memory, so deciding JPEG vs PNG costs no extra sharp pipeline.
 */
function fewColours(raw: Raw, limit = FEW_COLOURS): boolean {
  const { data, width, height, channels } = raw;
  const scale = Math.min(1, SAMPLE_SIDE / Math.max(width, height));
  const sx = Math.max(1, Math.round(width * scale));
  const sy = Math.max(1, Math.round(height * scale));
  const seen = new Set<number>();
  for (let j = 0; j < sy; j++) {
    const row = Math.min(height - 1, Math.floor(((j + 0.5) * height) / sy)) * width;
    for (let i = 0; i < sx; i++) {
      const o = (row + Math.min(width - 1, Math.floor(((i + 0.5) * width) / sx))) * channels;
      seen.add(channels >= 3 ? (data[o]! << 16) | (data[o + 1]! << 8) | data[o + 2]! : data[o]!);
      if (seen.size > limit) return false;
    }
  }
  return true;
}

/** True when an alpha channel exists and some pixel is not fully opaque. */
function hasTransparency(raw: Raw): boolean {
  if (raw.channels !== 2 && raw.channels !== 4) return false;
  const { data, channels } = raw;
  const end = raw.width * raw.height * channels;
  for (let i = channels - 1; i < end; i += channels) if (data[i] !== 255) return true;
  return false;
}

/**
 * pdf.js hands grey images over as RGB: one channel of an image whose every
 * pixel has R = G = B, else undefined. Encoded grey, a JPEG has a third fewer
 * samples to compress and to store. Colour images usually exit on an early pixel.
 */
function greyChannel(raw: Raw): Raw | undefined {
  if (raw.channels !== 3 && raw.channels !== 4) return undefined;
  const { data, channels } = raw;
  const n = raw.width * raw.height;
  for (let i = 0, o = 0; i < n; i++, o += channels) {
    const r = data[o]!;
    if (r !== data[o + 1] || r !== data[o + 2]) return undefined;
  }
  const grey = new Uint8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += channels) grey[i] = data[o]!;
  return { data: grey, width: raw.width, height: raw.height, channels: 1 };
}

function limits(opts: ReencodeOptions): { maxSide: number; quality: number; maxPixels: number } {
  return { maxSide: opts.maxSide ?? 512, quality: opts.jpegQuality ?? 90, maxPixels: opts.maxPixels ?? 100_000_000 };
}

/** Output size: shorter side at most maxSide, aspect kept, never upscaled. */
function targetSize(srcW: number, srcH: number, maxSide: number): { width: number; height: number; resize: boolean } {
  const shorter = Math.min(srcW, srcH);
  const scale = shorter > maxSide ? maxSide / shorter : 1;
  return { width: Math.max(1, Math.round(srcW * scale)), height: Math.max(1, Math.round(srcH * scale)), resize: scale < 1 };
}

/**
 * An encoded file (JPEG, PNG, ...) decoded once, oriented, converted to 8-bit
 * sRGB or grey and already shrunk to its output size (libjpeg's shrink-on-load
 * does most of a large JPEG's reduction while decoding).
 */
async function decodeFile(bytes: Uint8Array, maxSide: number, maxPixels: number): Promise<Raw> {
  const img = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate();
  const meta = await img.metadata();
  const srcW = meta.autoOrient?.width ?? meta.width ?? 0;
  const srcH = meta.autoOrient?.height ?? meta.height ?? 0;
  if (!srcW || !srcH) throw new Error('image has no size');
  const size = targetSize(srcW, srcH, maxSide);
  const grey = meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w';
  const sized = size.resize ? img.resize(size.width, size.height, { kernel: 'lanczos3' }) : img;
  const { data, info } = await sized.toColourspace(grey ? 'b-w' : 'srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels as Raw['channels'] };
}

/**
 * Re-encode an image for the shards (DESIGN.md section 3): shorter side at most
 * maxSide, JPEG q90 for photographs, PNG when the image has real transparency or
 * few colours (line art: JPEG would ring around its edges). Raw pixels go
 * through one sharp pipeline (resize + encode); the JPEG/PNG choice is read
 * from the pixels in JS. Deterministic: same input gives the same output bytes.
 */
export async function reencodeImage(input: ImageInput, opts: ReencodeOptions = {}): Promise<EncodedImage> {
  const { maxSide, quality, maxPixels } = limits(opts);
  let raw: Raw;
  if (input instanceof Uint8Array) {
    raw = await decodeFile(input, maxSide, maxPixels);
  } else {
    const { width, height, channels } = input;
    if (!(width > 0 && height > 0)) throw new Error(`image has no size (${width}x${height})`);
    if (width * height > maxPixels) throw new Error(`Input image exceeds pixel limit (${width}x${height} > ${maxPixels} pixels)`);
    if (input.data.byteLength < width * height * channels) throw new Error(`raw image data too short (${input.data.byteLength} < ${width * height * channels} bytes)`);
    raw = input;
  }
  const alpha = hasTransparency(raw);
  if (!alpha) raw = greyChannel(raw) ?? raw;
  const png = alpha || fewColours(raw);
  const size = targetSize(raw.width, raw.height, maxSide);
  let pipeline = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels }, limitInputPixels: maxPixels, failOn: 'error' });
  if (size.resize) pipeline = pipeline.resize(size.width, size.height, { kernel: 'lanczos3' });
  if (!alpha && (raw.channels === 2 || raw.channels === 4)) pipeline = pipeline.removeAlpha();
  pipeline = pipeline.toColourspace(raw.channels <= 2 ? 'b-w' : 'srgb');
  // zlib level 6 instead of 9: on resized line art 2.3x less CPU for about a fifth more
  // PNG bytes (PNGs are a small share of a book's image bytes; JPEGs dominate).
  const bytes = png
    ? await pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
    : await pipeline.jpeg({ quality, mozjpeg: false, chromaSubsampling: '4:2:0' }).toBuffer();
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ext: png ? 'png' : 'jpg', width: size.width, height: size.height };
}
