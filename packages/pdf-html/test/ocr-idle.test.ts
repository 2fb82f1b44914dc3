import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * An OCR worker holds 100-170 MB: one left idle (after an image-only cover, a
 * few garbled pages) is stopped, and a later page starts one again. Run in a
 * fresh process, as the stage runs tesseract.js' worker threads.
 */
const CHILD = resolve(process.cwd(), 'packages/pdf-html/test/ocr-idle-child.ts');
const run = promisify(execFile);

it('stops an OCR worker left idle and starts one again for the next page', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD]);
  // Live workers: after a page, after the idle time, after the next page, after close.
  expect(JSON.parse(stdout)).toEqual([1, 0, 1, 0]);
});
