import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * pdf.js' legacy bundle swaps process-wide built-ins for slow core-js versions (JSON.stringify 11x, push
 * 2x on Node 20); src/pdfjs/load.ts puts them back. Checked in a fresh process, as a user's run loads the
 * package: its worker started, a page read, and the built-ins still the engine's own.
 */
const CHILD = resolve(process.cwd(), 'packages/pdf-html/test/natives-child.ts');
const run = promisify(execFile);

it('loading pdf.js leaves JSON, Array.prototype.push and Function.prototype.toString native, and pdf.js still reads', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD]);
  expect(JSON.parse(stdout)).toEqual({ text: 'Page 1 text.', push: true, stringify: true, parse: true, toString: true, withResolvers: true });
});
