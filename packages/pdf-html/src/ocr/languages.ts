import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * OCR cannot run as installed: the run stops with this message, because no
 * book is at fault and every later book would fail the same way.
 */
export class OcrSetupError extends Error {
  override name = 'OcrSetupError';
}

/**
 * tesseract.js' LSTM models from the npm registry (`@tesseract.js-data/<lang>`):
 * `4.0.0_best_int` is the integer-quantised "best" model (2.9 MB for English),
 * the one the LSTM-only engine reads. tesseract.js itself would fetch it from
 * a CDN at run time when given a bare language code; here it never may.
 */
const MODEL_FOLDER = '4.0.0_best_int';

const require = createRequire(import.meta.url);

/** One language model as tesseract.js takes it without looking anywhere: its code and its (gzipped) bytes. */
export interface LanguageModel {
  code: string;
  data: Uint8Array;
}

/** Where a language's model file is installed, or an OcrSetupError naming the package to install. */
export function modelFile(lang: string): string {
  if (!/^[a-z]{3}(?:_[a-z]+)?$/.test(lang)) {
    throw new OcrSetupError(`OCR language "${lang}" is not a tesseract language code (eng, deu, fra, chi_sim, ...): fix "language" in books.json or "languages" in corpus.json`);
  }
  let pkg: string;
  try {
    pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
  } catch {
    throw new OcrSetupError(`OCR language data for "${lang}" is not installed: run \`npm install @tesseract.js-data/${lang}\` (nothing is downloaded at run time), or set "ocr": "off" in corpus.json`);
  }
  const file = join(pkg, MODEL_FOLDER, `${lang}.traineddata.gz`);
  if (!existsSync(file)) throw new OcrSetupError(`OCR language data for "${lang}" is incomplete: ${file} is missing; reinstall @tesseract.js-data/${lang}`);
  return file;
}

/**
 * The models' bytes, read here and handed to the OCR workers, so tesseract.js
 * has no path or URL to resolve: a missing file is this clear error, not a
 * crash inside a worker (tesseract.js 7 throws an uncaught error there).
 */
export function loadLanguageModels(langs: string[]): LanguageModel[] {
  if (langs.length === 0) throw new OcrSetupError('no OCR language given: set "languages" in corpus.json or "language" in books.json');
  return langs.map((code) => ({ code, data: new Uint8Array(readFileSync(modelFile(code))) }));
}
