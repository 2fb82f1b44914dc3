import { jest } from '@jest/globals';
import { Command } from 'commander';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtSample } from '../../../viewer/test/sample-corpus.js';
import { registerInspect } from './inspect.js';

async function inspect(args: string[]): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  const program = new Command().exitOverride();
  registerInspect(program);
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'mtb', 'inspect', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('mtb inspect checks every shard against index.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtb-inspect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('marks intact shards verified and exits 0', async () => {
    cpSync(join(builtSample(), 'shards', 'eval'), join(dir, 'ok'), { recursive: true });
    const r = await inspect([join(dir, 'ok')]);
    expect(r.code).toBeUndefined();
    expect(r.stdout).toMatch(/data-00000-of-\d+\.arrow: .* \(verified\)/);
    expect(r.stderr).not.toContain('[inspect]');
  });

  it('warns about a shard with one flipped byte, naming it, still shows it, and exits 1', async () => {
    const bad = join(dir, 'bad');
    cpSync(join(builtSample(), 'shards', 'eval'), bad, { recursive: true });
    const shard = readdirSync(bad).find((f) => f.endsWith('.arrow'))!;
    const bytes = readFileSync(join(bad, shard));
    // A byte inside the image data: the file still parses, only its checksum tells.
    const at = bytes.length - 4096;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(join(bad, shard), bytes);
    const r = await inspect([bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${shard}: `);
    expect(r.stdout).toContain('DAMAGED');
    expect(r.stderr).toContain(`shard ${join(bad, shard)} has sha256`);
    expect(r.stderr).toContain('do not match index.json');
    expect((await inspect([bad, '--no-verify'])).code).toBeUndefined();
  });

  it('refuses a folder without index.json in one line (exit 2)', async () => {
    const r = await inspect([join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the shard index');
  });
});
