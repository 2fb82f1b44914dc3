import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Command } from 'commander';
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
