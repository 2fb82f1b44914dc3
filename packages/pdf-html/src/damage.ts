import { constants, inflateSync } from 'node:zlib';

/**
 * What a PDF's own bytes say about its completeness, read without pdf.js:
 * pdf.js repairs what it can and then reports only the pages it found (a
 * truncated file may open as a one-page book), so the page count it gives
 * cannot tell a short book from a damaged one.
 */
export interface FileFacts {
  /** The file's size in bytes. */
  size: number;
  /** The page count the file declares: its root page tree's /Count, else the linearization dictionary's /N. */
  declaredPages?: number;
  /** Page objects (/Type /Page) present in the bytes, object streams included. */
  pageObjects: number;
  /** Why the file looks cut short, when it does. */
  truncated?: string;
}

/** Decoded object streams are scanned up to this many bytes in all: a flate bomb must not cost memory here. */
const MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024;
/** Where the end-of-file marker must be: writers may append a little junk after it, never kilobytes. */
const EOF_TAIL = 2048;

const latin1 = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.buffer, b.byteOffset + from, Math.max(0, to - from)).toString('latin1');

/** Start of the dictionary that encloses `pos` ('<<' at depth 0 going backwards), or -1. */
function enclosingDictStart(text: string, pos: number): number {
  let depth = 0;
  for (let i = pos - 1; i > 0; i--) {
    if (text[i] === '>' && text[i - 1] === '>') {
      depth++;
      i--;
    } else if (text[i] === '<' && text[i - 1] === '<') {
      if (depth === 0) return i - 1;
      depth--;
      i--;
    }
  }
  return -1;
}

/** The dictionary starting at `start`, with its nested dictionaries and arrays blanked so only its own keys remain. */
function topLevelDict(text: string, start: number): string | undefined {
  let depth = 0;
  let out = '';
  for (let i = start; i < text.length; i++) {
    const two = text.slice(i, i + 2);
    if (two === '<<') {
      depth++;
      i++;
      if (depth === 1) out += '<<';
      continue;
    }
    if (two === '>>') {
      depth--;
      i++;
      if (depth === 0) return out + '>>';
      continue;
    }
    if (depth === 1) out += text[i];
  }
  return undefined;
}

interface Scan {
  /** /Count of each root page tree (no /Parent), in file order: the last is the newest revision. */
  rootCounts: number[];
  pageObjects: number;
}

/** Page-tree facts in one piece of PDF syntax (the file itself, or a decoded object stream). */
function scanSyntax(text: string, into: Scan): void {
  const typed = /\/Type\s*\/Pages?(?![A-Za-z0-9])/g;
  for (let m = typed.exec(text); m; m = typed.exec(text)) {
    if (!m[0].endsWith('s')) {
      into.pageObjects++;
      continue;
    }
    const start = enclosingDictStart(text, m.index);
    const dict = start >= 0 ? topLevelDict(text, start) : undefined;
    if (!dict || /\/Parent\b/.test(dict)) continue;
    const count = /\/Count\s+(\d+)/.exec(dict);
    if (count) into.rootCounts.push(Number(count[1]));
  }
}

/** Flate-compressed object streams (PDF 1.5+), decoded as far as their bytes go: page trees often live there. */
function objectStreams(bytes: Uint8Array, text: string): string[] {
  const out: string[] = [];
  let budget = MAX_OBJECT_STREAM_BYTES;
  const marker = /\/Type\s*\/ObjStm\b/g;
  for (let m = marker.exec(text); m && budget > 0; m = marker.exec(text)) {
    const start = enclosingDictStart(text, m.index);
    const dict = start >= 0 ? topLevelDict(text, start) : undefined;
    if (!dict || !/\/Filter\s*\/FlateDecode\b/.test(dict) || /\/DecodeParms\b/.test(dict)) continue;
    const kw = text.indexOf('stream', start + dict.length);
    if (kw < 0) continue;
    let from = kw + 'stream'.length;
    if (text[from] === '\r') from++;
    if (text[from] === '\n') from++;
    const end = text.indexOf('endstream', from);
    try {
      const decoded = inflateSync(bytes.subarray(from, end < 0 ? bytes.length : end), {
        // A cut-off stream still yields what it holds.
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: budget,
      });
      budget -= decoded.length;
      out.push(decoded.toString('latin1'));
    } catch {
      // Not flate after all, or damaged beyond its first block: nothing to read.
    }
  }
  return out;
}

/** Reads the declared page count and the signs of truncation from the raw bytes. */
export function inspectPdfBytes(bytes: Uint8Array): FileFacts {
  const size = bytes.byteLength;
  // latin1 maps bytes 1:1, so string offsets are byte offsets. Files past V8's string limit are scanned in their head only.
  const text = latin1(bytes, 0, Math.min(size, (1 << 29) - 64));
  const scan: Scan = { rootCounts: [], pageObjects: 0 };
  scanSyntax(text, scan);
  for (const decoded of objectStreams(bytes, text)) scanSyntax(decoded, scan);

  const facts: FileFacts = { size, pageObjects: scan.pageObjects };
  const lin = /\/Linearized\b/.exec(text.slice(0, 1024));
  const linDict = lin ? topLevelDict(text, enclosingDictStart(text, lin.index)) : undefined;
  const linPages = linDict ? /\/N\s+(\d+)/.exec(linDict) : null;
  const linLength = linDict ? /\/L\s+(\d+)/.exec(linDict) : null;
  const count = scan.rootCounts[scan.rootCounts.length - 1];
  if (count !== undefined) facts.declaredPages = count;
  else if (linPages) facts.declaredPages = Number(linPages[1]);

  const startxref = [...text.slice(Math.max(0, text.length - 64 * 1024)).matchAll(/startxref\s+(\d+)/g)].pop();
  if (linLength && Number(linLength[1]) > size) facts.truncated = `the file is ${size} bytes, its linearization dictionary says ${linLength[1]}`;
  else if (!latin1(bytes, Math.max(0, size - EOF_TAIL), size).includes('%%EOF')) facts.truncated = `it ends without %%EOF after ${size} bytes`;
  else if (startxref && Number(startxref[1]) >= size) facts.truncated = `its cross-reference table is said to start at byte ${startxref[1]}, past its end (${size} bytes)`;
  return facts;
}

export interface Completeness {
  /** Pages or images are missing: the book is `partial`. */
  partial: boolean;
  /** The warning that names what is missing and what to do (also for a cut-short file that lost nothing). */
  message?: string;
  counts: Record<string, number>;
}

export interface ReadOutcome {
  /** Pages pdf.js opened (its page count). */
  opened: number;
  /** Of those, pages that threw and were skipped. */
  failed: number;
  /** Images whose pixels could not be decoded: in a cut-short file, image data past the cut. */
  undecodableImages: number;
}

/**
 * Compares what pdf.js could read with what the file declares. Missing pages
 * (declared but not opened, or opened but failed) make the book partial; so
 * does a cut-short file that lost images. A cut-short file that lost nothing
 * it declares stays ok, with a warning.
 */
export function judgeCompleteness(source: string, facts: FileFacts, read: ReadOutcome): Completeness {
  const good = read.opened - read.failed;
  const counts: Record<string, number> = {};
  const declared = facts.declaredPages;
  if (declared !== undefined && declared !== read.opened) counts['pages.declared'] = declared;
  // Page objects alone can overstate (pages left over from an edit): they count only when the file is cut short and declares nothing.
  const expected = Math.max(read.opened, declared ?? (facts.truncated ? facts.pageObjects : 0));
  const missing = expected - good;
  if (missing > 0) counts['pages.missing'] = missing;
  const lostImages = facts.truncated ? read.undecodableImages : 0;
  if (missing <= 0 && !facts.truncated) return { partial: false, counts };
  const why: string[] = [];
  if (declared !== undefined) why.push(`it declares ${declared} page${declared === 1 ? '' : 's'}`);
  if (facts.pageObjects > read.opened && facts.pageObjects !== declared) why.push(`${facts.pageObjects} page objects are in its bytes`);
  if (facts.truncated) why.push(`it looks cut short: ${facts.truncated}`);
  const lost: string[] = [];
  if (missing > 0) lost.push(`only ${good} of ${expected} pages could be read`);
  if (lostImages > 0) lost.push(`${lostImages} image${lostImages === 1 ? '' : 's'} could not be decoded`);
  const partial = lost.length > 0;
  const what = partial ? lost.join(' and ') : `all ${good} pages were read`;
  return {
    partial,
    counts,
    message: `${source} is damaged: ${what} (${why.join('; ')}): re-download or re-export the book${partial ? '; the pages read are kept' : ''}`,
  };
}

interface RawObject {
  num: number;
  gen: number;
  /** The object's body: from after "n g obj" to its "endobj". */
  body: string;
  at: number;
}

/** Whole uncompressed objects ("n g obj ... endobj") in file order; a cut one (no endobj before the next object) is left out. */
function wholeObjects(text: string): RawObject[] {
  const out: RawObject[] = [];
  const re = /(\d+)\s+(\d+)\s+obj\b/g;
  const heads: Array<{ num: number; gen: number; at: number; from: number }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) heads.push({ num: Number(m[1]), gen: Number(m[2]), at: m.index, from: m.index + m[0].length });
  heads.forEach((h, i) => {
    const limit = i + 1 < heads.length ? heads[i + 1]!.at : text.length;
    const end = text.indexOf('endobj', h.from);
    if (end >= 0 && end < limit) out.push({ num: h.num, gen: h.gen, at: h.at, body: text.slice(h.from, end) });
  });
  return out;
}

const dictOf = (body: string): string | undefined => {
  const start = body.indexOf('<<');
  return start < 0 ? undefined : topLevelDict(body, start);
};

/**
 * A copy of a cut-short file whose page tree is rebuilt from the page objects
 * still whole in its bytes, for pdf.js to read again: it gives up on a whole
 * page tree when one branch is missing (a cut download of tam-review.pdf opens
 * as one page where poppler reads 17). The root page tree object is
 * redefined after the cut, listing every whole page in file order (a later
 * definition of an object wins, as in an incremental update), and a trailer
 * naming the catalog is added, for files cut before theirs. Pages stored in
 * object streams are not seen. Undefined when no whole page object is left.
 */
export function withRebuiltPageTree(bytes: Uint8Array): Uint8Array | undefined {
  const text = latin1(bytes, 0, Math.min(bytes.byteLength, (1 << 29) - 64));
  const objects = wholeObjects(text);
  const latest = new Map<number, RawObject>();
  for (const o of objects) latest.set(o.num, o);
  const pages: RawObject[] = [];
  let root: RawObject | undefined;
  let catalog: RawObject | undefined;
  for (const o of latest.values()) {
    const dict = dictOf(o.body);
    if (!dict) continue;
    if (/\/Type\s*\/Page(?![A-Za-z0-9])/.test(dict)) pages.push(o);
    else if (/\/Type\s*\/Pages\b/.test(dict) && !/\/Parent\b/.test(dict)) root = o;
    else if (/\/Type\s*\/Catalog\b/.test(dict)) catalog = o;
  }
  if (!pages.length) return undefined;
  pages.sort((a, b) => a.at - b.at);
  let next = Math.max(...objects.map((o) => o.num)) + 1;
  const kids = pages.map((p) => `${p.num} ${p.gen} R`).join(' ');
  // Attributes pages inherit from the root stay with it.
  const inherited = root ? [/\/MediaBox\s*\[[^\]]*\]/, /\/Resources\s+\d+\s+\d+\s+R/, /\/Rotate\s+-?\d+/].map((re) => re.exec(root!.body)?.[0] ?? '').filter(Boolean).join(' ') : '';
  const pagesRef = root ? { num: root.num, gen: root.gen } : { num: next++, gen: 0 };
  const added: Array<{ num: number; gen: number; body: string }> = [{ ...pagesRef, body: `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} ${inherited} >>` }];
  let catalogRef = catalog ? { num: catalog.num, gen: catalog.gen } : undefined;
  if (!catalogRef || !root) {
    catalogRef = { num: next++, gen: 0 };
    added.push({ ...catalogRef, body: `<< /Type /Catalog /Pages ${pagesRef.num} ${pagesRef.gen} R >>` });
  }
  // A cross-reference table for every whole object (the new ones last), as a repair tool writes it: a reader
  // that follows the file's own tables finds the new tree; one that rebuilds them sees it defined last.
  const at = new Map<number, { offset: number; gen: number }>();
  for (const o of latest.values()) at.set(o.num, { offset: o.at, gen: o.gen });
  let tail = '\n';
  for (const a of added) {
    at.set(a.num, { offset: bytes.byteLength + tail.length, gen: a.gen });
    tail += `${a.num} ${a.gen} obj\n${a.body}\nendobj\n`;
  }
  const xrefAt = bytes.byteLength + tail.length;
  tail += `xref\n0 ${next}\n`;
  for (let n = 0; n < next; n++) {
    const e = at.get(n);
    tail += e ? `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n` : `0000000000 ${n === 0 ? '65535' : '00000'} f \n`;
  }
  tail += `trailer\n<< /Size ${next} /Root ${catalogRef.num} ${catalogRef.gen} R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const out = new Uint8Array(bytes.byteLength + tail.length);
  out.set(bytes, 0);
  out.set(Buffer.from(tail, 'latin1'), bytes.byteLength);
  return out;
}
