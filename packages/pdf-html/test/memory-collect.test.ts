import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const CHILD = resolve(process.cwd(), 'packages/pdf-html/test/memory-collect-child.ts');

describe('collecting pixel memory between pages', () => {
  it('sees a huge decode buffer left behind, and frees it with a full collection', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD]);
    // The collector comes from a fresh context: the process' own global gains no `gc`.
    expect(JSON.parse(stdout)).toEqual({ held: true, collected: true, after: false, globalGc: false });
  });
});
