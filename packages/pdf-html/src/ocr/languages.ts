import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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
 * a CDN at run time when given no langPath; here it never may.
 */
const MODEL_FOLDER = '4.0.0_best_int';

const require = createRequire(import.meta.url);

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

let installed: readonly string[] | undefined;

/**
 * The languages whose models are installed beside English's
 * (`node_modules/@tesseract.js-data/*`), in name order: what a page no
 * language of its book could read may be tried in. Read once per process:
 * packages are not installed while a build runs.
 */
export function installedLanguages(): readonly string[] {
  if (installed) return installed;
  let scope: string;
  try {
    scope = dirname(dirname(require.resolve('@tesseract.js-data/eng/package.json')));
  } catch {
    return (installed = []);
  }
  return (installed = readdirSync(scope)
    .filter((lang) => /^[a-z]{3}(?:_[a-z]+)?$/.test(lang) && hasLanguageData(lang))
    .sort());
}

/** Is this language's model installed (so that OCR in it can start)? */
function hasLanguageData(lang: string): boolean {
  try {
    modelFile(lang);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder tesseract.js reads `<lang>.traineddata.gz` from, for all the
 * languages at once. One language: its package's model folder. Several: a
 * temporary folder of links to each (tesseract.js takes a single langPath; its
 * in-memory form `{code, data}` passes the bytes as the language's name in
 * 7.0.0). Every file is checked first, so a missing one is this clear error,
 * not an uncaught crash inside a worker.
 */
export function languageFolder(langs: string[]): { path: string; dispose: () => void } {
  if (langs.length === 0) throw new OcrSetupError('no OCR language given: set "languages" in corpus.json or "language" in books.json');
  const files = langs.map(modelFile);
  if (files.length === 1) return { path: dirname(files[0]!), dispose: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'mtb-ocr-langs-'));
  langs.forEach((lang, i) => symlinkSync(files[i]!, join(dir, `${lang}.traineddata.gz`)));
  return { path: dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
