import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { imageSize } from '../src/image-header.js';
import { clipGeometry, preprocessImage, writeNormalized } from '../src/preprocess.js';
import { IMAGE_FLOATS } from '../src/shapes.js';

/** The JPEG streams (DCTDecode image XObjects) of a corpus PDF, as stored: real photos and figures. */
function pdfJpegs(file: string): Uint8Array[] {
  const pdf = readFileSync(join(process.cwd(), '..', 'shared', 'corpus', 'pdf', file));
  const out: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const filter = pdf.indexOf('/DCTDecode', at);
    if (filter < 0) break;
    const start = pdf.indexOf('stream', filter);
    const end = pdf.indexOf('endstream', start);
    if (start < 0 || end < 0) break;
    const soi = pdf.indexOf(Buffer.from([0xff, 0xd8]), start);
    // An image XObject's dictionary may also hold /SMask etc.: keep only streams that start with SOI.
    if (soi > start && soi < start + 10) out.push(new Uint8Array(pdf.subarray(soi, end)));
    at = end;
  }
  return out;
}

describe('imageSize', () => {
  const jpegs = [...pdfJpegs('clinical-science-ace.pdf'), ...pdfJpegs('pdkids.pdf')];

  it('reads the same size as sharp from the real JPEGs of the corpus PDFs and from PNGs', async () => {
    expect(jpegs.length).toBeGreaterThanOrEqual(20);
    for (const jpeg of jpegs) {
      const meta = await sharp(jpeg).metadata();
      expect(imageSize(jpeg)).toEqual({ width: meta.width, height: meta.height });
    }
    for (const jpeg of jpegs.slice(0, 4)) {
      const png = new Uint8Array(await sharp(jpeg).png().toBuffer());
      const meta = await sharp(png).metadata();
      expect(imageSize(png)).toEqual({ width: meta.width, height: meta.height });
    }
  });

  it('lets the transform skip metadata() without changing a single float', async () => {
    for (const jpeg of jpegs.filter((_, i) => i % 4 === 0)) {
      // The transform as it was with sharp's metadata(): same geometry, same pipeline.
      const meta = await sharp(jpeg).metadata();
      const g = clipGeometry(meta.width!, meta.height!);
      let p = sharp(jpeg);
      if (g.resizeWidth !== meta.width || g.resizeHeight !== meta.height) p = p.resize(g.resizeWidth, g.resizeHeight, { fit: 'fill', kernel: 'cubic', fastShrinkOnLoad: false });
      const raw = await p.extract({ left: g.left, top: g.top, width: 224, height: 224 }).removeAlpha().toColourspace('srgb').raw().toBuffer();
      const want = new Float32Array(IMAGE_FLOATS);
      writeNormalized(new Uint8Array(raw), want);
      const got = new Float32Array(IMAGE_FLOATS);
      await preprocessImage(jpeg, got);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    }
  });

  it('reads progressive JPEGs and stored (not EXIF-rotated) sizes, as sharp metadata() and PIL do', async () => {
    const base = sharp({ create: { width: 301, height: 187, channels: 3, background: { r: 1, g: 2, b: 3 } } });
    const progressive = await base.clone().jpeg({ progressive: true }).toBuffer();
    expect(imageSize(progressive)).toEqual({ width: 301, height: 187 });
    const rotated = await base.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    expect(imageSize(rotated)).toEqual({ width: 301, height: 187 });
  });

  it('returns null for other formats and for garbage, which then go through sharp metadata()', async () => {
    const webp = await sharp({ create: { width: 250, height: 230, channels: 3, background: { r: 200, g: 100, b: 50 } } }).webp({ lossless: true }).toBuffer();
    expect(imageSize(webp)).toBeNull();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(imageSize(new Uint8Array(0))).toBeNull();
    const out = new Float32Array(IMAGE_FLOATS);
    await preprocessImage(webp, out);
    expect(out[0]).toBeCloseTo((200 / 255 - 0.48145466) / 0.26862954, 6);
  });
});

describe('writeNormalized', () => {
  it('gives the same floats from word-aligned and unaligned bytes (fast and plain loop)', () => {
    const bytes = new Uint8Array(IMAGE_FLOATS + 1);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const aligned = bytes.slice(0, IMAGE_FLOATS);
    const unaligned = bytes.subarray(1).subarray(0, IMAGE_FLOATS);
    unaligned.set(aligned);
    expect(unaligned.byteOffset % 4).toBe(1);
    const a = new Float32Array(IMAGE_FLOATS);
    const b = new Float32Array(IMAGE_FLOATS);
    writeNormalized(aligned, a);
    writeNormalized(unaligned, b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // Pixel 5 (HWC bytes 15..17) lands at CHW positions 5, 50176 + 5, 2 * 50176 + 5, in float32 as torch computes it.
    const f = Math.fround;
    for (const [c, mean, std] of [[0, 0.48145466, 0.26862954], [1, 0.4578275, 0.26130258], [2, 0.40821073, 0.27577711]] as const) {
      expect(a[c * 224 * 224 + 5]).toBe(f(f(f(aligned[15 + c]! / 255) - f(mean)) / f(std)));
    }
  });
});
