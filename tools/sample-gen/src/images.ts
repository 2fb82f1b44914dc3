import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { Rng } from './prng.js';

/**
 * Synthetic "medical" figures drawn pixel by pixel from a seeded PRNG: varied
 * (gradients, shapes, speckle, line art), never near-uniform, so every image
 * filter and perceptual hash sees something like a real figure. Photographs are
 * JPEG, line art PNG, as in real books.
 */
export type ImageKind = 'xray' | 'ct' | 'ultrasound' | 'histology' | 'photo' | 'ecg' | 'diagram' | 'chart';
export const PHOTO_KINDS: ImageKind[] = ['xray', 'ct', 'ultrasound', 'histology', 'photo'];
export const LINE_ART_KINDS: ImageKind[] = ['ecg', 'diagram', 'chart'];

export interface ImageAsset {
  bytes: Uint8Array;
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  kind: ImageKind | 'logo';
  sha256: string;
}

type Rgb = [number, number, number];

class Canvas {
  readonly px: Float32Array;
  constructor(readonly w: number, readonly h: number) {
    this.px = new Float32Array(w * h * 3);
  }

  gradient(a: Rgb, b: Rgb, angle: number): void {
    const dx = Math.cos(angle), dy = Math.sin(angle);
    const span = Math.abs(dx) * this.w + Math.abs(dy) * this.h;
    const off = Math.min(0, dx * this.w) + Math.min(0, dy * this.h);
    for (let y = 0; y < this.h; y++) {
      for (let x = 0; x < this.w; x++) {
        const t = (x * dx + y * dy - off) / span;
        const i = (y * this.w + x) * 3;
        this.px[i] = a[0] + (b[0] - a[0]) * t;
        this.px[i + 1] = a[1] + (b[1] - a[1]) * t;
        this.px[i + 2] = a[2] + (b[2] - a[2]) * t;
      }
    }
  }

  /** A rotated ellipse; soft edges fade like tissue boundaries, hard ones like line art. */
  ellipse(cx: number, cy: number, rx: number, ry: number, rot: number, c: Rgb, opacity = 1, soft = true): void {
    const r = Math.max(rx, ry);
    const x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(this.w - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(this.h - 1, Math.ceil(cy + r));
    const cos = Math.cos(rot), sin = Math.sin(rot);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const ux = ((x - cx) * cos + (y - cy) * sin) / rx;
        const uy = (-(x - cx) * sin + (y - cy) * cos) / ry;
        const d = ux * ux + uy * uy;
        if (d >= 1) continue;
        const a = opacity * (soft ? 1 - d * d : 1);
        const i = (y * this.w + x) * 3;
        this.px[i] += (c[0] - this.px[i]!) * a;
        this.px[i + 1] += (c[1] - this.px[i + 1]!) * a;
        this.px[i + 2] += (c[2] - this.px[i + 2]!) * a;
      }
    }
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, Math.floor(y)); yy < Math.min(this.h, Math.floor(y + h)); yy++) {
      for (let xx = Math.max(0, Math.floor(x)); xx < Math.min(this.w, Math.floor(x + w)); xx++) {
        const i = (yy * this.w + xx) * 3;
        this.px[i] = c[0];
        this.px[i + 1] = c[1];
        this.px[i + 2] = c[2];
      }
    }
  }

  line(xa: number, ya: number, xb: number, yb: number, thick: number, c: Rgb): void {
    const steps = Math.ceil(Math.max(Math.abs(xb - xa), Math.abs(yb - ya))) + 1;
    const r = thick / 2;
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      this.rect(xa + (xb - xa) * t - r, ya + (yb - ya) * t - r, thick, thick, c);
    }
  }

  noise(rng: Rng, sigma: number): void {
    for (let i = 0; i < this.px.length; i += 3) {
      const n = gauss(rng) * sigma;
      this.px[i] += n;
      this.px[i + 1] += n;
      this.px[i + 2] += n;
    }
  }

  toRaw(): Buffer {
    // Uint8ClampedArray rounds and clamps natively: much faster than a JS loop on a 1,000-page book.
    const bytes = new Uint8ClampedArray(this.px);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Normal deviates by table lookup: one PRNG draw per pixel keeps noise cheap and still seeded. */
const GAUSS_TABLE = (() => {
  const r = new Rng('gauss-table');
  const t = new Float32Array(4096);
  for (let i = 0; i < t.length; i += 2) {
    const u1 = 1 - r.next(), u2 = r.next();
    const m = Math.sqrt(-2 * Math.log(u1));
    t[i] = m * Math.cos(2 * Math.PI * u2);
    t[i + 1] = m * Math.sin(2 * Math.PI * u2);
  }
  return t;
})();

function gauss(rng: Rng): number {
  return GAUSS_TABLE[rng.nextU32() >>> 20]!;
}

const grey = (v: number): Rgb => [v, v, v];

function drawXray(c: Canvas, rng: Rng): void {
  c.gradient(grey(rng.int(8, 30)), grey(rng.int(35, 70)), rng.range(0, Math.PI));
  c.ellipse(c.w / 2, c.h / 2, c.w * 0.45, c.h * 0.48, 0, grey(rng.int(60, 90)), 0.7);
  const bones = rng.int(3, 6);
  for (let i = 0; i < bones; i++) {
    const cx = rng.range(0.2, 0.8) * c.w, cy = rng.range(0.2, 0.8) * c.h;
    const rx = rng.range(0.05, 0.12) * c.w, ry = rng.range(0.25, 0.45) * c.h, rot = rng.range(-0.6, 0.6);
    c.ellipse(cx, cy, rx, ry, rot, grey(rng.int(185, 235)), 0.95);
    c.ellipse(cx, cy, rx * 0.45, ry * 0.85, rot, grey(rng.int(110, 150)), 0.8);
  }
  c.noise(rng, 7);
}

function drawCt(c: Canvas, rng: Rng): void {
  c.gradient(grey(0), grey(12), rng.range(0, Math.PI));
  const cx = c.w / 2, cy = c.h / 2;
  c.ellipse(cx, cy, c.w * 0.44, c.h * 0.38, 0, grey(rng.int(80, 105)), 1);
  c.ellipse(cx, cy, c.w * 0.40, c.h * 0.34, 0, grey(rng.int(55, 75)), 0.9);
  for (let i = 0; i < rng.int(4, 8); i++) {
    c.ellipse(cx + rng.range(-0.28, 0.28) * c.w, cy + rng.range(-0.22, 0.22) * c.h, rng.range(0.04, 0.14) * c.w,
      rng.range(0.04, 0.12) * c.h, rng.range(0, Math.PI), grey(rng.int(90, 200)), 0.9);
  }
  c.ellipse(cx, cy + c.h * 0.22, c.w * 0.06, c.h * 0.07, 0, grey(240), 1);
  c.noise(rng, 9);
}

function drawUltrasound(c: Canvas, rng: Rng): void {
  c.rect(0, 0, c.w, c.h, grey(4));
  const ax = c.w / 2, ay = c.h * 0.04, r0 = c.h * 0.08, r1 = c.h * 0.95, half = rng.range(0.5, 0.7);
  const cysts = Array.from({ length: rng.int(1, 3) }, () => ({
    x: ax + rng.range(-0.2, 0.2) * c.w, y: rng.range(0.35, 0.75) * c.h, r: rng.range(0.05, 0.12) * c.h,
  }));
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const dx = x - ax, dy = y - ay;
      const r = Math.hypot(dx, dy);
      if (r < r0 || r > r1 || Math.abs(Math.atan2(dx, dy)) > half) continue;
      let v = 70 + 40 * Math.sin(r / 17) + gauss(rng) * 38;
      for (const cy of cysts) if (Math.hypot(x - cy.x, y - cy.y) < cy.r) v = 10 + gauss(rng) * 6;
      v *= 1 - (r - r0) / (r1 - r0) * 0.5;
      const i = (y * c.w + x) * 3;
      c.px[i] = v;
      c.px[i + 1] = v;
      c.px[i + 2] = v;
    }
  }
}

function drawHistology(c: Canvas, rng: Rng): void {
  c.gradient([244, 222, 232], [230, 200, 220], rng.range(0, Math.PI));
  for (let i = 0; i < rng.int(25, 45); i++) {
    c.ellipse(rng.range(0, c.w), rng.range(0, c.h), rng.range(12, 40), rng.range(10, 30), rng.range(0, Math.PI), [225, 140, 175], 0.6);
  }
  const nuclei = Math.round(c.w * c.h / rng.int(600, 1200));
  for (let i = 0; i < nuclei; i++) {
    c.ellipse(rng.range(0, c.w), rng.range(0, c.h), rng.range(2.5, 6), rng.range(2, 5), rng.range(0, Math.PI),
      [rng.int(70, 110), rng.int(40, 70), rng.int(130, 170)], 0.9);
  }
  c.noise(rng, 4);
}

function drawPhoto(c: Canvas, rng: Rng): void {
  c.gradient([rng.int(215, 235), rng.int(170, 190), rng.int(140, 160)], [rng.int(180, 200), rng.int(130, 150), rng.int(100, 120)], rng.range(0, Math.PI));
  const cx = c.w * rng.range(0.35, 0.65), cy = c.h * rng.range(0.35, 0.65);
  for (let i = 0; i < rng.int(6, 12); i++) {
    c.ellipse(cx + rng.gauss() * c.w * 0.06, cy + rng.gauss() * c.h * 0.06, rng.range(0.05, 0.15) * c.w, rng.range(0.05, 0.13) * c.h,
      rng.range(0, Math.PI), [rng.int(100, 150), rng.int(55, 85), rng.int(40, 65)], 0.8);
  }
  for (let i = 0; i < 3; i++) c.ellipse(rng.range(0, c.w), rng.range(0, c.h), 20, 12, 0, [245, 225, 210], 0.4);
  c.noise(rng, 3);
}

function drawEcg(c: Canvas, rng: Rng): void {
  c.rect(0, 0, c.w, c.h, [255, 255, 255]);
  for (let x = 0; x < c.w; x += 10) c.rect(x, 0, 1, c.h, x % 50 === 0 ? [240, 150, 150] : [250, 210, 210]);
  for (let y = 0; y < c.h; y += 10) c.rect(0, y, c.w, 1, y % 50 === 0 ? [240, 150, 150] : [250, 210, 210]);
  const rows = Math.max(1, Math.floor(c.h / 90));
  const period = rng.range(70, 110);
  for (let r = 0; r < rows; r++) {
    const base = (r + 0.6) * (c.h / rows);
    let px = 0, py = base;
    for (let x = 1; x < c.w; x++) {
      const t = ((x + r * 13) % period) / period;
      let v = 0;
      if (t > 0.1 && t < 0.2) v = 6 * Math.sin((t - 0.1) / 0.1 * Math.PI);
      else if (t > 0.3 && t < 0.33) v = -8;
      else if (t >= 0.33 && t < 0.37) v = 38;
      else if (t >= 0.37 && t < 0.4) v = -12;
      else if (t > 0.55 && t < 0.72) v = 10 * Math.sin((t - 0.55) / 0.17 * Math.PI);
      const y = base - v;
      c.line(px, py, x, y, 2, [20, 20, 20]);
      px = x;
      py = y;
    }
  }
}

const PALETTE: Rgb[] = [[66, 133, 244], [219, 68, 55], [244, 180, 0], [15, 157, 88], [120, 80, 160], [0, 150, 170]];

function drawDiagram(c: Canvas, rng: Rng): void {
  c.rect(0, 0, c.w, c.h, [255, 255, 255]);
  const n = rng.int(3, 6);
  const boxes: { x: number; y: number; w: number; h: number }[] = [];
  for (let i = 0; i < n; i++) {
    const w = c.w * rng.range(0.18, 0.26), h = c.h * rng.range(0.12, 0.2);
    const x = (i % 3) * (c.w / 3) + rng.range(5, c.w / 3 - w - 5);
    const y = Math.floor(i / 3) * (c.h / 2) + rng.range(10, c.h / 2 - h - 10);
    boxes.push({ x, y, w, h });
    const col = rng.pick(PALETTE);
    c.rect(x, y, w, h, [(col[0] + 510) / 3, (col[1] + 510) / 3, (col[2] + 510) / 3]);
    c.line(x, y, x + w, y, 3, col); c.line(x, y + h, x + w, y + h, 3, col);
    c.line(x, y, x, y + h, 3, col); c.line(x + w, y, x + w, y + h, 3, col);
    for (let k = 0; k < 3; k++) c.rect(x + w * 0.15, y + h * (0.3 + k * 0.2), w * rng.range(0.4, 0.7), 3, [60, 60, 60]);
  }
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1]!, b = boxes[i]!;
    const xa = a.x + a.w / 2, ya = a.y + a.h, xb = b.x + b.w / 2, yb = b.y;
    c.line(xa, ya, xb, yb, 2, [40, 40, 40]);
    c.ellipse(xb, yb, 5, 5, 0, [40, 40, 40], 1, false);
  }
}

function drawChart(c: Canvas, rng: Rng): void {
  c.rect(0, 0, c.w, c.h, [255, 255, 255]);
  const left = c.w * 0.1, bottom = c.h * 0.88, top = c.h * 0.08;
  c.line(left, top, left, bottom, 2, [0, 0, 0]);
  c.line(left, bottom, c.w * 0.95, bottom, 2, [0, 0, 0]);
  for (let k = 1; k <= 4; k++) c.rect(left, bottom - (bottom - top) * k / 4.5, c.w * 0.85, 1, [210, 210, 210]);
  const groups = rng.int(3, 6), series = rng.int(1, 3);
  const gw = (c.w * 0.83) / groups;
  for (let g = 0; g < groups; g++) {
    for (let s = 0; s < series; s++) {
      const h = (bottom - top) * rng.range(0.15, 0.95);
      const bw = gw * 0.7 / series;
      c.rect(left + 8 + g * gw + s * bw, bottom - h, bw - 2, h, PALETTE[s]!);
    }
  }
}

const DRAW: Record<ImageKind, (c: Canvas, rng: Rng) => void> = {
  xray: drawXray, ct: drawCt, ultrasound: drawUltrasound, histology: drawHistology, photo: drawPhoto,
  ecg: drawEcg, diagram: drawDiagram, chart: drawChart,
};

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function makeImage(rng: Rng, kind: ImageKind, width?: number, height?: number): Promise<ImageAsset> {
  const w = width ?? rng.int(15, 36) * 20;
  const h = height ?? Math.max(240, Math.round(w * rng.range(0.55, 0.95) / 4) * 4);
  const c = new Canvas(w, Math.max(240, h));
  DRAW[kind](c, rng);
  const lineArt = LINE_ART_KINDS.includes(kind);
  let img = sharp(c.toRaw(), { raw: { width: c.w, height: c.h, channels: 3 } });
  let bytes: Buffer;
  if (lineArt) {
    bytes = await img.png({ palette: true, colours: 32, dither: 0, compressionLevel: 9 }).toBuffer();
  } else {
    if (kind === 'xray' || kind === 'ct') img = img.blur(0.8);
    bytes = await img.jpeg({ quality: 82 }).toBuffer();
  }
  const out = new Uint8Array(bytes);
  return { bytes: out, format: lineArt ? 'png' : 'jpeg', width: c.w, height: c.h, kind, sha256: sha(out) };
}

/**
 * A near-duplicate of a photograph (a new edition's re-scanned figure): slightly
 * brighter and re-encoded, so pixel hashes differ while perceptual hashes stay close.
 */
export async function nearDuplicate(asset: ImageAsset): Promise<ImageAsset> {
  const bytes = new Uint8Array(await sharp(asset.bytes).modulate({ brightness: 1.04 }).jpeg({ quality: 74 }).toBuffer());
  return { ...asset, bytes, format: 'jpeg', sha256: sha(bytes) };
}

/** A small publisher mark: below minImageSide on purpose, and repeated, like real logos. */
export async function makeLogo(rng: Rng): Promise<ImageAsset> {
  const c = new Canvas(180, 60);
  c.rect(0, 0, 180, 60, [255, 255, 255]);
  const col = rng.pick(PALETTE);
  c.ellipse(30, 30, 22, 22, 0, col, 1, false);
  c.ellipse(30, 30, 10, 10, 0, [255, 255, 255], 1, false);
  for (let k = 0; k < 3; k++) c.rect(62, 14 + k * 13, 100 - k * 20, 7, [40, 40, 60]);
  const bytes = new Uint8Array(await sharp(c.toRaw(), { raw: { width: 180, height: 60, channels: 3 } })
    .png({ palette: true, colours: 8, dither: 0, compressionLevel: 9 }).toBuffer());
  return { bytes, format: 'png', width: 180, height: 60, kind: 'logo', sha256: sha(bytes) };
}
