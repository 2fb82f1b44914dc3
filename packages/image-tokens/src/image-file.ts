import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import sharp from 'sharp';
import { reencodeImage, safeJoin } from '@mtb/core';

export interface EmbeddedImage {
  bytes: Uint8Array;
  /** File name under `<bookId>/` in image paths (`p<page>-<n>.<ext>`). */
  name: string;
  width: number;
  height: number;
  /** True when the file was not yet in shard form and was re-encoded here. */
  reencoded: boolean;
}

export interface ImageLimits {
  maxImageSide: number;
  jpegQuality: number;
  maxImagePixels: number;
}

/**
 * The bytes an image node embeds. pdf-html already writes images in shard form
 * (DESIGN.md section 3), so they are normally taken as they are; a file that is
 * not (another format, or a shorter side above maxImageSide, e.g. a hand-edited
 * book.html) is re-encoded with core's reencodeImage so every node obeys the format.
 * `src` comes from data: it must stay inside the book's build folder.
 */
export async function embedImage(bookDir: string, src: string, limits: ImageLimits): Promise<EmbeddedImage> {
  const file = safeJoin(bookDir, decodeURIComponent(src));
  const raw = new Uint8Array(readFileSync(file));
  const meta = await sharp(raw, { limitInputPixels: limits.maxImagePixels, failOn: 'error' }).metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const ext = extname(file).toLowerCase();
  const inShardForm =
    ((meta.format === 'jpeg' && ext === '.jpg') || (meta.format === 'png' && ext === '.png')) &&
    Math.min(width, height) <= limits.maxImageSide && (meta.orientation ?? 1) === 1 && width > 0 && height > 0;
  if (inShardForm) return { bytes: raw, name: basename(file), width, height, reencoded: false };
  const out = await reencodeImage(raw, { maxSide: limits.maxImageSide, jpegQuality: limits.jpegQuality, maxPixels: limits.maxImagePixels });
  const stem = basename(file, extname(file));
  return { bytes: out.bytes, name: `${stem}.${out.ext}`, width: out.width, height: out.height, reencoded: true };
}
