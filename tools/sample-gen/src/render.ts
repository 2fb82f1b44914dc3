import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage } from 'pdf-lib';
import type { Rng } from './prng.js';
import type { BookContent } from './model.js';
import { layoutBook, PAGE_H, PAGE_W, type FontKey, type Measure, type Layout } from './layout.js';
import type { BookTruth } from './truth.js';

/** Fixed metadata: pdf-lib would otherwise stamp the current time, breaking byte-identical output. */
const FIXED_DATE = new Date('2026-01-01T00:00:00Z');
const PRODUCER = 'MTB sample-gen (pdf-lib)';

const FONT_NAMES: Record<FontKey, StandardFonts> = {
  'Times-Roman': StandardFonts.TimesRoman,
  'Times-Bold': StandardFonts.TimesRomanBold,
  'Times-Italic': StandardFonts.TimesRomanItalic,
  Helvetica: StandardFonts.Helvetica,
  'Helvetica-Bold': StandardFonts.HelveticaBold,
  'Helvetica-Oblique': StandardFonts.HelveticaOblique,
};

class FontMeasure implements Measure {
  private readonly cache = new Map<string, number>();
  constructor(private readonly fonts: Record<FontKey, PDFFont>) {}
  width(font: FontKey, size: number, text: string): number {
    const key = `${font}\u0000${text}`;
    let w = this.cache.get(key);
    if (w === undefined) {
      w = this.fonts[font].widthOfTextAtSize(text, 1000) / 1000;
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(key, w);
    }
    return w * size;
  }
}

const r2 = (v: number) => Math.round(v * 100) / 100;

export interface RenderedBook {
  pdf: Uint8Array;
  truth: BookTruth;
}

export async function renderBook(book: BookContent, rng: Rng, opts: { hyphenRate?: number } = {}): Promise<RenderedBook> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = {} as Record<FontKey, PDFFont>;
  for (const [k, v] of Object.entries(FONT_NAMES) as [FontKey, StandardFonts][]) fonts[k] = await doc.embedFont(v);
  const layout = layoutBook(book, new FontMeasure(fonts), rng, opts.hyphenRate ?? 0.5);

  const images = new Map<string, PDFImage>();
  for (const lp of layout.pages) {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    for (const op of lp.ops) {
      if (op.t === 'text') {
        page.drawText(op.text, { x: r2(op.x), y: r2(PAGE_H - op.y), size: op.size, font: fonts[op.font], color: rgb(0, 0, 0) });
      } else if (op.t === 'line') {
        page.drawLine({ start: { x: op.x1, y: PAGE_H - op.y1 }, end: { x: op.x2, y: PAGE_H - op.y2 }, thickness: op.width, color: rgb(0.3, 0.3, 0.3) });
      } else {
        // One XObject per distinct image: a repeated logo is drawn, not re-embedded, as in real files.
        let img = images.get(op.asset.sha256);
        if (!img) {
          img = op.asset.format === 'png' ? await doc.embedPng(op.asset.bytes) : await doc.embedJpg(op.asset.bytes);
          images.set(op.asset.sha256, img);
        }
        page.drawImage(img, { x: r2(op.x), y: r2(PAGE_H - op.y - op.h), width: op.w, height: op.h });
      }
    }
  }
  doc.setTitle(book.title);
  doc.setAuthor(book.authors.join(', '));
  doc.setSubject(book.subtitle);
  doc.setProducer(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const pdf = await doc.save({ useObjectStreams: true });
  return { pdf, truth: toTruth(book, layout) };
}

function toTruth(book: BookContent, layout: Layout): BookTruth {
  const blocks = layout.blocks.map((b, seq) => {
    const pages = b.pages.map((p) => p.index);
    return {
      seq,
      page: pages[0] ?? -1,
      pages,
      kind: b.kind,
      ...(b.level ? { level: b.level } : {}),
      matter: b.matter,
      section: b.section,
      text: b.text,
      ...(b.figure ? { figure: b.figure } : {}),
      ...(b.origin ? { origin: b.origin } : {}),
      ...(b.uid ? { uid: b.uid } : {}),
      ...(b.twinUid ? { twin: b.twinUid } : {}),
    };
  });
  for (const b of blocks) {
    if (b.page < 0) throw new Error(`internal: block "${b.text.slice(0, 40)}" was never drawn`);
  }
  return {
    formatVersion: 1,
    bookId: book.id,
    title: book.title,
    specialty: book.specialty.name,
    edition: book.edition,
    derivedFrom: book.derivedFrom,
    seed: book.seed,
    pageCount: layout.pages.length,
    pageSize: { width: PAGE_W, height: PAGE_H },
    pages: layout.pages.map((p) => ({ page: p.index, label: p.printLabel ? p.label : null, matter: p.matter, section: p.section, columns: p.columns })),
    blocks: blocks as BookTruth['blocks'],
    figures: layout.figures.map((f) => ({
      id: f.id, page: f.page.index, caption: f.caption, bbox: f.bbox.map(r2) as [number, number, number, number],
      image: { width: f.asset.width, height: f.asset.height, format: f.asset.format, kind: f.asset.kind, sha256: f.asset.sha256 },
      ...(f.origin ? { origin: f.origin } : {}),
    })),
    decorations: layout.decorations.map((d) => ({
      page: d.page.index, kind: 'logo' as const, bbox: d.bbox.map(r2) as [number, number, number, number],
      image: { width: d.asset.width, height: d.asset.height, format: d.asset.format, sha256: d.asset.sha256 },
    })),
    furniture: layout.pages.flatMap((p) => p.furniture.map((f) => ({ page: p.index, role: f.role, text: f.text }))),
    hyphenated: layout.hyphenated.map((h) => ({ page: h.pageRef.index, word: h.word, broken: h.broken })),
  };
}
