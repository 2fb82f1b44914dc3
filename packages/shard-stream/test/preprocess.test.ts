import sharp from 'sharp';
import { clipGeometry, preprocessImage, roundHalfEven } from '../src/preprocess.js';
import { IMAGE_FLOATS, IMAGE_SIZE } from '../src/shapes.js';

const PLANE = IMAGE_SIZE * IMAGE_SIZE;

/** torchvision ToTensor + Normalize for one byte value, written out: (v / 255 - mean) / std. */
function expected(v: number, channel: 0 | 1 | 2): number {
  const mean = [0.48145466, 0.4578275, 0.40821073][channel]!;
  const std = [0.26862954, 0.26130258, 0.27577711][channel]!;
  return (v / 255 - mean) / std;
}

async function solid(width: number, height: number, r: number, g: number, b: number, format: 'png' | 'jpeg' = 'png'): Promise<Uint8Array> {
  const img = sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 100 }).toBuffer();
}

function planeValues(out: Float32Array, channel: number, offset = 0): Set<number> {
  return new Set(out.subarray(offset + channel * PLANE, offset + (channel + 1) * PLANE));
}

describe('clipGeometry (torchvision Resize(224) + CenterCrop(224))', () => {
  it('scales the shorter side to 224 and truncates the longer', () => {
    // 640x480: long = int(224 * 640 / 480) = int(298.67) = 298, left = round(74 / 2) = 37.
    expect(clipGeometry(640, 480)).toEqual({ resizeWidth: 298, resizeHeight: 224, left: 37, top: 0 });
    // 300x500: long = int(224 * 500 / 300) = int(373.33) = 373, top = round(149 / 2) = round(74.5) = 74 (half to even).
    expect(clipGeometry(300, 500)).toEqual({ resizeWidth: 224, resizeHeight: 373, left: 0, top: 74 });
    expect(clipGeometry(100, 100)).toEqual({ resizeWidth: 224, resizeHeight: 224, left: 0, top: 0 });
  });

  it("rounds crop offsets like Python's round (halves to even)", () => {
    expect([0.5, 1.5, 2.5, 38.5, 39.5, 3.2, 3.7].map(roundHalfEven)).toEqual([0, 2, 2, 38, 40, 3, 4]);
  });
});

describe('preprocessImage (open_clip ViT-L/14 validation transform)', () => {
  it.each([
    [300, 500, 200, 100, 50],
    [640, 480, 0, 255, 128],
    [224, 224, 17, 34, 51],
    [50, 80, 255, 255, 255],
  ])('normalizes a uniform %ix%i image to the hand-computed values', async (w, h, r, g, b) => {
    const out = new Float32Array(IMAGE_FLOATS);
    await preprocessImage(await solid(w, h, r, g, b), out);
    // A uniform image stays uniform through any resize whose weights sum to 1, so
    // every pixel of plane c must be (v_c / 255 - mean_c) / std_c.
    for (const [c, v] of [[0, r], [1, g], [2, b]] as const) {
      const values = [...planeValues(out, c)];
      expect(values.length).toBe(1);
      expect(values[0]).toBeCloseTo(expected(v, c), 6);
    }
  });

  it('gives the worked example exactly: (200/255 - 0.48145466) / 0.26862954', async () => {
    const out = new Float32Array(IMAGE_FLOATS);
    await preprocessImage(await solid(400, 300, 200, 200, 200), out);
    // 200 / 255 = 0.784313725...; - 0.48145466 = 0.302859065...; / 0.26862954 = 1.12742279...
    expect(out[0]).toBeCloseTo(1.1274228, 6);
    // Green: (0.784313725 - 0.4578275) / 0.26130258 = 1.24945...
    expect(out[PLANE]).toBeCloseTo(1.2494535, 5);
  });

  it('center-crops without resizing when the shorter side is already 224 (row y has grey level y mod 256)', async () => {
    for (const [height, top] of [[301, 38], [303, 40], [224, 0]] as const) {
      const raw = Buffer.alloc(224 * height * 3);
      for (let y = 0; y < height; y++) raw.fill(y % 256, y * 224 * 3, (y + 1) * 224 * 3);
      const png = await sharp(raw, { raw: { width: 224, height, channels: 3 } }).png().toBuffer();
      const out = new Float32Array(IMAGE_FLOATS);
      await preprocessImage(png, out);
      for (const y of [0, 1, 100, 223]) {
        expect(out[y * 224]).toBeCloseTo(expected((top + y) % 256, 0), 6);
        expect(out[2 * PLANE + y * 224 + 223]).toBeCloseTo(expected((top + y) % 256, 2), 6);
      }
    }
  });

  it('lays out channels first (CHW) and writes at the given offset', async () => {
    const out = new Float32Array(2 * IMAGE_FLOATS);
    await preprocessImage(await solid(230, 230, 255, 0, 0), out, IMAGE_FLOATS);
    expect(out.subarray(0, IMAGE_FLOATS).every((v) => v === 0)).toBe(true);
    expect([...planeValues(out, 0, IMAGE_FLOATS)][0]).toBeCloseTo(expected(255, 0), 6);
    expect([...planeValues(out, 1, IMAGE_FLOATS)][0]).toBeCloseTo(expected(0, 1), 6);
  });

  it('replicates grey to RGB and drops alpha', async () => {
    const grey = await sharp({ create: { width: 260, height: 240, channels: 3, background: { r: 90, g: 90, b: 90 } } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const rgba = await sharp({ create: { width: 224, height: 224, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } } }).png().toBuffer();
    const out = new Float32Array(IMAGE_FLOATS);
    await preprocessImage(grey, out);
    for (const c of [0, 1, 2] as const) expect([...planeValues(out, c)][0]).toBeCloseTo(expected(90, c), 6);
    await preprocessImage(rgba, out);
    expect([...planeValues(out, 2)][0]).toBeCloseTo(expected(30, 2), 6);
  });

  it('downsamples with an antialiased bicubic: a fine checkerboard averages to grey', async () => {
    // 896 -> 224 is a 4x shrink; a 1-pixel checkerboard of 0/255 must come out near 127.5 everywhere, which
    // a non-antialiased (point-sampling) resize would not give.
    const raw = Buffer.alloc(896 * 896 * 3);
    for (let y = 0; y < 896; y++) for (let x = 0; x < 896; x++) raw.fill((x + y) % 2 ? 255 : 0, (y * 896 + x) * 3, (y * 896 + x) * 3 + 3);
    const png = await sharp(raw, { raw: { width: 896, height: 896, channels: 3 } }).png().toBuffer();
    const out = new Float32Array(IMAGE_FLOATS);
    await preprocessImage(png, out);
    const mid = out[112 * 224 + 112]!;
    expect(mid).toBeGreaterThan(expected(120, 0));
    expect(mid).toBeLessThan(expected(135, 0));
  });

  it('rejects undecodable bytes', async () => {
    await expect(preprocessImage(new Uint8Array([1, 2, 3, 4]), new Float32Array(IMAGE_FLOATS))).rejects.toThrow();
  });
});
