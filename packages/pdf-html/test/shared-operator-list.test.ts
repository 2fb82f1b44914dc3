import { openPdf, readPage } from '../src/index.js';
import { renderPage } from '../src/render/page-image.js';
import { shareOperatorList } from '../src/pdfjs/shared-operator-list.js';
import { buildPdf } from './pdf-builder.js';

/** A 300 x 300 pt page: a blue square (a vector figure) at (50, 50)-(150, 150) in PDF space, and a line of text. */
function figurePdf(): Uint8Array {
  const content = '0 0 1 rg 50 50 100 100 re f BT /F1 12 Tf 20 250 Td (A caption line.) Tj ET';
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ]);
}

/** Counts the operator lists pdf.js asks its worker for on this page. */
function countRequests(page: object): () => number {
  const p = page as { _pumpOperatorList: (...args: unknown[]) => unknown };
  const pump = p._pumpOperatorList;
  let n = 0;
  p._pumpOperatorList = function (this: unknown, ...args: unknown[]) {
    n++;
    return pump.apply(this, args);
  };
  return () => n;
}

const region = { x: 40, y: 140, w: 120, h: 120 }; // viewport space (y down): around the square

describe('a figure rendered from the operator list the page was read with', () => {
  it('asks pdf.js for no second list, and draws the same pixels as an ordinary render', async () => {
    const doc = await openPdf(figurePdf(), 'figure.pdf', { maxImageSize: 1e8 });
    const page = await doc.getPage(1);
    await readPage(page, (s) => s);
    const requests = countRequests(page);
    expect(shareOperatorList(page)).toBe(true);
    const shared = await renderPage(page, 2, region);
    expect(requests()).toBe(0);

    const fresh = await openPdf(figurePdf(), 'figure.pdf', { maxImageSize: 1e8 });
    const unread = await fresh.getPage(1);
    const freshRequests = countRequests(unread);
    expect(shareOperatorList(unread)).toBe(false); // never read: nothing to share
    const ordinary = await renderPage(unread, 2, region);
    expect(freshRequests()).toBe(1);

    expect(shared.width).toBe(240);
    expect(Buffer.from(shared.data).equals(Buffer.from(ordinary.data))).toBe(true);
    // The square's middle (100, 100 in PDF space) is blue, the margin around it white.
    const at = (x: number, y: number) => Array.from(shared.data.subarray((y * shared.width + x) * 4, (y * shared.width + x) * 4 + 3));
    expect(at(120, 120)).toEqual([0, 0, 255]);
    expect(at(5, 5)).toEqual([255, 255, 255]);
    await doc.destroy();
    await fresh.destroy();
  });
});
