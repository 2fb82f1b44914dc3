/**
 * The OCR probe, run in its own process with test/no-network.cjs preloaded:
 * a generated page with known text and a drawn figure, converted as born-digital
 * and as an image-only (scanned) copy. Prints what the test checks as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { parseCorpusConfig } from '@mtb/core';
import { pdfToHtml, scannedCopy } from '../src/index.js';
import { BODY, CAPTION, LABELS, TITLE } from './ocr-page.js';

async function page(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const p = doc.addPage([612, 792]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  p.drawText(TITLE, { x: 72, y: 720, size: 20, font: bold });
  BODY.forEach((line, i) => p.drawText(line, { x: 72, y: 680 - 18 * i, size: 12, font }));
  // A plot: two axes, a curve of 40 slanted segments, axis labels beside it, its caption below.
  p.drawLine({ start: { x: 150, y: 350 }, end: { x: 450, y: 350 }, thickness: 1 });
  p.drawLine({ start: { x: 150, y: 350 }, end: { x: 150, y: 560 }, thickness: 1 });
  const pts = Array.from({ length: 41 }, (_, i) => `${i * 7.5},${-(180 * (1 - Math.exp(-i / 10)) + 10 * Math.sin(i))}`);
  p.drawSvgPath(`M ${pts.join(' L ')}`, { x: 150, y: 350, borderWidth: 1.5 });
  p.drawText(LABELS[0]!, { x: 285, y: 335, size: 9, font });
  p.drawText(LABELS[1]!, { x: 112, y: 450, size: 9, font });
  p.drawText(CAPTION, { x: 150, y: 310, size: 11, font });
  return doc.save();
}

const work = mkdtempSync(join(tmpdir(), 'pdf-html-ocr-'));
try {
  const born = await page();
  const scanned = await scannedCopy(born, 'generated.pdf', { dpi: 150 });
  writeFileSync(join(work, 'born.pdf'), born);
  writeFileSync(join(work, 'scanned.pdf'), scanned);
  const config = parseCorpusConfig({ ocrWorkers: 1 });
  const out: Record<string, unknown> = {};
  for (const name of ['born', 'scanned']) {
    const r = await pdfToHtml(join(work, `${name}.pdf`), join(work, name), { bookId: name, config });
    out[name] = { status: r.status, html: r.html, ocr: r.ocr };
  }
  process.stdout.write(JSON.stringify(out));
} finally {
  rmSync(work, { recursive: true, force: true });
}
