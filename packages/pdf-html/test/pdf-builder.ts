/**
 * Hand-written PDFs for the failure cases no real corpus file has: objects as
 * source text, a correct xref table, and a trailer with optional extra keys.
 */
export function buildPdf(objects: string[], trailerExtra = '', opts: { earlyTrailerAfter?: number } = {}): Uint8Array {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    // A first trailer near the start, as linearized and incrementally saved files have one: what lets a reader find the catalog of a cut-off download.
    if (i + 1 === opts.earlyTrailerAfter) out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

function textPage(parent: number, contents: number): string {
  return `<< /Type /Page /Parent ${parent} 0 R /MediaBox [0 0 300 300] /Contents ${contents} 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>`;
}

function stream(content: string): string {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}

/** Three pages whose second page-tree entry is a broken subtree (its /Kids is not an array): that page throws, the others read. */
export function pdfWithBrokenPage(): Uint8Array {
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>',
    textPage(2, 6),
    '<< /Type /Pages /Kids 8 0 R /Count 1 >>',
    textPage(2, 7),
    stream('BT /F1 12 Tf 20 250 Td (First page text.) Tj ET'),
    stream('BT /F1 12 Tf 20 250 Td (Third page text.) Tj ET'),
    '<< >>',
  ]);
}

/** `pages` one-line text pages ("Page n text."), catalog and page tree first, with an early trailer: the layout whose cut-off copies pdf.js still opens. */
export function pdfWithEarlyTrailer(pages: number): Uint8Array {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${3 + 2 * i} 0 R`).join(' ')}] /Count ${pages} >>`];
  for (let i = 0; i < pages; i++) objects.push(textPage(2, 4 + 2 * i), stream(`BT /F1 12 Tf 20 250 Td (Page ${i + 1} text.) Tj ET`));
  return buildPdf(objects, '', { earlyTrailerAfter: 2 });
}

/** A PDF locked with a user password (Standard handler, RC4 40-bit; the /U entry cannot match the empty password). */
export function encryptedPdf(): Uint8Array {
  const hex32 = (b: number): string => `<${b.toString(16).padStart(2, '0').repeat(32)}>`;
  return buildPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      textPage(2, 4),
      stream('BT /F1 12 Tf 20 250 Td (secret) Tj ET'),
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O ${hex32(0x41)} /U ${hex32(0x42)} >>`,
    ],
    '/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ',
  );
}
