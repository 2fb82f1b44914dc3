import { createReadStream } from 'node:fs';

/** One line of a JSON-lines file, before parsing. */
export type JsonlLine =
  | { line: number; text: string }
  /** The line was longer than `maxLineBytes`; its bytes were dropped unread. */
  | { line: number; tooLong: true; bytes: number };

export interface JsonlReadOptions {
  /**
   * Longest line kept in memory. A file with a broken or missing newline (one
   * 2 GB "line") would otherwise be buffered whole; a longer line is skipped and
   * reported instead, so memory stays bounded by this figure.
   */
  maxLineBytes?: number;
  /** Read buffer size (tests use a tiny one to cross chunk boundaries). */
  highWaterMark?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Stream a JSON-lines file line by line in constant memory. Line numbers are
 * 1-based and count every physical line, blank ones included, so they match an
 * editor's. Blank lines are not yielded; a UTF-8 byte-order mark and CRLF line
 * ends are accepted.
 */
export async function* readJsonlLines(file: string, opts: JsonlReadOptions = {}): AsyncGenerator<JsonlLine> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stream = createReadStream(file, { highWaterMark: opts.highWaterMark ?? 1 << 16 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowBytes = 0; // > 0 while skipping the rest of an over-long line
  let lineNo = 0;
  let first = true;

  const finish = (): JsonlLine | undefined => {
    lineNo++;
    if (overflowBytes > 0) {
      const bytes = overflowBytes;
      overflowBytes = 0;
      return { line: lineNo, tooLong: true, bytes };
    }
    let buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (first) {
      first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end--;
    const text = buf.toString('utf8', 0, end);
    return text.trim() === '' ? undefined : { line: lineNo, text };
  };

  const take = (piece: Buffer): void => {
    if (piece.length === 0) return;
    if (overflowBytes > 0) {
      overflowBytes += piece.length;
      return;
    }
    if (pendingBytes + piece.length > maxLineBytes) {
      overflowBytes = pendingBytes + piece.length;
      pending = [];
      pendingBytes = 0;
      return;
    }
    // Copy: the stream may reuse its chunk buffers, and a subarray would pin the whole chunk.
    pending.push(Buffer.from(piece));
    pendingBytes += piece.length;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, nl));
      start = nl + 1;
      const out = finish();
      if (out) yield out;
    }
    take(chunk.subarray(start));
  }
  if (pendingBytes > 0 || overflowBytes > 0) {
    const out = finish();
    if (out) yield out;
  }
}

/**
 * Number of lines of a file (newlines, plus a last line without one), read in
 * chunks: a cheap first pass that gives the progress bar a real total.
 */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = NEWLINE;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  return last === NEWLINE ? lines : lines + 1;
}
