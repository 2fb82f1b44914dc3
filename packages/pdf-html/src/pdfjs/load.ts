import { NATIVES } from './natives.js';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
// Loaded here so pdf.js finds it as globalThis.pdfjsWorker instead of importing it later, after the
// natives are back, and replacing them again.
import 'pdfjs-dist/legacy/build/pdf.worker.mjs';

/**
 * pdf.js (legacy build, for Node 20) with the process' built-ins as they were
 * before it loaded (see `./natives.ts`). The additions core-js makes (Promise.withResolvers,
 * Map.prototype.getOrInsertComputed, Uint8Array.prototype.toHex, ...) stay: pdf.js needs them. Every
 * module of this package takes pdf.js from here, never from pdfjs-dist directly.
 */
function restore<T extends object>(target: T, key: keyof T & string, native: unknown): void {
  if ((target as Record<string, unknown>)[key] === native) return;
  Object.defineProperty(target, key, { value: native, writable: true, enumerable: false, configurable: true });
}
restore(Array.prototype, 'push', NATIVES.arrayPush);
restore(JSON, 'stringify', NATIVES.jsonStringify);
restore(JSON, 'parse', NATIVES.jsonParse);
restore(Function.prototype, 'toString', NATIVES.functionToString);

export { pdfjs };
export const { getDocument, AnnotationMode, OPS } = pdfjs;
export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
