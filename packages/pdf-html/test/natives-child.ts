import { runInNewContext } from 'node:vm';
import { openPdf, readPage } from '../src/index.js';
import { pdfWithEarlyTrailer } from './pdf-builder.js';

// A fresh realm's own Function.prototype.toString cannot be lied to by core-js: it prints a
// replacement's JavaScript source where a built-in prints "[native code]".
const trueSource = runInNewContext('Function.prototype.toString') as (this: unknown) => string;
const isNative = (f: unknown): boolean => /\{\s*\[native code\]\s*\}$/.test(trueSource.call(f));

// Opening and reading a page starts pdf.js' in-process worker: had it to import its bundle then, that
// bundle's core-js would replace the built-ins again.
const doc = await openPdf(pdfWithEarlyTrailer(1), 'natives.pdf', { maxImageSize: 1e8 });
const page = await readPage(await doc.getPage(1), (s) => s);
await doc.destroy();
process.stdout.write(JSON.stringify({
  text: page.runs.map((r) => r.text).join(''),
  push: isNative(Array.prototype.push),
  stringify: isNative(JSON.stringify),
  parse: isNative(JSON.parse),
  toString: isNative(Function.prototype.toString),
  withResolvers: typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers === 'function',
}));
