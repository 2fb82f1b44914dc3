import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Command } from 'commander';
import sharp from 'sharp';
import { encodeWithSpecials, ENDOFCHUNK, IMAGE } from '@mtb/core';
import { ShardWriter } from '@mtb/shards';
import { registerStream, streamOptions } from './stream.js';

const defaults = { batchSize: '2', steps: '3', seed: '0', rank: '0', worldSize: '1', maxImages: '10', maxTokens: '1024', blockSize: '512', remainder: 'pad', interleave: '4' };

describe('mtb stream options', () => {
  const dir = mkdtempSync(`${tmpdir()}/stream-cli-`);

  it('maps flags to loader options, weights 1 each by default', () => {
    const { options, steps } = streamOptions([dir, dir], { ...defaults, seed: '7' });
    expect(steps).toBe(3);
    expect(options.sources).toEqual([{ dir, weight: 1 }, { dir, weight: 1 }]);
    expect(options).toMatchObject({ batchSize: 2, seed: 7, worldSize: 1, rank: 0, blockSize: 512, remainder: 'pad', interleave: 4, padImagesToMax: false });
    expect(streamOptions([dir], { ...defaults, seed: 'abc' }).options.seed).toBe('abc');
  });

  it.each([
    [{ weights: '1' }, /--weights 1: expected 2 positive numbers/],
    [{ weights: '1,-2' }, /--weights/],
    [{ batchSize: '0' }, /--batch-size 0/],
    [{ rank: '2', worldSize: '2' }, /--rank 2: must be below --world-size 2/],
    [{ remainder: 'keep' }, /--remainder keep/],
  ])('refuses bad usage %p naming the flag', (over, message) => {
    expect(() => streamOptions([dir, dir], { ...defaults, ...over })).toThrow(message);
  });

  it('refuses a folder that does not exist, naming it', () => {
    expect(() => streamOptions(['/no/such/shards'], defaults)).toThrow(/\/no\/such\/shards: no such shard folder/);
  });

  it('documents every option in --help', () => {
    const program = new Command();
    registerStream(program);
    const help = program.commands[0]!.helpInformation();
    for (const flag of ['--batch-size', '--steps', '--seed', '--rank', '--world-size', '--weights', '--workers', '--resume', '--save-state']) expect(help).toContain(flag);
  });
});

describe('mtb stream on a shard folder', () => {
  const root = mkdtempSync(`${tmpdir()}/stream-cli-run-`);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints each batch\'s sample ids, the throughput and the mix', async () => {
    const dir = join(root, 'pmc');
    const writer = new ShardWriter(dir, { maxShardBytes: 4_000 });
    for (let i = 0; i < 6; i++) {
      const bytes = new Uint8Array(await sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 30 * i, g: 90, b: 10 } } }).png().toBuffer());
      const text = `${IMAGE}Chest radiograph ${i}.${ENDOFCHUNK}`;
      const ids = Int32Array.from(encodeWithSpecials(text));
      await writer.write({ id: `PMC${i}_fig1.jpg`, source: 'pmc-oa', book_id: `PMC${i}`, text, images: [{ bytes, path: `PMC${i}/f.png` }], input_ids: ids, num_tokens: ids.length, num_images: 1, pages: [1] });
    }
    await writer.close();
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const program = new Command();
      registerStream(program);
      await program.parseAsync(['stream', dir, '--batch-size', '2', '--steps', '4', '--workers', '0'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/^step 1: pmc-oa:PMC\d_fig1\.jpg pmc-oa:PMC\d_fig1\.jpg$/m);
    expect(text).toMatch(/^step 4: /m);
    // 8 samples of a 6-row epoch: all six ids appear.
    for (let i = 0; i < 6; i++) expect(text).toContain(`PMC${i}_fig1.jpg`);
    expect(text).toMatch(/8 samples, 8 images in [\d.]+ s: [\d.]+ samples\/s, [\d.]+ images\/s .*[\d.]+ samples per CPU-second/);
    expect(text).toMatch(/mix: pmc-oa 100\.0% \(target 100\.0%, 8 samples, epoch 1, 6\/epoch\/rank\)/);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
