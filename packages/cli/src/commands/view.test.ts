import { jest } from '@jest/globals';
import { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerView } from './view.js';

/** `mtb view ...` in this process: its exit code and what it wrote to stderr. */
async function view(args: string[]): Promise<{ code: number | undefined; stderr: string }> {
  const program = new Command().exitOverride();
  registerView(program);
  const err: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'mtb', 'view', ...args]);
  } finally {
    spy.mockRestore();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { code, stderr: err.join('') };
}

describe('mtb view refuses what it cannot serve, in one line with exit 2', () => {
  const corpus = mkdtempSync(join(tmpdir(), 'mtb-view-'));
  mkdirSync(join(corpus, 'pdf'));
  let busy: Server;
  let port: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => busy.close(() => r()));
    rmSync(corpus, { recursive: true, force: true });
  });

  it('a port already in use, suggesting -p 0', async () => {
    const r = await view([corpus, '-p', String(port)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`[view] error: port ${port} on 127.0.0.1 is already in use (another mtb view?): pick another with -p <port>, or -p 0 for a free one\n`);
  });

  it('a port that is no port, and a folder that is no corpus', async () => {
    for (const p of ['70000', 'abc', '-1', '']) expect((await view([corpus, '-p', p])).code).toBe(2);
    const r = await view([join(corpus, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a corpus (no pdf/ folder)');
  });
});
