import { mkdtempSync, rmSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import yazl from 'yazl';
import { Command, CommanderError } from 'commander';
import { setQuiet } from '@mtb/core';
import { registerPmcOa } from './pmc-oa.js';
import { EXIT } from '../exit-codes.js';

const PREFIX = 'caption_T060_filtered_top4_sep_v0_subfigures/';
let dir: string;
let stdout: string;
const write = process.stdout.write.bind(process.stdout);

async function zipOf(file: string, entries: Array<[string, Buffer]>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(data, name, { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  writeFileSync(file, Buffer.concat(chunks));
}

async function run(...args: string[]): Promise<number> {
  stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    process.exitCode = undefined;
    // Only this command (the full CLI also loads every other stage's package).
    const program = new Command().name('mtb').exitOverride().configureOutput({ writeErr: () => undefined });
    registerPmcOa(program);
    for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined });
    try {
      await program.parseAsync(['node', 'mtb', ...args]);
    } catch (err) {
      if (err instanceof CommanderError) return EXIT.USAGE;
      throw err;
    }
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
}

beforeAll(async () => {
  setQuiet(true);
  dir = mkdtempSync(join(tmpdir(), 'cli-pmc-oa-'));
  const img = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .composite([{ input: Buffer.from('<svg width="64" height="48"><circle cx="30" cy="20" r="15" fill="#2a7"/></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  mkdirSync(join(dir, 'meta'));
  writeFileSync(
    join(dir, 'meta', 'train.jsonl'),
    [
      { image: 'PMC4299014_sensors-14-22285f2.jpg', caption: 'A typical plastic McPhail trap (Left) with the optoelectronic sensor embedded (Right).', pmcid: 'PMC4299014' },
      { image: 'PMC1_missing.jpg', caption: 'No such image.', pmcid: 'PMC1' },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n',
  );
  await zipOf(join(dir, 'images.zip'), [[`${PREFIX}PMC4299014_sensors-14-22285f2.jpg`, img]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mtb pmc-oa', () => {
  it('converts, prints a summary and writes the report', async () => {
    const out = join(dir, 'out');
    expect(await run('pmc-oa', join(dir, 'meta'), '--images', join(dir, 'images.zip'), '--out', out)).toBe(0);
    expect(stdout).toMatch(/2 rows read, 1 pairs written, 1 skipped/);
    expect(stdout).toMatch(/missing-image 1/);
    const report = JSON.parse(readFileSync(join(out, 'pmc-oa-report.json'), 'utf8'));
    expect(report.splits.train.rows).toBe(1);
  });

  it('exits 2 with a message naming the path when the input is missing', async () => {
    expect(await run('pmc-oa', join(dir, 'nope'), '--images', join(dir, 'images.zip'), '--out', join(dir, 'o2'))).toBe(2);
    expect(await run('pmc-oa', join(dir, 'meta'), '--images', join(dir, 'nope.zip'), '--out', join(dir, 'o2'))).toBe(2);
  });

  it('exits 2 on bad option values and on missing required options', async () => {
    expect(await run('pmc-oa', join(dir, 'meta'), '--images', join(dir, 'images.zip'), '--out', join(dir, 'o3'), '--eval-fraction', '1.5')).toBe(2);
    expect(await run('pmc-oa', join(dir, 'meta'), '--images', join(dir, 'images.zip'), '--out', join(dir, 'o3'), '--concurrency', '0')).toBe(2);
    expect(await run('pmc-oa', join(dir, 'meta'), '--out', join(dir, 'o3'))).toBe(2);
  });
});
