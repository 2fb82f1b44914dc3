import { createHash } from 'node:crypto';
import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { buildPdf, catalogAndPages, pdfStream, type RawObject } from './raw-pdf.js';

/** Deterministic bytes (xorshift32): hostile files are reproducible fixtures, not luck. */
export function seededBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

function textPage(pageObj: number, contentObj: number, fontObj: number, extraResources = ''): RawObject {
  return { body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentObj} 0 R /Resources << /Font << /F1 ${fontObj} 0 R >> ${extraResources} >> >>` };
}

function textContent(lines: string[]): string {
  return `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${l.replace(/[()\\]/g, '')}) '`).join(' ')} ET`;
}

const PROSE = [
  'The myocardium is the muscular layer of the heart wall.',
  'Coronary arteries supply oxygenated blood to the cardiac muscle.',
  'Ischaemia results when perfusion fails to meet metabolic demand.',
];

/** A small valid book: `pages` text pages. */
export function simplePdf(pages = 3): Buffer {
  const objs: RawObject[] = [];
  const pageNums: number[] = [];
  // 1 catalog, 2 pages, 3 font, then (page, content) pairs.
  for (let p = 0; p < pages; p++) pageNums.push(4 + 2 * p);
  objs.push(...catalogAndPages(pageNums), { body: FONT });
  for (let p = 0; p < pages; p++) {
    objs.push(textPage(4 + 2 * p, 5 + 2 * p, 3), pdfStream('<< >>', textContent([`Page ${p + 1}.`, ...PROSE])));
  }
  return buildPdf(objs);
}

/**
 * The first 10% of a valid file: no xref, no trailer, and no page object
 * whole (at 40% the page tree rebuilt from what is left reads two of its six
 * pages, which is bad-cut-short's case: partial).
 */
export function truncatedPdf(): Buffer {
  const full = simplePdf(6);
  return full.subarray(0, Math.floor(full.length * 0.1));
}

/**
 * A download cut off at 60% of a file whose catalog and page tree come first,
 * followed by an early trailer (as in linearized and incrementally saved files):
 * pdf.js opens it and reads the pages that survived; the rest are missing.
 */
export function cutShortPdf(): Buffer {
  const full = simplePdf(8);
  const head = full.indexOf('4 0 obj');
  const withTrailer = Buffer.concat([full.subarray(0, head), Buffer.from('trailer\n<< /Size 20 /Root 1 0 R >>\n', 'latin1'), full.subarray(head)]);
  return withTrailer.subarray(0, Math.floor(withTrailer.length * 0.6));
}

export function randomBytesPdf(): Buffer {
  return Buffer.from(seededBytes(64 * 1024, 99));
}

export function zeroBytePdf(): Buffer {
  return Buffer.alloc(0);
}

const PASSWORD_PAD = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const pad = (pw: string): Buffer => Buffer.concat([Buffer.from(pw, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
const md5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();

/**
 * Standard security handler, revision 2 (RC4 40-bit), with a user password:
 * a reader without the password cannot open it (PDF 1.7 algorithms 3.2-3.4).
 */
export function encryptedPdf(userPassword = 'secret', ownerPassword = 'owner'): Buffer {
  const id = Buffer.from('6d74622d656e637279707465642d3031', 'hex');
  const P = -44;
  const O = rc4(md5(pad(ownerPassword)).subarray(0, 5), pad(userPassword));
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(P);
  const key = md5(Buffer.concat([pad(userPassword), O, pBytes, id])).subarray(0, 5);
  const U = rc4(key, PASSWORD_PAD);
  const objs: RawObject[] = [
    ...catalogAndPages([4]),
    { body: FONT },
    textPage(4, 5, 3),
    pdfStream('<< >>', rc4(md5(Buffer.concat([key, Buffer.from([5, 0, 0, 0, 0])])).subarray(0, 10), Buffer.from(textContent(PROSE), 'latin1'))),
    { body: `<< /Filter /Standard /V 1 /R 2 /O <${O.toString('hex')}> /U <${U.toString('hex')}> /P ${P} >>` },
  ];
  return buildPdf(objs, { trailerExtra: `/Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]` });
}

/** Valid objects but every xref offset wrong: readers must rebuild the table (pdf.js does). */
export function brokenXrefPdf(): Buffer {
  return buildPdf(simplePdfObjects(4), { corruptXref: true });
}

function simplePdfObjects(pages: number): RawObject[] {
  const objs: RawObject[] = [];
  const pageNums = Array.from({ length: pages }, (_, p) => 4 + 2 * p);
  objs.push(...catalogAndPages(pageNums), { body: FONT });
  for (let p = 0; p < pages; p++) objs.push(textPage(4 + 2 * p, 5 + 2 * p, 3), pdfStream('<< >>', textContent([`Page ${p + 1}.`, ...PROSE])));
  return objs;
}

/** Page 2's content stream is random bytes; pages 1 and 3 are fine. */
export function garbageContentPdf(): Buffer {
  const objs = simplePdfObjects(3);
  objs[2 + 1 + 2 + 1] = pdfStream('<< >>', seededBytes(4096, 7));
  return buildPdf(objs);
}

/**
 * A zlib stream that inflates to `length` zero bytes, built without ever holding
 * them: one sync-flushed raw deflate segment of zeros repeated (each segment
 * refers only to its own output), a final empty block, and the Adler-32 of
 * `length` zeros (a = 1, b = length mod 65521).
 */
export function zeroFlate(length: number): Buffer {
  const chunk = 1 << 20;
  const segment = deflateRawSync(Buffer.alloc(chunk), { finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Buffer[] = [Buffer.from([0x78, 0x9c])];
  for (let left = length; left > 0; left -= chunk) {
    parts.push(left >= chunk ? segment : deflateRawSync(Buffer.alloc(left), { finishFlush: constants.Z_SYNC_FLUSH }));
  }
  parts.push(deflateRawSync(Buffer.alloc(0)));
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((length % 65521) << 16) | 1) >>> 0);
  parts.push(adler);
  return Buffer.concat(parts);
}

/**
 * An image that claims `side` x `side` RGB pixels (60,000: 10.8 GB). The default
 * stream is a few KB (a reader must refuse the claim, not the data); with
 * `fullStream` it really inflates to every claimed byte, as a working bomb does.
 * 12,000 (144 M pixels) sits just above the default maxImagePixels: a reader
 * that decodes it holds about half a gigabyte.
 */
export function decompressionBombPdf(side = 60_000, fullStream = false): Buffer {
  const zeros = fullStream ? zeroFlate(side * side * 3) : deflateSync(Buffer.alloc(4 * 1024 * 1024));
  const objs: RawObject[] = [
    ...catalogAndPages([4]),
    { body: FONT },
    { body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >> >>' },
    pdfStream('<< >>', `${textContent(PROSE)} q 400 0 0 400 100 100 cm /Im1 Do Q`),
    { body: `<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>`, stream: zeros },
  ];
  return buildPdf(objs);
}

/** Form XObjects nested `depth` deep, plus one that draws itself (a cycle). */
export function nestedFormsPdf(depth = 2000): Buffer {
  // 1 catalog, 2 pages, 3 font, 4 page, 5 content, 6.. forms (6+depth is the self-drawing one).
  const first = 6;
  const objs: RawObject[] = [
    ...catalogAndPages([4]),
    { body: FONT },
    { body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> /XObject << /Fx 6 0 R /Fc ${first + depth} 0 R >> >> >>` },
    pdfStream('<< >>', `${textContent(PROSE)} /Fx Do /Fc Do`),
  ];
  for (let i = 0; i < depth; i++) {
    const next = i + 1 < depth ? `/XObject << /Fx ${first + i + 1} 0 R >>` : '';
    objs.push(pdfStream(`<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << ${next} >> >>`, i + 1 < depth ? 'q 0.99 0 0 0.99 1 1 cm /Fx Do Q' : '0 0 m 10 10 l S'));
  }
  objs.push(pdfStream(`<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Fc ${first + depth} 0 R >> >> >>`, '/Fc Do'));
  return buildPdf(objs);
}

/**
 * The CVE-2024-4367 pattern: a FontMatrix entry that closes pdf.js' generated
 * glyph code and appends its own. With isEvalSupported: false it must never run;
 * if it did, it would write `markerFile`.
 */
export function fontInjectionPdf(markerFile: string): Buffer {
  const js = `process.getBuiltinModule('fs').writeFileSync('${markerFile.replace(/'/g, '')}', 'pwned')`;
  const escaped = `1\\); ${js.replace(/[()]/g, (c) => `\\${c}`)}; //`;
  const objs: RawObject[] = [
    ...catalogAndPages([4]),
    { body: `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FontMatrix [0.001 0 0 0.001 0 (${escaped})] >>` },
    textPage(4, 5, 3),
    pdfStream('<< >>', textContent(PROSE)),
  ];
  return buildPdf(objs);
}

/** Many small text pages sharing one content stream: volume, not size. */
export function manyPagesPdf(pages = 5000): Buffer {
  // 1 catalog, 2 pages, 3 font, 4 shared content, 5.. pages
  const pageNums = Array.from({ length: pages }, (_, i) => 5 + i);
  const objs: RawObject[] = [...catalogAndPages(pageNums), { body: FONT }, pdfStream('<< >>', textContent(PROSE))];
  for (let i = 0; i < pages; i++) objs.push(textPage(5 + i, 4, 3));
  return buildPdf(objs);
}

export interface HostileCase {
  /** Book id (file stem). */
  id: string;
  bytes: Buffer;
  /** What the pipeline should conclude: a failure class; 'ok' when the file is readable (what pdf.js skips is counted); 'partial' when pages are missing. */
  expect: 'ok' | 'encrypted' | 'corrupt' | 'empty' | 'not-a-pdf' | 'timeout' | 'too-large' | 'partial';
  what: string;
}

/** Every hostile input of the reliability suite. */
export function hostileCases(opts: { markerFile: string; manyPages?: number }): HostileCase[] {
  return [
    { id: 'bad-truncated', bytes: truncatedPdf(), expect: 'corrupt', what: 'truncated file, no page left whole' },
    { id: 'bad-cut-short', bytes: cutShortPdf(), expect: 'partial', what: 'download cut off at 60% (early trailer): pages missing' },
    { id: 'bad-random-bytes', bytes: randomBytesPdf(), expect: 'not-a-pdf', what: 'random bytes named .pdf' },
    { id: 'bad-zero-bytes', bytes: zeroBytePdf(), expect: 'empty', what: 'zero-byte file' },
    { id: 'bad-encrypted', bytes: encryptedPdf(), expect: 'encrypted', what: 'encrypted PDF with a user password' },
    { id: 'bad-broken-xref', bytes: brokenXrefPdf(), expect: 'ok', what: 'broken cross-reference table (repaired)' },
    { id: 'bad-garbage-content', bytes: garbageContentPdf(), expect: 'ok', what: 'one page with a garbage content stream' },
    { id: 'bad-pixel-bomb', bytes: decompressionBombPdf(), expect: 'ok', what: 'image claiming 60,000 x 60,000 pixels' },
    { id: 'bad-pixel-bomb-near', bytes: decompressionBombPdf(12_000, true), expect: 'ok', what: 'image claiming 12,000 x 12,000 pixels (just above maxImagePixels)' },
    { id: 'bad-nested-forms', bytes: nestedFormsPdf(), expect: 'ok', what: 'form XObjects nested 2,000 deep and a self-drawing form' },
    { id: 'bad-font-injection', bytes: fontInjectionPdf(opts.markerFile), expect: 'ok', what: 'CVE-2024-4367 FontMatrix injection' },
    { id: 'bad-many-pages', bytes: manyPagesPdf(opts.manyPages ?? 5000), expect: 'too-large', what: `${opts.manyPages ?? 5000}-page file` },
  ];
}
