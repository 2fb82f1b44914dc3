export * from './cases.js';
export { buildPdf, pdfStream, catalogAndPages, type RawObject } from './raw-pdf.js';
export * from './harness.js';
