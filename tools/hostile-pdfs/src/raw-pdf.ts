import { deflateSync } from 'node:zlib';

/**
 * A minimal PDF writer over raw object bodies: hostile files need byte-level
 * control (bad offsets, lying dictionaries, garbage streams) that a PDF library
 * would refuse to produce.
 */
export interface RawObject {
  /** The dictionary or value, without "n 0 obj" framing. */
  body: string;
  /** Stream bytes; /Length is added to the dictionary. */
  stream?: Uint8Array;
}

export function pdfStream(dict: string, data: Uint8Array | string, opts: { deflate?: boolean } = {}): RawObject {
  let bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  let d = dict;
  if (opts.deflate) {
    bytes = deflateSync(bytes);
    d = d.replace(/>>\s*$/, ' /Filter /FlateDecode >>');
  }
  return { body: d, stream: bytes };
}

/** Objects are numbered 1..n in order; object 1 must be the catalog. */
export function buildPdf(objects: RawObject[], opts: { trailerExtra?: string; corruptXref?: boolean } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(offset);
    let body = o.body;
    const chunks: Buffer[] = [];
    if (o.stream) {
      body = body.replace(/>>\s*$/, ` /Length ${o.stream.length} >>`);
      chunks.push(Buffer.from(`${i + 1} 0 obj\n${body}\nstream\n`, 'latin1'), Buffer.from(o.stream), Buffer.from('\nendstream\nendobj\n', 'latin1'));
    } else {
      chunks.push(Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1'));
    }
    for (const c of chunks) {
      parts.push(c);
      offset += c.length;
    }
  });
  const xrefAt = offset;
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) {
    const o = opts.corruptXref ? off + 37 : off;
    xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  }
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${opts.trailerExtra ?? ''} >>\nstartxref\n${opts.corruptXref ? xrefAt + 11 : xrefAt}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

/** Catalog + pages tree over the given page object numbers (objects 1 and 2). */
export function catalogAndPages(pageRefs: number[]): RawObject[] {
  return [
    { body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { body: `<< /Type /Pages /Kids [${pageRefs.map((r) => `${r} 0 R`).join(' ')}] /Count ${pageRefs.length} >>` },
  ];
}
