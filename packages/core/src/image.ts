import sharp, { type Sharp } from 'sharp';

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

function load(input: ImageInput, maxPixels: number): Sharp {
  const common = { limitInputPixels: maxPixels, failOn: 'error' as const, sequentialRead: true };
  if (input instanceof Uint8Array) return sharp(input, common);
  return sharp(input.data, { ...common, raw: { width: input.width, height: input.height, channels: input.channels } });
}

/** Distinct colours in a small thumbnail: line art, charts and diagrams have few. */
async function distinctColours(img: Sharp, limit: number): Promise<number> {
  const { data, info } = await img.clone().removeAlpha().resize(64, 64, { fit: 'inside', kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  const ch = info.channels;
  for (let i = 0; i < data.length; i += ch) {
    const c = ch >= 3 ? (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]! : data[i]!;
    seen.add(c);
    if (seen.size > limit) break;
  }
  return seen.size;
}

const FEW_COLOURS = 32;

/**
 * Re-encode an image for the shards (DESIGN.md section 3): shorter side at most
 * maxSide, JPEG q90 for photographs, PNG when the image has real transparency or
 * few colours (line art: JPEG would ring around its edges). Deterministic: same
 * input bytes give the same output bytes.
 */
export async function reencodeImage(input: ImageInput, opts: ReencodeOptions = {}): Promise<EncodedImage> {
  const maxSide = opts.maxSide ?? 512;
  const quality = opts.jpegQuality ?? 90;
  const maxPixels = opts.maxPixels ?? 100_000_000;
  const img = load(input, maxPixels).rotate();
  const meta = await img.metadata();
  const srcW = meta.autoOrient?.width ?? meta.width ?? 0;
  const srcH = meta.autoOrient?.height ?? meta.height ?? 0;
  if (!srcW || !srcH) throw new Error('image has no size');
  const shorter = Math.min(srcW, srcH);
  const scale = shorter > maxSide ? maxSide / shorter : 1;
  const width = Math.max(1, Math.round(srcW * scale));
  const height = Math.max(1, Math.round(srcH * scale));
  let pipeline = scale < 1 ? img.resize(width, height, { kernel: 'lanczos3' }) : img;
  let alpha = false;
  if (meta.hasAlpha) {
    const stats = await load(input, maxPixels).stats();
    alpha = !stats.isOpaque;
  }
  const png = alpha || (await distinctColours(pipeline, FEW_COLOURS)) <= FEW_COLOURS;
  if (!alpha) pipeline = pipeline.removeAlpha();
  pipeline = pipeline.toColourspace(meta.channels === 1 || meta.space === 'b-w' ? 'b-w' : 'srgb');
  const bytes = png
    ? await pipeline.png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer()
    : await pipeline.jpeg({ quality, mozjpeg: false, chromaSubsampling: '4:2:0' }).toBuffer();
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ext: png ? 'png' : 'jpg', width, height };
}
